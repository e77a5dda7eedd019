"""The interactive Swagger page, served offline from the assets of ``swagger-ui-bundle``."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from aiohttp import web
from swagger_ui_bundle import swagger_ui_path

from .config import Product
from .openapi import plutora_spec, plutora_test_spec

_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
}
_TITLES = {"plutora": "Plutora API", "plutora-test": "Plutora Test API"}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} (simulator)</title>
  <link rel="stylesheet" href="/swagger-ui/swagger-ui.css">
  <link rel="icon" href="/swagger-ui/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/swagger-ui/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      urls: {urls},
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    }});
  </script>
</body>
</html>
"""


@lru_cache(maxsize=8)
def _asset(name: str) -> bytes:
    return (Path(str(swagger_ui_path)) / name).read_bytes()


def _spec_url(product: Product) -> str:
    return f"/{product}/api/swagger/docs/v1"


def _page(title: str, products: tuple[Product, ...]) -> web.Response:
    urls = json.dumps([{"url": _spec_url(p), "name": _TITLES[p]} for p in products])
    return web.Response(text=_PAGE.format(title=title, urls=urls), content_type="text/html")


def spec_for(request: web.Request, product: Product) -> dict[str, object]:
    """The OpenAPI description of ``product`` with this server's own base URL."""
    base = f"{request.scheme}://{request.host}/{product}/api"
    return plutora_spec(base) if product == "plutora" else plutora_test_spec(base)


def api_page(request: web.Request, product: Product, rest: list[str]) -> web.StreamResponse | None:
    """``{api}/swagger`` (also ``/swagger/ui/index``) and ``{api}/swagger/docs/v1``; else None."""
    lowered = [segment.lower() for segment in rest]
    if lowered == ["docs", "v1"]:
        return web.json_response(spec_for(request, product))
    if lowered in ([], ["ui", "index"], ["index.html"]):
        return _page(_TITLES[product], (product,))
    return None


def root(request: web.Request, segments: list[str]) -> web.StreamResponse | None:
    """``/`` and ``/swagger``: both APIs in one page; ``/swagger-ui/*``: the assets."""
    lowered = [segment.lower() for segment in segments]
    if not lowered:
        raise web.HTTPFound("/swagger")
    if lowered in (["swagger"], ["swagger", "ui", "index"]):
        return _page("Plutora simulator", ("plutora", "plutora-test"))
    if (
        lowered[0] == "openapi"
        and len(lowered) == 2
        and lowered[1] in ("plutora.json", "plutora-test.json")
    ):
        product: Product = "plutora" if lowered[1] == "plutora.json" else "plutora-test"
        return web.json_response(spec_for(request, product))
    if lowered[0] == "swagger-ui" and len(segments) == 2 and segments[1] in _ASSETS:
        return web.Response(
            body=_asset(segments[1]),
            content_type=_ASSETS[segments[1]],
            headers={"Cache-Control": "max-age=3600"},
        )
    return None

"""Every example the Swagger page prefills executes successfully on the simulator.

The page (``/swagger``, ``/{api}/api/swagger``) runs Swagger UI 4, which reads OpenAPI 3.0
only: it loads the 3.0 rendition the simulator makes of its 3.1 description (the ``urls`` of
``SwaggerUIBundle`` in the page's HTML). These tests fetch the page, then the description it
names, from the running simulator, as the browser does, and use that copy: what a user sees
and clicks is what is tested.

For each operation of both APIs, the request "Try it out" would send as prefilled is sent:
parameter values and bodies chosen as Swagger UI 4.15 chooses them (below), the token
operation's form with the demo credentials it shows, logged in with the token the page's own
login gets. It must answer one of the operation's documented 2xx statuses. The data is reset
between operations, so a DELETE does not take the record of the next example away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

import pytest
import requests

from PlutoraLibrary import contract
from PlutoraLibrary.simulator import PlutoraSimulator
from PlutoraLibrary.simulator.swagger import for_swagger_ui

_DATE = re.compile(r"^\^\\d\{4\}-")
#: ``SwaggerUIBundle({urls: [...], …})`` in the page's HTML: the descriptions it loads.
_PAGE_URLS = re.compile(r"\burls:\s*(\[.*?\])\s*,", re.S)
_FORMS = ("application/x-www-form-urlencoded", "multipart/")


@dataclass
class Served:
    sim: PlutoraSimulator
    #: What each API's page loads (its OpenAPI 3.0 rendition), by API.
    pages: dict[str, dict[str, Any]]
    #: Where the page found it.
    page_urls: dict[str, str]
    #: The OpenAPI 3.1 description each API serves for tools (``…/swagger/docs/v1``).
    descriptions: dict[str, dict[str, Any]]


def _loaded_by(page_url: str) -> dict[str, str]:
    """The descriptions a Swagger page loads: {name: absolute URL}, read from its HTML."""
    page = requests.get(page_url, timeout=10)
    assert page.status_code == 200, page.text
    found = _PAGE_URLS.search(page.text)
    assert found, f"{page_url}: no SwaggerUIBundle urls in the page"
    return {item["name"]: urljoin(page.url, item["url"]) for item in json.loads(found.group(1))}


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with PlutoraSimulator() as sim:
        base = sim.urls.base
        both = _loaded_by(f"{base}/swagger")
        pages: dict[str, dict[str, Any]] = {}
        page_urls: dict[str, str] = {}
        for api in contract.APIS:
            (url,) = _loaded_by(f"{base}/{api}/api/swagger").values()
            assert url in both.values(), f"/swagger and /{api}/api/swagger load different copies"
            page_urls[api] = url
            pages[api] = requests.get(url, timeout=10).json()
        descriptions: dict[str, dict[str, Any]] = {
            api: requests.get(f"{base}/{api}/api/swagger/docs/v1", timeout=10).json()
            for api in contract.APIS
        }
        yield Served(sim, pages, page_urls, descriptions)


def _resolved(doc: dict[str, Any], node: Any) -> Any:
    """``node`` with a ``$ref`` followed (in OpenAPI 3.0 a ``$ref``'s siblings are ignored)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _parameter_value(doc: dict[str, Any], parameter: dict[str, Any]) -> Any:
    # Swagger UI 4.15 ParameterRow.setDefaultValue (OAS3): the first of examples' (first)
    # value, content's example, example, schema example, schema default, default; a required
    # parameter with an enum and no value gets the enum's first value.
    schema = _resolved(doc, parameter.get("schema") or {})
    examples: dict[str, Any] = parameter.get("examples") or {}
    content: dict[str, Any] = parameter.get("content") or {}
    candidates = [
        next(iter(examples.values()))["value"] if examples else None,
        next(iter(content.values())).get("example") if content else None,
        parameter.get("example"),
        schema.get("example"),
        schema.get("default"),
        parameter.get("default"),
    ]
    value = next((c for c in candidates if c is not None), None)
    if value is None and parameter.get("required") and schema.get("enum"):
        value = schema["enum"][0]
    return value


def _form_value(doc: dict[str, Any], schema: dict[str, Any], name: str) -> Any:
    # Swagger UI 4.15 RequestBody, a form media type: a field starts as the sample of its
    # property when the property has a default or an example (or a one-value enum, or an
    # enum and is required), else empty; empty fields are not sent.
    prop = _resolved(doc, schema["properties"][name])
    if prop.get("readOnly"):
        return None
    for key in ("example", "default"):
        if prop.get(key) is not None:
            return prop[key]
    enum = prop.get("enum") or []
    if len(enum) == 1 or (enum and name in schema.get("required", [])):
        return enum[0]
    return None


def _prefilled(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """The request the page's "Try it out" sends for one operation, as prefilled: url, query,
    body (``json`` or form ``data``)."""
    operation = doc["paths"][path][method]
    servers = operation.get("servers") or doc["paths"][path].get("servers") or doc["servers"]
    url = servers[0]["url"] + path
    query: dict[str, Any] = {}
    for parameter in (_resolved(doc, p) for p in operation.get("parameters", [])):
        value = _parameter_value(doc, parameter)
        if parameter["in"] == "path":
            assert value is not None, f"{method.upper()} {path}: no value for {parameter['name']}"
            url = url.replace("{" + parameter["name"] + "}", quote(str(value), safe=""))
        elif parameter["in"] == "query" and value not in (None, ""):
            query[parameter["name"]] = value
    request: dict[str, Any] = {"url": url, "params": query}
    content = _resolved(doc, operation.get("requestBody") or {}).get("content", {})
    if content:
        # The page's request content type starts as the first the operation lists.
        media_type, media = next(iter(content.items()))
        schema = _resolved(doc, media.get("schema") or {})
        if media_type.startswith(_FORMS) and schema.get("properties"):
            form = {name: _form_value(doc, schema, name) for name in schema["properties"]}
            request["data"] = {k: v for k, v in form.items() if v is not None}
        else:
            examples = media.get("examples") or {}
            body = next(iter(examples.values()))["value"] if examples else media.get("example")
            # Without an example the page would show a sample made from the schema ("string",
            # 0, …), which no real request is: each body must carry an example.
            assert body is not None, f"{method.upper()} {path}: the page would prefill no body"
            request["json"] = body
    return request


def _documented_2xx(doc: dict[str, Any], path: str, method: str) -> set[int]:
    return {int(s) for s in doc["paths"][path][method]["responses"] if s.startswith("2")}


def _login(doc: dict[str, Any]) -> str:
    request = _prefilled(doc, "/oauth/token", "post")
    answer = requests.post(timeout=10, **request)
    assert answer.status_code in _documented_2xx(doc, "/oauth/token", "post"), answer.text
    token: str = answer.json()["access_token"]
    return token


def test_the_page_loads_the_30_rendition_of_the_served_description(served: Served) -> None:
    for api in contract.APIS:
        assert served.page_urls[api] == f"{served.sim.urls.base}/openapi/{api}.swagger-ui.json"
        page = served.pages[api]
        assert page["openapi"] == "3.0.3"
        # The same simulator state on both requests: the page's copy is exactly the rendition
        # of the 3.1 description tools get, examples and server URLs included.
        assert page == for_swagger_ui(served.descriptions[api])


def test_the_served_description_is_the_contract_with_this_simulators_urls(
    served: Served,
) -> None:
    sim = served.sim
    for api in contract.APIS:
        shipped = contract.document(api)
        for doc in (served.descriptions[api], served.pages[api]):
            assert doc["tags"] == shipped["tags"]
            assert doc["paths"].keys() == shipped["paths"].keys()
            assert doc["servers"][0]["url"] == f"{sim.urls.base}/{api}/api"
            token_server = doc["paths"]["/oauth/token"]["post"]["servers"][0]["url"]
            assert token_server + "/oauth/token" == f"{sim.urls.base}/{api}/oauth/token"
            assert doc["components"]["securitySchemes"] == shipped["components"]["securitySchemes"]
        assert served.descriptions[api]["openapi"] == shipped["openapi"]


def test_the_demo_credentials_are_in_the_served_page_only(served: Served) -> None:
    for api in contract.APIS:
        shipped = contract.path_of(api).read_text(encoding="utf-8")
        assert "sim-plutora" not in shipped
        assert "Sim-Password" not in shipped
        form = _prefilled(served.pages[api], "/oauth/token", "post")["data"]
        assert form["client_id"].startswith("sim-")
        assert form["password"] == "Sim-Password-1"
        assert form["grant_type"] == "password"


@pytest.mark.parametrize(
    ("api", "method", "path"),
    [
        (op.api, op.method.lower(), op.path)
        for api in contract.APIS
        for op in contract.operations(api)
        if op.path != "/oauth/token"
    ],
)
def test_every_prefilled_example_succeeds(served: Served, api: str, method: str, path: str) -> None:
    doc = served.pages[api]
    assert method in doc["paths"].get(path, {}), f"the page does not show {method} {path}"
    token = _login(doc)
    served.sim.reset()  # the seed again (tokens stay valid): a DELETE before this one is undone
    request = _prefilled(doc, path, method)
    answer = requests.request(
        method.upper(), headers={"Authorization": f"bearer {token}"}, timeout=10, **request
    )
    expected = _documented_2xx(doc, path, method)
    assert answer.status_code in expected, (
        f"{method.upper()} {path} with the page's example answered {answer.status_code} "
        f"(documented: {sorted(expected)}): {answer.text[:500]}"
    )


def test_the_page_shows_real_dates_not_ones_made_from_a_pattern(served: Served) -> None:
    for api in contract.APIS:
        dates: list[dict[str, Any]] = []

        def walk(node: Any, found: list[dict[str, Any]] = dates) -> None:
            if isinstance(node, dict):
                if _DATE.match(str(node.get("pattern", ""))):
                    found.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(served.pages[api])
        assert dates, "no date pattern found: the check would prove nothing"
        assert all(re.match(r"^\d{4}-\d{2}-\d{2}T", node.get("example", "")) for node in dates)

"""Every example the Swagger page prefills executes successfully on the simulator.

For each operation of both APIs, the request "Try it out" would send as prefilled — path and
query parameters from their examples, the body from its example, the token operation with
the demo credentials it shows — is sent, logged in with the token the page's own login
example gets, and must answer one of the operation's documented 2xx statuses. The data is
reset between operations, so a DELETE does not take the record of the next example away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from PlutoraLibrary import contract
from PlutoraLibrary.simulator import PlutoraSimulator

_METHODS = ("get", "put", "post", "delete", "patch")
_DATE = re.compile(r"^\^\\d\{4\}-")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[PlutoraSimulator, dict[str, dict[str, Any]]]]:
    with PlutoraSimulator() as sim:
        docs = {
            api: requests.get(f"{sim.urls.base}/{api}/api/swagger/docs/v1", timeout=10).json()
            for api in contract.APIS
        }
        yield sim, docs


def _example(media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    examples = media.get("examples") or {}
    first = next(iter(examples.values()), None)
    return first.get("value") if first else None


def _prefilled(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """The request Swagger UI prefills for one operation: url, query, body and media type."""
    operation = doc["paths"][path][method]
    server = operation.get("servers", doc["servers"])[0]["url"]
    url = server + path
    query: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        example = parameter.get("example")
        if parameter["in"] == "path":
            assert example is not None, (
                f"{method.upper()} {path}: no example for {{{parameter['name']}}}"
            )
            url = url.replace("{" + parameter["name"] + "}", quote(str(example), safe=""))
        elif parameter["in"] == "query" and example is not None:
            query[parameter["name"]] = example
    request: dict[str, Any] = {"url": url, "params": query}
    content = operation.get("requestBody", {}).get("content", {})
    if content:
        media_type, media = next(iter(content.items()))
        body = _example(media)
        assert body is not None, f"{method.upper()} {path}: the page would prefill no body"
        request["data" if media_type.endswith("x-www-form-urlencoded") else "json"] = body
    return request


def _documented_2xx(doc: dict[str, Any], path: str, method: str) -> set[int]:
    return {int(s) for s in doc["paths"][path][method]["responses"] if s.startswith("2")}


def _login(doc: dict[str, Any]) -> str:
    request = _prefilled(doc, "/oauth/token", "post")
    answer = requests.post(timeout=10, **request)
    assert answer.status_code in _documented_2xx(doc, "/oauth/token", "post"), answer.text
    token: str = answer.json()["access_token"]
    return token


def test_the_served_description_is_the_contract_with_this_simulators_urls(
    served: tuple[PlutoraSimulator, dict[str, dict[str, Any]]],
) -> None:
    sim, docs = served
    for api, doc in docs.items():
        shipped = contract.document(api)
        assert doc["openapi"] == shipped["openapi"]
        assert doc["tags"] == shipped["tags"]
        assert doc["paths"].keys() == shipped["paths"].keys()
        assert doc["servers"][0]["url"] == f"{sim.urls.base}/{api}/api"
        token_server = doc["paths"]["/oauth/token"]["post"]["servers"][0]["url"]
        assert token_server + "/oauth/token" == f"{sim.urls.base}/{api}/oauth/token"
        assert doc["components"]["securitySchemes"] == shipped["components"]["securitySchemes"]


def test_the_demo_credentials_are_in_the_served_page_only(
    served: tuple[PlutoraSimulator, dict[str, dict[str, Any]]],
) -> None:
    _, docs = served
    for api in contract.APIS:
        shipped = contract.path_of(api).read_text(encoding="utf-8")
        assert "sim-plutora" not in shipped
        assert "Sim-Password" not in shipped
        form = _prefilled(docs[api], "/oauth/token", "post")["data"]
        assert form["client_id"].startswith("sim-")
        assert form["password"] == "Sim-Password-1"


@pytest.mark.parametrize(
    ("api", "method", "path"),
    [
        (op.api, op.method.lower(), op.path)
        for api in contract.APIS
        for op in contract.operations(api)
        if op.path != "/oauth/token"
    ],
)
def test_every_prefilled_example_succeeds(
    served: tuple[PlutoraSimulator, dict[str, dict[str, Any]]], api: str, method: str, path: str
) -> None:
    sim, docs = served
    doc = docs[api]
    token = _login(doc)
    sim.reset()  # the seed again (tokens stay valid): a DELETE before this one is undone
    request = _prefilled(doc, path, method)
    answer = requests.request(
        method.upper(), headers={"Authorization": f"bearer {token}"}, timeout=10, **request
    )
    expected = _documented_2xx(doc, path, method)
    assert answer.status_code in expected, (
        f"{method.upper()} {path} with the page's example answered {answer.status_code} "
        f"(documented: {sorted(expected)}): {answer.text[:500]}"
    )


def test_the_page_shows_real_dates_not_ones_made_from_a_pattern(
    served: tuple[PlutoraSimulator, dict[str, dict[str, Any]]],
) -> None:
    sim, _ = served
    for api in contract.APIS:
        rendition = requests.get(f"{sim.urls.base}/openapi/{api}.swagger-ui.json", timeout=10)
        assert rendition.json()["openapi"] == "3.0.3"
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

        walk(rendition.json())
        assert dates, "no date pattern found: the check would prove nothing"
        assert all(re.match(r"^\d{4}-\d{2}-\d{2}T", node.get("example", "")) for node in dates)

"""The contract is one piece of data, every field of it is evidenced, and the default simulator
sends nothing the contract does not describe.

The crawl below reads every readable resource of both APIs from a default simulator, with
plain ``requests``, and walks each answer along the schema the contract gives its operation and
status: a property the schema does not list is a field the simulator invented.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary import contract
from PlutoraLibrary.core import validation
from PlutoraLibrary.core.validation import Schemas
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Api


@pytest.mark.parametrize("api", contract.APIS)
def test_every_operation_and_field_says_where_it_is_known_from(api: contract.Api) -> None:
    assert contract.evidence_problems(api) == []


def test_what_both_contracts_share_is_written_the_same_in_both() -> None:
    plutora = contract.document("plutora")["components"]["schemas"]
    plutora_test = contract.document("plutora-test")["components"]["schemas"]
    for name in sorted(set(plutora) & set(plutora_test)):
        assert plutora[name] == plutora_test[name], f"{name} differs between the two contracts"


@pytest.mark.parametrize("api", contract.APIS)
def test_every_reference_resolves(api: contract.Api) -> None:
    doc = contract.document(api)

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, Mapping):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(doc):
        assert ref.startswith("#/components/"), ref
        _, _, kind, name = ref.split("/")
        assert name in doc["components"][kind], f"{ref} names nothing"


def test_the_shipped_schema_names_are_the_contracts_components() -> None:
    # A user's Should Match Schema ... release-list-item reads the contract's ReleaseListItem.
    assert contract.component_for("release-list-item") == ("plutora", "ReleaseListItem")
    assert contract.component_for("defect") == ("plutora-test", "Defect")
    with pytest.raises(KeyError, match=r"known schemas: .*release"):
        contract.component_for("releases")


def _clear_contract_caches() -> None:
    contract.document.cache_clear()
    contract.operations.cache_clear()
    contract._names.cache_clear()
    validation._registry.cache_clear()


def test_changing_a_field_in_the_contract_is_one_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Edit one field of a copy of the contract: the client's validation and the contract's
    # readers follow, with nothing else changed.
    edited = json.loads(contract.path_of("plutora").read_text(encoding="utf-8"))
    rtype = edited["components"]["schemas"]["PlutoraReleaseType"]
    rtype["enum"] = [*rtype["enum"], "Big"]
    edited["components"]["schemas"]["ReleaseFields"]["properties"]["codeName"] = {
        "type": "string",
        "x-evidence": ["decided: a field only this test adds"],
    }
    (tmp_path / "plutora.openapi.json").write_text(json.dumps(edited), encoding="utf-8")
    (tmp_path / "plutora-test.openapi.json").write_text(
        contract.path_of("plutora-test").read_text(encoding="utf-8"), encoding="utf-8"
    )
    record = {
        "id": "6678d6bb-0000-4000-8000-000000000001",
        "identifier": "R1",
        "name": "R1",
        "implementationDate": "2026-06-30T00:00:00",
        "displayColor": "#fff",
        "plutoraReleaseType": "Big",
    }
    assert (
        Schemas().mismatches({**record, "plutoraReleaseType": "Independent"}, "release-list-item")
        == []
    )
    assert Schemas().mismatches(record, "release-list-item")  # the shipped contract refuses it
    real = contract.path_of
    monkeypatch.setattr(contract, "path_of", lambda api: tmp_path / real(api).name)
    _clear_contract_caches()
    try:
        assert Schemas().mismatches(record, "release-list-item") == []
        assert Schemas().mismatches({**record, "plutoraReleaseType": 3}, "release-list-item")
        assert "codeName" in contract.writable("plutora", "Release")
        assert contract.evidence_problems("plutora") == []
    finally:
        monkeypatch.undo()
        _clear_contract_caches()


# -- the crawl ----------------------------------------------------------------------------------


def _node(api: contract.Api, node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = contract.schema(api, node["$ref"].rsplit("/", 1)[1])
    return node


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def _accepts(api: contract.Api, node: Mapping[str, Any], value: Any) -> bool:
    node = _node(api, node)
    declared = node.get("type")
    if declared is None:
        branches = node.get("anyOf") or node.get("oneOf")
        if branches:
            return any(_accepts(api, branch, value) for branch in branches)
        return True
    kinds = {declared} if isinstance(declared, str) else set(declared)
    kinds |= {"number"} if "integer" in kinds else set()
    return _kind(value) in kinds


def undeclared(api: contract.Api, node: Mapping[str, Any], value: Any, where: str) -> list[str]:
    """Every property of ``value`` that the contract's schema ``node`` does not list."""
    node = _node(api, node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            fitting = [b for b in node[key] if _accepts(api, b, value)]
            return undeclared(api, fitting[0], value, where) if fitting else []
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in [node, *node["allOf"]]:
            part = _node(api, part)
            for prop, schema in part.get("properties", {}).items():
                merged.setdefault(prop, {}).update(schema)
        node = {"title": node.get("title", where), "type": "object", "properties": merged}
    found: list[str] = []
    if isinstance(value, dict) and "properties" not in node:
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):  # a map, such as modelState: its values are described
            for key, item in value.items():
                found += undeclared(api, extra, item, f"{where}[{key}]")
        elif value:  # an object whose fields the contract does not name at all
            found.append(f"{where} (an object of undescribed fields: {sorted(value)})")
    elif isinstance(value, dict) and "properties" in node:
        label = node.get("title", where)
        for prop, item in value.items():
            schema = node["properties"].get(prop)
            if schema is None:
                found.append(f"{where}.{prop} ({label})")
            else:
                found += undeclared(api, schema, item, f"{where}.{prop}")
    elif isinstance(value, list) and "items" in node:
        for item in value:
            found += undeclared(api, node["items"], item, f"{where}[]")
    return found


def _schema_of(api: contract.Api, method: str, path: str, status: int) -> Mapping[str, Any]:
    for op in contract.operations(api):
        if op.method == method and op.path == path:
            doc = contract.document(api)
            answer = doc["paths"][path][method.lower()]["responses"][str(status)]
            if "$ref" in answer:
                answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
            content = answer.get("content")
            assert content, f"{method} {path} answered {status} with a body the contract omits"
            return dict(next(iter(content.values()))["schema"])
    raise AssertionError(f"{method} {path} is not in the {api} contract")


def _reads(plutora: Api) -> Iterator[tuple[str, str, Any]]:
    """(method, contract path, answer) for every readable resource of the Plutora API."""
    for entity in ("releases", "changes", "environments", "hosts", "organizations", "systems"):
        whole = plutora.get(f"/{entity}")
        yield "GET", f"/{entity}", whole
        yield "GET", f"/{entity}", plutora.get(f"/{entity}?pageNum=0&recordsPerPage=5")
        for record in whole.json()[:5]:
            yield "GET", f"/{entity}/{{id}}", plutora.get(f"/{entity}/{record['id']}")
    for entity in ("releases", "changes"):
        yield "POST", f"/{entity}/filter", plutora.post(f"/{entity}/filter", json={})
    for host in plutora.get("/hosts").json()[:3]:
        for layer in plutora.get(f"/hosts/{host['id']}").json()["layers"][:2]:
            yield "GET", "/layers/{id}", plutora.get(f"/layers/{layer['id']}")
    types = plutora.get("/lookupfields")
    yield "GET", "/lookupfields", types
    for lookup in types.json():
        yield "GET", "/lookupfields/{type}", plutora.get(f"/lookupfields/{lookup['name']}")
    yield "GET", "/me", plutora.get("/me")


def _writes_and_errors(plutora: Api) -> Iterator[tuple[str, str, int, Any]]:
    """(method, contract path, status, answer) for the writes and refusals of the Plutora API."""
    releases = plutora.get("/releases?filter=" + "`plutoraReleaseType` Equals `Independent`")
    source = plutora.get(f"/releases/{releases.json()[0]['id']}").json()
    copy = {**source, "name": "Crawled copy", "identifier": "CRAWL-1"}
    yield "POST", "/releases", 201, plutora.post("/releases", json=copy)
    yield "POST", "/releases", 400, plutora.post("/releases", json={"name": ""})
    yield (
        "POST",
        "/releases",
        415,
        plutora.post("/releases", data="x", headers={"Content-Type": "text/plain"}),
    )
    yield (
        "GET",
        "/releases/{id}",
        404,
        plutora.get("/releases/00000000-0000-4000-8000-000000000000"),
    )
    yield "GET", "/releases", 500, plutora.get("/releases?filter=`nope` Equals `1`")
    yield "GET", "/me", 401, plutora.call("GET", "/me", auth=False)
    change = plutora.get(f"/changes/{plutora.get('/changes').json()[0]['id']}").json()
    yield (
        "PUT",
        "/changes/{id}",
        200,
        plutora.put(f"/changes/{change['id']}", json={**change, "name": "Crawled"}),
    )
    created = {**change, "name": "Crawled new"}
    yield "POST", "/changes", 201, plutora.post("/changes", json=created)


def _test_management_reads(api: Api) -> Iterator[tuple[str, str, Any]]:
    """Every read of the Plutora Test items beyond defects (issue 19), on seeded records."""
    for segment in ("requirement", "testcase", "testplan"):
        found = api.post(f"/{segment}/search", json={"RecordsPerPage": 2})
        yield "POST", f"/{segment}/search", found
        item = found.json()["Data"]["ResultSet"][0]
        yield "GET", f"/{segment}/{{id}}", api.get(f"/{segment}/{item['Id']}")
        yield (
            "GET",
            f"/{segment}/GetByDisplayId/{{displayId}}",
            api.get(f"/{segment}/GetByDisplayId/{item['DisplayId']}"),
        )
    summary = api.post("/testcase/SearchWithExecutionSummary", json={"RecordsPerPage": 5})
    yield "POST", "/testcase/SearchWithExecutionSummary", summary
    yield "POST", "/categorysettings/search", api.post("/categorysettings/search", json={})


def _bulk_updates(api: Api) -> Iterator[tuple[str, str, int, Any]]:
    """A bulk update of each kind, and a refused one."""
    select = [{"Property": "Status", "Operator": "Equals", "Value": "Open"}]
    for path, delta in (
        ("/defects/BulkUpdateSearch", {"Priority": "High"}),
        ("/requirement/BulkUpdateSearch", {"Priority": "High"}),
        ("/testcase/BulkUpdateSearch", {"Priority": "High"}),
    ):
        body = {"SearchFilters": select if path.startswith("/defects") else [], "Delta": delta}
        yield "POST", path, 200, api.post(path, json=body)
    refused = {"SearchFilters": select, "Delta": {"DisplayId": "x"}}
    yield (
        "POST",
        "/defects/BulkUpdateSearch",
        400,
        api.post("/defects/BulkUpdateSearch", json=refused),
    )


def test_writes_and_refusals_send_only_fields_of_the_contract(
    plutora: Api, plutora_test: Api
) -> None:
    problems: list[str] = []
    for method, path, status, answer in _writes_and_errors(plutora):
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        schema = _schema_of("plutora", method, path, status)
        problems += undeclared("plutora", schema, answer.json(), f"{method} {path} {status}")
    token = plutora_test.login()
    schema = _schema_of("plutora-test", "POST", "/oauth/token", 200)
    problems += undeclared("plutora-test", schema, token.json(), "token")
    refused = plutora_test.login(password="wrong-password-1")
    schema = _schema_of("plutora-test", "POST", "/oauth/token", 400)
    problems += undeclared("plutora-test", schema, refused.json(), "token 400")
    defect = plutora_test.post("/defects/search", json={"RecordsPerPage": 1}).json()["Data"][
        "ResultSet"
    ][0]
    for method, path, status, answer in [
        (
            "PATCH",
            "/defects/{id}",
            200,
            plutora_test.patch(f"/defects/{defect['Id']}", json={"Name": "Crawled"}),
        ),
        (
            "PATCH",
            "/defects/{id}",
            400,
            plutora_test.patch(f"/defects/{defect['Id']}", json={"Id": "x"}),
        ),
        (
            "GET",
            "/defects/{id}",
            404,
            plutora_test.get("/defects/00000000-0000-4000-8000-000000000000"),
        ),
        *_bulk_updates(plutora_test),
    ]:
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        schema = _schema_of("plutora-test", method, path, status)
        problems += undeclared("plutora-test", schema, answer.json(), f"{method} {path} {status}")
    assert sorted(set(problems)) == [], json.dumps(sorted(set(problems)), indent=1)


def test_the_default_simulator_sends_only_fields_of_the_contract(
    sim: PlutoraSimulator, plutora: Api, plutora_test: Api
) -> None:
    problems: list[str] = []
    token = plutora.login()
    problems += undeclared(
        "plutora", _schema_of("plutora", "POST", "/oauth/token", 200), token.json(), "token"
    )
    for method, path, answer in _reads(plutora):
        assert answer.status_code == 200, f"{method} {path}: {answer.status_code} {answer.text}"
        schema = _schema_of("plutora", method, path, 200)
        problems += undeclared("plutora", schema, answer.json(), f"{method} {path}")
    search = plutora_test.post("/defects/search", json={"RecordsPerPage": 3})
    defect = search.json()["Data"]["ResultSet"][0]
    for method, path, answer in [
        ("POST", "/defects/search", search),
        ("GET", "/defects/{id}", plutora_test.get(f"/defects/{defect['Id']}")),
        (
            "GET",
            "/defects/GetByDisplayId/{displayId}",
            plutora_test.get(f"/defects/GetByDisplayId/{defect['DisplayId']}"),
        ),
        ("GET", "/me", plutora_test.get("/me")),
        *_test_management_reads(plutora_test),
    ]:
        assert answer.status_code == 200, f"{method} {path}: {answer.status_code}"
        schema = _schema_of("plutora-test", method, path, 200)
        problems += undeclared("plutora-test", schema, answer.json(), f"{method} {path}")
    assert sorted(set(problems)) == [], json.dumps(sorted(set(problems)), indent=1)

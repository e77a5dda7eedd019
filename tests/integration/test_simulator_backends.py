"""The simulator's split: routes from the contract, backends with their own state and reset,
request bodies bound and validated against the contract's request schemas."""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary import contract
from PlutoraLibrary.simulator import SimulatorConfig, plutora_api, plutora_test_api
from PlutoraLibrary.simulator.backends import Invalid, ModelState, NotFound, RulesBroken
from PlutoraLibrary.simulator.backends.defects import DEFECTS
from PlutoraLibrary.simulator.query import SearchFilter, apply_filters
from PlutoraLibrary.simulator.routing import api_router, unrouted
from PlutoraLibrary.simulator.state import SimulatorState
from PlutoraLibrary.simulator.validation import RequestValidator
from tests.conftest import Api

MODULES = {"plutora": plutora_api, "plutora-test": plutora_test_api}


# -- routes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("api", contract.APIS)
def test_every_operation_has_a_handler_and_every_handler_an_operation(api: contract.Api) -> None:
    missing, extra = unrouted(api, MODULES[api].HANDLERS)
    assert missing == [], f"contract operations of {api} no handler answers"
    assert extra == [], f"handlers of {api} no contract operation routes to"


@pytest.mark.parametrize("api", contract.APIS)
def test_every_operation_is_routed_by_its_contract_path(api: contract.Api) -> None:
    module = MODULES[api]
    for operation in contract.operations(api):
        server = "token" if operation.path == "/oauth/token" else "api"
        router = api_router(api, server, module.HANDLERS, module.BODIES)
        segments = [
            "3f2a7c1e-0000-4000-8000-000000000000" if part.startswith("{") else part.upper()
            for part in operation.path.split("/")
            if part
        ]
        match = router.match(operation.method, segments)
        assert not isinstance(match, list), f"{operation.method} {operation.path}"
        route, _params = match
        assert route.operation == operation
        assert route.handler is module.HANDLERS[operation.operation_id]


@pytest.mark.parametrize("api", contract.APIS)
def test_every_operation_with_a_body_says_how_it_is_read(api: contract.Api) -> None:
    for operation in contract.operations(api):
        if operation.request_schema and operation.path != "/oauth/token":
            assert operation.operation_id in MODULES[api].BODIES, operation.operation_id


def test_a_path_of_the_contract_with_another_method_is_a_405(plutora: Api) -> None:
    answer = plutora.call("PATCH", "/releases")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "POST"}


# -- backends ---------------------------------------------------------------------------------


@pytest.fixture
def state() -> SimulatorState:
    return SimulatorState(SimulatorConfig(defect_count=50))


def _release_body(state: SimulatorState, **changes: Any) -> dict[str, Any]:
    source = next(
        r
        for r in state.releases.records
        if r["plutoraReleaseType"] == "Independent" and r["releaseStatusType"] == "Draft"
    )
    return {**source, "identifier": "NEW-1", "name": "New", **changes}


def test_the_releases_backend_keeps_its_rules_without_http(state: SimulatorState) -> None:
    created = state.releases.create(_release_body(state), ModelState("release"))
    assert state.releases.get(created["id"].upper()) is created
    with pytest.raises(RulesBroken) as broken:
        state.releases.create(_release_body(state, identifier="new-1"), ModelState("release"))
    assert broken.value.messages == ["Identifier 'new-1' is already in use."]
    state.releases.delete(created["id"])
    with pytest.raises(NotFound):
        state.releases.get(created["id"])


def test_the_binder_and_the_backend_report_problems_together(state: SimulatorState) -> None:
    model = ModelState("release", {"release.name": ["The name field is required."]})
    body = _release_body(state, organizationId="00000000-0000-4000-8000-000000000000")
    with pytest.raises(Invalid) as invalid:
        state.releases.create(body, model)
    assert set(invalid.value.problems) == {"release.name", "release.organizationId"}


def test_each_backend_resets_to_the_seed(state: SimulatorState) -> None:
    created = state.releases.create(_release_body(state), ModelState("release"))
    defect = next(iter(state.defects.by_id.values()))
    state.defects.patch(defect["Id"], {"Name": "Renamed"}, ModelState())
    state.update_settings({"rateLimitPerSecond": 6})
    state.advance_clock(60)
    state.reset()
    with pytest.raises(NotFound):
        state.releases.get(created["id"])
    assert state.defects.get(defect["Id"])["Name"] != "Renamed"
    assert state.settings.rate_limit_per_second == 0
    assert state.clock_offset == 0
    assert state.record_counts()["defects"] == 50


def test_the_change_numbers_are_never_reused(state: SimulatorState) -> None:
    ids = {
        kind: state.catalogue.lookups[kind][0]["id"]
        for kind in ("ChangeStatus", "ChangePriority", "ChangeType")
    }
    body = {"name": "x", "changeStatusId": ids["ChangeStatus"], "changePriorityId": ids["ChangePriority"], "changeTypeId": ids["ChangeType"]}  # fmt: skip
    first = state.changes.create(body, ModelState("change"), "qa.lead@example.com")
    state.changes.delete(first["id"])
    second = state.changes.create(body, ModelState("change"), "qa.lead@example.com")
    assert (first["changeId"], second["changeId"]) == (301, 302)


# -- request validation ------------------------------------------------------------------------


def test_a_body_is_bound_as_aspnet_binds_it() -> None:
    validator = RequestValidator("plutora", "ReleaseInput", "release")
    body, problems = validator.bind(
        {"IDENTIFIER": 7, "plutoraReleaseType": "independent", "releaseTypeId": ""}, form=False
    )
    assert body["identifier"] == "7"
    assert body["plutoraReleaseType"] == "Independent"
    assert body["releaseTypeId"] is None
    assert problems["release.name"] == ["The name field is required."]


def test_a_form_body_is_converted_to_the_schemas_types() -> None:
    validator = RequestValidator("plutora", "SearchBody")
    body, problems = validator.bind({"recordsPerPage": "5", "pageNum": "0"}, form=True)
    assert body == {"recordsPerPage": 5, "pageNum": 0}
    assert problems == {}
    _body, problems = validator.bind({"recordsPerPage": "five"}, form=True)
    assert problems == {"recordsPerPage": ["recordsPerPage must be a whole number, not 'five'."]}


def test_a_form_post_is_validated_like_json(plutora: Api) -> None:
    answer = plutora.post("/changes", data={"name": "x", "businessValueScore": "500"})
    assert answer.status_code == 400
    assert set(answer.json()["modelState"]) == {
        "change.changeStatusId",
        "change.changePriorityId",
        "change.changeTypeId",
        "change.businessValueScore",
    }


def test_a_body_is_validated_only_where_there_is_one(plutora: Api) -> None:
    # GET and DELETE bodies are not read (some scripts send their login form on a GET).
    assert plutora.get("/me", data="grant_type=password", headers=FORM).status_code == 200


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_every_writable_field_of_a_release_is_kept_as_sent(plutora: Api) -> None:
    # The writable set is the contract's (fields not readOnly): each one a POST sets is what
    # the release then carries; the read-only ones are derived (display names, dates, id).
    item = plutora.get(
        "/releases?filter=`plutoraReleaseType` = `Independent` AND `status` = `Draft`"
    )
    source = plutora.get(f"/releases/{item.json()[0]['id']}").json()
    body = {name: source[name] for name in contract.writable("plutora", "Release")}
    body |= {"identifier": "RT-1", "name": "Round trip", "summary": "s", "location": "L"}
    created = plutora.post("/releases", json=body)
    assert created.status_code == 201, created.text
    kept = plutora.get(f"/releases/{created.json()['id']}").json()
    assert {name: kept[name] for name in body} == body
    derived = set(contract.properties("plutora", "Release")) - set(body)
    assert kept["releaseStatusType"] == source["releaseStatusType"]
    assert derived == {
        "id", "releaseType", "releaseStatusType", "releaseRiskLevel", "organization", "manager",
        "parentRelease", "lastModifiedDate",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("2026-01-01", "2026-01-01T00:00:00"),
        ("2026-01-01T10:30", "2026-01-01T10:30:00"),
        ("2026-01-01T10:30:05", "2026-01-01T10:30:05"),
        ("2026-01-01T10:30:05Z", "2026-01-01T10:30:05Z"),
        ("2026-01-01T10:30:05.1234567+02:00", "2026-01-01T10:30:05.1234567+02:00"),
    ],
)
def test_a_date_binds_as_json_net_binds_a_datetime(sent: str, kept: str) -> None:
    # A date alone is midnight, as Json.NET binds a DateTime; what is kept is the full form.
    validator = RequestValidator("plutora", "ReleaseInput", "release")
    body, problems = validator.bind({"implementationDate": sent}, form=False)
    assert body["implementationDate"] == kept
    assert "release.implementationDate" not in problems


@pytest.mark.parametrize("sent", ["01/02/2026", "2026-02-30", "2026-01-01T25:00", "soon"])
def test_a_date_json_net_cannot_bind_is_refused_naming_the_forms(sent: str) -> None:
    validator = RequestValidator("plutora", "ReleaseInput", "release")
    _body, problems = validator.bind({"implementationDate": sent}, form=False)
    (message,) = problems["release.implementationDate"]
    assert message.startswith(f"The value '{sent}' is not a valid date for implementationDate")
    assert "a date (2026-01-01, read as 2026-01-01T00:00:00)" in message


def test_a_release_posted_with_a_date_alone_is_answered_at_midnight(plutora: Api) -> None:
    item = plutora.get(
        "/releases?filter=`plutoraReleaseType` = `Independent` AND `status` = `Draft`"
    )
    source = plutora.get(f"/releases/{item.json()[0]['id']}").json()
    body = {**source, "identifier": "DATE-1", "name": "Dated", "implementationDate": "2026-01-01"}
    created = plutora.post("/releases", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["implementationDate"] == "2026-01-01T00:00:00"
    form = {
        key: value
        for key, value in {**body, "identifier": "DATE-2"}.items()
        if isinstance(value, str)
    }
    assert plutora.post("/releases", data=form).json()["implementationDate"] == (
        "2026-01-01T00:00:00"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": True}, "name must be a string, not true."),
        ({"name": None}, "name must be a string, not null."),
        ({"name": {"a": 1}}, 'name must be a string, not {"a": 1}.'),
        ({"name": [1.5, False]}, "name must be a string, not [1.5, false]."),
    ],
)
def test_a_value_is_spelled_as_json_in_a_message(body: dict[str, Any], message: str) -> None:
    validator = RequestValidator("plutora", "ChangeInput", "change")
    _body, problems = validator.bind(body, form=False)
    assert problems["change.name"] == [message]


def test_a_forms_whole_number_binds_as_a_whole_number(plutora: Api) -> None:
    # "42" for a number property is 42, as the form binder reads it: not 42.0.
    validator = RequestValidator("plutora", "ChangeInput", "change")
    body, _problems = validator.bind({"businessValueScore": "42"}, form=True)
    assert body["businessValueScore"] == 42
    assert isinstance(body["businessValueScore"], int)
    _body, problems = validator.bind({"businessValueScore": "101"}, form=True)
    assert problems["change.businessValueScore"] == [
        "businessValueScore must be between 0 and 100, not 101."
    ]
    ids = {
        name: next(iter(plutora.get(f"/lookupfields/{kind}").json()))["id"]
        for name, kind in (
            ("changeStatusId", "ChangeStatus"),
            ("changePriorityId", "ChangePriority"),
            ("changeTypeId", "ChangeType"),
        )
    }
    created = plutora.post("/changes", data={"name": "Form", "businessValueScore": "42", **ids})
    assert created.status_code == 201, created.text
    assert '"businessValueScore":42,' in created.text


# -- writable fields, generated from the contract ------------------------------------------------


def _resolved(api: contract.Api, node: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with its $ref followed and its nullable branch dropped."""
    while True:
        ref = str(node.get("$ref", ""))
        if ref:
            node = {**contract.schema(api, ref.rsplit("/", 1)[1]), **node, "$ref": ""}
            node.pop("$ref")
            continue
        branches = [b for b in node.get("anyOf", ()) if b.get("type") != "null"]
        if len(branches) == 1 and "anyOf" in node:
            node = {**{k: v for k, v in node.items() if k != "anyOf"}, **branches[0]}
            continue
        return node


def _plain_value(api: contract.Api, node: dict[str, Any], name: str, turn: int) -> Any:
    """A value the contract allows for a plain field (None: not plain, e.g. an id or a list)."""
    node = _resolved(api, node)
    kinds = node.get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if k != "null"]
    if "enum" in node:
        members = [m for m in node["enum"] if m is not None]
        return members[-1 - turn % len(members)]
    if "pattern" in node and "[0-9A-Fa-f]{8}" in node["pattern"]:
        return None  # a reference: resolved to a display name, not kept as sent
    if node.get("x-binds-as") == "DateTime":
        return f"2026-03-0{4 + turn}T05:06:07"
    if kinds[0] in ("integer", "number"):
        return int(node.get("minimum", 0)) + 7 + turn
    if kinds[0] == "boolean":
        return turn % 2 == 0
    if kinds[0] == "string":
        return f"rt{turn} {name}"[: node.get("maxLength", 255)]
    return None


def _plain_fields(api: contract.Api, schema_name: str) -> list[str]:
    fields = contract.document(api)["components"]["schemas"][schema_name]["properties"]
    return [
        name
        for name in contract.writable(api, schema_name)
        if _plain_value(api, fields[name], name, 0) is not None
    ]


_WRITABLE_PLAIN = [
    *(("releases", "ReleaseFields", name) for name in _plain_fields("plutora", "ReleaseFields")),
    *(("changes", "ChangeFields", name) for name in _plain_fields("plutora", "ChangeFields")),
]


def _minimal_body(plutora: Api, entity: str) -> dict[str, Any]:
    def first(kind: str, value: str | None = None) -> str:
        items = plutora.get(f"/lookupfields/{kind}").json()
        return next(i["id"] for i in items if value is None or i["value"] == value)

    if entity == "releases":
        return {
            "identifier": "RT-BASE",
            "name": "Round trip",
            "implementationDate": "2026-05-01T00:00:00",
            "releaseStatusTypeId": first("ReleaseStatusType", "Draft"),
            "plutoraReleaseType": "Independent",
        }
    return {
        "name": "Round trip",
        "changeStatusId": first("ChangeStatus"),
        "changePriorityId": first("ChangePriority"),
        "changeTypeId": first("ChangeType"),
    }


@pytest.mark.parametrize(("entity", "schema_name", "name"), _WRITABLE_PLAIN)
def test_a_writable_plain_field_round_trips(
    plutora: Api, entity: str, schema_name: str, name: str
) -> None:
    # Generated from the contract: every writable field that is no reference and no list is
    # kept as a POST and a PUT send it, so a field added to the contract needs no code.
    node = contract.document("plutora")["components"]["schemas"][schema_name]["properties"][name]
    sent = _plain_value("plutora", node, name, 0)
    created = plutora.post(f"/{entity}", json={**_minimal_body(plutora, entity), name: sent})
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    assert plutora.get(f"/{entity}/{record_id}").json()[name] == sent
    again = _plain_value("plutora", node, name, 1)
    body = {**_minimal_body(plutora, entity), name: again}
    assert plutora.put(f"/{entity}/{record_id}", json=body).status_code in (200, 204)
    assert plutora.get(f"/{entity}/{record_id}").json()[name] == again


def test_the_round_trip_covers_the_plain_fields() -> None:
    assert {name for entity, _s, name in _WRITABLE_PLAIN if entity == "releases"} == {
        "identifier", "name", "summary", "location", "implementationDate", "displayColor",
        "plutoraReleaseType", "releaseProjectType",
    }  # fmt: skip
    assert {name for entity, _s, name in _WRITABLE_PLAIN if entity == "changes"} >= {
        "name", "businessValueScore", "expectedDeliveryDate", "description",
    }  # fmt: skip


def test_input_aliases_are_the_contracts() -> None:
    # "Project" is read as "Integrated" because the contract says so (x-input-aliases), in
    # any case; no list of release types is kept in the simulator.
    aliases = contract.schema("plutora", "ReleaseFields")["properties"]["plutoraReleaseType"][
        "x-input-aliases"
    ]
    assert aliases == {"Project": "Integrated"}
    validator = RequestValidator("plutora", "ReleaseInput", "release")
    for sent in ("Project", "PROJECT", "integrated"):
        body, problems = validator.bind({"plutoraReleaseType": sent}, form=False)
        assert body["plutoraReleaseType"] == "Integrated"
        assert "release.plutoraReleaseType" not in problems
    _body, problems = validator.bind({"plutoraReleaseType": "Program"}, form=False)
    assert problems["release.plutoraReleaseType"] == [
        "The value 'Program' is not valid for plutoraReleaseType; "
        "use one of Enterprise, Integrated, Independent."
    ]


def test_a_defect_delta_names_exactly_the_writable_properties_of_a_defect() -> None:
    assert contract.properties("plutora-test", "DefectDelta") == contract.writable(
        "plutora-test", "Defect"
    )


def test_a_write_between_pages_is_seen_by_the_next_page(state: SimulatorState) -> None:
    """As docs/simulator.md says ("Writes during paging"): each page comes from the data as
    it is then; closing a defect already read moves the later ones back by one place."""
    open_ones = [SearchFilter("Status", "Equals", "Open", None)]
    before = apply_filters(DEFECTS, state.defects.by_id.values(), open_ones)
    first, total = state.defects.search(open_ones, page=0, size=3)
    assert (first, total) == (before[:3], len(before))
    state.defects.patch(first[0]["Id"], {"Status": "Closed"}, ModelState())
    second, total = state.defects.search(open_ones, page=1, size=3)
    assert total == len(before) - 1
    assert second == before[4:7]  # before[3] moved to page 0: skipped by this paging


def test_a_replaced_or_new_release_is_found_by_the_next_search(state: SimulatorState) -> None:
    drafts = [SearchFilter("releaseStatusType", "Equals", "Draft", None)]
    records = state.releases.records
    count = len(records.search(drafts))
    created = state.releases.create(_release_body(state), ModelState("release"))
    assert len(records.search(drafts)) == count + 1
    assert records.search(drafts).slice(count, count + 1) == [created]
    active = next(
        item["id"]
        for item in state.catalogue.lookups["ReleaseStatusType"]
        if item["value"] == "Active"
    )
    body = {**created, "releaseStatusTypeId": active}
    state.releases.update(created["id"], body, ModelState("release"))
    assert created not in records.search(drafts).slice(0, count + 1)
    assert len(records.search(drafts)) == count

"""The Plutora (release management) API: contract sections 2 to 5."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from .protocol import Call, Handler, Reply, business_rule, invalid, not_found, server_error
from .query import (
    SEARCH_OPERATORS,
    Entity,
    QueryError,
    UnknownField,
    apply_filters,
    entity,
    field_of,
    page_size,
    parse_expression,
    parse_search_filters,
    whole_number,
)
from .seed import END_STATE_STATUSES, LOOKUP_VALUES, iso_precise
from .state import SimulatorState

Record = dict[str, Any]

DEFAULT_RECORDS_PER_PAGE = 100
MAX_RECORDS_PER_PAGE = 100
DEFAULT_LIMIT = 10_000

RELEASE_LIST_FIELDS = (
    "id",
    "identifier",
    "name",
    "implementationDate",
    "displayColor",
    "plutoraReleaseType",
    "releaseStatusType",
    "releaseType",
    "parentReleaseId",
    "lastModifiedDate",
)
_RELEASE_FIELDS = [
    "id",
    "identifier",
    "name",
    "summary",
    "releaseTypeId",
    "releaseType",
    "location",
    "releaseStatusTypeId",
    "releaseStatusType",
    "releaseRiskLevelId",
    "releaseRiskLevel",
    "implementationDate",
    "displayColor",
    "organizationId",
    "organization",
    "managerId",
    "manager",
    "parentReleaseId",
    "parentRelease",
    "plutoraReleaseType",
    "releaseProjectType",
    "lastModifiedDate",
    "additionalInformation",
]
_CHANGE_LOOKUPS = {
    "changePriority": "ChangePriority",
    "changeStatus": "ChangeStatus",
    "changeType": "ChangeType",
    "changeDeliveryRisk": "ChangeDeliveryRisk",
    "changeTheme": "ChangeTheme",
}
_CHANGE_FIELDS = [
    "id",
    "changeId",
    "name",
    "changePriorityId",
    "changePriority",
    "changeStatusId",
    "changeStatus",
    "businessValueScore",
    "raisedById",
    "raisedBy",
    "raisedDate",
    "organizationId",
    "organization",
    "changeTypeId",
    "changeType",
    "changeDeliveryRiskId",
    "changeDeliveryRisk",
    "expectedDeliveryDate",
    "changeThemeId",
    "changeTheme",
    "description",
    "descriptionSimple",
    "lastModifiedDate",
    "lastModifiedBy",
    "additionalInformation",
    "stakeholders",
    "systems",
    "deliveryReleases",
]

RELEASES = entity(
    "Release",
    _RELEASE_FIELDS,
    {"status": "releaseStatusType", "type": "releaseType", "riskLevel": "releaseRiskLevel"},
)
CHANGES = entity(
    "Change",
    _CHANGE_FIELDS,
    {
        "status": "changeStatus",
        "priority": "changePriority",
        "type": "changeType",
        "theme": "changeTheme",
        "deliveryRisk": "changeDeliveryRisk",
        **{name + "Name": name for name in _CHANGE_LOOKUPS},
    },
)
ENVIRONMENTS = entity(
    "Environment",
    [
        "id",
        "name",
        "description",
        "url",
        "vendor",
        "linkedSystemId",
        "linkedSystem",
        "usageWorkItem",
        "environmentStatus",
        "color",
        "isSharedEnvironment",
        "hosts",
    ],
)
HOSTS = entity("Host", ["id", "name", "environmentID", "layers"])
ORGANIZATIONS = entity("Organization", ["id", "name", "type"])
SYSTEMS = entity(
    "System", ["id", "name", "vendor", "status", "organizationId", "organization", "description"]
)
RELEASE_TYPES = {"enterprise": "Enterprise", "integrated": "Integrated", "project": "Integrated"}
RELEASE_TYPES["independent"] = "Independent"
PROJECT_TYPES = {"isproject": "IsProject", "notisproject": "NotIsProject", "none": "None"}
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


# -- shared list machinery -----------------------------------------------------------------


def _query_error(error: QueryError) -> Exception:
    return invalid({error.field: [error.message]})


def list_answer(call: Call, kind: Entity, records: Iterable[Record], render: Any = None) -> Reply:
    """A GET list: ``filter=`` applied; a plain array, or the paged shape with ``pageNum``."""
    try:
        expression = call.query.get("filter")
        selected = list(records)
        if expression is not None:
            test = parse_expression(kind, expression)
            selected = [record for record in selected if test(record)]
        if "pagenum" not in call.query:
            return Reply(200, [render(r) if render else r for r in selected])
        page = whole_number(call.query["pagenum"], 0, "pageNum", 0, 10**9)
        size = page_size(
            call.query.get("recordsperpage"),
            DEFAULT_RECORDS_PER_PAGE,
            "recordsPerPage",
            MAX_RECORDS_PER_PAGE,
        )
    except QueryError as error:
        raise _query_error(error) from None
    except UnknownField as error:
        raise server_error(error.message) from None
    return Reply(200, paged(selected, page, size, render))


def paged(records: list[Record], page: int, size: int, render: Any = None) -> Record:
    """The paged list shape of contract section 4."""
    chunk = records[page * size : (page + 1) * size]
    return {
        "resultSet": [render(r) if render else r for r in chunk],
        "returnCount": len(chunk),
        "totalCount": len(records),
        "pageNum": page,
        "recordsPerPage": size,
    }


def search_answer(call: Call, kind: Entity, records: Iterable[Record], render: Any = None) -> Reply:
    """``POST /{releases|changes}/filter`` with either spelling of the body."""
    body = call.body
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise invalid({"searchFilters": ["The body must be a JSON object with searchFilters."]})
    try:
        filters = parse_search_filters(field_of(body, "searchFilters"), SEARCH_OPERATORS)
        page = whole_number(field_of(body, "pageNum", "page"), 0, "pageNum", 0, 10**9)
        size = page_size(
            field_of(body, "recordsPerPage", "pageSize"),
            DEFAULT_RECORDS_PER_PAGE,
            "recordsPerPage",
            MAX_RECORDS_PER_PAGE,
        )
        limit = whole_number(field_of(body, "limit"), DEFAULT_LIMIT, "limit", 1, DEFAULT_LIMIT)
        matched = apply_filters(kind, records, filters)
    except QueryError as error:
        raise _query_error(error) from None
    except UnknownField as error:
        raise server_error(error.message) from None
    return Reply(200, paged(matched[:limit], page, size, render))


def find(collection: dict[str, Record], record_id: str, what: str) -> Record:
    """A record by id (any case), or the contract's 404."""
    record = collection.get(record_id.lower())
    if record is None:
        raise not_found(f"{what} '{record_id}' was not found.")
    return record


# -- current user ---------------------------------------------------------------------------


def me(call: Call) -> Reply:
    """``GET /me``: the caller's e-mail as a bare JSON string."""
    assert call.grant is not None
    return Reply(200, call.grant.username)


# -- releases ---------------------------------------------------------------------------------


def release_summary(release: Record) -> Record:
    """A release as list answers show it (the high-level view)."""
    return {name: release[name] for name in RELEASE_LIST_FIELDS}


def list_releases(call: Call) -> Reply:
    return list_answer(call, RELEASES, call.state.data.releases.values(), release_summary)


def get_release(call: Call) -> Reply:
    return Reply(200, find(call.state.data.releases, call.params["id"], "Release"))


def search_releases(call: Call) -> Reply:
    return search_answer(call, RELEASES, call.state.data.releases.values(), release_summary)


def create_release(call: Call) -> Reply:
    """``POST /releases``: the copy flow, with the contract's business rules."""
    release = _release_from_body(call.state, call.body, existing=None)
    rules = []
    if release["releaseStatusType"] in END_STATE_STATUSES:
        rules.append(f"Release Status '{release['releaseStatusType']}' is an End State.")
    if release["plutoraReleaseType"] == "Enterprise":
        rules.append("Enterprise releases cannot be created through the API.")
    _check_identifier(call.state, release, rules, own_id=None)
    if rules:
        raise business_rule(*rules)
    release = {"id": str(uuid.uuid4()), **release}
    release["lastModifiedDate"] = iso_precise(_now(call.state))
    call.state.data.releases[release["id"]] = release
    return Reply(201, release, {"Location": f"{call.url.rstrip('/')}/{release['id']}"})


def update_release(call: Call) -> Reply:
    """``PUT /releases/{id}``: replace a release's writable fields."""
    current = find(call.state.data.releases, call.params["id"], "Release")
    body_id = field_of(call.body, "id") if isinstance(call.body, dict) else None
    if body_id not in (None, "") and str(body_id).lower() != current["id"]:
        raise invalid({"release.id": ["The id in the body does not match the id in the URL."]})
    release = _release_from_body(call.state, call.body, existing=current)
    rules: list[str] = []
    _check_identifier(call.state, release, rules, own_id=current["id"])
    if release["parentReleaseId"] == current["id"]:
        rules.append("A release cannot be its own parent.")
    if rules:
        raise business_rule(*rules)
    release["id"] = current["id"]
    release["lastModifiedDate"] = iso_precise(_now(call.state))
    current.clear()
    current.update(release)
    return Reply(200, current)


def delete_release(call: Call) -> Reply:
    """``DELETE /releases/{id}``: 204; a release with child releases cannot be deleted."""
    release = find(call.state.data.releases, call.params["id"], "Release")
    children = [
        r for r in call.state.data.releases.values() if r["parentReleaseId"] == release["id"]
    ]
    if children:
        raise business_rule(
            f"Release '{release['identifier']}' has {len(children)} child release(s) "
            "and cannot be deleted."
        )
    del call.state.data.releases[release["id"]]
    return Reply(204)


def _check_identifier(
    state: SimulatorState, release: Record, rules: list[str], own_id: str | None
) -> None:
    wanted = release["identifier"].casefold()
    for other in state.data.releases.values():
        if other["identifier"].casefold() == wanted and other["id"] != own_id:
            rules.append(f"Identifier '{release['identifier']}' is already in use.")
            return


def _release_from_body(state: SimulatorState, body: Any, existing: Record | None) -> Record:
    """Validate a release body; every problem is reported at once (modelState)."""
    if not isinstance(body, dict):
        raise invalid({"release": ["A release object is required in the body."]})
    errors: dict[str, list[str]] = {}
    reader = _Reader(body, "release", errors)
    release: Record = {}
    release["identifier"] = reader.text("identifier", required=True, max_length=50)
    release["name"] = reader.text("name", required=True, max_length=255)
    release["summary"] = reader.text("summary")
    release["location"] = reader.text("location")
    release["displayColor"] = reader.text("displayColor") or "#4a90d9"
    release["implementationDate"] = reader.date("implementationDate", required=True)
    lookups = state.data.lookups
    for field_name, kind, required in (
        ("releaseStatusType", "ReleaseStatusType", True),
        ("releaseType", "ReleaseType", False),
        ("releaseRiskLevel", "ReleaseRiskLevel", False),
    ):
        item = reader.reference(field_name + "Id", _by_id(lookups[kind]), required)
        release[field_name + "Id"] = item["id"] if item else None
        release[field_name] = item["value"] if item else None
    organization = reader.reference("organizationId", state.data.organizations, False)
    release["organizationId"] = organization["id"] if organization else None
    release["organization"] = organization["name"] if organization else None
    manager = reader.reference("managerId", {p["id"]: p for p in state.data.people}, False)
    release["managerId"] = manager["id"] if manager else None
    release["manager"] = manager["name"] if manager else None
    parent = reader.reference("parentReleaseId", state.data.releases, False)
    release["parentReleaseId"] = parent["id"] if parent else None
    release["parentRelease"] = parent["identifier"] if parent else None
    release["plutoraReleaseType"] = reader.choice("plutoraReleaseType", RELEASE_TYPES, True)
    project_type = reader.choice("releaseProjectType", PROJECT_TYPES, False)
    if project_type is None:
        project_type = {"Enterprise": "None", "Integrated": "IsProject"}.get(
            release["plutoraReleaseType"] or "", "NotIsProject"
        )
    release["releaseProjectType"] = project_type
    release["additionalInformation"] = reader.objects("additionalInformation")
    if errors:
        raise invalid(errors)
    return {name: release.get(name) for name in _RELEASE_FIELDS if name != "id"}


# -- changes ----------------------------------------------------------------------------------


def change_view(state: SimulatorState) -> Any:
    """How changes are shown: the classic display names, or the newer ``…Name`` spelling."""
    if state.settings.change_display_names == "classic":
        return None

    def named(change: Record) -> Record:
        shown = dict(change)
        for name in _CHANGE_LOOKUPS:
            shown[name + "Name"] = shown.pop(name)
        return shown

    return named


def list_changes(call: Call) -> Reply:
    view = change_view(call.state)
    return list_answer(call, CHANGES, call.state.data.changes.values(), view)


def get_change(call: Call) -> Reply:
    change = find(call.state.data.changes, call.params["id"], "Change")
    view = change_view(call.state)
    return Reply(200, view(change) if view else change)


def search_changes(call: Call) -> Reply:
    view = change_view(call.state)
    return search_answer(call, CHANGES, call.state.data.changes.values(), view)


def create_change(call: Call) -> Reply:
    """``POST /changes``: 201 with the new change and its next ``changeId``."""
    change = _change_from_body(call.state, call.body, call.grant.username if call.grant else "")
    numbers = [c["changeId"] for c in call.state.data.changes.values()]
    change = {"id": str(uuid.uuid4()), "changeId": max(numbers, default=0) + 1, **change}
    change["raisedDate"] = change["lastModifiedDate"]
    call.state.data.changes[change["id"]] = change
    view = change_view(call.state)
    return Reply(
        201,
        view(change) if view else change,
        {"Location": f"{call.url.rstrip('/')}/{change['id']}"},
    )


def update_change(call: Call) -> Reply:
    """``PUT /changes/{id}``: replace a change's writable fields."""
    current = find(call.state.data.changes, call.params["id"], "Change")
    body_id = field_of(call.body, "id") if isinstance(call.body, dict) else None
    if body_id not in (None, "") and str(body_id).lower() != current["id"]:
        raise invalid({"change.id": ["The id in the body does not match the id in the URL."]})
    change = _change_from_body(call.state, call.body, call.grant.username if call.grant else "")
    for name in ("id", "changeId", "raisedDate"):
        change[name] = current[name]
    current.clear()
    current.update(change)
    view = change_view(call.state)
    return Reply(200, view(current) if view else current)


def delete_change(call: Call) -> Reply:
    change = find(call.state.data.changes, call.params["id"], "Change")
    del call.state.data.changes[change["id"]]
    return Reply(204)


def _change_from_body(state: SimulatorState, body: Any, username: str) -> Record:
    if not isinstance(body, dict):
        raise invalid({"change": ["A change object is required in the body."]})
    errors: dict[str, list[str]] = {}
    reader = _Reader(body, "change", errors)
    change: Record = {"name": reader.text("name", required=True, max_length=255)}
    for field_name, kind in _CHANGE_LOOKUPS.items():
        required = field_name in ("changePriority", "changeStatus", "changeType")
        item = reader.reference(field_name + "Id", _by_id(state.data.lookups[kind]), required)
        change[field_name + "Id"] = item["id"] if item else None
        change[field_name] = item["value"] if item else None
    score = reader.number("businessValueScore", 0, 100)
    change["businessValueScore"] = score if score is not None else 0
    raised_by = reader.reference("raisedById", {p["id"]: p for p in state.data.people}, False)
    change["raisedById"] = raised_by["id"] if raised_by else None
    change["raisedBy"] = raised_by["name"] if raised_by else None
    organization = reader.reference("organizationId", state.data.organizations, False)
    change["organizationId"] = organization["id"] if organization else None
    change["organization"] = organization["name"] if organization else None
    change["expectedDeliveryDate"] = reader.date("expectedDeliveryDate", required=False)
    description = reader.text("description") or ""
    change["description"] = description
    change["descriptionSimple"] = re.sub(r"<[^>]*>", "", description)
    for name in ("additionalInformation", "stakeholders", "systems", "deliveryReleases"):
        change[name] = reader.objects(name)
    if errors:
        raise invalid(errors)
    change["lastModifiedDate"] = iso_precise(_now(state))
    change["lastModifiedBy"] = username
    return change


# -- environments, hosts, layers, lookups, organizations, systems ----------------------------------


def lister(kind: Entity, collection: str) -> Handler:
    """A plain ``GET /{entity}`` handler (``filter=``, both list shapes) over a collection."""

    def handler(call: Call) -> Reply:
        return list_answer(call, kind, getattr(call.state.data, collection).values())

    return handler


def getter(collection: str, label: str) -> Handler:
    """A plain ``GET /{entity}/{id}`` handler (404 for an unknown id) over a collection."""

    def handler(call: Call) -> Reply:
        return Reply(200, find(getattr(call.state.data, collection), call.params["id"], label))

    return handler


def list_lookup_types(call: Call) -> Reply:
    return Reply(
        200,
        [{"name": name, "description": text} for name, (text, _values) in LOOKUP_VALUES.items()],
    )


def get_lookup(call: Call) -> Reply:
    wanted = call.params["type"].lower()
    for name in LOOKUP_VALUES:
        if name.lower() == wanted:
            return Reply(200, call.state.data.lookups[name])
    raise not_found(
        f"Lookup field type '{call.params['type']}' was not found. "
        f"Known types: {', '.join(LOOKUP_VALUES)}."
    )


#: (method, path template under the API base, handler)
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/me", me),
    ("GET", "/releases", list_releases),
    ("POST", "/releases", create_release),
    ("POST", "/releases/filter", search_releases),
    ("GET", "/releases/{id}", get_release),
    ("PUT", "/releases/{id}", update_release),
    ("DELETE", "/releases/{id}", delete_release),
    ("GET", "/changes", list_changes),
    ("POST", "/changes", create_change),
    ("POST", "/changes/filter", search_changes),
    ("GET", "/changes/{id}", get_change),
    ("PUT", "/changes/{id}", update_change),
    ("DELETE", "/changes/{id}", delete_change),
    ("GET", "/environments", lister(ENVIRONMENTS, "environments")),
    ("GET", "/environments/{id}", getter("environments", "Environment")),
    ("GET", "/hosts", lister(HOSTS, "hosts")),
    ("GET", "/hosts/{id}", getter("hosts", "Host")),
    ("GET", "/layers/{id}", getter("layers", "Layer")),
    ("GET", "/lookupfields", list_lookup_types),
    ("GET", "/lookupfields/{type}", get_lookup),
    ("GET", "/organizations", lister(ORGANIZATIONS, "organizations")),
    ("GET", "/organizations/{id}", getter("organizations", "Organization")),
    ("GET", "/systems", lister(SYSTEMS, "systems")),
    ("GET", "/systems/{id}", getter("systems", "System")),
]


# -- body reading ---------------------------------------------------------------------------------


def _now(state: SimulatorState) -> datetime:
    return datetime.fromtimestamp(state.now(), tz=timezone.utc)


def _by_id(items: list[Record]) -> dict[str, Record]:
    return {item["id"]: item for item in items}


class _Reader:
    """Reads fields of a JSON or form body (any key case), collecting modelState errors."""

    def __init__(self, body: Record, prefix: str, errors: dict[str, list[str]]) -> None:
        self.body = {key.lower(): value for key, value in body.items()}
        self.prefix = prefix
        self.errors = errors

    def _error(self, name: str, message: str) -> None:
        self.errors.setdefault(f"{self.prefix}.{name}", []).append(message)

    def text(self, name: str, required: bool = False, max_length: int = 4000) -> Any:
        value = self.body.get(name.lower())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # Json.NET turns numbers into strings for string properties.
        if value is None or (required and isinstance(value, str) and not value.strip()):
            if required:
                self._error(name, f"The {name} field is required.")
            return None
        if not isinstance(value, str):
            self._error(name, f"The value of {name} must be a string.")
            return None
        if len(value) > max_length:
            self._error(name, f"The {name} field must be at most {max_length} characters.")
        return value

    def date(self, name: str, required: bool) -> Any:
        from .query import parse_date

        value = self.body.get(name.lower())
        if value in (None, ""):
            if required:
                self._error(name, f"The {name} field is required.")
            return None
        if not isinstance(value, str) or parse_date(value) is None:
            self._error(name, f"The value '{value}' is not a valid date for {name}.")
            return None
        return value

    def number(self, name: str, low: int, high: int) -> Any:
        value = self.body.get(name.lower())
        if value in (None, ""):
            return None
        try:
            return whole_number(value, 0, name, low, high)
        except QueryError as error:
            self._error(name, error.message)
            return None

    def reference(self, name: str, known: dict[str, Record], required: bool) -> Any:
        value = self.body.get(name.lower())
        if value in (None, ""):
            if required:
                self._error(name, f"The {name} field is required.")
            return None
        if not isinstance(value, str) or not _GUID_RE.match(value):
            self._error(name, f"The value '{value}' of {name} is not a valid id (GUID).")
            return None
        item = known.get(value.lower())
        if item is None:
            self._error(name, f"No record with id '{value}' exists for {name}.")
        return item

    def choice(self, name: str, choices: dict[str, str], required: bool) -> Any:
        value = self.body.get(name.lower())
        if value in (None, ""):
            if required:
                self._error(name, f"The {name} field is required.")
            return None
        chosen = choices.get(str(value).lower()) if isinstance(value, str) else None
        if chosen is None:
            allowed = ", ".join(sorted({v for v in choices.values()}))
            self._error(name, f"The value '{value}' is not valid for {name}; use one of {allowed}.")
        return chosen

    def objects(self, name: str) -> list[Record]:
        value = self.body.get(name.lower())
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self._error(name, f"{name} must be a list of objects.")
            return []
        return [dict(item) for item in value]

"""The Plutora (release management) API's HTTP face: parse, call a backend, render.

Each handler reads the request (path parameters, query, the bound body), calls one backend
of :class:`~PlutoraLibrary.simulator.state.SimulatorState` and renders the answer in the
shape the contract gives the operation. The business rules live in the backends; the errors
they raise become this API's error bodies in :func:`render_error`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .backends import Invalid, ModelState, NotFound, RulesBroken
from .backends.change_links import link_delivery_release, unlink_delivery_release
from .backends.changes import NAMED
from .backends.environments import LIST_ITEM_SOURCES
from .backends.health_checks import LogFile
from .backends.linked_items import release_changes
from .backends.records import Records, reference
from .backends.stakeholders import rendered
from .backends.users import NotAllowed
from .index import Matches
from .multipart import UploadedFile
from .parameters import WholeNumber, body_property, query_parameter
from .protocol import NO_BODY, Call, Handler, Reply, invalid, not_found, server_error
from .query import SEARCH_OPERATORS, QueryError, UnknownField, field_of, parse_search_filters
from .routing import BodySpec
from .shapes import Render, encoded, shape_of
from .token_server import token_handler

Record = dict[str, Any]

#: Paging of search bodies, as the contract's ``SearchBody`` describes it: ``pageNum`` from
#: 0, ``recordsPerPage`` 0 for the default page size and capped at 100, ``limit`` 1-10,000.
SEARCH_PAGE = body_property("plutora", "SearchBody", "pageNum")
SEARCH_SIZE = body_property("plutora", "SearchBody", "recordsPerPage")
SEARCH_LIMIT = body_property("plutora", "SearchBody", "limit")

RELEASE_ITEM = shape_of("plutora", "listReleases")
RELEASE = shape_of("plutora", "getRelease")
#: Changes with the classic display names (``changePriority``), or the ``named`` ones
#: (``changePriorityName``, read from the same stored field).
CHANGE_CLASSIC = shape_of("plutora", "getChange", exclude=frozenset(NAMED))
CHANGE_NAMED = shape_of("plutora", "getChange", NAMED, exclude=frozenset(NAMED.values()))
ENVIRONMENT_ITEM = shape_of("plutora", "listEnvironments", LIST_ITEM_SOURCES)
ENVIRONMENT = shape_of("plutora", "getEnvironment")
HOST = shape_of("plutora", "getHost")
LAYER = shape_of("plutora", "getLayer")
ORGANIZATION = shape_of("plutora", "getOrganization")
SYSTEM = shape_of("plutora", "getSystem")
LOOKUP_ITEM = shape_of("plutora", "getLookupFieldValues")
TECR = shape_of("plutora", "getTECR")
TEBR = shape_of("plutora", "getTEBR")
USER = shape_of("plutora", "listUsers")
HEALTH_CHECK = shape_of("plutora", "searchEnvironmentHealthHistory")
RELEASE_SYSTEM = shape_of("plutora", "listReleaseSystems")
DEPLOYMENT_DATE = shape_of("plutora", "listDeploymentDates")
ENVIRONMENT_GROUP = shape_of("plutora", "getEnvironmentGroup")
CONNECTIVITY = shape_of("plutora", "listConnectivities")
BOOKING = shape_of("plutora", "listTEBRBookings")

STAKEHOLDER = shape_of("plutora", "getReleaseStakeholder")

LINKED_ITEM = shape_of("plutora", "listReleaseLinkedItems")

RELEASE_PHASE = shape_of("plutora", "listReleasePhases")
RELEASE_GATE = shape_of("plutora", "listReleaseGates")
RELEASE_ACTIVITY = shape_of("plutora", "listReleaseActivities")
WORK_ITEM_NAME = shape_of("plutora", "listPhaseNames")


def render_error(error: Exception) -> Reply:
    """The Plutora API's answer to what a backend or the query engine raised."""
    if isinstance(error, NotFound):
        return not_found(error.message).reply
    if isinstance(error, Invalid):
        return invalid(error.problems).reply
    if isinstance(error, RulesBroken):
        return invalid({"internalServerValidationError": error.messages}).reply
    if isinstance(error, QueryError):
        return invalid({error.field: [error.message]}).reply
    if isinstance(error, UnknownField):
        return server_error(error.message).reply
    raise error


# -- shared list machinery -----------------------------------------------------------------


def paging_of(operation_id: str) -> tuple[WholeNumber, WholeNumber]:
    """The ``pageNum`` and ``recordsPerPage`` query parameters of a list operation, as the
    contract describes them. Example: ``paging_of("listReleases")[1].cap`` is 100."""
    return (
        query_parameter("plutora", operation_id, "pageNum"),
        query_parameter("plutora", operation_id, "recordsPerPage"),
    )


def list_answer(
    call: Call, records: Records, render: Render, paging: tuple[WholeNumber, WholeNumber]
) -> Reply:
    """A GET list: ``filter=`` applied; a plain array, or the paged shape with ``pageNum``
    (paged as the operation's ``paging`` parameters say: see :func:`paging_of`)."""
    expression = call.query.get("filter")
    matches = records.select(expression)  # kept: the next page of a filter does not scan
    if "pagenum" not in call.query:
        return Reply(200, [render(record) for record in matches.slice(0, len(matches))])
    page = paging[0].read(call.query["pagenum"])
    size = paging[1].read(call.query.get("recordsperpage"))
    return Reply(200, paged(matches, page, size, render))


def paged(
    records: Matches | list[Record], page: int, size: int, render: Render, limit: int | None = None
) -> Record:
    """The paged list shape (help page "Filter And Paginate API Calls") of the first
    ``limit`` records (all when None). Example: ``paged(records.search([]), 0, 100, HOST)``."""
    total = len(records) if limit is None else min(len(records), limit)
    start, stop = min(page * size, total), min((page + 1) * size, total)
    chunk = records.slice(start, stop) if isinstance(records, Matches) else records[start:stop]
    return {
        "resultSet": [render(record) for record in chunk],
        "returnCount": len(chunk),
        "totalCount": total,
        "pageNum": page,
        "recordsPerPage": size,
    }


def search_answer(call: Call, records: Records, render: Render) -> Reply:
    """``POST /{releases|changes}/filter`` with either spelling of the body."""
    body = call.body
    filters = parse_search_filters(field_of(body, "searchFilters"), SEARCH_OPERATORS)
    page = SEARCH_PAGE.read(field_of(body, "pageNum", "page"))
    size = SEARCH_SIZE.read(field_of(body, "recordsPerPage", "pageSize"))
    limit = SEARCH_LIMIT.read(field_of(body, "limit"))
    # From the index: a page costs a page (see docs/simulator.md, "Searches at scale").
    return Reply(200, paged(records.search(filters), page, size, render, limit))


def _model(call: Call, prefix: str) -> ModelState:
    return ModelState(prefix, call.problems)


def _created(call: Call, record: Record, render: Render) -> Reply:
    return Reply(201, render(record), {"Location": f"{call.url.rstrip('/')}/{record['id']}"})


# -- current user ---------------------------------------------------------------------------


def me(call: Call) -> Reply:
    """``GET /me``: the caller's e-mail as a bare JSON string."""
    assert call.grant is not None
    return Reply(200, call.grant.username)


# -- releases ---------------------------------------------------------------------------------


_RELEASE_PAGING = paging_of("listReleases")
_CHANGE_PAGING = paging_of("listChanges")


def list_releases(call: Call) -> Reply:
    """``GET /releases``: list items (six fields), ``filter=`` and paging. Example:
    ``GET /releases?pageNum=0&recordsPerPage=10`` answers ``{"resultSet": [...], ...}``."""
    return list_answer(call, call.state.releases.records, RELEASE_ITEM, _RELEASE_PAGING)


def get_release(call: Call) -> Reply:
    """``GET /releases/{id}``: the release with every field (404 for an unknown id)."""
    records = call.state.releases.records
    return Reply(200, encoded=encoded(records, records.get(call.params["id"]), RELEASE))


def search_releases(call: Call) -> Reply:
    """``POST /releases/filter``: a search body (either spelling) answered as a page of
    list items. Example body: ``{"searchFilters": [{"property": "name", "operator":
    "Contains", "value": "CRM"}], "recordsPerPage": 0, "pageNum": 0}``."""
    return search_answer(call, call.state.releases.records, RELEASE_ITEM)


def create_release(call: Call) -> Reply:
    """``POST /releases``: the copy flow (201 with the release and its ``Location``)."""
    release = call.state.releases.create(call.body, _model(call, "release"))
    _settle(call, "Release", release)
    return _created(call, release, RELEASE)


def update_release(call: Call) -> Reply:
    """``PUT /releases/{id}``: replace a release's writable fields; 204 with no body (the
    vendor's Cypress suite, CSV-proj-import.js "PUT returns 204")."""
    release = call.state.releases.update(call.params["id"], call.body, _model(call, "release"))
    _settle(call, "Release", release)
    return Reply(204)


def delete_release(call: Call) -> Reply:
    """``DELETE /releases/{id}``: 200 with no body (the vendor's Cypress suite: "TODO: This
    should return 204!")."""
    state = call.state
    release_id = state.releases.get(call.params["id"])["id"].lower()
    state.releases.delete(release_id)
    # The changes delivered in it are no longer (a release's changes have one source: the
    # changes' deliveryReleases).
    touched = False
    for change in state.changes.records:
        delivered = change.get("deliveryReleases") or []
        kept = [d for d in delivered if str(d.get("releaseId") or "").lower() != release_id]
        if len(kept) != len(delivered):
            change["deliveryReleases"] = kept
            touched = True
    if touched:
        state.changes.records.changed()
    return Reply(200, NO_BODY)


# -- changes ----------------------------------------------------------------------------------


def change_view(call: Call) -> Render:
    """How changes are shown: the classic display names, or the newer ``…Name`` spelling."""
    return CHANGE_NAMED if call.state.settings.change_display_names == "named" else CHANGE_CLASSIC


def list_changes(call: Call) -> Reply:
    """``GET /changes``: whole changes, ``filter=`` and paging (as ``GET /releases``)."""
    return list_answer(call, call.state.changes.records, change_view(call), _CHANGE_PAGING)


def get_change(call: Call) -> Reply:
    """``GET /changes/{id}``: the change, with the display names the setting chooses."""
    records = call.state.changes.records
    change = records.get(call.params["id"])
    return Reply(200, encoded=encoded(records, change, change_view(call)))


def search_changes(call: Call) -> Reply:
    """``POST /changes/filter``: as :func:`search_releases`, answering whole changes."""
    return search_answer(call, call.state.changes.records, change_view(call))


def _username(call: Call) -> str:
    return call.grant.username if call.grant else ""


def create_change(call: Call) -> Reply:
    """``POST /changes``: 201 with the new change and its next ``changeId``."""
    change = call.state.changes.create(call.body, _model(call, "change"), _username(call))
    _settle(call, "Change", change)
    return _created(call, change, change_view(call))


def update_change(call: Call) -> Reply:
    """``PUT /changes/{id}``: replace a change's writable fields; 200 with the change (the
    vendor's Cypress suite, unlike releases)."""
    model = _model(call, "change")
    change = call.state.changes.update(call.params["id"], call.body, model, _username(call))
    _settle(call, "Change", change)
    return Reply(200, change_view(call)(change))


def delete_change(call: Call) -> Reply:
    """``DELETE /changes/{id}``: 200 with no body, also for an id no change has (the
    vendor's Cypress suite: "TODO: This should return 404!")."""
    call.state.changes.delete(call.params["id"])
    return Reply(200, NO_BODY)


# -- environments, hosts, layers, lookups, organizations, systems ----------------------------------


def lister(operation_id: str, records: Callable[[Call], Records], render: Render) -> Handler:
    """A plain ``GET /{entity}`` handler (``filter=``, both list shapes, paged as the
    operation's parameters say). Example: ``lister("listHosts", _hosts, HOST)``."""
    paging = paging_of(operation_id)

    def handler(call: Call) -> Reply:
        return list_answer(call, records(call), render, paging)

    return handler


def getter(records: Callable[[Call], Records], render: Render) -> Handler:
    """A plain ``GET /{entity}/{id}`` handler (404 for an unknown id)."""

    def handler(call: Call) -> Reply:
        found = records(call)
        return Reply(200, encoded=encoded(found, found.get(call.params["id"]), render))

    return handler


def list_lookup_types(call: Call) -> Reply:
    """``GET /lookupfields``: the lookup types, ``[{"name": "ReleaseStatusType",
    "description": ...}, ...]``."""
    return Reply(200, call.state.catalogue.lookup_types())


def get_lookup(call: Call) -> Reply:
    """``GET /lookupfields/{type}``: the type's values in sort order (any case of the type).
    Example: ``GET /lookupfields/releasestatustype`` answers ``[{"id": ..., "value":
    "Draft", "sortOrder": 0, "type": "ReleaseStatusType"}, ...]``."""
    items = call.state.catalogue.lookup(call.params["type"])
    return Reply(200, [LOOKUP_ITEM(item) for item in items])


def _environments(call: Call) -> Records:
    return call.state.environments.environments


def _hosts(call: Call) -> Records:
    return call.state.environments.hosts


def _layers(call: Call) -> Records:
    return call.state.environments.layers


def _organizations(call: Call) -> Records:
    return call.state.catalogue.organizations


def _systems(call: Call) -> Records:
    return call.state.catalogue.systems


def update_layer(call: Call) -> Reply:
    """``PUT /layers/{id}``: the layer read with GET, its version (or component name, stack
    layer) changed; 204 with no body (the vendor's Jenkins demo sends the whole layer back)."""
    stack = call.state.catalogue.lookup_by_id("StackLayer")
    call.state.environments.update_layer(call.params["id"], call.body, _model(call, "layer"), stack)
    return Reply(204)


def plain_list(records: Callable[[Call], Records], render: Render) -> Handler:
    """A ``GET /{entity}`` answering a plain array (TECRs, TEBRs, users: no paging, no
    ``filter=`` in any public client)."""

    def handler(call: Call) -> Reply:
        return Reply(200, [render(record) for record in records(call)])

    return handler


#: Where the records with custom fields live, by the entity type their fields belong to.
_WITH_FIELDS: dict[str, Callable[[Call], Records]] = {
    "Release": lambda call: call.state.releases.records,
    "Change": lambda call: call.state.changes.records,
    "System": lambda call: call.state.catalogue.systems,
    "Environment": lambda call: call.state.environments.environments,
    "TECR": lambda call: call.state.requests.tecrs,
    "TEBR": lambda call: call.state.requests.tebrs,
}


def _settle(call: Call, entity: str, record: Record) -> None:
    """After a write through the record: its custom fields settled (every field of its entity
    type, the values it holds), so the record and its sub-resource stay the same data."""
    call.state.custom_fields.settle(entity, record)
    _WITH_FIELDS[entity](call).changed()


def custom_fields_of(entity: str) -> tuple[Handler, Handler]:
    """The GET and PUT handlers of ``/{entity}/{id}/additionalInformation``: every custom
    field of the entity type with the record's values; the whole list back (204)."""
    records = _WITH_FIELDS[entity]

    def read(call: Call) -> Reply:
        record = records(call).get(call.params["id"])
        return Reply(200, call.state.custom_fields.fields(entity, record))

    def write(call: Call) -> Reply:
        found = records(call)
        record = found.get(call.params["id"])
        call.state.custom_fields.update(entity, record, call.body)
        found.changed()
        return Reply(204)

    return read, write


def _tecrs(call: Call) -> Records:
    return call.state.requests.tecrs


def _tebrs(call: Call) -> Records:
    return call.state.requests.tebrs


def _users(call: Call) -> Records:
    return call.state.requests.users


# -- environment and host writes, health checks ----------------------------------------------


def create_environment(call: Call) -> Reply:
    """``POST /environments``: 201 with the new environment (no hosts yet) and its
    ``Location`` (the vendor's Cypress suite)."""
    writes = call.state.environment_writes
    environment = writes.create_environment(call.body, _model(call, "environment"))
    _settle(call, "Environment", environment)
    return _created(call, environment, ENVIRONMENT)


def update_environment(call: Call) -> Reply:
    """``PUT /environments/{id}``: replace its fields (hosts stay); 204 with no body."""
    writes = call.state.environment_writes
    writes.update_environment(call.params["id"], call.body, _model(call, "environment"))
    return Reply(204)


def delete_environment(call: Call) -> Reply:
    """``DELETE /environments/{id}``: 200 with no body; 404 for an unknown (or deleted) id."""
    call.state.environment_writes.delete_environment(call.params["id"])
    return Reply(200, NO_BODY)


def create_host(call: Call) -> Reply:
    """``POST /hosts``: 201 with the new host (no layers yet)."""
    host = call.state.environment_writes.create_host(call.body, _model(call, "host"))
    return _created(call, host, HOST)


def update_host(call: Call) -> Reply:
    """``PUT /hosts/{id}``: rename it; 204 with no body."""
    call.state.environment_writes.update_host(call.params["id"], call.body, _model(call, "host"))
    return Reply(204)


def delete_host(call: Call) -> Reply:
    """``DELETE /hosts/{id}``: 200 with no body, its layers gone with it."""
    call.state.environment_writes.delete_host(call.params["id"])
    return Reply(200, NO_BODY)


def record_health_check(call: Call) -> Reply:
    """``POST /environmentHealthCheck``: a JSON body or a multipart form with
    ``environmentId``, ``health`` (0-3), ``testName`` and (a form only) an optional
    ``logFile``; 201 with the check as recorded. The request validator binds the fields (a
    multipart form as a form); the file part is read here."""
    # Read as ASP.NET binds a form: names in any case (``EnvironmentID`` is ``environmentId``).
    names = {name.lower(): name for name in ("environmentId", "health", "testName", "logFile")}
    sent: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
    form = {names.get(str(name).lower(), str(name)): value for name, value in sent.items()}
    model = ModelState("", call.problems)
    fields = {name: value for name, value in form.items() if not isinstance(value, UploadedFile)}
    upload = form.get("logFile")
    if upload is not None and not isinstance(upload, UploadedFile):
        model.add("logFile", "The logFile part must be a file (a filename in its header).")
        upload = None
    environment = reference(
        fields, model, "environmentId", call.state.environments.environments.by_id, True
    )
    log = LogFile(upload.name, upload.content) if upload is not None else None
    check = call.state.health_checks.record(environment, fields, log, _username(call), model)
    return Reply(201, HEALTH_CHECK(check))


def _health_query(call: Call) -> list[str]:
    body = call.body if isinstance(call.body, dict) else {}
    return [str(value) for value in body.get("environmentIds") or ()]


def health_history(call: Call) -> Reply:
    """``POST /environmentHealthCheck/FullHistory``: every check of the environments named,
    newest first."""
    checks = call.state.health_checks.history(_health_query(call))
    return Reply(200, [HEALTH_CHECK(check) for check in checks])


def health_current(call: Call) -> Reply:
    """``POST /environmentHealthCheck/CurrentStatus``: the latest check per environment and
    test name of the last 7 days."""
    checks = call.state.health_checks.current(_health_query(call))
    return Reply(200, [HEALTH_CHECK(check) for check in checks])


# -- release systems, deployment status and dates -------------------------------------------


def list_release_systems(call: Call) -> Reply:
    """``GET /releases/{id}/systems``: a plain array of the release's systems."""
    items = call.state.release_systems.of(call.params["id"])
    return Reply(200, [RELEASE_SYSTEM(item) for item in items])


def add_release_system(call: Call) -> Reply:
    """``POST /releases/{id}/systems``: 201 with the release system (NotStarted)."""
    systems = call.state.release_systems
    item = systems.add(call.params["id"], call.body, _model(call, "releaseSystem"))
    return Reply(201, RELEASE_SYSTEM(item))


def update_release_system(call: Call) -> Reply:
    """``PUT /releases/{id}/systems/{systemId}``: role and deployment status; 204."""
    model = _model(call, "releaseSystem")
    call.state.release_systems.update(call.params["id"], call.params["systemId"], call.body, model)
    return Reply(204)


def remove_release_system(call: Call) -> Reply:
    """``DELETE /releases/{id}/systems/{systemId}``: 200 with no body."""
    call.state.release_systems.remove(call.params["id"], call.params["systemId"])
    return Reply(200, NO_BODY)


def list_deployment_dates(call: Call) -> Reply:
    """``GET …/systems/{systemId}/deploymentDates``: in start order."""
    dates = call.state.release_systems.dates(call.params["id"], call.params["systemId"])
    return Reply(200, [DEPLOYMENT_DATE(date) for date in dates])


def add_deployment_date(call: Call) -> Reply:
    """``POST …/systems/{systemId}/deploymentDates``: 201 with the date."""
    model = _model(call, "deploymentDate")
    date = call.state.release_systems.add_date(
        call.params["id"], call.params["systemId"], call.body, model
    )
    return Reply(201, DEPLOYMENT_DATE(date))


def update_deployment_date(call: Call) -> Reply:
    """``PUT …/systems/{systemId}/deploymentDates``: the date the body names; 204."""
    model = _model(call, "deploymentDate")
    call.state.release_systems.update_date(
        call.params["id"], call.params["systemId"], call.body, model
    )
    return Reply(204)


def delete_deployment_date(call: Call) -> Reply:
    """``DELETE …/deploymentDates/{deploymentDateId}``: 200 with no body."""
    params = call.params
    call.state.release_systems.delete_date(
        params["id"], params["systemId"], params["deploymentDateId"]
    )
    return Reply(200, NO_BODY)


# -- TECR status moves and linked changes --------------------------------------------------


def update_tecr(call: Call) -> Reply:
    """``PUT /TECRs/{id}``: the TECR as read, its status (or name, description) changed;
    204 (the Octopus Deploy script's status update)."""
    call.state.tecr_workflow.update(call.params["id"], call.body, _model(call, "tecr"))
    return Reply(204)


def search_tecrs(call: Call) -> Reply:
    """``POST /TECRs/filter``: a search body answered as a page of TECRs."""
    return search_answer(call, call.state.requests.tecrs, TECR)


def tecr_linked_changes(call: Call) -> Reply:
    """``GET /TECRs/{id}/LinkedChanges``: the linked changes, as ``GET /changes/{id}``."""
    render = change_view(call)
    changes = call.state.tecr_workflow.linked_changes(call.params["id"])
    return Reply(200, [render(change) for change in changes])


def link_change_delivery_release(call: Call) -> Reply:
    """``PUT /changes/{id}/deliveryReleases/{releaseId}``: the change's delivery release for
    that release, added or replaced; 204."""
    state = call.state
    link_delivery_release(
        state.changes,
        state.releases.records,
        call.params["id"],
        call.params["releaseId"],
        call.body,
        _model(call, "deliveryRelease"),
    )
    return Reply(204)


# -- environment groups and connectivities ---------------------------------------------------


_GROUP_PAGING = paging_of("listEnvironmentGroups")
_CONNECTIVITY_PAGING = paging_of("listConnectivities")
_BOOKING_PAGING = paging_of("listBookings")


def list_environment_groups(call: Call) -> Reply:
    """``GET /environmentgroups``: ``filter=`` and both list shapes, as ``GET /environments``
    (environments deleted since left out of the groups)."""
    groups = call.state.environment_groups
    groups.prune()
    return list_answer(call, groups.groups, ENVIRONMENT_GROUP, _GROUP_PAGING)


def get_environment_group(call: Call) -> Reply:
    """``GET /environmentgroups/{id}``: the group (404 for an unknown id)."""
    groups = call.state.environment_groups
    groups.prune()
    found = groups.groups
    return Reply(200, encoded=encoded(found, found.get(call.params["id"]), ENVIRONMENT_GROUP))


def create_environment_group(call: Call) -> Reply:
    """``POST /environmentgroups``: 201 with the new group and its ``Location``."""
    groups = call.state.environment_groups
    groups.prune()
    group = groups.create_group(call.body, _model(call, "environmentGroup"))
    return _created(call, group, ENVIRONMENT_GROUP)


def update_environment_group(call: Call) -> Reply:
    """``PUT /environmentgroups/{id}``: replace its fields and environments; 204."""
    groups = call.state.environment_groups
    groups.prune()
    groups.update_group(call.params["id"], call.body, _model(call, "environmentGroup"))
    return Reply(204)


def delete_environment_group(call: Call) -> Reply:
    """``DELETE /environmentgroups/{id}``: 200 with no body, its connectivities gone too."""
    call.state.environment_groups.delete_group(call.params["id"])
    return Reply(200, NO_BODY)


def list_connectivities(call: Call) -> Reply:
    """``GET /connectivities``: ``filter=`` (a group's: ``environmentGroupId``) and both list
    shapes."""
    groups = call.state.environment_groups
    groups.prune()
    return list_answer(call, groups.connectivities, CONNECTIVITY, _CONNECTIVITY_PAGING)


def create_connectivity(call: Call) -> Reply:
    """``POST /connectivities``: 201 with no body (the primer: the POST answers nothing)."""
    groups = call.state.environment_groups
    groups.prune()
    groups.create_connectivity(call.body, _model(call, "connectivity"))
    return Reply(201, NO_BODY)


# -- TEBR status moves, search and bookings ------------------------------------------------------


def update_tebr(call: Call) -> Reply:
    """``PUT /TEBRs/{id}``: the TEBR as read, its status (or name, description) changed; its
    bookings follow; 204 (the AWS CloudFormation scripts' status update)."""
    workflow = call.state.tebr_workflow
    workflow.update(call.params["id"], call.body, _model(call, "tebr"), _username(call))
    return Reply(204)


def search_tebrs(call: Call) -> Reply:
    """``POST /TEBRs/filter``: a search body answered as a page of TEBRs."""
    return search_answer(call, call.state.requests.tebrs, TEBR)


def book_environment_for_phase(call: Call) -> Reply:
    """``POST /releases/{id}/phases/{phaseId}/environments/{environmentId}`` (the vendor's
    Cypress suite, no body): the environment booked for the phase's dates; 201 with the
    booking."""
    state = call.state
    release = state.releases.get(call.params["id"])
    phase = state.release_framework.one("phase", release["id"], call.params["phaseId"])
    environment = state.environments.environments.get(call.params["environmentId"])
    state.release_framework.check_open(release)
    approved = state.environment_groups.approves_on_its_own(environment["id"])
    assert call.grant is not None
    booking = state.tebr_workflow.book_phase(
        release, phase, environment, approved, call.grant.username
    )
    return Reply(201, BOOKING(booking))


def tebr_bookings(call: Call) -> Reply:
    """``GET /TEBRs/{id}/Bookings``: the TEBR's bookings, in start order."""
    bookings = call.state.tebr_workflow.of_tebr(call.params["id"])
    return Reply(200, [BOOKING(booking) for booking in bookings])


def list_bookings(call: Call) -> Reply:
    """``GET /Bookings``: ``filter=``, always the paged shape (page 0 of 100 without
    ``pageNum``, as the bookings notebook saw)."""
    workflow = call.state.tebr_workflow
    workflow.refresh()
    matches = workflow.bookings.select(call.query.get("filter"))
    page = _BOOKING_PAGING[0].read(call.query.get("pagenum"))
    size = _BOOKING_PAGING[1].read(call.query.get("recordsperpage"))
    return Reply(200, paged(matches, page, size, BOOKING))


# -- systems and organizations written, the organization tree, stakeholders -----------------


def create_system(call: Call) -> Reply:
    """``POST /systems``: 201 with the new system and its ``Location`` (the primer)."""
    system = call.state.system_writes.create_system(call.body, _model(call, "system"))
    _settle(call, "System", system)
    return _created(call, system, SYSTEM)


def update_system(call: Call) -> Reply:
    """``PUT /systems/{id}``: its fields replaced; 200 with the system (the vendor's Cypress
    suite, unlike most updates)."""
    writes = call.state.system_writes
    system = writes.update_system(call.params["id"], call.body, _model(call, "system"))
    _settle(call, "System", system)
    return Reply(200, SYSTEM(system))


def delete_system(call: Call) -> Reply:
    """``DELETE /systems/{id}``: 200 with no body (the Cypress suite); 404 for an unknown id."""
    system = call.state.system_writes.delete_system(call.params["id"])
    call.state.stakeholders.forget("system", system["id"])
    return Reply(200, NO_BODY)


def organization_tree(call: Call) -> Reply:
    """``GET /organizations/tree``: the top organization, those under it in ``children``."""
    return Reply(200, call.state.system_writes.tree())


def create_organization(call: Call) -> Reply:
    """``POST /organizations``: 201 with the organization, under ``parentId``."""
    writes = call.state.system_writes
    org = writes.create_organization(call.body, _model(call, "organization"))
    return _created(call, org, ORGANIZATION)


def update_organization(call: Call) -> Reply:
    """``PUT /organizations/{id}``: rename, retype or move it; 204 with no body."""
    writes = call.state.system_writes
    writes.update_organization(call.params["id"], call.body, _model(call, "organization"))
    return Reply(204)


def stakeholders_of(kind: str) -> dict[str, Handler]:
    """The five handlers of ``/{kind}s/{id}/stakeholders`` (list, add, get, update, remove),
    by the verb of their operation ids. Example: ``stakeholders_of("release")["list"]``."""

    def listed(call: Call) -> Reply:
        items = call.state.stakeholders.of(kind, call.params["id"])
        return Reply(200, [STAKEHOLDER(rendered(item)) for item in items])

    def add(call: Call) -> Reply:
        backend = call.state.stakeholders
        item = backend.add(kind, call.params["id"], call.body, _model(call, "stakeholder"))
        return Reply(201, STAKEHOLDER(rendered(item)))

    def one(call: Call) -> Reply:
        item = call.state.stakeholders.one(kind, call.params["id"], call.params["stakeholderId"])
        return Reply(200, STAKEHOLDER(rendered(item)))

    def update(call: Call) -> Reply:
        params = call.params
        call.state.stakeholders.update(
            kind, params["id"], params["stakeholderId"], call.body, _model(call, "stakeholder")
        )
        return Reply(204)

    def remove(call: Call) -> Reply:
        params = call.params
        call.state.stakeholders.remove(kind, params["id"], params["stakeholderId"])
        return Reply(200, NO_BODY)

    return {"list": listed, "add": add, "get": one, "update": update, "remove": remove}


_STAKEHOLDER_HANDLERS = {kind: stakeholders_of(kind) for kind in ("release", "system", "change")}

# -- a release's changes, linked items -------------------------------------------------------


def list_release_changes(call: Call) -> Reply:
    """``GET /releases/{id}/changes``: the changes delivered in the release (their
    ``deliveryReleases``), as ``GET /changes/{id}`` shows them."""
    render = change_view(call)
    state = call.state
    changes = release_changes(state.changes.records, state.releases.records, call.params["id"])
    return Reply(200, [render(change) for change in changes])


def unlink_change_delivery_release(call: Call) -> Reply:
    """``DELETE /changes/{id}/deliveryReleases/{releaseId}``: the change taken out of the
    release; 200 with no body."""
    state = call.state
    unlink_delivery_release(
        state.changes, state.releases.records, call.params["id"], call.params["releaseId"]
    )
    return Reply(200, NO_BODY)


def linked_items_of(kind: str) -> tuple[Handler, Handler, Handler]:
    """The GET, POST and DELETE handlers of ``/{releases|changes}/{id}/linkedItems``."""

    def read(call: Call) -> Reply:
        items = call.state.linked_items.of(kind, call.params["id"])
        return Reply(200, [LINKED_ITEM(item) for item in items])

    def add(call: Call) -> Reply:
        links = call.state.linked_items
        item = links.add(kind, call.params["id"], call.body, _model(call, "linkedItem"))
        return Reply(201, LINKED_ITEM(item))

    def remove(call: Call) -> Reply:
        call.state.linked_items.remove(kind, call.params["id"], call.params["linkedItemId"])
        return Reply(200, NO_BODY)

    return read, add, remove


_LINKED_ITEM_HANDLERS = {kind: linked_items_of(kind) for kind in ("Release", "Change")}

# -- release phases, gates and activities ----------------------------------------------------

_FRAMEWORK = {"phase": ("phaseId", RELEASE_PHASE), "gate": ("gateId", RELEASE_GATE)}


def work_item_names(kind: str) -> Handler:
    """``GET /WorkItemNames/Phases`` (``kind`` phase) or ``/Gates``: ``[{id, name}]``."""

    def handler(call: Call) -> Reply:
        names = call.state.release_framework.names_of(kind)
        return Reply(200, [WORK_ITEM_NAME(name) for name in names])

    return handler


def list_framework(kind: str) -> Handler:
    """``GET /releases/{id}/phases`` (or gates): a plain array in start order."""
    render = _FRAMEWORK[kind][1]

    def handler(call: Call) -> Reply:
        items = call.state.release_framework.of(kind, call.params["id"])
        return Reply(200, [render(item) for item in items])

    return handler


def add_framework(kind: str) -> Handler:
    """``POST /releases/{id}/phases`` (or gates): 201 with the new phase (gate)."""
    render = _FRAMEWORK[kind][1]

    def handler(call: Call) -> Reply:
        framework = call.state.release_framework
        item = framework.add(kind, call.params["id"], call.body, _model(call, kind))
        return _created(call, item, render)

    return handler


def update_framework(kind: str) -> Handler:
    """``PUT /releases/{id}/phases/{phaseId}`` (or gates): 204 with no body."""
    param = _FRAMEWORK[kind][0]

    def handler(call: Call) -> Reply:
        framework = call.state.release_framework
        params = call.params
        framework.update(kind, params["id"], params[param], call.body, _model(call, kind))
        return Reply(204)

    return handler


def delete_framework(kind: str) -> Handler:
    """``DELETE /releases/{id}/phases/{phaseId}`` (or gates): 200 with no body."""
    param = _FRAMEWORK[kind][0]

    def handler(call: Call) -> Reply:
        call.state.release_framework.remove(kind, call.params["id"], call.params[param])
        return Reply(200, NO_BODY)

    return handler


def list_release_activities(call: Call) -> Reply:
    """``GET /releases/{id}/activities``: the release's activities and criteria."""
    items = call.state.release_framework.activities_of(call.params["id"])
    return Reply(200, [RELEASE_ACTIVITY(item) for item in items])


def add_release_activity(call: Call) -> Reply:
    """``POST /releases/{id}/activities``: 201 with the activity."""
    framework = call.state.release_framework
    item = framework.add_activity(call.params["id"], call.body, _model(call, "activity"))
    return _created(call, item, RELEASE_ACTIVITY)


def update_release_activity(call: Call) -> Reply:
    """``PUT /releases/{id}/activities/{activityId}``: 204 with no body."""
    framework = call.state.release_framework
    model = _model(call, "activity")
    framework.update_activity(call.params["id"], call.params["activityId"], call.body, model)
    return Reply(204)


def delete_release_activity(call: Call) -> Reply:
    """``DELETE /releases/{id}/activities/{activityId}``: 200 with no body."""
    call.state.release_framework.delete_activity(call.params["id"], call.params["activityId"])
    return Reply(200, NO_BODY)


_FIELD_HANDLERS = {entity: custom_fields_of(entity) for entity in _WITH_FIELDS}

#: The handler of each operation of the contract (``plutora.openapi.json``), by operation id.
HANDLERS: dict[str, Handler] = {
    "getToken": token_handler("plutora"),
    "getCurrentUser": me,
    "listReleases": list_releases,
    "createRelease": create_release,
    "searchReleases": search_releases,
    "getRelease": get_release,
    "updateRelease": update_release,
    "deleteRelease": delete_release,
    "listChanges": list_changes,
    "createChange": create_change,
    "searchChanges": search_changes,
    "getChange": get_change,
    "updateChange": update_change,
    "deleteChange": delete_change,
    "listEnvironments": lister("listEnvironments", _environments, ENVIRONMENT_ITEM),
    "getEnvironment": getter(_environments, ENVIRONMENT),
    "listHosts": lister("listHosts", _hosts, HOST),
    "getHost": getter(_hosts, HOST),
    "getLayer": getter(_layers, LAYER),
    "listLookupfields": list_lookup_types,
    "getLookupFieldValues": get_lookup,
    "listOrganizations": lister("listOrganizations", _organizations, ORGANIZATION),
    "getOrganization": getter(_organizations, ORGANIZATION),
    "listSystems": lister("listSystems", _systems, SYSTEM),
    "getSystem": getter(_systems, SYSTEM),
    "updateLayer": update_layer,
    "listTECRs": plain_list(_tecrs, TECR),
    "getTECR": getter(_tecrs, TECR),
    "listTEBRs": plain_list(_tebrs, TEBR),
    "getTEBR": getter(_tebrs, TEBR),
    "listUsers": plain_list(_users, USER),
    "createEnvironment": create_environment,
    "updateEnvironment": update_environment,
    "deleteEnvironment": delete_environment,
    "createHost": create_host,
    "updateHost": update_host,
    "deleteHost": delete_host,
    "recordEnvironmentHealthCheck": record_health_check,
    "searchEnvironmentHealthHistory": health_history,
    "searchEnvironmentHealthCurrentStatus": health_current,
    "listReleaseSystems": list_release_systems,
    "addReleaseSystem": add_release_system,
    "updateReleaseSystem": update_release_system,
    "removeReleaseSystem": remove_release_system,
    "listDeploymentDates": list_deployment_dates,
    "addDeploymentDate": add_deployment_date,
    "updateDeploymentDate": update_deployment_date,
    "deleteDeploymentDate": delete_deployment_date,
    "updateTECR": update_tecr,
    "searchTECRs": search_tecrs,
    "listTECRLinkedChanges": tecr_linked_changes,
    "linkChangeDeliveryRelease": link_change_delivery_release,
    "listEnvironmentGroups": list_environment_groups,
    "createEnvironmentGroup": create_environment_group,
    "getEnvironmentGroup": get_environment_group,
    "updateEnvironmentGroup": update_environment_group,
    "deleteEnvironmentGroup": delete_environment_group,
    "listConnectivities": list_connectivities,
    "createConnectivity": create_connectivity,
    "updateTEBR": update_tebr,
    "searchTEBRs": search_tebrs,
    "listTEBRBookings": tebr_bookings,
    "listBookings": list_bookings,
    "bookEnvironmentForPhase": book_environment_for_phase,
    "createSystem": create_system,
    "updateSystem": update_system,
    "deleteSystem": delete_system,
    "getOrganizationTree": organization_tree,
    "createOrganization": create_organization,
    "updateOrganization": update_organization,
    **{
        f"{verb}{kind.title()}Stakeholder{'s' if verb == 'list' else ''}": handler
        for kind, verbs in _STAKEHOLDER_HANDLERS.items()
        for verb, handler in verbs.items()
    },
    "listPhaseNames": work_item_names("phase"),
    "listGateNames": work_item_names("gate"),
    "listReleasePhases": list_framework("phase"),
    "addReleasePhase": add_framework("phase"),
    "updateReleasePhase": update_framework("phase"),
    "deleteReleasePhase": delete_framework("phase"),
    "listReleaseGates": list_framework("gate"),
    "addReleaseGate": add_framework("gate"),
    "updateReleaseGate": update_framework("gate"),
    "deleteReleaseGate": delete_framework("gate"),
    "listReleaseActivities": list_release_activities,
    "addReleaseActivity": add_release_activity,
    "updateReleaseActivity": update_release_activity,
    "deleteReleaseActivity": delete_release_activity,
    **{
        f"{verb}{entity}AdditionalInformation": handler
        for entity, pair in _FIELD_HANDLERS.items()
        for verb, handler in zip(("get", "update"), pair, strict=True)
    },
    "listReleaseChanges": list_release_changes,
    "unlinkChangeDeliveryRelease": unlink_change_delivery_release,
    **{
        name: handler
        for kind, trio in _LINKED_ITEM_HANDLERS.items()
        for name, handler in zip(
            (f"list{kind}LinkedItems", f"add{kind}LinkedItem", f"remove{kind}LinkedItem"),
            trio,
            strict=True,
        )
    },
}

_RELEASE_BODY = BodySpec("release", "A release object is required in the body.", merge=True)
_CHANGE_BODY = BodySpec("change", "A change object is required in the body.", merge=True)
_SEARCH_BODY = BodySpec(
    "", "The body must be a JSON object with searchFilters.", default={}, merge=False
)
_ENVIRONMENT_BODY = BodySpec(
    "environment", "An environment object is required in the body.", merge=True
)
_HOST_BODY = BodySpec("host", "A host object is required in the body.", merge=True)
_HEALTH_QUERY = BodySpec("", "The body must be a JSON object with environmentIds.")
_RELEASE_SYSTEM_BODY = BodySpec(
    "releaseSystem", "A release system object is required in the body.", merge=True
)
_DEPLOYMENT_DATE_BODY = BodySpec(
    "deploymentDate", "A deployment date object is required in the body.", merge=True
)
_ENVIRONMENT_GROUP_BODY = BodySpec(
    "environmentGroup", "An environment group object is required in the body.", merge=True
)
_SYSTEM_BODY = BodySpec("system", "A system object is required in the body.", merge=True)
_ORGANIZATION_BODY = BodySpec(
    "organization", "An organization object is required in the body.", merge=True
)
_STAKEHOLDER_BODY = BodySpec(
    "stakeholder", "A stakeholder object is required in the body.", merge=True
)
_LINKED_ITEM_BODY = BodySpec(
    "linkedItem", "A linked item object is required in the body.", merge=True
)

_PHASE_BODY = BodySpec("phase", "A phase object is required in the body.", merge=True)
_GATE_BODY = BodySpec("gate", "A gate object is required in the body.", merge=True)
_ACTIVITY_BODY = BodySpec("activity", "An activity object is required in the body.", merge=True)
#: How the body of each operation that takes one is read.
BODIES: dict[str, BodySpec] = {
    "createRelease": _RELEASE_BODY,
    "updateRelease": _RELEASE_BODY,
    "searchReleases": _SEARCH_BODY,
    "createChange": _CHANGE_BODY,
    "updateChange": _CHANGE_BODY,
    "searchChanges": _SEARCH_BODY,
    "updateLayer": BodySpec("layer", "A layer object is required in the body.", merge=True),
    "createEnvironment": _ENVIRONMENT_BODY,
    "updateEnvironment": _ENVIRONMENT_BODY,
    "createHost": _HOST_BODY,
    "updateHost": _HOST_BODY,
    "searchEnvironmentHealthHistory": _HEALTH_QUERY,
    "searchEnvironmentHealthCurrentStatus": _HEALTH_QUERY,
    "recordEnvironmentHealthCheck": BodySpec(
        "",
        "A JSON or multipart/form-data body with environmentId, health and testName is required.",
        merge=True,
    ),
    "addReleaseSystem": _RELEASE_SYSTEM_BODY,
    "updateReleaseSystem": _RELEASE_SYSTEM_BODY,
    "addDeploymentDate": _DEPLOYMENT_DATE_BODY,
    "updateDeploymentDate": _DEPLOYMENT_DATE_BODY,
    "updateTECR": BodySpec("tecr", "A TECR object is required in the body.", merge=True),
    "searchTECRs": _SEARCH_BODY,
    "linkChangeDeliveryRelease": BodySpec(
        "deliveryRelease", "A delivery release object is required in the body.", merge=True
    ),
    "createEnvironmentGroup": _ENVIRONMENT_GROUP_BODY,
    "updateEnvironmentGroup": _ENVIRONMENT_GROUP_BODY,
    "createConnectivity": BodySpec(
        "connectivity", "A connectivity object is required in the body.", merge=True
    ),
    "updateTEBR": BodySpec("tebr", "A TEBR object is required in the body.", merge=True),
    "searchTEBRs": _SEARCH_BODY,
    "createSystem": _SYSTEM_BODY,
    "updateSystem": _SYSTEM_BODY,
    "createOrganization": _ORGANIZATION_BODY,
    "updateOrganization": _ORGANIZATION_BODY,
    **{
        f"{verb}{kind}Stakeholder": _STAKEHOLDER_BODY
        for kind in ("Release", "System", "Change")
        for verb in ("add", "update")
    },
    "addReleaseLinkedItem": _LINKED_ITEM_BODY,
    "addChangeLinkedItem": _LINKED_ITEM_BODY,
    "addReleasePhase": _PHASE_BODY,
    "updateReleasePhase": _PHASE_BODY,
    "addReleaseGate": _GATE_BODY,
    "updateReleaseGate": _GATE_BODY,
    "addReleaseActivity": _ACTIVITY_BODY,
    "updateReleaseActivity": _ACTIVITY_BODY,
}


# -- change systems, comments, users (issue 18) ---------------------------------------------

CHANGE_SYSTEM = shape_of("plutora", "listChangeSystems", {"system": "name"})
COMMENT = shape_of("plutora", "listComments")
USER_ONE = shape_of("plutora", "getUser")


def list_change_systems(call: Call) -> Reply:
    """``GET /changes/{id}/systems``: the change's ``systems``, each system's name as
    ``system``."""
    items = call.state.change_systems.of(call.params["id"])
    return Reply(200, [CHANGE_SYSTEM(item) for item in items])


def add_change_system(call: Call) -> Reply:
    """``POST /changes/{id}/systems``: 201 with the change's new system."""
    model = _model(call, "changeSystem")
    item = call.state.change_systems.add(call.params["id"], call.body, model, _username(call))
    return Reply(201, CHANGE_SYSTEM(item))


def remove_change_system(call: Call) -> Reply:
    """``DELETE /changes/{id}/systems/{systemId}``: 200 with no body."""
    params = call.params
    call.state.change_systems.remove(params["id"], params["systemId"], _username(call))
    return Reply(200, NO_BODY)


def list_comments(call: Call) -> Reply:
    """``GET /comments/{type}/{id}``: the record's comments, oldest first."""
    items = call.state.comments.of(call.params["type"], call.params["id"])
    return Reply(200, [COMMENT(item) for item in items])


def add_comment(call: Call) -> Reply:
    """``POST /comments/{type}/{id}``: 201 with the caller's comment."""
    params, model = call.params, _model(call, "comment")
    comment = call.state.comments.add(
        params["type"], params["id"], call.body, model, _username(call)
    )
    return Reply(201, COMMENT(comment))


def get_user(call: Call) -> Reply:
    """``GET /users/{id}``: the user as ``GET /users`` lists it."""
    return Reply(200, USER_ONE(call.state.site_users.get(call.params["id"])))


def update_user(call: Call) -> Reply:
    """``PATCH /users/{id}``: roles and status; 204, or 403 for a caller who is not an
    Administrator."""
    users = call.state.site_users
    try:
        users.patch(call.params["id"], call.body, _model(call, "user"), _username(call))
    except NotAllowed as refused:
        return Reply(403, {"message": refused.message})
    return Reply(204)


HANDLERS.update(
    {
        "listChangeSystems": list_change_systems,
        "addChangeSystem": add_change_system,
        "removeChangeSystem": remove_change_system,
        "listComments": list_comments,
        "addComment": add_comment,
        "getUser": get_user,
        "updateUser": update_user,
    }
)
BODIES.update(
    {
        "addChangeSystem": BodySpec(
            "changeSystem", "A change system object is required in the body.", merge=True
        ),
        "addComment": BodySpec("comment", "A comment object is required in the body.", merge=True),
        "updateUser": BodySpec("user", "A user object is required in the body.", merge=True),
    }
)

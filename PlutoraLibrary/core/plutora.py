"""The Plutora (release management) API client."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import contract
from . import change_systems as _change_systems
from . import change_writes as _change_writes
from . import comments as _comments
from . import custom_fields as _custom_fields
from . import deploys as _deploys
from . import environment_groups as _environment_groups
from . import linked_items as _linked_items
from . import names as _names
from . import phase_bookings as _phase_bookings
from . import release_framework as _framework
from . import release_systems as _release_systems
from . import release_writes as _release_writes
from . import stakeholders as _stakeholders
from . import systems as _systems
from . import tebrs as _tebrs
from . import tecrs as _tecrs
from . import users as _users
from .client import ApiClient, path_segment
from .config import Product
from .errors import BusinessRuleViolation, OutcomeUnknown, PlutoraError, hide_library_frames
from .filters import Expression, SearchFilter, search_body
from .paging import Page, Record, iterate_pages, shaped

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

log = logging.getLogger("PlutoraLibrary")

#: Fields of a release the server sets or derives (``readOnly`` in the contract): dropped
#: from a copy before POSTing.
RELEASE_READ_ONLY = tuple(
    name
    for name in contract.properties("plutora", "Release")
    if name not in contract.writable("plutora", "Release")
)
#: Records per page unless asked otherwise, and the most a page holds (the contract's).
DEFAULT_PAGE_SIZE = contract.paging("plutora").default
MAX_PAGE_SIZE = contract.paging("plutora").cap


class PlutoraClient(ApiClient):
    """The Plutora API: releases, changes, environments, hosts, layers, lookups, systems.

    Example::

        with PlutoraClient(PlutoraConfig.from_env()) as plutora:
            drafts = plutora.releases(where("status").equals("Draft"))
            copy = plutora.copy_release(drafts[0]["id"], name="R1 copy", identifier="R1-C")
    """

    product = Product.PLUTORA

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Ids found by name, until the client next sends a write.
        self.names = _names.NameCache()

    # -- lists ----------------------------------------------------------------------------------

    def _list(self, entity: str, schema: str, filter: Expression | str | None) -> list[Record]:
        params = {"filter": str(filter)} if filter is not None else None
        return self._many(f"/{entity}", schema, params)

    def _page(
        self, entity: str, schema: str, filter: Expression | str | None, page: int, size: int
    ) -> Page:
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValueError(
                f"The page size must be from 1 to {MAX_PAGE_SIZE} (the server caps a page at "
                f"{MAX_PAGE_SIZE}), not {size}."
            )
        params: dict[str, Any] = {"pageNum": page, "recordsPerPage": size}
        if filter is not None:
            params["filter"] = str(filter)
        where = f"GET /{entity}"
        page_of: Page = self._get(
            f"/{entity}", schema, "page", params, lambda data: Page.from_plutora(data, where)
        )
        return page_of

    def _iterate(
        self, entity: str, schema: str, filter: Expression | str | None, size: int
    ) -> Iterator[Record]:
        return iterate_pages(lambda number: self._page(entity, schema, filter, number, size))

    def releases(self, filter: Expression | str | None = None) -> list[Record]:
        """Every release (the high-level view), optionally filtered.

        Example: ``client.releases(where("plutoraReleaseType").equals("Independent"))``
        """
        return self._list("releases", "release-list-item", filter)

    def release_page(
        self,
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        filter: Expression | str | None = None,
    ) -> Page:
        """One page of releases. Example: ``client.release_page(2, 50).items``."""
        return self._page("releases", "release-list-item", filter, page, page_size)

    def iter_releases(
        self, filter: Expression | str | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> Iterator[Record]:
        """Every release, fetched page by page as you iterate (constant memory).

        Example: ``for release in client.iter_releases(): ...``
        """
        return self._iterate("releases", "release-list-item", filter, page_size)

    def release(self, release_id: str) -> Record:
        """One release with every field. Example: ``client.release("6678d6bb-…")``."""
        return self._one(f"/releases/{path_segment(release_id)}", "release")

    def search_releases(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Page:
        """``POST /releases/filter``: filters ANDed, sorted by those with a direction.

        Example: ``client.search_releases([SearchFilter("status", "Equals", "Draft")]).items``
        """
        return self._search("releases", "release-list-item", filters, page, page_size, limit)

    def _search(
        self,
        entity: str,
        schema: str,
        filters: Iterable[SearchFilter],
        page: int,
        size: int,
        limit: int | None,
    ) -> Page:
        body = search_body(list(filters), page, size, limit)
        # A search changes nothing: a lost answer or a 503 is a failure, not an unknown outcome.
        where = f"POST /{entity}/filter"
        found: Page = self.transport.call(
            "POST",
            f"/{entity}/filter",
            json_body=body,
            idempotent=True,
            parse=self._parser(schema, "page", where, lambda data: Page.from_plutora(data, where)),
        )
        return found

    def iter_search_releases(
        self,
        filters: Iterable[SearchFilter] = (),
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Record]:
        """Every release matching the search, page by page. Example: see :meth:`search_releases`."""
        fixed = list(filters)
        return iterate_pages(lambda n: self.search_releases(fixed, n, page_size, limit))

    # -- copying ----------------------------------------------------------------------------------

    def copy_release(self, source_id: str, **changes: Any) -> Record:
        """Copy a release as the help page does: GET it, change it, POST it.

        ``changes`` must give at least a new ``name`` and a new ``identifier``. An Enterprise
        release is refused before anything is sent; a status in an end state is refused by the
        server (``BusinessRuleViolation`` either way). If the answer to the POST is lost, the
        copy is looked up by its identifier: the POST is never sent twice.

        Example: ``client.copy_release(source["id"], name="R1 copy", identifier="R1-COPY")``
        """
        missing = [name for name in ("name", "identifier") if not changes.get(name)]
        if missing:
            raise ValueError(
                f"A copy needs a new {' and '.join(missing)}: the identifier must be unique. "
                "Example: copy_release(source_id, name='R1 copy', identifier='R1-COPY')."
            )
        source = self.release(source_id)
        if str(changes["identifier"]).casefold() == str(source["identifier"]).casefold():
            raise ValueError(
                f"The copy's identifier {changes['identifier']!r} is the source's own; "
                "give a new one."
            )
        body = {key: value for key, value in source.items() if key not in RELEASE_READ_ONLY}
        body.update(changes)
        self._check_copy_rules(source, body)
        try:
            created = self.transport.call(
                "POST",
                "/releases",
                json_body=body,
                parse=self._parser(
                    "release",
                    "one",
                    "POST /releases",
                    lambda data: shaped(data, dict, "release", "POST /releases"),
                ),
            )
        except OutcomeUnknown as lost:
            found = self._recover_copy(str(body["identifier"]), lost)
        else:
            found = dict(created)
        self.created.add(
            f"/releases/{path_segment(str(found['id']))}", f"release {found['identifier']}"
        )
        return found

    def _check_copy_rules(self, source: Record, body: Record) -> None:
        # Only what the help pages state and real data shows is checked here. Whether a status
        # is an end state is not in any answer (lookup items carry no such flag), so that rule
        # is the server's: its 400 names it (BusinessRuleViolation).
        kind = str(body.get("plutoraReleaseType") or "")
        if kind.lower() == "enterprise":
            rule = "Enterprise releases cannot be created through the API."
            raise BusinessRuleViolation(
                "POST",
                "/releases",
                0,
                rule,
                messages={"internalServerValidationError": [rule]},
                advice=(
                    f"Checked before sending: the copy of {source['identifier']} would be refused. "
                    "Copy a Project (Integrated) or Independent release, or pass "
                    "plutoraReleaseType='Independent'."
                ),
            )

    def _recover_copy(self, identifier: str, lost: OutcomeUnknown) -> Record:
        # A search filter carries any identifier (a filter= expression cannot hold a backtick).
        try:
            page = self.search_releases([SearchFilter("identifier", "Equals", identifier)])
        except PlutoraError as error:
            raise OutcomeUnknown(
                f"POST /releases: the answer was lost, so the outcome is unknown: the copy "
                f"{identifier!r} may exist. Looking it up by identifier failed too ({error}). "
                "Nothing was sent twice. Look the release up before copying again."
            ) from error
        found = [
            record
            for record in page.items
            if str(record.get("identifier", "")).casefold() == identifier.casefold()
        ]
        if len(found) == 1:
            log.info(  # handled: the reader's business only at INFO
                "The answer to POST /releases was lost, but the copy %r exists: using it.",
                identifier,
            )
            return self.release(str(found[0]["id"]))
        raise OutcomeUnknown(
            f"POST /releases: the answer was lost and no release with identifier {identifier!r} "
            "exists yet. Nothing was sent twice. The server may still create it: look it up "
            "before copying again."
        ) from lost

    # -- changes ----------------------------------------------------------------------------------

    def changes(self, filter: Expression | str | None = None) -> list[Record]:
        """Every change, optionally filtered. Example: ``client.changes("`changeId` > `10`")``."""
        return self._list("changes", "change", filter)

    def change(self, change_id: str) -> Record:
        """One change. Example: ``client.change("…")``."""
        return self._one(f"/changes/{path_segment(change_id)}", "change")

    def search_changes(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Page:
        """``POST /changes/filter`` with filters, sort, paging and ``limit`` (10,000 at most).

        Example: ``client.search_changes([SearchFilter("ChangeId", direction="DESC")])``
        """
        return self._search("changes", "change", filters, page, page_size, limit)

    def iter_changes(
        self,
        filters: Iterable[SearchFilter] = (),
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[Record]:
        """Every change matching the search, page by page (constant memory)."""
        fixed = list(filters)
        return iterate_pages(lambda n: self.search_changes(fixed, n, page_size, limit))

    # -- environments, hosts, layers -----------------------------------------------------------

    def environments(self, filter: Expression | str | None = None) -> list[Record]:
        """Every environment as lists show it (id, name, url, status, …; its hosts come with
        :meth:`environment`). Example: ``client.environments(where("status").equals("Active"))``."""
        return self._list("environments", "environment-list-item", filter)

    def environment(self, environment_id: str) -> Record:
        """One environment with its hosts. Example: ``client.environment("…")["hosts"]``."""
        return self._one(f"/environments/{path_segment(environment_id)}", "environment")

    def hosts(self, filter: Expression | str | None = None) -> list[Record]:
        """Every host with its layers.

        Example: ``client.hosts(where("environmentID").equals(environment_id))``
        """
        return self._list("hosts", "host", filter)

    def host(self, host_id: str) -> Record:
        """One host. Example: ``client.host("…")``."""
        return self._one(f"/hosts/{path_segment(host_id)}", "host")

    def layer(self, layer_id: str) -> Record:
        """One layer with its stack-layer fields. Example: ``client.layer("…")["stackLayer"]``."""
        return self._one(f"/layers/{path_segment(layer_id)}", "layer")

    # -- lookups, organizations, systems -------------------------------------------------------

    def lookup_types(self) -> list[Record]:
        """The lookup field types. Example: ``[t["name"] for t in client.lookup_types()]``."""
        return self._many("/lookupfields", "lookup-type")

    def lookup(self, lookup_type: str) -> list[Record]:
        """The values of one lookup type. Example: ``client.lookup("ReleaseStatusType")``."""
        return self._many(f"/lookupfields/{path_segment(lookup_type)}", "lookup-item")

    def organizations(self, filter: Expression | str | None = None) -> list[Record]:
        """Every organization. Example: ``client.organizations()``."""
        return self._list("organizations", "organization", filter)

    def organization(self, organization_id: str) -> Record:
        """One organization. Example: ``client.organization("…")``."""
        return self._one(f"/organizations/{path_segment(organization_id)}", "organization")

    def systems(self, filter: Expression | str | None = None) -> list[Record]:
        """Every system. Example: ``client.systems()``."""
        return self._list("systems", "system", filter)

    def system(self, system_id: str) -> Record:
        """One system. Example: ``client.system("…")``."""
        return self._one(f"/systems/{path_segment(system_id)}", "system")

    # -- names instead of ids ------------------------------------------------------------------

    def id_of(self, entity: str, name: str) -> str:
        """The id of the one record of kind ``entity`` with that name, case-insensitively:
        systems, environments, hosts, organizations, changes and TECRs/TEBRs by ``name``;
        releases by ``identifier`` or ``name``; users by ``userName`` or ``email``. Kept for
        the run until the client sends a write. :class:`NameNotFound` (or
        :class:`NameAmbiguous`) names the closest names when not exactly one matches.

        Example: ``sit = client.id_of("environments", "SIT1")``, then
        ``client.hosts(where("environmentID").equals(sit))``
        """
        return _names.id_of(self, entity, name)

    def lookup_id(self, lookup_type: str, value: str) -> str:
        """The id of a lookup value, case-insensitively; :class:`NameNotFound` lists the
        type's values when none matches.

        Example: ``client.lookup_id("ReleaseStatusType", "Draft")``
        """
        return _names.lookup_id(self, lookup_type, value)

    # -- custom fields ---------------------------------------------------------------------------

    def custom_fields(self, entity: str, record_id: str) -> list[Record]:
        """Every custom field (``additionalInformation``) of a release, change, system,
        environment, TECR or TEBR, as the API sends them.

        Example: ``[f["name"] for f in client.custom_fields("release", release_id)]``
        """
        return _custom_fields.custom_fields(self, entity, record_id)

    def custom_field(self, entity: str, record_id: str, name: str) -> Any:
        """One custom field's value by the field's name (case ignored): text, a whole number,
        a decimal, a date/time text, a list item's text, or a list of them.

        Example: ``client.custom_field("release", release_id, "Risk Owner")`` → ``'QA'``
        """
        return _custom_fields.custom_field(self, entity, record_id, name)

    def set_custom_fields(self, entity: str, record_id: str, values: dict[str, Any]) -> Record:
        """Set custom fields by name, each converted to its field's data type; a value the
        field cannot take (a list item it does not offer, a date that is none) fails with
        :class:`CustomFieldRefused` before anything is sent.

        Example: ``client.set_custom_fields("release", release_id, {"Risk Owner": "QA"})``
        """
        return _custom_fields.set_custom_fields(self, entity, record_id, values)

    # -- CI deploys: environments, hosts, health checks ----------------------------------------

    def create_environment(self, fields: Mapping[str, Any]) -> Record:
        """Create an environment (``POST /environments``, 201); returns it with its ``id``.

        ``fields`` in any case (``Name`` or ``name``); ``name``, ``usageWorkItemId`` and
        ``environmentStatusId`` are required (ids of ``UsedForWorkItem`` and
        ``EnvironmentStatus`` values: :meth:`lookup_id`). A field an environment does not have
        fails before sending. Sent once: a lost answer is recovered by looking the name up.

        Example::

            sit = client.create_environment({
                "name": "SIT9",
                "usageWorkItemId": client.lookup_id("UsedForWorkItem", "Dev"),
                "environmentStatusId": client.lookup_id("EnvironmentStatus", "Active"),
            })
        """
        return _deploys.create_environment(self, fields)

    def update_environment(
        self, environment_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Replace an environment's fields (``PUT /environments/{id}``, 204): send the whole
        environment as read, changed (its hosts are ignored). Returns None, or with
        ``verify=True`` the environment read back, each field sent compared
        (:class:`ChangeNotPersisted` otherwise).

        Example: ``client.update_environment(env["id"], {**env, "url": "https://x"}, verify=True)``
        """
        return _deploys.update_environment(self, environment_id, fields, verify)

    def delete_environment(self, environment_id: str) -> None:
        """Delete an environment with its hosts and layers (``DELETE /environments/{id}``);
        refused while an open TECR points at it (:class:`BusinessRuleViolation`).

        Example: ``client.delete_environment(sit["id"])``
        """
        _deploys.delete_environment(self, environment_id)

    def create_host(self, fields: Mapping[str, Any]) -> Record:
        """Create a host in an environment (``POST /hosts``, 201): ``name`` and
        ``environmentID``. Sent once: a lost answer is recovered from the environment's hosts.

        Example: ``host = client.create_host({"name": "web-1", "environmentID": sit["id"]})``
        """
        return _deploys.create_host(self, fields)

    def update_host(
        self, host_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Rename a host (``PUT /hosts/{id}``, 204); it stays in its environment. Returns
        None, or with ``verify=True`` the host read back.

        Example: ``client.update_host(host["id"], {**host, "name": "web-01"}, verify=True)``
        """
        return _deploys.update_host(self, host_id, fields, verify)

    def delete_host(self, host_id: str) -> None:
        """Delete a host with its layers (``DELETE /hosts/{id}``).

        Example: ``client.delete_host(host["id"])``
        """
        _deploys.delete_host(self, host_id)

    def record_health_check(
        self,
        environment_id: str,
        health: int | str,
        test_name: str,
        log_file: str | Path | bytes | tuple[str, bytes] | None = None,
    ) -> Record:
        """Post an environment health check (``POST /environmentHealthCheck``, multipart):
        ``health`` 0-3 or its name (Unknown, Online, Offline, Issue), the test's name and
        optionally its log file (a path, bytes or ``(name, content)``; UTF-8 text, at most 1
        MiB). The log is masked like any body in logs and attached to Allure. Sent once: a
        lost answer is recovered from the environment's current status.

        Example: ``client.record_health_check(sit["id"], "Online", "smoke", log_file="smoke.log")``
        """
        return _deploys.record_health_check(self, environment_id, health, test_name, log_file)

    def health_history(self, environment_ids: Iterable[str]) -> list[Record]:
        """Every health check of the environments, newest first
        (``POST /environmentHealthCheck/FullHistory``).

        Example: ``client.health_history([sit["id"]])[0]["testName"]``
        """
        return _deploys.health_history(self, list(environment_ids))

    def current_health(self, environment_ids: Iterable[str]) -> list[Record]:
        """The current health of the environments: the latest check per test name of the
        last 7 days (``POST /environmentHealthCheck/CurrentStatus``).

        Example: ``{c["testName"]: c["healthName"] for c in client.current_health([sit["id"]])}``
        """
        return _deploys.current_health(self, list(environment_ids))

    # -- release systems: deployment status and dates -------------------------------------------

    def release_systems(self, release_id: str) -> list[Record]:
        """The systems of a release with their role, deployment status (``NotStarted``,
        ``Completed``, ``RollbackPending``, ``Rejected``) and deployment dates.

        Example: ``{s["system"]: s["deploymentStatus"] for s in client.release_systems(rid)}``
        """
        return _release_systems.release_systems(self, release_id)

    def add_release_system(
        self,
        release_id: str,
        system_id: str,
        role: str = "Impact",
        dependency_type_id: str | None = None,
    ) -> Record:
        """Add a system to a release (``POST /releases/{id}/systems``, 201): ``role`` Impact
        or Dependency (with a ``SystemRoleDependencyType`` value's id). Sent once: a lost
        answer is recovered from the release's systems.

        Example: ``client.add_release_system(rid, client.id_of("systems", "Billing"))``
        """
        return _release_systems.add_release_system(
            self, release_id, system_id, role, dependency_type_id
        )

    def remove_release_system(self, release_id: str, system_id: str) -> None:
        """Take a system out of a release, with its deployment dates.

        Example: ``client.remove_release_system(rid, system_id)``
        """
        _release_systems.remove_release_system(self, release_id, system_id)

    def set_deployment_status(
        self, release_id: str, system_id: str, status: str, verify: bool = False
    ) -> Record | None:
        """Set a release system's deployment status to ``Completed``, ``RollbackPending`` or
        ``Rejected`` (``PUT /releases/{id}/systems/{systemId}``, 204). A move the contract
        does not allow from the current status (RollbackPending before Completed) fails
        before sending (:class:`BusinessRuleViolation`, naming the moves there are); so does
        Completed for a system with no deployment date. Returns None, or with
        ``verify=True`` the release system read back.

        Example: ``client.set_deployment_status(rid, system_id, "Completed", verify=True)``
        """
        return _release_systems.set_deployment_status(self, release_id, system_id, status, verify)

    def deployment_dates(self, release_id: str, system_id: str) -> list[Record]:
        """A release system's deployment dates, in start order.

        Example: ``client.deployment_dates(rid, system_id)[0]["startDate"]``
        """
        return _release_systems.deployment_dates(self, release_id, system_id)

    def add_deployment_date(
        self,
        release_id: str,
        system_id: str,
        start: str,
        end: str,
        environment_id: str | None = None,
        description: str | None = None,
    ) -> Record:
        """Add a deployment window to a release system (201); ``start`` and ``end`` as ISO
        8601 (a date alone is midnight), the end not before the start.

        Example: ``client.add_deployment_date(rid, sid, "2026-03-01T10:00", "2026-03-01T12:00")``
        """
        fields: dict[str, Any] = {"startDate": start, "endDate": end}
        if environment_id is not None:
            fields["environmentId"] = environment_id
        if description is not None:
            fields["description"] = description
        return _release_systems.add_deployment_date(self, release_id, system_id, fields)

    def update_deployment_date(
        self,
        release_id: str,
        system_id: str,
        date_id: str,
        fields: Mapping[str, Any],
        verify: bool = False,
    ) -> Record | None:
        """Replace a deployment date's fields (the date as read, changed; 204). Returns None,
        or with ``verify=True`` the date read back.

        Example: ``client.update_deployment_date(r, s, d["id"], {**d, "endDate": "2026-03-09"})``
        """
        return _release_systems.update_deployment_date(
            self, release_id, system_id, date_id, dict(fields), verify
        )

    def delete_deployment_date(self, release_id: str, system_id: str, date_id: str) -> None:
        """Delete a deployment date.

        Example: ``client.delete_deployment_date(rid, sid, date["id"])``
        """
        _release_systems.delete_deployment_date(self, release_id, system_id, date_id)

    # -- release framework: phases, gates and activities ------------------------------------------

    def phase_names(self) -> list[Record]:
        """The names a release phase may take (``GET /WorkItemNames/Phases``): ``[{id, name}]``.

        Example: ``[n["name"] for n in client.phase_names()]`` → ``['Design', 'Build', …]``
        """
        return _framework.work_item_names(self, "phase")

    def gate_names(self) -> list[Record]:
        """The names a release gate may take (``GET /WorkItemNames/Gates``).

        Example: ``"Go/No-Go" in [n["name"] for n in client.gate_names()]``
        """
        return _framework.work_item_names(self, "gate")

    def release_phases(self, release_id: str) -> list[Record]:
        """A release's phases in start order: ``id``, ``workItemNameID``, ``workItemName``,
        ``startDate``, ``endDate``, ``isIgnore``, ``isIgnoreChild``.

        Example: ``[p["workItemName"] for p in client.release_phases(rid)]``
        """
        return _framework.release_items(self, release_id, "phase")

    def release_gates(self, release_id: str) -> list[Record]:
        """A release's gates in start order (the fields of a phase).

        Example: ``client.release_gates(rid)[0]["workItemName"]``
        """
        return _framework.release_items(self, release_id, "gate")

    def release_phase(self, release_id: str, phase: str) -> Record:
        """One phase of a release by its id or name (:class:`NotFound` naming its phases).

        Example: ``client.release_phase(rid, "SIT")["endDate"]``
        """
        return _framework.release_item(self, release_id, "phase", phase)

    def release_gate(self, release_id: str, gate: str) -> Record:
        """One gate of a release by its id or name.

        Example: ``client.release_gate(rid, "Go/No-Go")["startDate"]``
        """
        return _framework.release_item(self, release_id, "gate", gate)

    def add_release_phase(
        self, release_id: str, name: str, start: str, end: str, **fields: Any
    ) -> Record:
        """Add a phase to a release (``POST /releases/{id}/phases``, 201): ``name`` one of
        :meth:`phase_names` (or its id), ``start`` and ``end`` ISO 8601 (a date alone is
        midnight), ``fields`` more of the contract's (``isIgnore``). A name the site does not
        list, one the release has already, or an end before the start fails before sending.
        Sent once: a lost answer is recovered from the release's phases.

        Example: ``client.add_release_phase(rid, "SIT", "2026-03-02", "2026-03-13T17:00")``
        """
        body = {**fields, "startDate": start, "endDate": end}
        return _framework.add_release_item(self, release_id, "phase", name, body)

    def add_release_gate(
        self, release_id: str, name: str, start: str, end: str, **fields: Any
    ) -> Record:
        """Add a gate to a release (``POST /releases/{id}/gates``, 201), as
        :meth:`add_release_phase` with a name of :meth:`gate_names`.

        Example: ``client.add_release_gate(rid, "Go/No-Go", "2026-03-16", "2026-03-16T12:00")``
        """
        body = {**fields, "startDate": start, "endDate": end}
        return _framework.add_release_item(self, release_id, "gate", name, body)

    def update_release_phase(
        self, release_id: str, phase: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Change a phase (by id or name): the phase as read with ``fields`` changed
        (``startDate``, ``endDate``, ``name``), sent back (204). Returns None, or with
        ``verify=True`` the phase read back.

        Example: ``client.update_release_phase(rid, "SIT", {"endDate": "2026-03-20"})``
        """
        return _framework.update_release_item(self, release_id, "phase", phase, fields, verify)

    def update_release_gate(
        self, release_id: str, gate: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Change a gate (by id or name), as :meth:`update_release_phase`.

        Example: ``client.update_release_gate(rid, "Go/No-Go", {"startDate": "2026-03-17"})``
        """
        return _framework.update_release_item(self, release_id, "gate", gate, fields, verify)

    def remove_release_phase(self, release_id: str, phase: str) -> None:
        """Take a phase (by id or name) out of a release; one with activities is refused
        before sending, naming them.

        Example: ``client.remove_release_phase(rid, "SIT")``
        """
        _framework.remove_release_item(self, release_id, "phase", phase)

    def remove_release_gate(self, release_id: str, gate: str) -> None:
        """Take a gate (by id or name) out of a release, as :meth:`remove_release_phase`.

        Example: ``client.remove_release_gate(rid, "Go/No-Go")``
        """
        _framework.remove_release_item(self, release_id, "gate", gate)

    def release_activities(self, release_id: str) -> list[Record]:
        """A release's activities (on phases) and criteria (on gates): ``id``, ``title``,
        ``type``, ``status``, ``assignedToID``, ``assignedWorkItemID``, ``assignedWorkItem``,
        the dates, ….

        Example: ``{a["title"]: a["status"] for a in client.release_activities(rid)}``
        """
        return _framework.release_activities(self, release_id)

    def release_activity(self, release_id: str, activity_id: str) -> Record:
        """One activity of a release (:class:`NotFound` naming some it has).

        Example: ``client.release_activity(rid, activity["id"])["status"]``
        """
        return _framework.release_activity(self, release_id, activity_id)

    def add_release_activity(
        self, release_id: str, title: str, work_item: str, **fields: Any
    ) -> Record:
        """Add an activity to the release's phase, or a criterion to its gate, ``work_item``
        (its id or name) (``POST /releases/{id}/activities``, 201); ``fields`` more of the
        contract's: ``status`` (NotStarted, InProgress, Completed), ``assignedToID``,
        ``startDate``, ``endDate``, ``type``, …. Sent once: a lost answer is recovered by
        its title on that phase.

        Example: ``client.add_release_activity(rid, "Smoke tests", "SIT", status="InProgress")``
        """
        return _framework.add_release_activity(self, release_id, title, work_item, fields)

    def update_release_activity(
        self, release_id: str, activity_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Change an activity: the activity as read with ``fields`` changed (``workItem``
        moves it to another phase or gate by name or id), sent back (204). Returns None, or
        with ``verify=True`` the activity read back.

        Example: ``client.update_release_activity(rid, aid, {"endDate": "2026-03-12"})``
        """
        return _framework.update_release_activity(self, release_id, activity_id, fields, verify)

    def set_activity_status(
        self, release_id: str, activity_id: str, status: str, verify: bool = False
    ) -> Record | None:
        """Set an activity's (or criterion's) status: NotStarted, InProgress or Completed (a
        criterion Completed passes its gate's check).

        Example: ``client.set_activity_status(rid, aid, "Completed", verify=True)``
        """
        return _framework.update_release_activity(
            self, release_id, activity_id, {"status": status}, verify
        )

    def delete_release_activity(self, release_id: str, activity_id: str) -> None:
        """Delete an activity or criterion.

        Example: ``client.delete_release_activity(rid, activity["id"])``
        """
        _framework.delete_release_activity(self, release_id, activity_id)

    # -- TECRs: status moves and linked changes ---------------------------------------------------

    def tecrs(self) -> list[Record]:
        """Every TECR (test environment change request): ``id``, ``name``, ``crStatus``,
        ``crStatusId``, ``crType``, ``environmentId``, ``description``.

        Example: ``[t for t in client.tecrs() if t["crStatus"] == "Approved"]``
        """
        return _tecrs.tecrs(self)

    def tecr(self, tecr_id: str) -> Record:
        """One TECR. Example: ``client.tecr(tecr_id)["crStatus"]``."""
        return _tecrs.tecr(self, tecr_id)

    def search_tecrs(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Page:
        """``POST /TECRs/filter``: filters ANDed, sorted by those with a direction.

        Example: ``client.search_tecrs([SearchFilter("crStatus", "Equals", "Approved")]).items``
        """
        return _tecrs.search_tecrs(self, filters, page, page_size, limit)

    def tecr_linked_changes(self, tecr_id: str) -> list[Record]:
        """The changes a TECR is linked to (``GET /TECRs/{id}/LinkedChanges``).

        Example: ``[c["changeId"] for c in client.tecr_linked_changes(tecr_id)]``
        """
        return _tecrs.linked_changes(self, tecr_id)

    def set_tecr_status(
        self, tecr_id: str, status: str, verify: bool = False, user_id: str | None = None
    ) -> Record | None:
        """Move a TECR to another status (``PUT /TECRs/{id}``, 204): Draft, Submitted,
        Approved, Rejected or Completed, as the contract's moves allow (Draft → Submitted →
        Approved → Completed; Submitted or Approved → Rejected; back to Draft from Submitted or
        Rejected). Another move fails before sending (:class:`BusinessRuleViolation` naming
        the moves there are). ``user_id``: the user making the change. Returns None, or with
        ``verify=True`` the TECR read back.

        Example: ``client.set_tecr_status(tecr_id, "Completed", verify=True)``
        """
        return _tecrs.set_tecr_status(self, tecr_id, status, verify, user_id)

    # -- changes: raise, change, delete, link to a release -------------------------------------

    def create_change(self, fields: Mapping[str, Any], form: bool = False) -> Record:
        """Raise a change (``POST /changes``, 201) from its fields (any case): ``name``,
        ``changeStatusId``, ``changePriorityId`` and ``changeTypeId`` are required (lookup
        ids: :meth:`lookup_id`). ``form=True`` sends a form, as the vendor's scripts do
        (``systems[0][systemId]=…``). A field a change does not have fails before sending.
        Sent once: a lost answer is recovered when exactly one change has the name.

        Example::

            change = client.create_change({
                "name": "Fix login",
                "changeStatusId": client.lookup_id("ChangeStatus", "New"),
                "changePriorityId": client.lookup_id("ChangePriority", "High"),
                "changeTypeId": client.lookup_id("ChangeType", "Defect Fix"),
            })
        """
        return _change_writes.create_change(self, fields, form)

    def update_change(
        self, change_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Replace a change's fields (``PUT /changes/{id}``): send the change as read,
        changed. Returns None, or with ``verify=True`` the change read back, each field sent
        compared.

        Example: ``client.update_change(c["id"], {**c, "description": "Done"}, verify=True)``
        """
        return _change_writes.update_change(self, change_id, fields, verify)

    def delete_change(self, change_id: str) -> None:
        """Delete a change. Example: ``client.delete_change(change["id"])``."""
        _change_writes.delete_change(self, change_id)

    def link_change_to_release(
        self,
        change_id: str,
        release_id: str,
        target: bool = True,
        actual: bool = False,
        verify: bool = False,
    ) -> Record | None:
        """Say which release a change is delivered in (``PUT
        /changes/{id}/deliveryReleases/{releaseId}``, 204): ``target`` (the planned release)
        and ``actual`` (the release it was delivered in). Returns None, or with
        ``verify=True`` the change read back.

        Example: ``client.link_change_to_release(change["id"], release["id"], verify=True)``
        """
        return _change_writes.link_change_to_release(
            self, change_id, release_id, target, actual, verify
        )

    # -- environment groups and connectivities ----------------------------------------------------

    def environment_groups(self, filter: Expression | str | None = None) -> list[Record]:
        """Every environment group (``id``, ``name``, ``environmentIDs``, ``isAutoApproved``,
        …), optionally filtered.

        Example: ``client.environment_groups(where("name").contains("SIT"))``
        """
        return _environment_groups.environment_groups(self, filter)

    def environment_group(self, group_id: str) -> Record:
        """One environment group. Example: ``client.environment_group(group_id)["name"]``."""
        return _environment_groups.environment_group(self, group_id)

    def create_environment_group(self, fields: Mapping[str, Any]) -> Record:
        """Create an environment group linking environments (``POST /environmentgroups``,
        201): ``name`` (required, unique), ``environmentIDs``, ``description``, ``color``,
        ``vendor``, ``usageWorkItemId``, ``organizationId``, ``isAutoApproved``,
        ``displayBookingAlert``, ``bookingAlertMessage`` (any case). A field the record does
        not have fails before sending; a lost answer is recovered by the name; the group is
        deleted by the clean-up.

        Example: ``client.create_environment_group({"name": "SIT pair", "environmentIDs": [a, b]})``
        """
        return _environment_groups.create_environment_group(self, fields)

    def update_environment_group(
        self, group_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Replace an environment group (``PUT /environmentgroups/{id}``, 204): send every
        field (a group read with :meth:`environment_group` is a valid body); its
        ``environmentIDs`` become the group's. Returns None, or with ``verify=True`` the group
        read back and compared.

        Example: ``client.update_environment_group(gid, {**group, "environmentIDs": ids})``
        """
        return _environment_groups.update_environment_group(self, group_id, fields, verify)

    def delete_environment_group(self, group_id: str) -> None:
        """Delete an environment group with its connectivities (its environments stay).

        Example: ``client.delete_environment_group(group["id"])``
        """
        _environment_groups.delete_environment_group(self, group_id)

    def environment_connectivities(self, group: str | None = None) -> list[Record]:
        """The connectivities of an environment group, given by its name (any case) or id
        (every group's when None): ``sourceId``, ``targetId``, ``connectivityType``,
        ``direction``. A group the site does not have is :class:`NameNotFound`.

        Example: ``[c["direction"] for c in client.environment_connectivities("SIT pair")]``
        """
        return _environment_groups.connectivities(self, group)

    def connect_environments(
        self,
        group_id: str,
        source_id: str,
        target_id: str,
        connectivity_type_id: str,
        direction: str = "Out",
    ) -> Record:
        """Connect two environments of a group (``POST /connectivities``, which answers no
        body): the connectivity read back. ``connectivity_type_id``: an
        ``EnvironmentMapConnectivityType`` value's id; ``direction``: In, Out or InAndOut.

        Example: ``client.connect_environments(gid, sit1, sit2, https_id, "InAndOut")``
        """
        return _environment_groups.connect_environments(
            self, group_id, source_id, target_id, connectivity_type_id, direction
        )

    # -- TEBRs: search, status moves, bookings -------------------------------------------------

    def tebrs(self) -> list[Record]:
        """Every TEBR (test environment booking request): ``id``, ``name``, ``status``,
        ``statusID``, ``type``, ``startDate``, ``endDate`` (:meth:`search_tebrs` to filter
        and page).

        Example: ``[t["name"] for t in client.tebrs() if t["status"] == "Approved"]``
        """
        return _tebrs.tebrs(self)

    def tebr(self, tebr_id: str) -> Record:
        """One TEBR (test environment booking request). Example: ``client.tebr(tid)["status"]``."""
        return _tebrs.tebr(self, tebr_id)

    def search_tebrs(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        limit: int | None = None,
    ) -> Page:
        """``POST /TEBRs/filter``: filters ANDed, sorted by those with a direction.

        Example: ``client.search_tebrs([SearchFilter("status", "Equals", "Approved")]).items``
        """
        return _tebrs.search_tebrs(self, filters, page, page_size, limit)

    def set_tebr_status(
        self, tebr_id: str, status: str, verify: bool = False, description: str | None = None
    ) -> Record | None:
        """Move a TEBR to another status (``PUT /TEBRs/{id}``, 204): Submitted, Approved,
        Completed, Failed or Cancelled, as the contract's moves allow (Submitted → Approved →
        Completed; Approved or Completed → Failed; Submitted or Approved → Cancelled). Another
        move fails before sending (:class:`BusinessRuleViolation` naming the moves there are).
        Its bookings follow on the server. Returns None, or with ``verify=True`` the TEBR read
        back.

        Example: ``client.set_tebr_status(tebr_id, "Completed", verify=True)``
        """
        return _tebrs.set_tebr_status(self, tebr_id, status, verify, description)

    def tebr_bookings(self, tebr_id: str) -> list[Record]:
        """The bookings a TEBR asked for (``GET /TEBRs/{id}/Bookings``): ``environmentId``,
        ``startDate``, ``endDate``, ``status``, ``state``.

        Example: ``[b["status"] for b in client.tebr_bookings(tebr_id)]``
        """
        return _tebrs.tebr_bookings(self, tebr_id)

    def booking_page(
        self,
        filter: Expression | str | None = None,
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """One page of bookings (``GET /Bookings``, ``filter=`` when given).

        Example: ``client.booking_page(where("status").equals("Approved")).total_count``
        """
        return _tebrs.booking_page(self, filter, page, page_size)

    def bookings(self, filter: Expression | str | None = None) -> list[Record]:
        """Every booking ``filter`` matches (all pages), e.g. those under way at a moment.

        Example: ``client.bookings("`startDate` <= `2026-03-01` and `endDate` >= `2026-03-01`")``
        """
        return list(_tebrs.iter_bookings(self, filter, DEFAULT_PAGE_SIZE))

    def book_environment_for_phase(self, release_id: str, phase: str, environment: str) -> Record:
        """Book an environment (name or id) for a release's phase (name or id): ``POST
        /releases/{id}/phases/{phaseId}/environments/{environmentId}``, 201 with the booking
        (the phase's dates; Approved when the environment's group approves on its own, else
        Pending). Sent once; a phase the release lacks fails before sending.

        Example: ``client.book_environment_for_phase(release_id, "SIT", "SIT1")["status"]``
        """
        return _phase_bookings.book_environment_for_phase(self, release_id, phase, environment)

    # -- systems, organizations and stakeholders ----------------------------------------------

    def create_system(self, fields: Mapping[str, Any]) -> Record:
        """Create a system (``POST /systems``, 201): ``name``, ``vendor``, ``status`` (Active
        or Inactive) and ``organizationId`` are required (any case). Sent once: a lost answer
        is recovered by looking the name up. Remembered for :func:`.created.delete_created`.

        Example: ``client.create_system({"name": "Ledger", "vendor": "SAP", "status":
        "Active", "organizationId": client.organization_tree()["id"]})``
        """
        return _systems.create_system(self, fields)

    def update_system(
        self, system_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Replace a system's fields (``PUT /systems/{id}``): send the system as read, changed
        (custom fields are set with :meth:`set_custom_fields`). Returns None, or with
        ``verify=True`` the system read back, each field sent compared.

        Example: ``client.update_system(s["id"], {**s, "status": "Inactive"}, verify=True)``
        """
        return _systems.update_system(self, system_id, fields, verify)

    def delete_system(self, system_id: str) -> None:
        """Delete a system; refused while an environment is linked to it
        (:class:`BusinessRuleViolation`); releases keep it. Example:
        ``client.delete_system(s["id"])``."""
        _systems.delete_system(self, system_id)

    def organization_tree(self) -> Record:
        """The organization tree (``GET /organizations/tree``): the top organization with
        ``id``, ``name``, ``type`` and ``children``, nested.

        Example: ``[c["name"] for c in client.organization_tree()["children"]]``
        """
        return _systems.organization_tree(self)

    def create_organization(self, fields: Mapping[str, Any]) -> Record:
        """Create an organization (``POST /organizations``, 201) with ``name``, ``type``
        (Division or Department) and the ``parentId`` it sits under. Sent once.

        Example: ``client.create_organization({"name": "QA", "type": "Department",
        "parentId": client.organization_tree()["id"]})``
        """
        return _systems.create_organization(self, fields)

    def update_organization(
        self, organization_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Rename, retype or (with ``parentId``) move an organization (``PUT
        /organizations/{id}``, 204). Returns None, or with ``verify=True`` the organization
        read back (and its place in the tree checked).

        Example: ``client.update_organization(o["id"], {**o, "name": "QA Guild"}, verify=True)``
        """
        return _systems.update_organization(self, organization_id, fields, verify)

    def stakeholders(self, record_type: str, record_id: str) -> list[Record]:
        """The stakeholders of a ``release``, ``system`` or ``change``: each with ``id`` (the
        user's or group's), ``user``/``group``, ``stakeholderRoles`` and the RACI flags.

        Example: ``[s["user"] for s in client.stakeholders("release", rid) if s["accountable"]]``
        """
        return _stakeholders.stakeholders(self, record_type, record_id)

    def stakeholder(self, record_type: str, record_id: str, stakeholder_id: str) -> Record:
        """One stakeholder of a release, system or change, by its user's or group's id.

        Example: ``client.stakeholder("system", sid, user_id)["responsible"]``
        """
        return _stakeholders.stakeholder(self, record_type, record_id, stakeholder_id)

    def add_stakeholder(
        self,
        record_type: str,
        record_id: str,
        user_id: str | None = None,
        group_id: str | None = None,
        roles: Iterable[str] | str | None = None,
        responsible: bool = False,
        accountable: bool = False,
        informed: bool = False,
        consulted: bool = False,
    ) -> Record:
        """Add a user or a user group as a stakeholder of a release, system or change
        (``POST …/stakeholders``, 201), with roles (``StakeholderRole`` values or ids) and RACI
        flags. One that is a stakeholder already fails before sending. Sent once.

        Example: ``client.add_stakeholder("release", rid, user_id=me, roles=["Tester"],
        informed=True)``
        """
        flags = {
            "responsible": responsible,
            "accountable": accountable,
            "informed": informed,
            "consulted": consulted,
        }
        return _stakeholders.add_stakeholder(
            self, record_type, record_id, user_id, group_id, roles, flags
        )

    def update_stakeholder(
        self,
        record_type: str,
        record_id: str,
        stakeholder_id: str,
        changes: Mapping[str, Any],
        verify: bool = False,
    ) -> Record | None:
        """Change a stakeholder's RACI flags or ``roles`` (``PUT …/stakeholders/{id}``, 204):
        the stakeholder is read, changed and sent back. The owner of a release stays
        accountable (refused before sending). Returns None, or with ``verify=True`` the
        stakeholder read back.

        Example: ``client.update_stakeholder("release", rid, me, {"consulted": True})``
        """
        return _stakeholders.update_stakeholder(
            self, record_type, record_id, stakeholder_id, changes, verify
        )

    def remove_stakeholder(self, record_type: str, record_id: str, stakeholder_id: str) -> None:
        """Remove a stakeholder from a release, system or change; a release's owner is
        refused before sending. Example: ``client.remove_stakeholder("system", sid, me)``."""
        _stakeholders.remove_stakeholder(self, record_type, record_id, stakeholder_id)

    # -- releases: create, replace, delete; their changes and linked items -----------------------

    def create_release(self, fields: Mapping[str, Any]) -> Record:
        """Create a release from its fields (``POST /releases``, 201); returns it with its
        ``id``. ``identifier`` (unique), ``name``, ``implementationDate``,
        ``releaseStatusTypeId`` (:meth:`lookup_id`) and ``plutoraReleaseType``
        (``Independent`` or ``Integrated``; Enterprise is refused before sending) are
        required; fields in any case. Sent once: a lost answer is recovered by the
        identifier. Remembered for clean-up.

        Example::

            release = client.create_release({
                "identifier": "R-42", "name": "Release 42", "implementationDate": "2027-01-31",
                "releaseStatusTypeId": client.lookup_id("ReleaseStatusType", "Draft"),
                "plutoraReleaseType": "Independent",
            })
        """
        return _release_writes.create_release(self, fields)

    def update_release(
        self, release_id: str, fields: Mapping[str, Any], verify: bool = False
    ) -> Record | None:
        """Replace a release's fields (``PUT /releases/{id}``, 204): send the release as
        read, changed. Returns None, or with ``verify=True`` the release read back, each
        field sent compared (:class:`ChangeNotPersisted` otherwise).

        Example: ``client.update_release(r["id"], {**r, "summary": "Go-live"}, verify=True)``
        """
        return _release_writes.update_release(self, release_id, fields, verify)

    def delete_release(self, release_id: str) -> None:
        """Delete a release (``DELETE /releases/{id}``, 200); one with child releases is
        refused (:class:`BusinessRuleViolation`).

        Example: ``client.delete_release(release["id"])``
        """
        _release_writes.delete_release(self, release_id)

    def release_changes(self, release_id: str) -> list[Record]:
        """The changes delivered in a release (``GET /releases/{id}/changes``): those whose
        ``deliveryReleases`` name it.

        Example: ``[c["name"] for c in client.release_changes(release_id)]``
        """
        return _release_writes.release_changes(self, release_id)

    def remove_change_from_release(self, change_id: str, release_id: str) -> None:
        """Take a change out of a release (``DELETE
        /changes/{id}/deliveryReleases/{releaseId}``, 200); a change not in the release is
        a :class:`NotFound` naming the release's changes.

        Example: ``client.remove_change_from_release(change["id"], release_id)``
        """
        _release_writes.remove_change_from_release(self, change_id, release_id)

    def linked_items(self, record_type: str, record_id: str) -> list[Record]:
        """The items linked to a release or a change (``record_type`` ``"release"`` or
        ``"change"``): each ``{id, linkedItemId, linkedItemType, linkedItem, linkType}``.

        Example: ``[i["linkedItem"] for i in client.linked_items("release", release_id)]``
        """
        return _linked_items.linked_items(self, record_type, record_id)

    def link_items(
        self,
        record_type: str,
        record_id: str,
        linked_item_id: str,
        linked_item_type: str = "Release",
        link_type: str = "Depends on",
    ) -> Record:
        """Link a release or a change to another release or change (``POST
        …/linkedItems``, 201): ``linked_item_type`` Release or Change, ``link_type``
        ``Depends on``, ``Is dependent on`` or ``Related to``; the other record gets the
        mirror link. A link to itself, or to a record linked already, fails before sending.
        Sent once; remembered for clean-up.

        Example: ``client.link_items("release", release_id, other_id, "Release", "Depends on")``
        """
        return _linked_items.link_items(
            self, record_type, record_id, linked_item_id, linked_item_type, link_type
        )

    def unlink_item(self, record_type: str, record_id: str, link_id: str) -> None:
        """Remove a link (``DELETE …/linkedItems/{linkedItemId}``, 200) and its mirror.

        Example: ``client.unlink_item("release", release_id, link["id"])``
        """
        _linked_items.unlink_item(self, record_type, record_id, link_id)

    # -- change systems, comments, users (issue 18) ----------------------------------------------

    def change_systems(self, change_id: str) -> list[Record]:
        """The systems a change impacts (``GET /changes/{id}/systems``):
        ``{systemId, system, systemRoleType}`` each, the change's own ``systems``.

        Example: ``[s["system"] for s in client.change_systems(change["id"])]``
        """
        return _change_systems.change_systems(self, change_id)

    def add_change_system(self, change_id: str, system_id: str, role: str = "Impact") -> Record:
        """Add a system the change impacts (``POST /changes/{id}/systems``, 201); ``role``
        Impact or Dependency. A system already on the change fails before sending
        (:class:`BusinessRuleViolation`). Sent once; remembered for the clean-up.

        Example: ``client.add_change_system(cid, client.id_of("systems", "Billing Engine"))``
        """
        return _change_systems.add_change_system(self, change_id, system_id, role)

    def remove_change_system(self, change_id: str, system_id: str) -> None:
        """Take a system off a change (``DELETE /changes/{id}/systems/{systemId}``).

        Example: ``client.remove_change_system(change["id"], system_id)``
        """
        _change_systems.remove_change_system(self, change_id, system_id)

    def comments(self, record_type: str, record_id: str) -> list[Record]:
        """The comments on a release, change, environment, system, TECR or TEBR
        (``GET /comments/{type}/{id}``), oldest first; a reply carries its ``parentId``.

        Example: ``[c["text"] for c in client.comments("Release", release_id)]``
        """
        return _comments.comments(self, record_type, record_id)

    def add_comment(
        self, record_type: str, record_id: str, text: str, reply_to: str | None = None
    ) -> Record:
        """Comment on a record, or reply to one of its comments (``reply_to``: its id)
        (``POST /comments/{type}/{id}``, 201); returns the comment with its author and date.
        Sent once. The text is masked in the call's logs like any body (a pasted password shows
        as ``***`` there); the returned comment carries it as sent.

        Example: ``client.add_comment("Change", change_id, "Deployed to SIT1")``
        """
        return _comments.add_comment(self, record_type, record_id, text, reply_to)

    def users(self) -> list[Record]:
        """Every user of the site (``GET /users``, a plain array).

        Example: ``[u["userName"] for u in client.users() if u["status"] == "Active"]``
        """
        return _users.users(self)

    def user(self, user_id: str) -> Record:
        """One user (``GET /users/{id}``) with its ``roles`` and ``status``.

        Example: ``client.user(client.id_of("users", "qa.lead@example.com"))["roles"]``
        """
        return _users.user(self, user_id)

    def update_user(
        self,
        user_id: str,
        roles: Iterable[str] | str | None = None,
        status: str | None = None,
        verify: bool = False,
    ) -> Record | None:
        """Change a user's roles (the whole list, or one text with commas) and/or status,
        Active or Inactive (``PATCH /users/{id}``, 204). Only an Administrator may; no one
        may make themself Inactive or drop their own Administrator role (refused before
        sending). Never sent twice. Returns None, or with ``verify=True`` the user read back
        and compared.

        Example: ``client.update_user(user_id, roles=["Read Only"], status="Inactive")``
        """
        return _users.update_user(self, user_id, roles, status, verify)

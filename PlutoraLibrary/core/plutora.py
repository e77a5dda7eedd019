"""The Plutora (release management) API client."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from .. import contract
from . import custom_fields as _custom_fields
from . import names as _names
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

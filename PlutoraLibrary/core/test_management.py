"""The Plutora Test (formerly Stryka) API client: defects, requirements, test cases, test
plans, category settings, and bulk updates."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .. import contract
from .bulk_update import (
    CATEGORY_SETTING,
    DEFECT,
    KINDS,
    REQUIREMENT,
    TEST_CASE,
    TEST_PLAN,
    BulkUpdate,
    ItemKind,
    canonical_delta,
    differences,
    sample,
)
from .client import ApiClient, path_segment
from .config import Product
from .errors import (
    BulkUpdateIncomplete,
    ChangeNotPersisted,
    NotFound,
    OutcomeUnknown,
    SchemaMismatch,
    hide_library_frames,
)
from .filters import SearchFilter, search_body
from .paging import Page, Record, iterate_pages

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

log = logging.getLogger("PlutoraLibrary")

#: Defects per page unless asked otherwise (the contract's default).
DEFAULT_PAGE_SIZE = contract.paging("plutora-test").default
#: The properties a PATCH may change, in the API's spelling (the contract's writable ones).
WRITABLE_DEFECT_FIELDS = contract.writable("plutora-test", "Defect")
#: The properties the server sets (``readOnly`` in the contract).
READ_ONLY_DEFECT_FIELDS = tuple(
    name
    for name in contract.properties("plutora-test", "Defect")
    if name not in WRITABLE_DEFECT_FIELDS
)
#: How many items ``verify=True`` reads back after a bulk update (spread over them).
VERIFY_SAMPLE = 10
#: Ids per search when the client re-reads what a bulk update selected (a page's cap).
_IDS_PER_SEARCH = contract.paging("plutora-test").cap

__all__ = ["BulkUpdate", "PlutoraTestClient", "canonical_delta"]


class PlutoraTestClient(ApiClient):
    """The Plutora Test API: search, read and patch defects.

    Example::

        with PlutoraTestClient(PlutoraConfig.from_env()) as tests:
            page = tests.search_defects([SearchFilter("Status", "Equals", "Open")])
            tests.patch_defect(page.items[0]["Id"], {"Name": "Renamed"}, verify=True)
    """

    product = Product.PLUTORA_TEST

    def search_defects(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """``POST /defects/search``: one page (25 defects unless ``page_size`` says otherwise).

        Example: ``client.search_defects([SearchFilter("Priority", "Equals", "High")], page=1)``
        """
        body = search_body(list(filters), page, page_size, style="pascal")
        where = "POST /defects/search"
        found: Page = self.transport.call(
            "POST",
            "/defects/search",
            json_body=body,
            idempotent=True,
            parse=self._parser(
                "defect-search-envelope",
                "one",
                where,
                lambda envelope: Page.from_defects(
                    _data(envelope, dict, where), page, page_size, where
                ),
            ),
        )
        return found

    def iter_defects(
        self,
        filters: Iterable[SearchFilter] = (),
        page_size: int = contract.paging("plutora-test").cap,
    ) -> Iterator[Record]:
        """Every matching defect, fetched page by page as you iterate (constant memory).

        Example: ``sum(1 for _ in client.iter_defects())``
        """
        fixed = list(filters)
        return iterate_pages(lambda number: self.search_defects(fixed, number, page_size))

    def defect(self, defect_id: str) -> Record:
        """One defect by id. Example: ``client.defect("…")["Name"]``."""
        path = f"/defects/{path_segment(defect_id)}"
        return dict(
            self._get(path, "defect-envelope", then=lambda e: _data(e, dict, f"GET {path}"))
        )

    def defect_by_display_id(self, display_id: str) -> Record:
        """One defect by its display id. Example: ``client.defect_by_display_id("DEF-0042")``."""
        path = f"/defects/GetByDisplayId/{path_segment(display_id)}"
        found = self._get(
            path, "defect-list-envelope", then=lambda e: _data(e, list, f"GET {path}")
        )
        if not found:
            raise NotFound("GET", path, 200, f"No defect has the display id {display_id!r}.")
        return dict(found[0])

    def patch_defect(
        self, defect_id: str, delta: Mapping[str, Any], verify: bool = False
    ) -> Record:
        """Change only the properties named in ``delta``; returns the updated defect.

        The delta is checked against the writable properties before anything is sent. With
        ``verify`` the defect is read back and each change compared. If the answer to the
        PATCH is lost, the defect is read back to tell whether it was applied; the PATCH is
        never sent twice.

        Example: ``client.patch_defect(defect_id, {"Name": "New name"}, verify=True)``
        """
        canonical = canonical_delta(delta)
        path = f"/defects/{path_segment(defect_id)}"
        try:
            updated = dict(
                self.transport.call(
                    "PATCH",
                    path,
                    json_body=canonical,
                    parse=self._parser(
                        "defect-envelope",
                        "one",
                        f"PATCH {path}",
                        lambda envelope: _data(envelope, dict, f"PATCH {path}"),
                    ),
                )
            )
        except OutcomeUnknown:
            current = self.defect(defect_id)
            if not differences(canonical, current):
                log.info("The answer to PATCH %s was lost, but the change is there.", path)
                return current
            raise
        if verify:
            found = differences(canonical, self.defect(defect_id))
            if found:
                raise ChangeNotPersisted(
                    f"PATCH {path} was accepted, but reading the defect back shows "
                    + "; ".join(found)
                    + ". Another user or an automation may have changed it; read it and try again."
                )
        return updated

    # -- requirements, test cases, test plans, category settings (issue 19) -------------------

    def search_requirements(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """``POST /requirement/search``: one page of requirements (25 unless ``page_size``
        says otherwise). Example: the help page's user story::

            client.search_requirements([SearchFilter("Status", "IsWithin", "Testing,Review")])
        """
        return self._search(REQUIREMENT, "search", filters, page, page_size)

    def search_test_cases(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        execution_summary: bool = False,
    ) -> Page:
        """``POST /testcase/search``, or with ``execution_summary`` ``POST
        /testcase/SearchWithExecutionSummary`` (each test case then carries
        ``ExecutionSummary``: runs passed, failed, blocked, and the last run).

        Example: ``client.search_test_cases([SearchFilter("Type", "Equals", "Automated")],
        execution_summary=True).items[0]["ExecutionSummary"]["LastExecutionStatus"]``
        """
        action = "SearchWithExecutionSummary" if execution_summary else "search"
        return self._search(TEST_CASE, action, filters, page, page_size)

    def search_test_plans(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """``POST /testplan/search``: one page of test plans.

        Example: ``client.search_test_plans([SearchFilter("Status", "Equals", "Active")])``
        """
        return self._search(TEST_PLAN, "search", filters, page, page_size)

    def search_category_settings(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """``POST /categorysettings/search``: the values each property of each entity takes.

        Example: ``client.search_category_settings([SearchFilter("EntityType", "Equals",
        "TestCase")])``
        """
        return self._search(CATEGORY_SETTING, "search", filters, page, page_size)

    def iter_items(
        self,
        kind: str,
        filters: Iterable[SearchFilter] = (),
        execution_summary: bool = False,
    ) -> Iterator[Record]:
        """Every matching item of ``kind`` (``defect``, ``requirement``, ``test case``,
        ``test plan``, ``category setting``), page by page as you iterate.

        Example: ``[case["DisplayId"] for case in client.iter_items("test case")]``
        """
        item_kind = _kind(kind)
        fixed = list(filters)
        cap = contract.paging("plutora-test").cap
        action = "SearchWithExecutionSummary" if execution_summary else "search"
        if execution_summary and item_kind is not TEST_CASE:
            raise ValueError("Only test cases have an execution summary.")
        return iterate_pages(lambda number: self._search(item_kind, action, fixed, number, cap))

    def requirement(self, requirement_id: str) -> Record:
        """One requirement by id. Example: ``client.requirement(id)["TestCaseIds"]``."""
        return self._item(REQUIREMENT, requirement_id)

    def requirement_by_display_id(self, display_id: str) -> Record:
        """One requirement by display id.

        Example: ``client.requirement_by_display_id("REQ-0003")["TestCaseIds"]``
        """
        return self._item_by_display_id(REQUIREMENT, display_id)

    def test_case(self, test_case_id: str) -> Record:
        """One test case by id. Example: ``client.test_case(id)["RequirementIds"]``."""
        return self._item(TEST_CASE, test_case_id)

    def test_case_by_display_id(self, display_id: str) -> Record:
        """One test case by display id. Example: ``client.test_case_by_display_id("TC-0012")``."""
        return self._item_by_display_id(TEST_CASE, display_id)

    def test_plan(self, test_plan_id: str) -> Record:
        """One test plan by id. Example: ``client.test_plan(id)["TestCaseIds"]``."""
        return self._item(TEST_PLAN, test_plan_id)

    def test_plan_by_display_id(self, display_id: str) -> Record:
        """One test plan by display id. Example: ``client.test_plan_by_display_id("TP-003")``."""
        return self._item_by_display_id(TEST_PLAN, display_id)

    # -- bulk updates --------------------------------------------------------------------------

    def bulk_update_defects(
        self,
        filters: Iterable[SearchFilter],
        delta: Mapping[str, Any],
        dry_run: bool = False,
        verify: bool = False,
    ) -> BulkUpdate:
        """``POST /defects/BulkUpdateSearch``: give every defect ``filters`` select the
        properties of ``delta`` (see :meth:`bulk_update`).

        Example: ``client.bulk_update_defects([SearchFilter("Status", "Equals", "Open")],
        {"Priority": "High"}, dry_run=True).count``
        """
        return self.bulk_update("defect", filters, delta, dry_run=dry_run, verify=verify)

    def bulk_update_requirements(
        self,
        filters: Iterable[SearchFilter],
        delta: Mapping[str, Any],
        dry_run: bool = False,
        verify: bool = False,
    ) -> BulkUpdate:
        """``POST /requirement/BulkUpdateSearch`` (see :meth:`bulk_update`).

        Example: ``client.bulk_update_requirements([SearchFilter("Status", "Equals",
        "Review")], {"Status": "Approved"}).ids``
        """
        return self.bulk_update("requirement", filters, delta, dry_run=dry_run, verify=verify)

    def bulk_update_test_cases(
        self,
        filters: Iterable[SearchFilter],
        delta: Mapping[str, Any],
        dry_run: bool = False,
        verify: bool = False,
    ) -> BulkUpdate:
        """``POST /testcase/BulkUpdateSearch`` (see :meth:`bulk_update`).

        Example: ``client.bulk_update_test_cases([SearchFilter("Type", "Equals", "Manual")],
        {"Priority": "Low"}, verify=True).verified``
        """
        return self.bulk_update("test case", filters, delta, dry_run=dry_run, verify=verify)

    def bulk_update(
        self,
        kind: str,
        filters: Iterable[SearchFilter],
        delta: Mapping[str, Any],
        dry_run: bool = False,
        verify: bool = False,
    ) -> BulkUpdate:
        """Give every ``kind`` item (``defect``, ``requirement``, ``test case``) that
        ``filters`` select the properties of ``delta``, in one request that is never sent
        twice; returns the server's count and the ids it changed.

        The delta is checked against the writable properties first (nothing is sent when
        one cannot be written), and at least one filter is required (none would change
        every item of the site). The client then reads which items match (the snapshot);
        with ``dry_run`` it returns those items and changes nothing. When the answer to the
        update is lost (a dropped connection, a gateway's 502/503/504), it re-reads the
        snapshot's items: all carrying the delta returns (``recovered``); otherwise
        :class:`BulkUpdateIncomplete` says which carry it and which do not. ``verify``
        reads back up to :data:`VERIFY_SAMPLE` changed items and raises
        :class:`ChangeNotPersisted` when one lacks the delta.

        Example::

            preview = client.bulk_update("defect", open_in_release, {"Priority": "High"},
                                         dry_run=True)
            done = client.bulk_update("defect", open_in_release, {"Priority": "High"},
                                      verify=True)
            assert done.count == preview.count
        """
        item_kind = _kind(kind)
        if not item_kind.bulk:
            raise ValueError(
                f"{item_kind.label.capitalize()}s have no bulk update; defects, requirements "
                "and test cases have."
            )
        canonical = canonical_delta(delta, item_kind)
        # Sorts select nothing; and no condition at all would change every item of the site.
        fixed = [item for item in filters if item.operator is not None]
        if not fixed:
            raise ValueError(
                f"A bulk update of {item_kind.label}s needs at least one filter: without one it "
                f"would change every {item_kind.label} of the site. Nothing was sent."
            )
        snapshot = list(self.iter_items(item_kind.label, fixed))
        if dry_run:
            return BulkUpdate(
                item_kind.label,
                len(snapshot),
                [str(item["Id"]) for item in snapshot],
                dry_run=True,
                items=snapshot,
            )
        path = f"/{item_kind.segment}/BulkUpdateSearch"
        body = {
            "SearchFilters": search_body(fixed, 0, 1, style="pascal")["SearchFilters"],
            "Delta": canonical,
        }
        try:
            data = self.transport.call(
                "POST",
                path,
                json_body=body,
                idempotent=False,
                parse=self._parser(
                    "bulk-update-envelope",
                    "one",
                    f"POST {path}",
                    lambda envelope: _data(envelope, dict, f"POST {path}"),
                ),
            )
        except OutcomeUnknown as lost:
            return self._recover(item_kind, snapshot, canonical, lost)
        result = BulkUpdate(
            item_kind.label,
            int(data.get("UpdatedCount", 0)),
            [str(item_id) for item_id in data.get("UpdatedIds") or ()],
        )
        if verify:
            result = self._verify(item_kind, result, canonical)
        return result

    def _recover(
        self,
        kind: ItemKind,
        snapshot: list[Record],
        delta: Mapping[str, Any],
        lost: OutcomeUnknown,
    ) -> BulkUpdate:
        """Re-read the snapshot's items after a lost answer and say where the delta is."""
        ids = [str(item["Id"]) for item in snapshot]
        current: dict[str, Record] = {}
        for start in range(0, len(ids), _IDS_PER_SEARCH):
            chunk = ids[start : start + _IDS_PER_SEARCH]
            by_id = SearchFilter("Id", "IsWithin", ",".join(chunk))
            for item in self.iter_items(kind.label, [by_id]):
                current[str(item["Id"]).lower()] = item
        applied: list[str] = []
        missing: list[str] = []
        for item_id in ids:
            now = current.get(item_id.lower())
            carries = now is not None and not differences(delta, now)
            (applied if carries else missing).append(item_id)
        path = f"POST /{kind.segment}/BulkUpdateSearch"
        if not missing:
            log.info(
                "The answer to %s was lost, but all %d matching %ss carry the change.",
                path,
                len(applied),
                kind.label,
            )
            return BulkUpdate(kind.label, len(applied), applied, recovered=True)
        shown = {str(item["Id"]): str(item.get("DisplayId") or item["Id"]) for item in snapshot}
        names = ", ".join(shown[item_id] for item_id in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        if applied:
            summary = (
                f"re-reading the {len(ids)} matching {kind.label}s shows the change on "
                f"{len(applied)} and not on {len(missing)} ({names}{more})"
            )
        else:
            summary = (
                f"re-reading the {len(ids)} matching {kind.label}s shows the change on none "
                f"({names}{more}): nothing was changed, so sending it again is safe"
            )
        raise BulkUpdateIncomplete(
            f"The answer to {path} was lost ({lost}); it was not sent again, and {summary}. "
            "Run the update again for the items without the change.",
            applied,
            missing,
            lost.status,
        ) from None

    def _verify(self, kind: ItemKind, result: BulkUpdate, delta: Mapping[str, Any]) -> BulkUpdate:
        """Read back a sample of the changed items; :class:`ChangeNotPersisted` if one lacks
        the delta."""
        checked = sample(result.ids, VERIFY_SAMPLE)
        problems = []
        for item_id in checked:
            found = differences(delta, self._item(kind, item_id))
            if found:
                problems.append(f"{item_id}: {'; '.join(found)}")
        if problems:
            raise ChangeNotPersisted(
                f"POST /{kind.segment}/BulkUpdateSearch answered {result.count} changed, but "
                f"reading {len(checked)} of them back shows "
                + " | ".join(problems)
                + ". Another user or an automation may have changed them; search again."
            )
        return BulkUpdate(result.kind, result.count, result.ids, verified=checked)

    # -- shared ----------------------------------------------------------------------------

    def _search(
        self,
        kind: ItemKind,
        action: str,
        filters: Iterable[SearchFilter],
        page: int,
        page_size: int,
    ) -> Page:
        body = search_body(list(filters), page, page_size, style="pascal")
        path = f"/{kind.segment}/{action}"
        where_text = f"POST {path}"
        schema = (
            "test-case-execution-search-envelope"
            if action == "SearchWithExecutionSummary"
            else f"{kind.schema_name}-search-envelope"
        )
        found: Page = self.transport.call(
            "POST",
            path,
            json_body=body,
            idempotent=True,
            parse=self._parser(
                schema,
                "one",
                where_text,
                lambda envelope: Page.from_defects(
                    _data(envelope, dict, where_text), page, page_size, where_text
                ),
            ),
        )
        return found

    def _item(self, kind: ItemKind, item_id: str) -> Record:
        if kind is DEFECT:
            return self.defect(item_id)
        path = f"/{kind.segment}/{path_segment(item_id)}"
        return dict(
            self._get(
                path,
                f"{kind.schema_name}-envelope",
                then=lambda e: _data(e, dict, f"GET {path}"),
            )
        )

    def _item_by_display_id(self, kind: ItemKind, display_id: str) -> Record:
        path = f"/{kind.segment}/GetByDisplayId/{path_segment(display_id)}"
        found = self._get(
            path,
            f"{kind.schema_name}-list-envelope",
            then=lambda e: _data(e, list, f"GET {path}"),
        )
        if not found:
            raise NotFound("GET", path, 200, f"No {kind.label} has the display id {display_id!r}.")
        return dict(found[0])


def _kind(label: str) -> ItemKind:
    found = KINDS.get(str(label).strip().lower().replace("_", " ").rstrip("s"))
    if found is None:
        raise ValueError(
            f"There is no kind of Plutora Test item called {label!r}; "
            f"use one of: {', '.join(KINDS)}."
        )
    return found


def _data(envelope: Any, kind: type, where: str) -> Any:
    """The ``Data`` of a Plutora Test envelope, or a :class:`SchemaMismatch` (seen only with
    validation off) instead of a KeyError."""
    data = envelope.get("Data") if isinstance(envelope, dict) else None
    if not isinstance(data, kind):
        got = "nothing (missing)" if data is None else type(data).__name__
        wanted = "an object" if kind is dict else "a list"
        raise SchemaMismatch("defect envelope", "$.Data", wanted, got, where)
    return data

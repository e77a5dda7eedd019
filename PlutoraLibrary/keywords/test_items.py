"""Plutora Test beyond defects: requirements, test cases, test plans, category settings, and
bulk updates of defects, requirements and test cases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from robot.api import logger
from robot.api.deco import keyword

from ..core import Direction, Page
from .context import PlutoraContext
from .rows import filters_from_row

_BULK_DOC = """

        Filters are written in the row as for `Search Defects` (``property    operator
        value``, several joined by ``AND``; at least one, so that a row missing its filters
        cannot change every item of the site); the properties to change follow as named
        arguments (``Priority=High``) or as a dictionary, as `Patch Defect` takes them. A
        property that cannot be written fails before anything is sent (write ``=`` inside a
        filter value as ``\\=``).

        Returns a dictionary: ``count`` (the server's count; for a dry run, how many match),
        ``ids`` (the ids changed), ``items`` (with ``dry_run=True``: the matching items, and
        nothing is changed), ``verified`` (with ``verify=True``: the ids read back, spread
        over the changed ones), ``recovered`` (the answer was lost and every item was found
        changed). The update is one request that is never sent twice: when its answer is
        lost, the keyword re-reads the matching items and fails with ``BulkUpdateIncomplete``
        naming those without the change, unless every one has it.
"""


def _rows(page: Page | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return page.items if isinstance(page, Page) else page


class TestManagementKeywords:
    """Keywords about Plutora Test requirements, test cases, test plans and bulk updates."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    def _search(
        self,
        kind: str,
        search: Callable[..., Page],
        filters: Sequence[str],
        sort_by: str | None,
        direction: Direction,
        page: int,
        page_size: int,
        all_pages: bool,
        **options: Any,
    ) -> list[dict[str, Any]]:
        parsed = filters_from_row(filters, sort_by, direction if sort_by else None)
        if all_pages:
            return list(self.context.plutora_test.iter_items(kind, parsed, **options))
        return _rows(search(parsed, page, page_size, **options))

    @keyword(tags=["test management"])
    def search_requirements(
        self,
        *filters: str,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 25,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches requirements and returns one page (25 by default), or every match with
        ``all_pages=True``. Filters as in `Search Defects`.

        | ${in test} =    | Search Requirements | Status | IsWithin | Testing,Review |
        | ${all} =        | Search Requirements | Priority | Equals | High | sort_by=DisplayId | all_pages=True |
        """
        client = self.context.plutora_test
        return self._search(
            "requirement",
            client.search_requirements,
            filters,
            sort_by,
            direction,
            page,
            page_size,
            all_pages,
        )

    @keyword(tags=["test management"])
    def search_test_cases(
        self,
        *filters: str,
        execution_summary: bool = False,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 25,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches test cases and returns one page (25 by default), or every match with
        ``all_pages=True``. With ``execution_summary=True`` each test case carries
        ``ExecutionSummary`` (``TotalRuns``, ``Passed``, ``Failed``, ``Blocked``,
        ``LastExecutionStatus``, ``LastExecutionDate``, ``LastExecutedBy``).

        | ${automated} =    | Search Test Cases | Type | Equals | Automated |
        | ${cases} =        | Search Test Cases | DisplayId | IsWithin | TC-0001,TC-0002 | execution_summary=True |
        | Log               | ${cases}[0][ExecutionSummary][LastExecutionStatus] |
        """
        client = self.context.plutora_test
        return self._search(
            "test case",
            client.search_test_cases,
            filters,
            sort_by,
            direction,
            page,
            page_size,
            all_pages,
            execution_summary=execution_summary,
        )

    @keyword(tags=["test management"])
    def search_test_plans(
        self,
        *filters: str,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 25,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches test plans and returns one page (25 by default), or every match with
        ``all_pages=True``.

        | ${active} =    | Search Test Plans | Status | Equals | Active |
        """
        client = self.context.plutora_test
        return self._search(
            "test plan",
            client.search_test_plans,
            filters,
            sort_by,
            direction,
            page,
            page_size,
            all_pages,
        )

    @keyword(tags=["test management"])
    def search_category_settings(
        self,
        *filters: str,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 25,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches category settings: the values each property of each entity takes
        (``Name``, ``EntityType``, ``Values``).

        | ${settings} =    | Search Category Settings | EntityType | Equals | TestCase |
        | ${status} =      | Search Category Settings | EntityType | Equals | Defect | AND | Name | Equals | Status |
        """
        client = self.context.plutora_test
        return self._search(
            "category setting",
            client.search_category_settings,
            filters,
            sort_by,
            direction,
            page,
            page_size,
            all_pages,
        )

    @keyword(tags=["test management"])
    def get_requirement(self, requirement_id: str) -> dict[str, Any]:
        """Returns one requirement by its id or its display id (``REQ-0003``).

        | ${requirement} =    | Get Requirement | REQ-0003 |
        | ${same} =           | Get Requirement | ${requirement}[Id] |
        """
        client = self.context.plutora_test
        if _is_guid(requirement_id):
            return client.requirement(requirement_id)
        return client.requirement_by_display_id(requirement_id)

    @keyword(tags=["test management"])
    def get_test_case(self, test_case_id: str) -> dict[str, Any]:
        """Returns one test case by its id or its display id (``TC-0012``).

        | ${case} =    | Get Test Case | TC-0012 |
        | Log          | ${case}[RequirementIds] |
        """
        client = self.context.plutora_test
        if _is_guid(test_case_id):
            return client.test_case(test_case_id)
        return client.test_case_by_display_id(test_case_id)

    @keyword(tags=["test management"])
    def get_test_plan(self, test_plan_id: str) -> dict[str, Any]:
        """Returns one test plan by its id or its display id (``TP-003``).

        | ${plan} =    | Get Test Plan | TP-003 |
        | Log          | ${plan}[TestCaseIds] |
        """
        client = self.context.plutora_test
        if _is_guid(test_plan_id):
            return client.test_plan(test_plan_id)
        return client.test_plan_by_display_id(test_plan_id)

    def _bulk(
        self,
        kind: str,
        filters: Sequence[str],
        delta: dict[str, Any] | None,
        dry_run: bool,
        verify: bool,
        fields: dict[str, Any],
    ) -> dict[str, Any]:
        changes = {**(delta or {}), **fields}
        parsed = filters_from_row(filters)
        result = self.context.plutora_test.bulk_update(
            kind, parsed, changes, dry_run=dry_run, verify=verify
        )
        shown = [str(item.get("DisplayId") or item["Id"]) for item in result.items[:20]]
        if dry_run:
            logger.info(
                f"Dry run: {result.count} {kind}(s) match and would change"
                + (f": {', '.join(shown)}" + (" …" if result.count > 20 else "") if shown else "")
                + ". Nothing was sent."
            )
        else:
            logger.info(
                f"Bulk update: the server changed {result.count} {kind}(s)"
                + (f"; read back {len(result.verified)}" if result.verified else "")
                + (" (answer lost, every item found changed)" if result.recovered else "")
                + "."
            )
        return asdict(result)

    @keyword(tags=["test management", "defects"])
    def bulk_update_defects(
        self,
        *filters: str,
        delta: dict[str, Any] | None = None,
        dry_run: bool = False,
        verify: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """Changes every defect the filters select (``POST Defects/BulkUpdateSearch``).

        | ${preview} =    | Bulk Update Defects | Status | Equals | Open | AND | Priority | Equals | Low | Priority=High | dry_run=True |
        | ${done} =       | Bulk Update Defects | Status | Equals | Open | AND | Priority | Equals | Low | Priority=High | verify=True |
        | Should Be Equal | ${done}[count] | ${preview}[count] |
        """
        return self._bulk("defect", filters, delta, dry_run, verify, fields)

    @keyword(tags=["test management"])
    def bulk_update_requirements(
        self,
        *filters: str,
        delta: dict[str, Any] | None = None,
        dry_run: bool = False,
        verify: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """Changes every requirement the filters select (``POST Requirement/BulkUpdateSearch``).

        | ${done} =    | Bulk Update Requirements | Status | Equals | Review | Status=Approved | verify=True |
        | Log          | ${done}[count] requirements approved |
        """
        return self._bulk("requirement", filters, delta, dry_run, verify, fields)

    @keyword(tags=["test management"])
    def bulk_update_test_cases(
        self,
        *filters: str,
        delta: dict[str, Any] | None = None,
        dry_run: bool = False,
        verify: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """Changes every test case the filters select (``POST Testcase/BulkUpdateSearch``).

        | ${delta} =    | Create Dictionary | Priority=Low |
        | ${done} =     | Bulk Update Test Cases | Status | Equals | Obsolete | delta=${delta} |
        """
        return self._bulk("test case", filters, delta, dry_run, verify, fields)


for _name in ("bulk_update_defects", "bulk_update_requirements", "bulk_update_test_cases"):
    _method = getattr(TestManagementKeywords, _name)
    _summary, _, _examples = (_method.__doc__ or "").partition("\n\n")
    _method.__doc__ = _summary + _BULK_DOC + "\n" + _examples


def _is_guid(text: str) -> bool:
    parts = str(text).split("-")
    return [len(part) for part in parts] == [8, 4, 4, 4, 12]

"""Plutora Test defects."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from ..core import Direction
from .context import PlutoraContext
from .rows import filters_from_row


class DefectKeywords:
    """Keywords about Plutora Test defects."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["defects"])
    def search_defects(
        self,
        *filters: str,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 25,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches defects and returns one page (25 by default), or every match with
        ``all_pages=True``.

        Filters are written in the row: ``property    operator    value``, with an optional
        sort direction, several joined by ``AND``; a ``property    DESC`` group only sorts.
        Operators: Equals, NotEquals, Contains, NotContains, GreaterThan, GreaterOrEqual,
        LessThan, LessOrEqual, StartsWith, IsWithin (``a,b``), NotWithin.

        | ${open} =    | Search Defects | Status | Equals | Open |
        | ${page} =    | Search Defects | Priority | IsWithin | High,Critical | AND | Status | NotEquals | Closed | page_size=100 |
        | ${all} =     | Search Defects | Status | Equals | Open | sort_by=DisplayId | direction=DESC | all_pages=True |
        """
        parsed = filters_from_row(filters, sort_by, direction if sort_by else None)
        client = self.context.plutora_test
        if all_pages:
            return list(
                client.iter_defects(parsed, page_size=page_size if page_size != 25 else 100)
            )
        return client.search_defects(parsed, page, page_size).items

    @keyword(tags=["defects"])
    def get_defect(self, defect_id: str) -> dict[str, Any]:
        """Returns one defect by its id.

        | ${defect} =    | Get Defect | ${id} |
        | Should Be Equal | ${defect}[Status][Value] | Open |
        """
        return self.context.plutora_test.defect(defect_id)

    @keyword(tags=["defects"])
    def get_defect_by_display_id(self, display_id: str) -> dict[str, Any]:
        """Returns one defect by its display id, such as ``DEF-0042``.

        | ${defect} =    | Get Defect By Display Id | DEF-0042 |
        """
        return self.context.plutora_test.defect_by_display_id(display_id)

    @keyword(tags=["defects"])
    def patch_defect(
        self,
        defect_id: str,
        delta: dict[str, Any] | None = None,
        verify: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        """Changes only the named properties of a defect and returns the updated defect.

        Give the properties as named arguments (``Name=…``) or as a dictionary. A property that
        cannot be written fails before anything is sent. ``verify=True`` reads the defect back
        and fails unless every change is there.

        Writable: Name, Description, Status, Priority, Severity (a value such as ``Closed`` or
        ``{"Id": …}``), AssignedTo, ReleaseId, Fields.

        | ${defect} =    | Patch Defect | ${id} | Name=Swagger Example 111 | Description=Changed by Robot |
        | ${delta} =     | Create Dictionary | Status=Closed |
        | ${defect} =    | Patch Defect | ${id} | ${delta} | verify=True |
        """
        changes = {**(delta or {}), **fields}
        return self.context.plutora_test.patch_defect(defect_id, changes, verify=verify)

"""Test environment booking requests (TEBRs): searching them, moving their status, and the
bookings of environments they ask for."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .rows import filters_from_row
from .types import TebrStatus, member_of


class TebrKeywords:
    """Keywords about TEBRs (the status a provisioning pipeline moves) and bookings."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword("Get TEBRs", tags=["TEBRs"])
    def get_tebrs(self) -> list[dict[str, Any]]:
        """Returns every TEBR: ``id``, ``name``, ``status``, ``statusID``, ``type``,
        ``startDate``, ``endDate`` (`Search TEBRs` to filter and page).

        | ${tebrs} =    | Get TEBRs |
        | Should Not Be Empty | ${tebrs} |
        """
        return self.context.plutora.tebrs()

    @keyword("Get TEBR", tags=["TEBRs"])
    def get_tebr(self, tebr_id: str) -> dict[str, Any]:
        """Returns one TEBR: ``id``, ``name``, ``status``, ``statusID``, ``type``,
        ``description``, ``startDate``, ``endDate``.

        | ${approved} =    | Search TEBRs | status | Equals | Approved |
        | ${tebr} =      | Get TEBR | ${approved}[0][id] |
        | Should Be Equal | ${tebr}[status] | Approved |
        """
        return self.context.plutora.tebr(tebr_id)

    @keyword("Search TEBRs", tags=["TEBRs"])
    def search_tebrs(
        self, *filters: str, page: int = 0, page_size: int = 100, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Searches TEBRs (``POST /TEBRs/filter``): filters in the row as in `Search TECRs`,
        page, page size and ``limit``.

        | ${aws} =       | Search TEBRs | type | Equals | AWS Environment | AND | status | Equals | Approved |
        | Should Not Be Empty | ${aws} |
        """
        parsed = filters_from_row(filters, None, None)
        return self.context.plutora.search_tebrs(parsed, page, page_size, limit).items

    @keyword("Set TEBR Status", tags=["TEBRs", "writes"])
    def set_tebr_status(
        self,
        tebr_id: str,
        status: TebrStatus,
        verify: bool = False,
        description: str | None = None,
    ) -> dict[str, Any] | None:
        """Moves a TEBR to ``Submitted``, ``Approved``, ``Completed``, ``Failed`` or
        ``Cancelled``, as the contract allows (Submitted → Approved → Completed; Approved or
        Completed → Failed; Submitted or Approved → Cancelled). Another move fails before
        anything is sent, naming the moves there are. Its bookings follow (Approved or
        Completed: Approved; Failed or Cancelled: Rejected). ``description``: a new
        description (the AWS scripts write the stack's name there). Returns nothing, or with
        ``verify=True`` the TEBR read back.

        | ${submitted} =    | Search TEBRs | status | Equals | Submitted |
        | Set TEBR Status | ${submitted}[0][id] | Approved |
        | ${tebr} =      | Set TEBR Status | ${submitted}[0][id] | Completed | verify=${True} | description=Stack Plutora-42 |
        | Should Be Equal | ${tebr}[status] | Completed |
        """
        return self.context.plutora.set_tebr_status(
            tebr_id, member_of(TebrStatus, status).value, verify, description
        )

    @keyword("Get TEBR Bookings", tags=["TEBRs", "bookings"])
    def get_tebr_bookings(self, tebr_id: str) -> list[dict[str, Any]]:
        """Returns the bookings a TEBR asked for, in start order: ``environmentId``,
        ``startDate``, ``endDate``, ``status`` (Pending, Approved, Rejected) and ``state``
        (Available, In Use, Conflicting).

        | ${approved} =    | Search TEBRs | status | Equals | Approved |
        | ${bookings} =    | Get TEBR Bookings | ${approved}[0][id] |
        | Should Be Equal | ${bookings}[0][status] | Approved |
        """
        return self.context.plutora.tebr_bookings(tebr_id)

    @keyword(tags=["bookings"])
    def get_bookings(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every booking (``GET /Bookings``, all pages), or those a ``filter``
        expression matches: the bookings under way at a moment, of an environment, of a
        status.

        | ${now} =       | Get Bookings | \\`startDate\\` <= \\`2026-01-01T09:00:00\\` AND \\`endDate\\` >= \\`2026-01-01T09:00:00\\` |
        | ${approved} =  | Get Bookings | \\`status\\` Equals \\`Approved\\` |
        | Should Not Be Empty | ${approved} |
        """
        return self.context.plutora.bookings(filter)

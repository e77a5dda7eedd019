"""Test environment change requests (TECRs): reading, searching, moving their status."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .rows import filters_from_row


class TecrKeywords:
    """Keywords about TECRs: the status a deploy pipeline moves, and their linked changes."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword("Get TECRs", tags=["TECRs"])
    def get_tecrs(self) -> list[dict[str, Any]]:
        """Returns every TECR: ``id``, ``name``, ``crStatus``, ``crStatusId``, ``crType``,
        ``environmentId``, ``description``.

        | ${tecrs} =    | Get TECRs |
        | Should Not Be Empty | ${tecrs} |
        """
        return self.context.plutora.tecrs()

    @keyword("Get TECR", tags=["TECRs"])
    def get_tecr(self, tecr_id: str) -> dict[str, Any]:
        """Returns one TECR.

        | ${tecr} =    | Get TECR | ${tecrs}[0][id] |
        """
        return self.context.plutora.tecr(tecr_id)

    @keyword("Search TECRs", tags=["TECRs"])
    def search_tecrs(
        self, *filters: str, page: int = 0, page_size: int = 100, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Searches TECRs (``POST /TECRs/filter``): filters in the row as in `Search Defects`,
        page, page size and ``limit``.

        | ${approved} =    | Search TECRs | crStatus | Equals | Approved |
        | Should Not Be Empty | ${approved} |
        """
        parsed = filters_from_row(filters, None, None)
        return self.context.plutora.search_tecrs(parsed, page, page_size, limit).items

    @keyword("Get TECR Linked Changes", tags=["TECRs", "changes"])
    def get_tecr_linked_changes(self, tecr_id: str) -> list[dict[str, Any]]:
        """Returns the changes a TECR is linked to, as `Get Change` shows them.

        | ${changes} =    | Get TECR Linked Changes | ${tecrs}[0][id] |
        """
        return self.context.plutora.tecr_linked_changes(tecr_id)

    @keyword("Set TECR Status", tags=["TECRs", "writes"])
    def set_tecr_status(
        self, tecr_id: str, status: str, verify: bool = False, user_id: str | None = None
    ) -> dict[str, Any] | None:
        """Moves a TECR to ``Draft``, ``Submitted``, ``Approved``, ``Rejected`` or
        ``Completed``, as the contract allows (Draft → Submitted → Approved → Completed;
        Submitted or Approved → Rejected; Submitted or Rejected → Draft). Another move fails
        before anything is sent, naming the moves there are. Returns nothing, or with
        ``verify=True`` the TECR read back.

        ``user_id``: the id of the user making the change (sent as ``userId``; an id no user
        has is refused by the site). The users include the account one logs in with, so one's
        own id is found by name: ``Get Id By Name    users    <your login e-mail>``.

        | ${drafts} =    | Search TECRs | crStatus | Equals | Draft |
        | Set TECR Status | ${drafts}[0][id] | Submitted |
        | ${tecr} =      | Set TECR Status | ${drafts}[0][id] | Approved | verify=${True} |
        | Should Be Equal | ${tecr}[crStatus] | Approved |
        | ${me} =        | Get Id By Name | users | qa.lead@example.com |
        | Set TECR Status | ${drafts}[0][id] | Completed | user_id=${me} |
        """
        return self.context.plutora.set_tecr_status(tecr_id, status, verify, user_id)

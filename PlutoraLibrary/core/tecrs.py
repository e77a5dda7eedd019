"""Test environment change requests (TECRs): reading and searching them, moving their status
(the Octopus Deploy script's ``PUT TECRs/{id}``), and the changes they are linked to.

The moves a status may make are the contract's (``TECRStatus``'s ``x-transitions``): one the
TECR cannot make from the status it has is refused before anything is sent, naming the moves
there are. Example::

    approved = client.search_tecrs([SearchFilter("crStatus", "Equals", "Approved")]).items
    client.set_tecr_status(approved[0]["id"], "Completed", verify=True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .client import path_segment
from .environment_requests import RequestKind, all_of, one, search, set_status
from .errors import hide_library_frames
from .filters import SearchFilter
from .paging import Page
from .writes import Record

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

TECR = RequestKind("TECR", "crStatus", "crStatusId")
STATUSES: tuple[str, ...] = TECR.statuses
TRANSITIONS: dict[str, tuple[str, ...]] = TECR.transitions


def tecrs(client: PlutoraClient) -> list[Record]:
    """``GET /TECRs``: every TECR (a plain array)."""
    return all_of(client, TECR)


def tecr(client: PlutoraClient, tecr_id: str) -> Record:
    """``GET /TECRs/{id}``."""
    return one(client, TECR, tecr_id)


def search_tecrs(
    client: PlutoraClient,
    filters: Iterable[SearchFilter],
    page: int,
    page_size: int,
    limit: int | None,
) -> Page:
    """``POST /TECRs/filter`` (a search: allowed in a read-only run, retried when lost)."""
    return search(client, TECR, filters, page, page_size, limit)


def linked_changes(client: PlutoraClient, tecr_id: str) -> list[Record]:
    """``GET /TECRs/{id}/LinkedChanges``."""
    return client.listed("GET", f"/TECRs/{path_segment(tecr_id)}/LinkedChanges")


def set_tecr_status(
    client: PlutoraClient, tecr_id: str, status: str, verify: bool, user_id: str | None
) -> Record | None:
    """Read the TECR, check the move against the contract, PUT it back with the new status
    (by name; its old ``crStatusId`` left out) and, when given, the user making the change."""
    extra = {"userId": user_id} if user_id is not None else None
    return set_status(client, TECR, tecr_id, status, verify, extra, not_read_back=("userId",))

"""Test environment booking requests (TEBRs): searching them, moving their status (the AWS
CloudFormation scripts' ``PUT TEBRs/{id}``), and the bookings of environments they ask for.

The moves a status may make are the contract's (``TEBRStatus``'s ``x-transitions``): one the
TEBR cannot make from the status it has is refused before anything is sent, naming the moves
there are. Bookings are read per TEBR (``GET /TEBRs/{id}/Bookings``) or across the site with
a ``filter=`` (``GET /Bookings``, always paged). Example::

    approved = client.search_tebrs([SearchFilter("status", "Equals", "Approved")]).items
    client.set_tebr_status(approved[0]["id"], "Completed", verify=True)
    now = client.bookings("`startDate` <= `2026-03-01T09:00` and `endDate` >= `2026-03-01T09:00`")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .environment_requests import RequestKind, all_of, one, search, set_status
from .errors import hide_library_frames
from .filters import Expression, SearchFilter
from .paging import Page, iterate_pages
from .writes import Record

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

TEBR = RequestKind("TEBR", "status", "statusID")
STATUSES: tuple[str, ...] = TEBR.statuses
TRANSITIONS: dict[str, tuple[str, ...]] = TEBR.transitions


def tebrs(client: PlutoraClient) -> list[Record]:
    """``GET /TEBRs``: every TEBR (a plain array, as ``GET /TECRs``)."""
    return all_of(client, TEBR)


def tebr(client: PlutoraClient, tebr_id: str) -> Record:
    """``GET /TEBRs/{id}``."""
    return one(client, TEBR, tebr_id)


def search_tebrs(
    client: PlutoraClient,
    filters: Iterable[SearchFilter],
    page: int,
    page_size: int,
    limit: int | None,
) -> Page:
    """``POST /TEBRs/filter`` (a search: allowed in a read-only run, retried when lost)."""
    return search(client, TEBR, filters, page, page_size, limit)


def set_tebr_status(
    client: PlutoraClient, tebr_id: str, status: str, verify: bool, description: str | None
) -> Record | None:
    """Read the TEBR, check the move against the contract, PUT it back with the new status
    (by name; its old ``statusID`` left out) and, when given, a new description."""
    extra = {"description": description} if description is not None else None
    return set_status(client, TEBR, tebr_id, status, verify, extra)


# -- bookings ------------------------------------------------------------------------------------


def tebr_bookings(client: PlutoraClient, tebr_id: str) -> list[Record]:
    """``GET /TEBRs/{id}/Bookings``: the TEBR's bookings, in start order."""
    return client.listed("GET", f"/TEBRs/{path_segment(tebr_id)}/Bookings")


def booking_page(
    client: PlutoraClient, filter: Expression | str | None, page: int, page_size: int
) -> Page:
    """One page of ``GET /Bookings`` (``filter=`` when given)."""
    params: dict[str, Any] = {"pageNum": page, "recordsPerPage": page_size}
    if filter is not None:
        params["filter"] = str(filter)
    answer = client.call("GET", "/Bookings", params=params).json
    return Page.from_plutora(answer, "GET /Bookings")


def iter_bookings(
    client: PlutoraClient, filter: Expression | str | None, page_size: int
) -> Iterator[Record]:
    """Every booking ``filter`` matches, page by page, read as they are needed."""
    return iterate_pages(lambda number: booking_page(client, filter, number, page_size))

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
from typing import TYPE_CHECKING, Any

from .. import contract
from .client import path_segment
from .errors import BusinessRuleViolation, hide_library_frames
from .filters import SearchFilter, search_body
from .paging import Page
from .writes import Record, prepared_body, replace

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

_STATUS = contract.schema("plutora", "TECRStatus")
STATUSES: tuple[str, ...] = tuple(_STATUS["enum"])
TRANSITIONS: dict[str, tuple[str, ...]] = {
    key: tuple(value) for key, value in _STATUS["x-transitions"].items()
}


def tecrs(client: PlutoraClient) -> list[Record]:
    """``GET /TECRs``: every TECR (a plain array)."""
    found = client.call("GET", "/TECRs").json
    return [dict(item) for item in found] if isinstance(found, list) else []


def tecr(client: PlutoraClient, tecr_id: str) -> Record:
    """``GET /TECRs/{id}``."""
    found = client.call("GET", f"/TECRs/{path_segment(tecr_id)}").json
    return dict(found) if isinstance(found, dict) else {}


def search_tecrs(
    client: PlutoraClient,
    filters: Iterable[SearchFilter],
    page: int,
    page_size: int,
    limit: int | None,
) -> Page:
    """``POST /TECRs/filter`` (a search: allowed in a read-only run, retried when lost)."""
    body = search_body(list(filters), page, page_size, limit)
    answer = client.call("POST", "/TECRs/filter", json=body).json
    return Page.from_plutora(answer, "POST /TECRs/filter")


def linked_changes(client: PlutoraClient, tecr_id: str) -> list[Record]:
    """``GET /TECRs/{id}/LinkedChanges``."""
    found = client.call("GET", f"/TECRs/{path_segment(tecr_id)}/LinkedChanges").json
    return [dict(item) for item in found] if isinstance(found, list) else []


def set_tecr_status(
    client: PlutoraClient, tecr_id: str, status: str, verify: bool, user_id: str | None
) -> Record | None:
    """Read the TECR, check the move against the contract, PUT it back with the new status
    (by name; its old ``crStatusId`` left out) and, when given, the user making the change."""
    wanted = _status(status)
    current = tecr(client, tecr_id)
    now = str(current.get("crStatus") or "")
    path = f"/TECRs/{path_segment(tecr_id)}"
    if wanted != now and wanted not in TRANSITIONS.get(now, ()):
        allowed = ", ".join(TRANSITIONS.get(now, ())) or "none"
        rule = f"TECR '{current.get('name')}' cannot go from {now} to {wanted}"
        raise BusinessRuleViolation(
            "PUT",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice=f"Checked before sending (nothing was sent): from {now} it may go to {allowed}.",
        )
    fields: dict[str, Any] = {**current, "crStatus": wanted, "crStatusId": None}
    if user_id is not None:
        fields["userId"] = user_id
    body = prepared_body("TECRInput", fields, "PUT", path, "TECR")
    sent = {key: value for key, value in body.items() if key not in ("crStatusId", "userId")}
    return replace(client, path, body, verify, lambda: tecr(client, tecr_id), compare=sent)


def _status(status: str) -> str:
    text = str(status or "").strip().lower()
    for name in STATUSES:
        if name.lower() == text:
            return name
    raise ValueError(
        f"A TECR status is one of {', '.join(STATUSES)}, not {status!r}; nothing was sent."
    )

"""What TECRs and TEBRs share: a plain list, one by id, the ``/filter`` search and the status
move checked against the contract's ``x-transitions`` before anything is sent.

A :class:`RequestKind` names where a kind lives and how it spells its status;
:mod:`.tecrs` and :mod:`.tebrs` add what is their own (linked changes, bookings).

Example::

    TECR = RequestKind("TECR", "crStatus", "crStatusId")
    set_status(client, TECR, tecr_id, "Completed", verify=True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class RequestKind:
    """A kind of environment request: ``name`` (``TECR``: the path is ``/TECRs``, the
    schemas ``TECR``, ``TECRInput`` and ``TECRStatus``), and the fields of its status name
    and id. Example: ``RequestKind("TEBR", "status", "statusID")``."""

    name: str
    status_field: str
    status_id_field: str
    statuses: tuple[str, ...] = field(init=False)
    transitions: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        schema = contract.schema("plutora", f"{self.name}Status")
        object.__setattr__(self, "statuses", tuple(schema["enum"]))
        moves = {key: tuple(value) for key, value in schema["x-transitions"].items()}
        object.__setattr__(self, "transitions", moves)

    @property
    def collection(self) -> str:
        """The path of the list: ``/TECRs``."""
        return f"/{self.name}s"

    def path(self, request_id: str) -> str:
        """The path of one: ``/TECRs/{id}``."""
        return f"{self.collection}/{path_segment(request_id)}"

    def status(self, status: str) -> str:
        """``status`` as the contract spells it (any case); ValueError naming the statuses."""
        text = str(status or "").strip().lower()
        for name in self.statuses:
            if name.lower() == text:
                return name
        raise ValueError(
            f"A {self.name} status is one of {', '.join(self.statuses)}, not {status!r}; "
            "nothing was sent."
        )


def all_of(client: PlutoraClient, kind: RequestKind) -> list[Record]:
    """``GET /TECRs`` (or ``/TEBRs``): every request of ``kind`` (a plain array)."""
    return client.listed("GET", kind.collection)


def one(client: PlutoraClient, kind: RequestKind, request_id: str) -> Record:
    """``GET /TECRs/{id}`` (or ``/TEBRs/{id}``)."""
    found = client.call("GET", kind.path(request_id)).json
    return dict(found) if isinstance(found, dict) else {}


def search(
    client: PlutoraClient,
    kind: RequestKind,
    filters: Iterable[SearchFilter],
    page: int,
    page_size: int,
    limit: int | None,
) -> Page:
    """``POST /TECRs/filter`` (or ``/TEBRs/filter``): a search, allowed in a read-only run
    and retried when lost."""
    body = search_body(list(filters), page, page_size, limit)
    path = f"{kind.collection}/filter"
    return Page.from_plutora(client.call("POST", path, json=body).json, f"POST {path}")


def set_status(
    client: PlutoraClient,
    kind: RequestKind,
    request_id: str,
    status: str,
    verify: bool,
    extra: Mapping[str, Any] | None = None,
    not_read_back: Iterable[str] = (),
) -> Record | None:
    """Read the request, check the move against the contract, PUT it back with the new
    status by name (its old status id left out) and ``extra`` fields; with ``verify``, what
    was sent is compared with the request read back, but for ``not_read_back``."""
    wanted = kind.status(status)
    current = one(client, kind, request_id)
    now = str(current.get(kind.status_field) or "")
    path = kind.path(request_id)
    if wanted != now and wanted not in kind.transitions.get(now, ()):
        allowed = ", ".join(kind.transitions.get(now, ()))
        if allowed:
            then = f"from {now} it may go to {allowed}"
        elif now in kind.transitions:
            then = f"{now} is a final status: nothing changes it any more"
        else:
            then = f"the status {now or '(none)'} is not one the API knows; no move is allowed"
        rule = f"{kind.name} '{current.get('name')}' cannot go from {now} to {wanted}"
        raise BusinessRuleViolation(
            "PUT",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice=f"Checked before sending (nothing was sent): {then}.",
        )
    fields: dict[str, Any] = {
        **current,
        kind.status_field: wanted,
        kind.status_id_field: None,
        **(extra or {}),
    }
    body = prepared_body(f"{kind.name}Input", fields, "PUT", path, kind.name)
    skipped = {kind.status_id_field, *not_read_back}
    sent = {key: value for key, value in body.items() if key not in skipped}
    return replace(client, path, body, verify, lambda: one(client, kind, request_id), compare=sent)

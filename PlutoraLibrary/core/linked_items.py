"""Items linked to a release or a change: other releases and changes, each with how one
depends on the other (``Depends on``, ``Is dependent on``, ``Related to``: the contract's
``LinkType``). Linking A to B gives B the mirror link to A; unlinking either removes both.

The item types and link types are the contract's: another one fails before anything is
sent, naming those there are; so does linking a record to itself or to a record it is
linked to already (the server's rules). Every write keeps the rules of :mod:`.writes`.

Example::

    client.link_items("release", release_id, other_release_id, "Release", "Depends on")
    [i["linkedItem"] for i in client.linked_items("release", release_id)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import contract
from .client import path_segment
from .errors import BusinessRuleViolation, hide_library_frames
from .record_types import record_type as _record_type
from .writes import Record, create, delete, prepared_body

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The records with linked items (a ``record_type``), and their collections.
RECORD_TYPES: dict[str, str] = {"release": "releases", "change": "changes"}
ITEM_TYPES: tuple[str, ...] = tuple(contract.schema("plutora", "LinkedItemType")["enum"])
LINK_TYPES: tuple[str, ...] = tuple(contract.schema("plutora", "LinkType")["enum"])


def _items_path(record_type: str, record_id: str) -> str:
    plural = RECORD_TYPES[_record_type(record_type, tuple(RECORD_TYPES), "Linked items")]
    return f"/{plural}/{path_segment(record_id)}/linkedItems"


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    wanted = " ".join(str(value or "").split()).lower()
    for name in allowed:
        if name.lower() == wanted or name.lower().replace(" ", "") == wanted.replace(" ", ""):
            return name
    raise ValueError(f"A {what} is one of {', '.join(allowed)}, not {value!r}; nothing was sent.")


def linked_items(client: PlutoraClient, record_type: str, record_id: str) -> list[Record]:
    """``GET /{releases|changes}/{id}/linkedItems``."""
    return client.listed("GET", _items_path(record_type, record_id))


def link_items(
    client: PlutoraClient,
    record_type: str,
    record_id: str,
    linked_item_id: str,
    linked_item_type: str,
    link_type: str,
) -> Record:
    """``POST …/linkedItems`` (201); refused before sending for a link to itself or to a
    record linked already; a lost answer is recovered from the record's linked items."""
    path = _items_path(record_type, record_id)
    fields = {
        "linkedItemId": linked_item_id,
        "linkedItemType": _one_of(linked_item_type, ITEM_TYPES, "linked item type"),
        "linkType": _one_of(link_type, LINK_TYPES, "link type"),
    }
    body = prepared_body("LinkedItemInput", fields, "POST", path, "LinkedItem")
    other = str(body["linkedItemId"]).strip().lower()
    if other == record_id.strip().lower():
        rule = "A record cannot be linked to itself"
        raise BusinessRuleViolation(
            "POST",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice="Checked before sending (nothing was sent): a record cannot depend on "
            "itself; link it to another record (another release or change id).",
        )
    current = linked_items(client, record_type, record_id)
    linked = [i for i in current if str(i.get("linkedItemId", "")).lower() == other]
    if linked:
        rule = (
            f"It is linked to {linked[0].get('linkedItem')} already ({linked[0].get('linkType')})"
        )
        raise BusinessRuleViolation(
            "POST",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice="Checked before sending (nothing was sent): to change a link's type, "
            "unlink it (unlink_item / Unlink Item) and link it again (link_items / Link Items).",
        )

    def matching() -> list[Record]:
        return [
            item
            for item in linked_items(client, record_type, record_id)
            if str(item.get("linkedItemId", "")).lower() == other
        ]

    label = (
        f"link of {record_type} {record_id} to {body['linkedItemType'].lower()} {linked_item_id}"
    )
    return create(client, path, body, label, matching)


def unlink_item(client: PlutoraClient, record_type: str, record_id: str, link_id: str) -> None:
    """``DELETE …/linkedItems/{linkedItemId}`` (200): the link and its mirror."""
    delete(client, f"{_items_path(record_type, record_id)}/{path_segment(link_id)}")

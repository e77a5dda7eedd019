"""The lookup types of environment requests and post-implementation reviews.

The vendor's Cypress suite reads ``ChangeRequestStatus`` and ``ChangeRequestType`` before it
creates a TECR, ``BookingRequestStatus`` and ``BookingRequestType`` before a TEBR, and the
five ``PIR…`` types before a post-implementation review. Their values are the ones the
seeded requests carry, with stable ids (UUIDs of the names, no draw from the seed's
generator, so a seed's site is what it was): a TECR's ``crStatusId`` is the id of its
status in ``ChangeRequestStatus``, a TEBR's ``statusID`` the id of its status in
``BookingRequestStatus``.

Example::

    extra_lookups()["ChangeRequestStatus"][0]["value"]     # 'Draft'
"""

from __future__ import annotations

import uuid

from .environment_requests import _CR_TYPES, _TEBR_STATUSES, _TEBR_TYPES
from .records import Record, Records
from .tecr_workflow import STATUS_IDS

#: Each type's description and values, in sort order.
REQUEST_LOOKUP_VALUES: dict[str, tuple[str, list[str]]] = {
    "ChangeRequestStatus": ("Status of a test environment change request", list(STATUS_IDS)),
    "ChangeRequestType": ("Type of a test environment change request", list(_CR_TYPES)),
    "BookingRequestStatus": ("Status of a test environment booking request", _TEBR_STATUSES),
    "BookingRequestType": ("Type of a test environment booking request", _TEBR_TYPES),
    "PIRCategory": (
        "Category of a post-implementation review",
        ["Process", "People", "Technology"],
    ),
    "PIRItemStatus": ("Status of a review item", ["Open", "In Progress", "Closed"]),
    "PIRItemSubCategory": (
        "Sub-category of a review item",
        ["Planning", "Communication", "Testing", "Deployment", "Tooling"],
    ),
    "PIRItemType": ("Type of a review item", ["What went well", "What to improve", "Action"]),
    "PIRTheme": ("Theme of a post-implementation review", ["Quality", "Speed", "Cost", "Risk"]),
}


def lookup_id(kind: str, value: str) -> str:
    """The stable id of value ``value`` of type ``kind`` (a TECR status: the id its TECRs
    carry). Example: ``lookup_id("BookingRequestStatus", "Approved")``."""
    if kind == "ChangeRequestStatus" and value in STATUS_IDS:
        return STATUS_IDS[value]
    name = "TEBRStatus" if kind == "BookingRequestStatus" else kind
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"plutora-simulator/{name}/{value}"))


def extra_lookups() -> dict[str, list[Record]]:
    """Every type of :data:`REQUEST_LOOKUP_VALUES` as ``{id, value, sortOrder, type}`` items."""
    return {
        kind: [
            {"id": lookup_id(kind, value), "value": value, "sortOrder": order, "type": kind}
            for order, value in enumerate(values)
        ]
        for kind, (_description, values) in REQUEST_LOOKUP_VALUES.items()
    }


def settle_booking_status_ids(tebrs: Records) -> None:
    """Give each TEBR the ``statusID`` of its status in ``BookingRequestStatus`` (the seed
    drew one per TEBR: kept as a draw, so the rest of a seed is unchanged, then replaced)."""
    for tebr in tebrs:
        status = tebr.get("status")
        if status in _TEBR_STATUSES:
            tebr["statusID"] = lookup_id("BookingRequestStatus", str(status))
    tebrs.changed()

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

from .bookings import STATUS_IDS as TEBR_STATUS_IDS
from .environment_requests import _CR_TYPES, _TEBR_TYPES
from .records import Record
from .tecr_workflow import STATUS_IDS

#: Each type's description and values, in sort order.
REQUEST_LOOKUP_VALUES: dict[str, tuple[str, list[str]]] = {
    "ChangeRequestStatus": ("Status of a test environment change request", list(STATUS_IDS)),
    "ChangeRequestType": ("Type of a test environment change request", list(_CR_TYPES)),
    "BookingRequestStatus": (
        "Status of a test environment booking request",
        list(TEBR_STATUS_IDS),
    ),
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
    if kind == "BookingRequestStatus" and value in TEBR_STATUS_IDS:
        return TEBR_STATUS_IDS[value]  # the ids the TEBR workflow gives its TEBRs
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"plutora-simulator/{kind}/{value}"))


def extra_lookups() -> dict[str, list[Record]]:
    """Every type of :data:`REQUEST_LOOKUP_VALUES` as ``{id, value, sortOrder, type}`` items."""
    return {
        kind: [
            {"id": lookup_id(kind, value), "value": value, "sortOrder": order, "type": kind}
            for order, value in enumerate(values)
        ]
        for kind, (_description, values) in REQUEST_LOOKUP_VALUES.items()
    }

"""TEBR status moves and the bookings of environments that TEBRs (and releases) ask for.

Each TEBR carries ``statusID``, the id of its ``status`` (stable names' UUIDs, as TECRs').
``PUT /TEBRs/{id}`` moves the status as the contract's ``TEBRStatus`` transitions allow (a
status to itself changes nothing, so a repeated PUT succeeds), may change the name and
description, and keeps the type and the window. Its bookings follow (docs/contract-decisions.md,
"Environment groups, connectivities, TEBRs and bookings"): Submitted → Pending; Approved or
Completed → Approved; Failed or Cancelled → Rejected, each moved booking stamped with the user
and the time.

A booking's ``state`` is read on the simulator's clock: Conflicting when it overlaps another
booking of the same environment that is not Rejected, else In Use when Approved and under way,
else Available.

The seeded site gives each TEBR one or two bookings (the environment its name names first)
over the TEBR's window, and a few releases bookings of their own (no TEBR); they are drawn
from a generator of their own, so the rest of a seed is what it was before.

Example::

    bookings = TebrWorkflow(requests.tebrs, environments, releases, requests.users, clock)
    bookings.reset(1)
    bookings.update(tebr_id, {**tebr, "status": "Approved", "statusID": None}, model, user)
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from ... import contract
from ..query import entity
from ..seed import ANCHOR, iso_plain
from .clock import Clock
from .errors import ModelState, RulesBroken
from .records import Record, Records, text
from .request_status import check_move, wanted_status

_STATUS = contract.schema("plutora", "TEBRStatus")
#: Where each TEBR status may go (a status to itself is always allowed: no change).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    key: tuple(value) for key, value in _STATUS["x-transitions"].items()
}
#: The id of each TEBR status: stable, so a script that hard-codes one keeps working.
STATUS_IDS: dict[str, str] = {
    name: str(uuid.uuid5(uuid.NAMESPACE_URL, f"plutora-simulator/TEBRStatus/{name}"))
    for name in _STATUS["enum"]
}
#: A booking's status for each status of its TEBR.
BOOKING_STATUS = {
    "Submitted": "Pending",
    "Approved": "Approved",
    "Completed": "Approved",
    "Failed": "Rejected",
    "Cancelled": "Rejected",
}
BOOKINGS = entity("Booking", contract.properties("plutora", "Booking"))


class TebrWorkflow:
    """TEBR status moves and bookings, over the TEBRs, environments, releases and users."""

    def __init__(
        self,
        tebrs: Records,
        environments: Records,
        releases: Records,
        users: Records,
        clock: Clock,
    ) -> None:
        self.tebrs = tebrs
        self.environments = environments
        self.releases = releases
        self.users = users
        self.clock = clock
        self.bookings = Records("Booking", BOOKINGS)

    def reset(self, number: int) -> None:
        """Give the freshly seeded TEBRs their status ids and bookings (seed ``number``)."""
        rng = random.Random(f"tebr-bookings-{number}")
        environments = list(self.environments)
        releases = list(self.releases)
        found: dict[str, Record] = {}
        for tebr in self.tebrs:
            status = str(tebr.get("status"))
            tebr["statusID"] = STATUS_IDS.get(status, tebr.get("statusID"))
            if not environments:
                continue
            named = [e for e in environments if f" {e['name']} " in f" {tebr.get('name')} "]
            first = named[0] if named else rng.choice(environments)
            places = [first]
            other = rng.choice(environments)
            if rng.random() < 0.5 and other is not first:
                places.append(other)
            release = rng.choice(releases) if releases and rng.random() < 0.5 else None
            for place in places:
                booking = _booking(
                    _guid(rng),
                    place,
                    tebr.get("startDate"),
                    tebr.get("endDate"),
                    BOOKING_STATUS.get(status, "Pending"),
                    tebr["id"],
                    release,
                )
                found[booking["id"].lower()] = booking
        for index in range(min(3, len(releases), len(environments))):
            release = releases[index]
            start = ANCHOR + timedelta(days=rng.randint(-30, 30))
            booking = _booking(
                _guid(rng),
                rng.choice(environments),
                iso_plain(start),
                iso_plain(start + timedelta(days=rng.randint(2, 21))),
                "Approved",
                None,
                release,
            )
            found[booking["id"].lower()] = booking
        self.bookings.load(found)
        self.tebrs.changed()
        self.refresh()

    # -- TEBRs --------------------------------------------------------------------------------

    def update(self, tebr_id: str, body: Record, model: ModelState, username: str) -> Record:
        """``PUT /TEBRs/{id}``: the body judged first (400), then the id (404), then the
        move (400 business rule); the TEBR's bookings follow a new status."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != tebr_id.lower():
            model.add("id", "The id in the body does not match the id in the URL.")
        wanted = wanted_status(body, model, "status", "statusID", STATUS_IDS, "TEBR")
        model.check()
        tebr = self.tebrs.get(tebr_id)
        current = str(tebr.get("status"))
        check_move("TEBR", current, wanted, TRANSITIONS)
        tebr["name"] = text(body, "name") or tebr["name"]
        if "description" in body:
            tebr["description"] = text(body, "description")
        if wanted is not None and wanted != current:
            tebr["status"] = wanted
            tebr["statusID"] = STATUS_IDS[wanted]
            self._follow(tebr, BOOKING_STATUS.get(wanted, "Pending"), username)
        self.tebrs.changed()
        return tebr

    def _follow(self, tebr: Record, status: str, username: str) -> None:
        user = next(
            (u for u in self.users if str(u.get("userName")).casefold() == username.casefold()),
            None,
        )
        stamp = iso_plain(self.clock.moment())
        for booking in self.of_tebr(tebr["id"]):
            if booking["status"] != status:
                booking["status"] = status
                booking["statusUpdaterId"] = user["id"] if user else None
                booking["timeStamp"] = stamp
        self.bookings.changed()
        self.refresh()

    # -- bookings -------------------------------------------------------------------------

    def book_phase(
        self, release: Record, phase: Record, environment: Record, approved: bool, username: str
    ) -> Record:
        """``POST /releases/{id}/phases/{phaseId}/environments/{environmentId}``: the
        environment booked for the phase's dates, Approved when its group approves bookings
        on its own (else Pending); an environment already booked for the phase (a booking
        not Rejected) is a business rule, so a repeat is not a second booking."""
        for booking in self.bookings:
            if (
                str(booking.get("phaseId") or "").lower() == phase["id"].lower()
                and booking["environmentId"].lower() == environment["id"].lower()
                and booking.get("status") != "Rejected"
            ):
                raise RulesBroken(
                    [
                        f"Environment '{environment['name']}' is already booked for phase "
                        f"'{phase.get('workItemName')}' of release '{release['identifier']}' "
                        f"(booking {booking['id']})."
                    ]
                )
        user = next((u for u in self.users if u.get("userName") == username), None)
        booking = _booking(
            str(uuid.uuid4()),
            environment,
            phase.get("startDate"),
            phase.get("endDate"),
            "Approved" if approved else "Pending",
            None,
            release,
        )
        booking["phaseId"] = phase["id"]
        booking["statusUpdaterId"] = user["id"] if user and approved else None
        booking["timeStamp"] = iso_plain(self.clock.moment().replace(tzinfo=None))
        self.bookings.add(booking)
        self.refresh()
        return booking

    def of_tebr(self, tebr_id: str) -> list[Record]:
        """The bookings a TEBR asked for, in start order (404 for an unknown TEBR)."""
        tebr = self.tebrs.get(tebr_id)
        self.refresh()
        mine = [
            b for b in self.bookings if str(b.get("tebrId") or "").lower() == tebr["id"].lower()
        ]
        return sorted(mine, key=lambda booking: str(booking.get("startDate") or ""))

    def refresh(self) -> None:
        """Each booking's ``state`` as of the simulator's clock (see the module's doc)."""
        now = self.clock.moment().replace(tzinfo=None)
        live = [b for b in self.bookings if b.get("status") != "Rejected"]
        changed = False
        for booking in self.bookings:
            state = _state(booking, live, now)
            if booking.get("state") != state:
                booking["state"] = state
                changed = True
        if changed:
            self.bookings.changed()


def _state(booking: Record, live: list[Record], now: datetime) -> str:
    start, end = _moment(booking.get("startDate")), _moment(booking.get("endDate"))
    if booking.get("status") != "Rejected" and start and end:
        for other in live:
            if other is booking or other["environmentId"] != booking["environmentId"]:
                continue
            other_start, other_end = _moment(other.get("startDate")), _moment(other.get("endDate"))
            if other_start and other_end and other_start < end and start < other_end:
                return "Conflicting"
    if booking.get("status") == "Approved" and start and end and start <= now <= end:
        return "In Use"
    return "Available"


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None) if value else None
    except ValueError:
        return None


def _booking(
    booking_id: str,
    environment: Record,
    start: Any,
    end: Any,
    status: str,
    tebr_id: str | None,
    release: Record | None,
) -> Record:
    return {
        "id": booking_id,
        "environmentId": environment["id"],
        "isEnvironmentGroup": False,
        "releaseId": release["id"] if release else None,
        "phaseId": None,
        "tebrId": tebr_id,
        "startDate": start,
        "endDate": end,
        "status": status,
        "state": "Available",
        "statusUpdaterId": None,
        "timeStamp": None,
    }


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))

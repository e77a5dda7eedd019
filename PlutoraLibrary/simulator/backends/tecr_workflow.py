"""TECR status moves and the changes TECRs are linked to.

Each TECR carries ``crStatusId``, the id of its ``crStatus`` (the site's TECR statuses have
no public lookup type: the ids are stable names' UUIDs). ``PUT /TECRs/{id}`` moves the status
as the contract's ``TECRStatus`` transitions allow (a status to itself changes nothing, so a
repeated PUT succeeds), may change the name and description, and keeps the type and the
environment. Each seeded TECR is linked to up to two changes (drawn from a generator of its
own, so the rest of a seed is unchanged).

Example::

    workflow = TecrWorkflow(requests.tecrs, changes.records, requests.users)
    workflow.reset(1)
    workflow.update(tecr_id, {**tecr, "crStatus": "Submitted", "crStatusId": None}, model)
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from ... import contract
from .errors import ModelState
from .records import Record, Records, reference, text
from .request_status import check_move, wanted_status

_STATUS = contract.schema("plutora", "TECRStatus")
#: Where each TECR status may go (a status to itself is always allowed: no change).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    key: tuple(value) for key, value in _STATUS["x-transitions"].items()
}
#: The id of each TECR status: stable, so a script that hard-codes one keeps working.
STATUS_IDS: dict[str, str] = {
    name: str(uuid.uuid5(uuid.NAMESPACE_URL, f"plutora-simulator/TECRStatus/{name}"))
    for name in _STATUS["enum"]
}


class TecrWorkflow:
    """TECR status moves and linked changes, over the TECRs, changes and users it is given."""

    def __init__(self, tecrs: Records, changes: Records, users: Records) -> None:
        self.tecrs = tecrs
        self.changes = changes
        self.users = users
        self.links: dict[str, list[str]] = {}

    def reset(self, number: int) -> None:
        """Give the freshly seeded TECRs their status ids and linked changes (seed
        ``number``)."""
        rng = random.Random(f"tecr-links-{number}")
        changes = [change["id"] for change in self.changes]
        self.links = {}
        for tecr in self.tecrs:
            tecr["crStatusId"] = STATUS_IDS.get(str(tecr.get("crStatus")))
            count = min(rng.randint(0, 2), len(changes))  # a site may have one change
            self.links[tecr["id"].lower()] = sorted(rng.sample(changes, count))
        self.tecrs.changed()

    def update(self, tecr_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /TECRs/{id}``: the body judged first (400), then the id (404), then the
        move (400 business rule)."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != tecr_id.lower():
            model.add("id", "The id in the body does not match the id in the URL.")
        wanted = wanted_status(body, model, "crStatus", "crStatusId", STATUS_IDS, "TECR")
        reference(body, model, "userId", self.users.by_id, False)
        model.check()
        tecr = self.tecrs.get(tecr_id)
        current = str(tecr.get("crStatus"))
        check_move("TECR", current, wanted, TRANSITIONS)
        tecr["name"] = text(body, "name") or tecr["name"]
        if "description" in body:
            tecr["description"] = text(body, "description")
        if wanted is not None:
            tecr["crStatus"] = wanted
            tecr["crStatusId"] = STATUS_IDS[wanted]
        self.tecrs.changed()
        return tecr

    def linked_changes(self, tecr_id: str) -> list[Record]:
        """The changes a TECR is linked to, in change-id order (deleted ones left out)."""
        tecr = self.tecrs.get(tecr_id)
        found: list[Record] = []
        for change_id in self.links.get(tecr["id"].lower(), []):
            change: Any = self.changes.by_id.get(change_id.lower())
            if change is not None:
                found.append(change)
        return sorted(found, key=lambda change: change.get("changeId") or 0)

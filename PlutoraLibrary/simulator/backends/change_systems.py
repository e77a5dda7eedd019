"""The systems a change impacts: ``GET``/``POST /changes/{id}/systems`` and
``DELETE /changes/{id}/systems/{systemId}``.

One source: the change's own ``systems`` (``{systemId, name, systemRoleType}``, as
``GET /changes/{id}`` shows them) is the list these operations read and write, so a system
added here is in the change's next GET, and a change written with PUT has the systems it
was sent. A system is in a change once; it must be a system of the site; its role is
``Impact`` unless ``Dependency`` is asked for.

Example::

    systems = ChangeSystemsBackend(changes.records, catalogue, clock)
    systems.add(change_id, {"systemId": system_id}, ModelState("changeSystem"), "qa@x")
    systems.of(change_id)[-1]["name"]                  # the system's name
"""

from __future__ import annotations

from typing import Any

from ..seed import iso_precise
from .errors import ModelState, NotFound, RulesBroken
from .records import Record, Records, reference, text

ROLE_TYPES = ("Impact", "Dependency")


class ChangeSystemsBackend:
    """The systems of each change, kept in the change itself."""

    def __init__(self, changes: Records, catalogue: Any, clock: Any) -> None:
        self.changes = changes
        self.catalogue = catalogue
        self.clock = clock

    def of(self, change_id: str) -> list[Record]:
        """The systems of a change (404 for an unknown change)."""
        change = self.changes.get(change_id)
        systems: list[Record] = change.setdefault("systems", [])
        if systems is None:
            systems = change["systems"] = []
        return systems

    def add(self, change_id: str, body: Record, model: ModelState, username: str) -> Record:
        """``POST /changes/{id}/systems``: the system joins the change (400 when it is there)."""
        system = reference(body, model, "systemId", self.catalogue.systems.by_id, True)
        role = text(body, "systemRoleType") or "Impact"
        model.check()
        assert system is not None
        change = self.changes.get(change_id)
        items = self.of(change_id)
        if any(str(item.get("systemId", "")).lower() == system["id"].lower() for item in items):
            raise RulesBroken(
                [f"System '{system['name']}' is already on change '{change['changeId']}'."]
            )
        item = {"systemId": system["id"], "name": system["name"], "systemRoleType": role}
        items.append(item)
        self._touched(change, username)
        return item

    def remove(self, change_id: str, system_id: str, username: str) -> None:
        """``DELETE /changes/{id}/systems/{systemId}``; 404 when the change does not have it."""
        change = self.changes.get(change_id)
        items = self.of(change_id)
        for item in items:
            if str(item.get("systemId", "")).lower() == system_id.lower():
                items.remove(item)
                self._touched(change, username)
                return
        raise NotFound(f"System '{system_id}' is not on change '{change['changeId']}'.")

    def _touched(self, change: Record, username: str) -> None:
        change["lastModifiedDate"] = iso_precise(self.clock.moment())
        change["lastModifiedBy"] = username
        self.changes.changed()

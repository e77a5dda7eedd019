"""The stakeholders of releases, systems and changes: users or user groups, each with roles
(``StakeholderRole`` values) and RACI flags (responsible, accountable, consulted, informed).

One backend serves the three (``/{releases|systems|changes}/{id}/stakeholders``), as the
vendor's help pages describe one feature on each. A stakeholder's ``id`` is the id of the user
or group it is: a record has one stakeholder per user or group (the vendor's CSV import script
PUTs ``…/stakeholders/{userId}``). A change's stakeholders are the change's own
``stakeholders`` list (one source: the sub-resource and ``GET /changes/{id}`` show the same).

Rules (docs/contract-decisions.md, "Systems, organizations and stakeholders (issue 18)"):
exactly one of ``userId`` and ``groupId``, each a user (``GET /users``) or a group of the
site; every role a ``StakeholderRole`` value; a user or group that is a stakeholder already
is refused; the owner of a release (its ``managerId``) is an Accountable stakeholder, added
when the release is read without it, and cannot be made non-accountable or removed (the
vendor's Cypress suite).

The seeded site gives every system an accountable person and, for every third system, an
informed group; every release its owner and, for every fourth release, an informed group.
They are drawn from a generator of their own, so the rest of a seed is what it was before.

Example::

    stakeholders = StakeholdersBackend(1, releases, systems, changes, users, catalogue)
    stakeholders.of("release", release_id)[0]["accountable"]      # True: the owner
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .errors import ModelState, NotFound, RulesBroken
from .records import Record, Records, reference

#: The site's user groups (no public answer lists them: their ids are fixed by name).
GROUP_NAMES = ("Release Managers", "Change Advisory Board", "QA Team", "Platform Operations")
_GROUPS_NAMESPACE = uuid.UUID("8a0c5d0e-53a4-4f5e-9b7e-1f8e3c9d2a61")
GROUPS: dict[str, Record] = {
    str(uuid.uuid5(_GROUPS_NAMESPACE, name)): {
        "id": str(uuid.uuid5(_GROUPS_NAMESPACE, name)),
        "name": name,
    }
    for name in GROUP_NAMES
}
#: The RACI flags, in the order the answers show them.
FLAGS = ("responsible", "accountable", "informed", "consulted")
#: What each kind of record is called in messages.
KINDS = {"release": "Release", "system": "System", "change": "Change"}


class StakeholdersBackend:
    """Stakeholders of releases and systems (held here) and of changes (the change's list)."""

    def __init__(
        self,
        number: int,
        releases: Records,
        systems: Records,
        changes: Records,
        users: Records,
        roles: dict[str, Record],
        people: Callable[[], Iterable[str]] = lambda: (),
    ) -> None:
        self.records = {"release": releases, "system": systems, "change": changes}
        self.users = users
        #: The ids of the site's people (not the login accounts, which a setting chooses):
        #: who the seeded stakeholders are drawn from, so a seed's are the same whoever logs in.
        self.people = people
        self.roles = roles
        self.held: dict[str, dict[str, list[Record]]] = {}
        self.reset(number, roles)

    def reset(self, number: int, roles: dict[str, Record]) -> None:
        """Hold the stakeholders of a freshly seeded site (seed ``number``)."""
        self.roles = roles
        rng = random.Random(f"stakeholders-{number}")
        seeded = {str(person).lower() for person in self.people()}
        people = sorted(
            (user for user in self.users if str(user["id"]).lower() in seeded),
            key=lambda user: str(user["id"]),
        )
        groups = list(GROUPS.values())
        by_value = {role["value"]: role for role in roles.values()}
        self.held = {"release": {}, "system": {}}
        for index, system in enumerate(self.records["system"]):
            items = []
            if people:
                owner = rng.choice(people)
                items.append(
                    self._item(
                        owner, None, [by_value.get("Business Owner")], (True, True, True, False)
                    )
                )
            if index % 3 == 0:
                group = rng.choice(groups)
                items.append(
                    self._item(
                        None, group, [by_value.get("Developer")], (False, False, True, False)
                    )
                )
            self.held["system"][system["id"].lower()] = items
        for index, release in enumerate(self.records["release"]):
            items = self._owner_items(release, by_value)
            if index % 4 == 0:
                group = rng.choice(groups)
                items.append(
                    self._item(None, group, [by_value.get("Tester")], (False, False, True, True))
                )
            self.held["release"][release["id"].lower()] = items

    # -- reading ------------------------------------------------------------------------------

    def of(self, kind: str, record_id: str) -> list[Record]:
        """The stakeholders of a record (404 for an unknown record), as stored."""
        record = self.records[kind].get(record_id)
        if kind == "change":
            items: list[Record] = record.setdefault("stakeholders", [])
            return items
        items = self.held[kind].setdefault(record["id"].lower(), [])
        if kind == "release":
            self._with_owner(record, items)
        return items

    def one(self, kind: str, record_id: str, stakeholder_id: str) -> Record:
        """One stakeholder by the id of its user or group, or :class:`NotFound`."""
        for item in self.of(kind, record_id):
            if stakeholder_key(item) == stakeholder_id.lower():
                return item
        raise NotFound(
            f"Stakeholder '{stakeholder_id}' is not a stakeholder of {kind} "
            f"'{self._label(kind, record_id)}'."
        )

    # -- writes -------------------------------------------------------------------------------

    def add(self, kind: str, record_id: str, body: Record, model: ModelState) -> Record:
        """``POST …/stakeholders``: a user or group joins the record's stakeholders."""
        user, group = self._who(body, model)
        model.check()
        roles = self._roles(body)
        items = self.of(kind, record_id)
        key = str((user or group or {})["id"]).lower()
        if any(stakeholder_key(item) == key for item in items):
            name = _name_of(user) if user else (group or {})["name"]
            raise RulesBroken(
                [
                    f"'{name}' is already a stakeholder of {kind} "
                    f"'{self._label(kind, record_id)}': change it with PUT instead."
                ]
            )
        flags = tuple(bool(body.get(flag)) for flag in FLAGS)
        item = self._item(user, group, roles, flags)
        items.append(item)
        self.records[kind].changed()
        return item

    def update(
        self, kind: str, record_id: str, stakeholder_id: str, body: Record, model: ModelState
    ) -> Record:
        """``PUT …/stakeholders/{stakeholderId}``: its roles and RACI flags (the user or group
        stays: a body naming another is refused)."""
        for name in ("userId", "groupId"):
            value = body.get(name)
            if isinstance(value, str) and value and value.lower() != stakeholder_id.lower():
                model.add(
                    name, f"The {name} in the body does not match the stakeholder in the URL."
                )
        model.check()
        item = self.one(kind, record_id, stakeholder_id)
        roles = self._roles(body)
        flags = {flag: bool(body.get(flag)) for flag in FLAGS}
        if kind == "release" and not flags["accountable"]:
            self._owner_stays(record_id, item, "made non-accountable")
        item.update(flags)
        item["stakeholderRoleIds"] = [role["id"] for role in roles]
        item["stakeholderRoles"] = ", ".join(role["value"] for role in roles)
        self.records[kind].changed()
        return item

    def remove(self, kind: str, record_id: str, stakeholder_id: str) -> None:
        """``DELETE …/stakeholders/{stakeholderId}``."""
        item = self.one(kind, record_id, stakeholder_id)
        if kind == "release":
            self._owner_stays(record_id, item, "removed")
        self.of(kind, record_id).remove(item)
        self.records[kind].changed()

    def forget(self, kind: str, record_id: str) -> None:
        """Drop the stakeholders of a deleted release or system."""
        self.held.get(kind, {}).pop(record_id.lower(), None)

    # -- rules --------------------------------------------------------------------------------

    def _who(self, body: Record, model: ModelState) -> tuple[Record | None, Record | None]:
        given = [name for name in ("userId", "groupId") if body.get(name) not in (None, "")]
        if len(given) != 1:
            model.add(
                "userId",
                "A stakeholder is a user (userId) or a user group (groupId): give exactly one.",
            )
            return None, None
        user = reference(body, model, "userId", self.users.by_id, False)
        group = reference(body, model, "groupId", GROUPS_BY_LOWER_ID, False)
        return user, group

    def _roles(self, body: Record) -> list[Record]:
        found, unknown = [], []
        value = body.get("stakeholderRoleIds")
        for role_id in value if isinstance(value, list) else []:
            role = self.roles.get(str(role_id).lower())
            if role is None:
                unknown.append(str(role_id))
            elif role not in found:
                found.append(role)
        if unknown:
            raise RulesBroken(
                [f"Stakeholder role '{role_id}' was not found." for role_id in unknown]
            )
        return found

    def _owner_stays(self, release_id: str, item: Record, what: str) -> None:
        release = self.records["release"].get(release_id)
        owner = str(release.get("managerId") or "").lower()
        if owner and stakeholder_key(item) == owner:
            raise RulesBroken(
                [
                    f"'{item['user']}' owns release '{release['identifier']}' and is its "
                    f"Accountable stakeholder: it cannot be {what}. Change the release's owner "
                    "first."
                ]
            )

    def _label(self, kind: str, record_id: str) -> str:
        record = self.records[kind].get(record_id)
        return str(record.get("identifier") or record.get("name") or record["id"])

    # -- building items -----------------------------------------------------------------------

    def _owner_items(self, release: Record, by_value: dict[str, Record]) -> list[Record]:
        items: list[Record] = []
        self._with_owner(release, items, by_value)
        return items

    def _with_owner(
        self, release: Record, items: list[Record], by_value: dict[str, Record] | None = None
    ) -> None:
        """The owner (``managerId``) of a release is an Accountable stakeholder of it."""
        owner = str(release.get("managerId") or "").lower()
        if not owner or any(stakeholder_key(item) == owner for item in items):
            return
        user = self.users.by_id.get(owner)
        if user is None:
            return
        if by_value is None:
            by_value = {role["value"]: role for role in self.roles.values()}
        items.insert(
            0, self._item(user, None, [by_value.get("Release Manager")], (True, True, True, False))
        )

    @staticmethod
    def _item(
        user: Record | None,
        group: Record | None,
        roles: Sequence[Record | None],
        flags: tuple[bool, ...],
    ) -> Record:
        present = [role for role in roles if role is not None]
        return {
            "userId": user["id"] if user else None,
            "user": _name_of(user) if user else "",
            "groupId": group["id"] if group else None,
            "group": group["name"] if group else "",
            "stakeholderRoleIds": [role["id"] for role in present],
            "stakeholderRoles": ", ".join(role["value"] for role in present),
            **dict(zip(FLAGS, flags, strict=True)),
        }


GROUPS_BY_LOWER_ID: dict[str, Record] = {key.lower(): value for key, value in GROUPS.items()}


def stakeholder_key(item: Record) -> str:
    """A stakeholder's id: its user's or group's (lower case)."""
    return str(item.get("userId") or item.get("groupId") or "").lower()


def rendered(item: Record) -> dict[str, Any]:
    """A stakeholder as the API answers it: its ``id`` (the user's or group's) first."""
    return {"id": item.get("userId") or item.get("groupId"), **item}


def _name_of(user: Record | None) -> str:
    if not user:
        return ""
    if user.get("name"):
        return str(user["name"])
    return f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()

"""The release framework: each release's phases and gates, and the activities and criteria
assigned to them; and the names a phase or gate may take (``WorkItemNames/Phases|Gates``).

A phase is a period of a release (Design, Build, SIT, …), a gate a milestone (Code Freeze,
Go/No-Go); each takes one of the site's names and a start and end date. An activity belongs
to one phase or gate of its release (``assignedWorkItemID``, the phase's or gate's own id),
is assigned to a user and moves through ``NotStarted``, ``InProgress`` and ``Completed``.

Rules (docs/contract-decisions.md, "Release phases, gates and activities (issue 18)"): a
name is one of the site's phase (gate) names and appears once in a release; an end is never
before its start; an activity is assigned to a phase or gate of the same release and to a
known user; a phase or gate with activities is not removed (they go first); a release in an
end state (Complete, Cancelled) is closed for all of it. A release's dates are its
implementation date alone, so no rule ties a phase's dates to the release's.

The seeded site gives every release three phases ending at its implementation date, a Code
Freeze gate between the first two and a Go/No-Go gate before go-live, an activity on each
phase but the last and a criterion on the Go/No-Go gate, their statuses what the seed's
date (2026-01-01) makes them (all Completed in a Complete release). They are drawn from a
generator of their own, so the rest of a seed is what it was before.

Example::

    framework = ReleaseFrameworkBackend(seed, 1, releases.records, users)
    framework.phases_of(release_id)[0]["workItemName"]        # 'Design'
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from ..seed import ANCHOR, END_STATE_STATUSES, SeedData, iso_plain
from ..site import Recorded
from .errors import ModelState, NotFound, RulesBroken
from .records import Record, Records, reference, text

#: The names a phase may take, in the order a release goes through them.
PHASE_NAMES = ("Design", "Build", "SIT", "UAT", "Deploy", "Post Implementation Review")
#: The names a gate may take.
GATE_NAMES = ("Requirements Sign-off", "Code Freeze", "Test Exit", "Go/No-Go")
STATUSES = ("NotStarted", "InProgress", "Completed")
TYPES = ("Activity", "Criteria")
DEPENDENCY_TYPES = ("None", "FinishToStart", "StartToStart")
KINDS = ("phase", "gate")
#: An activity's fields a recording's are taken as they are.
_ACTIVITY_TEXT = ("identifier", "title", "description", "startDate", "endDate", "forecastDate")


class ReleaseFrameworkBackend:
    """Phases, gates and activities by release id; the phase and gate names."""

    def __init__(
        self,
        seed: SeedData,
        number: int,
        releases: Records,
        users: Callable[[], Records],
        recorded: Recorded | None = None,
    ) -> None:
        self.releases = releases
        self.users = users
        self.names: dict[str, list[Record]] = {}
        self.items: dict[str, dict[str, list[Record]]] = {}
        self.activities: dict[str, list[Record]] = {}
        self._pending: dict[str, tuple[str | None, bool, str]] = {}
        self._people: list[Record] = []
        self._number = number
        self.reset(seed, number, recorded)

    def reset(self, seed: SeedData, number: int, recorded: Recorded | None = None) -> None:
        """Hold the framework of a freshly seeded site (seed ``number``), then what a
        recording (``recorded``) holds: its phase and gate names, and the phases, gates and
        activities of its releases (people replaced by generated ones)."""
        rng = random.Random(f"release-framework-{number}")
        self.names = {
            "phase": [{"id": _guid(rng), "name": name} for name in PHASE_NAMES],
            "gate": [{"id": _guid(rng), "name": name} for name in GATE_NAMES],
        }
        people = list(seed.people)
        self._people = people
        self._number = number
        self.items = {"phase": {}, "gate": {}}
        self.activities = {}
        # Each seeded release's framework is drawn when the release's is first asked for (from
        # a generator of its own: the same whatever is asked first), so that a site of 100,000
        # releases starts without drawing 800,000 phases, gates and activities.
        self._pending = {
            release["id"].lower(): (
                release.get("implementationDate"),
                release["releaseStatusType"] == "Complete",
                str(release["identifier"]),
            )
            for release in seed.releases.values()
        }
        if recorded is not None:
            self._recorded(recorded, people, rng)

    def _ensure(self, key: str) -> None:
        """Draw the framework of seeded release ``key`` (its lower-case id) if not yet drawn."""
        pending = self._pending.pop(key, None)
        if pending is None:
            return
        when, done, identifier = pending
        rng = random.Random(f"release-framework-{self._number}-{key}")
        live = datetime.fromisoformat(when) if when else datetime(2026, 1, 1)
        first = rng.randint(0, 2)
        lengths = [rng.randint(10, 25) for _ in range(3)]
        start = live - timedelta(days=sum(lengths))
        phases: list[Record] = []
        gates: list[Record] = []
        activities: list[Record] = []
        for offset, days in enumerate(lengths):
            name = self.names["phase"][first + offset]
            end = start + timedelta(days=days - 1, hours=17)
            phases.append(_item(_guid(rng), name, start, end))
            start += timedelta(days=days)
        for name, moment in (
            (self.names["gate"][1], datetime.fromisoformat(phases[1]["startDate"])),
            (self.names["gate"][3], live - timedelta(days=1)),
        ):
            gates.append(_item(_guid(rng), name, moment, moment + timedelta(hours=2)))
        # The last phase is not planned in detail yet and the Code Freeze gate is a date on
        # the calendar: neither has an activity (so either may be removed).
        for kind, owners in (("Activity", phases[:-1]), ("Criteria", gates[1:])):
            for owner in owners:
                person = rng.choice(self._people)
                activities.append(
                    {
                        "id": _guid(rng),
                        "identifier": f"{identifier}-{len(activities) + 1:02d}",
                        "title": _title(kind, owner["workItemName"]),
                        "description": None,
                        "type": kind,
                        "status": _status(owner, done),
                        "activityDependencyType": "None",
                        "assignedToID": person["id"],
                        "assignedTo": person["name"],
                        "assignedWorkItemID": owner["id"],
                        "assignedWorkItem": owner["workItemName"],
                        "startDate": owner["startDate"],
                        "endDate": owner["endDate"],
                        "forecastDate": owner["endDate"],
                    }
                )
        self.items["phase"][key] = phases
        self.items["gate"][key] = gates
        self.activities[key] = activities

    def _release(self, release_id: str) -> Record:
        """The release (404 for an unknown one), its framework drawn if it was not yet."""
        release = self.releases.get(release_id)
        self._ensure(release["id"].lower())
        return release

    def _recorded(self, recorded: Recorded, people: list[Record], rng: random.Random) -> None:
        for kind, names in recorded.work_item_names.items():
            self.names[kind] = [{"id": str(n["id"]), "name": str(n["name"])} for n in names]
        for kind, plural in (("phase", "phases"), ("gate", "gates")):
            known = {name["id"].lower(): name for name in self.names[kind]}
            for release_id, items in recorded.framework.get(plural, {}).items():
                self._ensure(release_id)
                if release_id not in self.items[kind]:
                    continue  # a release the site did not keep
                kept = []
                for item in items:
                    name_id = str(item.get("workItemNameID") or "").lower()
                    if name_id not in known:  # a name the recording did not list
                        named = {"id": name_id, "name": str(item.get("workItemName") or "")}
                        known[name_id] = named
                        self.names[kind].append(named)
                    kept.append(
                        {
                            "id": str(item["id"]),
                            "workItemNameID": known[name_id]["id"],
                            "workItemName": known[name_id]["name"],
                            "startDate": item.get("startDate"),
                            "endDate": item.get("endDate"),
                            "isIgnore": item.get("isIgnore") is True,
                            "isIgnoreChild": item.get("isIgnoreChild") is True,
                        }
                    )
                self.items[kind][release_id] = kept
        for release_id, items in recorded.framework.get("activities", {}).items():
            self._ensure(release_id)
            if release_id not in self.activities:
                continue
            owners = {
                o["id"].lower(): o for kind in KINDS for o in self.items[kind].get(release_id, [])
            }
            kept = []
            for item in items:
                owner = owners.get(str(item.get("assignedWorkItemID") or "").lower())
                if owner is None:
                    continue  # its phase or gate was not recorded
                person = rng.choice(people)
                kept.append(
                    {
                        **{field: item.get(field) for field in _ACTIVITY_TEXT},
                        "id": str(item["id"]),
                        "type": item.get("type") if item.get("type") in TYPES else "Activity",
                        "status": item.get("status")
                        if item.get("status") in STATUSES
                        else "NotStarted",
                        "activityDependencyType": item.get("activityDependencyType")
                        if item.get("activityDependencyType") in DEPENDENCY_TYPES
                        else "None",
                        "assignedToID": person["id"],
                        "assignedTo": person["name"],
                        "assignedWorkItemID": owner["id"],
                        "assignedWorkItem": owner["workItemName"],
                    }
                )
            self.activities[release_id] = kept

    # -- names --------------------------------------------------------------------------------

    def names_of(self, kind: str) -> list[Record]:
        """``GET /WorkItemNames/Phases`` (``kind`` phase) or ``/Gates`` (gate)."""
        return list(self.names[kind])

    # -- phases and gates ---------------------------------------------------------------------

    def of(self, kind: str, release_id: str) -> list[Record]:
        """The phases (or gates) of a release, in start order (404 for an unknown release)."""
        release = self._release(release_id)
        items = self.items[kind].setdefault(release["id"].lower(), [])
        return sorted(items, key=lambda item: str(item["startDate"]))

    def one(self, kind: str, release_id: str, item_id: str) -> Record:
        """One phase (gate) of a release, or :class:`NotFound` naming both."""
        for item in self.of(kind, release_id):
            if item["id"].lower() == item_id.lower():
                return item
        release = self._release(release_id)
        raise NotFound(f"The {kind} '{item_id}' is not in release '{release['identifier']}'.")

    def add(self, kind: str, release_id: str, body: Record, model: ModelState) -> Record:
        """``POST /releases/{id}/phases`` (gates): a new phase (gate) of the release."""
        release = self._release(release_id)
        fields = self._fields(kind, body, model)
        self.check_open(release)
        self._unique(kind, release_id, fields, None)
        item = {"id": str(uuid.uuid4()), **fields}
        self.items[kind][release["id"].lower()].append(item)
        self.releases.changed()
        return item

    def update(
        self, kind: str, release_id: str, item_id: str, body: Record, model: ModelState
    ) -> Record:
        """``PUT /releases/{id}/phases/{phaseId}``: its name, dates and flags replaced."""
        self._same_id(body, item_id, model)
        fields = self._fields(kind, body, model)
        item = self.one(kind, release_id, item_id)
        self.check_open(self._release(release_id))
        self._unique(kind, release_id, fields, item)
        item.update(fields)
        for activity in self.activities.get(self._release(release_id)["id"].lower(), []):
            if activity["assignedWorkItemID"].lower() == item["id"].lower():
                activity["assignedWorkItem"] = item["workItemName"]
        self.releases.changed()
        return item

    def remove(self, kind: str, release_id: str, item_id: str) -> None:
        """``DELETE /releases/{id}/phases/{phaseId}``: refused while it has activities."""
        item = self.one(kind, release_id, item_id)
        release = self._release(release_id)
        self.check_open(release)
        owned = [
            activity["title"]
            for activity in self.activities.get(release["id"].lower(), [])
            if activity["assignedWorkItemID"].lower() == item["id"].lower()
        ]
        if owned:
            raise RulesBroken(
                [
                    f"The {kind} '{item['workItemName']}' has {len(owned)} activities "
                    f"({', '.join(owned)}): delete them or assign them elsewhere first."
                ]
            )
        self.items[kind][release["id"].lower()].remove(item)
        self.releases.changed()

    # -- activities -----------------------------------------------------------------------------

    def activities_of(self, release_id: str) -> list[Record]:
        """The activities and criteria of a release (404 for an unknown release)."""
        release = self._release(release_id)
        return list(self.activities.setdefault(release["id"].lower(), []))

    def activity(self, release_id: str, activity_id: str) -> Record:
        """One activity of a release, or :class:`NotFound`."""
        for item in self.activities_of(release_id):
            if item["id"].lower() == activity_id.lower():
                return item
        release = self._release(release_id)
        raise NotFound(f"The activity '{activity_id}' is not in release '{release['identifier']}'.")

    def add_activity(self, release_id: str, body: Record, model: ModelState) -> Record:
        """``POST /releases/{id}/activities``: a new activity (criterion)."""
        release = self._release(release_id)
        fields = self._activity_fields(release_id, body, model, None)
        self.check_open(release)
        activity = {"id": str(uuid.uuid4()), **fields}
        self.activities.setdefault(release["id"].lower(), []).append(activity)
        self.releases.changed()
        return activity

    def update_activity(
        self, release_id: str, activity_id: str, body: Record, model: ModelState
    ) -> Record:
        """``PUT /releases/{id}/activities/{activityId}``: its fields replaced."""
        self._same_id(body, activity_id, model)
        current = self.activity(release_id, activity_id)
        fields = self._activity_fields(release_id, body, model, current)
        self.check_open(self._release(release_id))
        current.update(fields)
        self.releases.changed()
        return current

    def delete_activity(self, release_id: str, activity_id: str) -> None:
        """``DELETE /releases/{id}/activities/{activityId}``."""
        activity = self.activity(release_id, activity_id)
        release = self._release(release_id)
        self.check_open(release)
        self.activities[release["id"].lower()].remove(activity)
        self.releases.changed()

    # -- rules ----------------------------------------------------------------------------------

    @staticmethod
    def check_open(release: Record) -> None:
        """A Complete or Cancelled release's framework does not change (a business rule)."""
        if release["releaseStatusType"] in END_STATE_STATUSES:
            raise RulesBroken(
                [
                    f"Release '{release['identifier']}' is {release['releaseStatusType']}: its "
                    "phases, gates and activities cannot change."
                ]
            )

    @staticmethod
    def _same_id(body: Record, item_id: str, model: ModelState) -> None:
        sent = body.get("id")
        if sent not in (None, "") and str(sent).lower() != item_id.lower():
            model.add("id", "The id in the body does not match the one in the URL.")

    def _fields(self, kind: str, body: Record, model: ModelState) -> Record:
        known = {item["id"].lower(): item for item in self.names[kind]}
        name = reference(body, model, "workItemNameID", known, True)
        if model.has("workItemNameID"):
            plural = "WorkItemNames/Phases" if kind == "phase" else "WorkItemNames/Gates"
            listed = ", ".join(item["name"] for item in self.names[kind])
            model.add("workItemNameID", f"A {kind}'s name is one of {plural}: {listed}.")
        start, end = text(body, "startDate"), text(body, "endDate")
        if start and end and end < start:
            model.add("endDate", "The end date must not be before the start date.")
        model.check()
        assert name is not None
        return {
            "workItemNameID": name["id"],
            "workItemName": name["name"],
            "startDate": start,
            "endDate": end,
            "isIgnore": body.get("isIgnore") is True,
            "isIgnoreChild": body.get("isIgnoreChild") is True,
        }

    def _unique(self, kind: str, release_id: str, fields: Record, item: Record | None) -> None:
        for other in self.of(kind, release_id):
            if other is not item and other["workItemNameID"] == fields["workItemNameID"]:
                release = self._release(release_id)
                raise RulesBroken(
                    [
                        f"Release '{release['identifier']}' already has the {kind} "
                        f"'{fields['workItemName']}': change that one instead."
                    ]
                )

    def _activity_fields(
        self, release_id: str, body: Record, model: ModelState, current: Record | None
    ) -> Record:
        owners = {item["id"].lower(): item for kind in KINDS for item in self.of(kind, release_id)}
        owner = reference(body, model, "assignedWorkItemID", owners, True)
        if model.has("assignedWorkItemID"):
            names = ", ".join(f"{o['workItemName']} ({o['id']})" for o in owners.values())
            model.add(
                "assignedWorkItemID",
                f"An activity is assigned to a phase or gate of its release: {names or 'none'}.",
            )
        user = reference(body, model, "assignedToID", self.users().by_id, False)
        title = text(body, "title")
        if not (title or "").strip() and not model.has("title"):
            model.add("title", "The title field is required.")
        start, end = text(body, "startDate"), text(body, "endDate")
        if start and end and end < start:
            model.add("endDate", "The end date must not be before the start date.")
        model.check()
        assert owner is not None
        gates = self.items["gate"].get(self._release(release_id)["id"].lower(), [])
        is_gate = any(gate["id"] == owner["id"] for gate in gates)
        default_type = "Criteria" if is_gate else "Activity"
        return {
            "identifier": text(body, "identifier"),
            "title": title,
            "description": text(body, "description"),
            "type": text(body, "type") or (current or {}).get("type") or default_type,
            "status": text(body, "status") or (current or {}).get("status") or "NotStarted",
            "activityDependencyType": text(body, "activityDependencyType") or "None",
            "assignedToID": user["id"] if user else None,
            "assignedTo": _user_name(user) if user else None,
            "assignedWorkItemID": owner["id"],
            "assignedWorkItem": owner["workItemName"],
            "startDate": start,
            "endDate": end,
            "forecastDate": text(body, "forecastDate"),
        }


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _item(item_id: str, name: Record, start: datetime, end: datetime) -> Record:
    return {
        "id": item_id,
        "workItemNameID": name["id"],
        "workItemName": name["name"],
        "startDate": iso_plain(start),
        "endDate": iso_plain(end),
        "isIgnore": False,
        "isIgnoreChild": False,
    }


def _status(owner: Record, done: bool) -> str:
    today = ANCHOR.replace(tzinfo=None)
    if done or datetime.fromisoformat(owner["endDate"]) < today:
        return "Completed"
    return "InProgress" if datetime.fromisoformat(owner["startDate"]) <= today else "NotStarted"


def _title(kind: str, name: str) -> str:
    if kind == "Criteria":
        return f"{name} approved"
    return {
        "Design": "Design reviewed",
        "Build": "Build complete",
        "SIT": "System integration tests passed",
        "UAT": "Users signed off",
        "Deploy": "Deployed to production",
    }.get(name, f"{name} done")


def _user_name(user: Record) -> str:
    name = f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()
    return name or str(user.get("userName") or "")

"""The systems of each release, their deployment status and their deployment dates.

A release system says how a system takes part in a release (``systemRoleType`` Impact or
Dependency, and for a dependency its ``SystemRoleDependencyType``) and how its deployment
went (``deploymentStatus``). Its deployment dates are windows (start, end) in which it is
deployed, each optionally in an environment of that system.

Deployment status (docs/contract-decisions.md, "Release systems and deployment status"):
``NotStarted`` until the API sets ``Completed``, ``RollbackPending`` or ``Rejected``, moving
as :data:`TRANSITIONS` allows; setting the status a system already has changes nothing (a
PUT repeated after a lost answer must succeed); ``Completed`` needs a deployment date; a
release in an end state (Complete, Cancelled) is closed for changes to its systems.

The seeded site gives every release but the Enterprise ones one to three systems, each with
a deployment date in an environment of its own where it has one, around the release's
implementation date; the systems of a Complete release are Completed. They are drawn from a
generator of their own, so the rest of a seed is what it was before.

Example::

    systems = ReleaseSystemsBackend(seed, 1, releases.records, catalogue, environments)
    systems.of(release_id)[0]["deploymentStatus"]        # 'NotStarted'
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from ..seed import END_STATE_STATUSES, SeedData, iso_plain
from .errors import ModelState, NotFound, RulesBroken
from .records import Record, Records, reference, text

#: Where each deployment status may go (a status to itself is always allowed: no change).
TRANSITIONS: dict[str, frozenset[str]] = {
    "NotStarted": frozenset({"Completed", "Rejected"}),
    "Completed": frozenset({"RollbackPending"}),
    "RollbackPending": frozenset({"Completed", "Rejected"}),
    "Rejected": frozenset(),
}
#: What the API may set (the Swagger page's three).
SETTABLE = ("Completed", "RollbackPending", "Rejected")
ROLE_TYPES = ("Impact", "Dependency")


class ReleaseSystemsBackend:
    """Release systems by release id, and their deployment dates."""

    def __init__(
        self,
        seed: SeedData,
        number: int,
        releases: Records,
        catalogue: Any,
        environments: Records,
    ) -> None:
        self.releases = releases
        self.catalogue = catalogue
        self.environments = environments
        self.by_release: dict[str, list[Record]] = {}
        self.reset(seed, number)

    def reset(self, seed: SeedData, number: int) -> None:
        """Hold the release systems of a freshly seeded site (seed ``number``)."""
        rng = random.Random(f"release-systems-{number}")
        systems = list(seed.systems.values())
        roles = seed.lookups["SystemRoleDependencyType"]
        by_system: dict[str, list[Record]] = {}
        for environment in seed.environments.values():
            key = str(environment.get("linkedSystemId") or "").lower()
            by_system.setdefault(key, []).append(environment)
        self.by_release = {}
        for release in seed.releases.values():
            if release["plutoraReleaseType"] == "Enterprise":
                continue
            chosen = rng.sample(systems, min(rng.randint(1, 3), len(systems)))
            when = release.get("implementationDate")
            implementation = datetime.fromisoformat(when) if when else datetime(2026, 1, 1)
            items = []
            for order, system in enumerate(chosen):
                role = "Impact" if order == 0 else rng.choice(ROLE_TYPES)
                dependency = rng.choice(roles) if role == "Dependency" else None
                done = release["releaseStatusType"] == "Complete"
                item: Record = {
                    "systemId": system["id"],
                    "system": system["name"],
                    "systemRoleType": role,
                    "systemRoleDependencyTypeId": dependency["id"] if dependency else None,
                    "systemRoleDependencyType": dependency["value"] if dependency else None,
                    "deploymentStatus": "Completed" if done else "NotStarted",
                    "deploymentDates": [],
                }
                places = by_system.get(system["id"].lower(), [])
                start = implementation - timedelta(days=rng.randint(0, 3), hours=rng.randint(0, 8))
                item["deploymentDates"].append(
                    _date(
                        _guid(rng),
                        start,
                        start + timedelta(hours=rng.randint(1, 6)),
                        places[0] if places else None,
                        "Production deployment",
                    )
                )
                items.append(item)
            self.by_release[release["id"].lower()] = items

    # -- release systems ------------------------------------------------------------------

    def of(self, release_id: str) -> list[Record]:
        """The systems of a release (404 for an unknown release)."""
        release = self.releases.get(release_id)
        return self.by_release.setdefault(release["id"].lower(), [])

    def one(self, release_id: str, system_id: str) -> Record:
        """One system of a release, or :class:`NotFound` naming both."""
        for item in self.of(release_id):
            if item["systemId"].lower() == system_id.lower():
                return item
        release = self.releases.get(release_id)
        raise NotFound(f"System '{system_id}' is not in release '{release['identifier']}'.")

    def add(self, release_id: str, body: Record, model: ModelState) -> Record:
        """``POST /releases/{id}/systems``: the system joins the release, NotStarted."""
        release = self.releases.get(release_id)
        system = reference(body, model, "systemId", self.catalogue.systems.by_id, True)
        role, dependency = self._role(body, model)
        model.check()
        assert system is not None
        self._open(release)
        items = self.of(release_id)
        if any(item["systemId"].lower() == system["id"].lower() for item in items):
            raise RulesBroken(
                [f"System '{system['name']}' is already in release '{release['identifier']}'."]
            )
        item: Record = {
            "systemId": system["id"],
            "system": system["name"],
            "systemRoleType": role,
            "systemRoleDependencyTypeId": dependency["id"] if dependency else None,
            "systemRoleDependencyType": dependency["value"] if dependency else None,
            "deploymentStatus": "NotStarted",
            "deploymentDates": [],
        }
        items.append(item)
        self.releases.changed()
        return item

    def update(self, release_id: str, system_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /releases/{id}/systems/{systemId}``: its role and deployment status."""
        body_system = body.get("systemId")
        if body_system not in (None, "") and str(body_system).lower() != system_id.lower():
            model.add("systemId", "The systemId in the body does not match the one in the URL.")
        role, dependency = self._role(body, model)
        wanted = text(body, "deploymentStatus")
        model.check()
        item = self.one(release_id, system_id)
        release = self.releases.get(release_id)
        self._open(release)
        rules = []
        current = item["deploymentStatus"]
        if wanted is not None and wanted != current:
            if wanted not in TRANSITIONS.get(current, frozenset()):
                allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none"
                rules.append(
                    f"The deployment status of system '{item['system']}' cannot go from "
                    f"{current} to {wanted} (from {current}: {allowed})."
                )
            elif wanted == "Completed" and not item["deploymentDates"]:
                rules.append(
                    f"System '{item['system']}' has no deployment date: add one before its "
                    "deployment is Completed."
                )
        if rules:
            raise RulesBroken(rules)
        item["systemRoleType"] = role
        item["systemRoleDependencyTypeId"] = dependency["id"] if dependency else None
        item["systemRoleDependencyType"] = dependency["value"] if dependency else None
        if wanted is not None:
            item["deploymentStatus"] = wanted
        self.releases.changed()
        return item

    def remove(self, release_id: str, system_id: str) -> None:
        """``DELETE /releases/{id}/systems/{systemId}``: with its deployment dates."""
        item = self.one(release_id, system_id)
        self._open(self.releases.get(release_id))
        self.of(release_id).remove(item)
        self.releases.changed()

    # -- deployment dates -------------------------------------------------------------------

    def dates(self, release_id: str, system_id: str) -> list[Record]:
        """The deployment dates of a release's system, in start order."""
        dates: list[Record] = self.one(release_id, system_id)["deploymentDates"]
        return sorted(dates, key=lambda date: str(date["startDate"]))

    def add_date(self, release_id: str, system_id: str, body: Record, model: ModelState) -> Record:
        """``POST …/deploymentDates``: a new window."""
        fields = self._date_fields(body, model)
        item = self.one(release_id, system_id)
        self._open(self.releases.get(release_id))
        date = {"id": str(uuid.uuid4()), **fields}
        item["deploymentDates"].append(date)
        self.releases.changed()
        return date

    def update_date(
        self, release_id: str, system_id: str, body: Record, model: ModelState
    ) -> Record:
        """``PUT …/deploymentDates``: the window whose ``id`` the body names, replaced."""
        date_id = text(body, "id")
        if not date_id:
            model.add("id", "The id of the deployment date to change is required.")
        fields = self._date_fields(body, model)
        item = self.one(release_id, system_id)
        date = self._date(item, str(date_id))
        self._open(self.releases.get(release_id))
        date.update(fields)
        self.releases.changed()
        return date

    def delete_date(self, release_id: str, system_id: str, date_id: str) -> None:
        """``DELETE …/deploymentDates/{deploymentDateId}``."""
        item = self.one(release_id, system_id)
        date = self._date(item, date_id)
        self._open(self.releases.get(release_id))
        item["deploymentDates"].remove(date)
        self.releases.changed()

    # -- rules ------------------------------------------------------------------------------

    @staticmethod
    def _open(release: Record) -> None:
        if release["releaseStatusType"] in END_STATE_STATUSES:
            raise RulesBroken(
                [
                    f"Release '{release['identifier']}' is {release['releaseStatusType']}: its "
                    "systems cannot change."
                ]
            )

    def _role(self, body: Record, model: ModelState) -> tuple[str, Record | None]:
        role = text(body, "systemRoleType") or "Impact"
        lookup = self.catalogue.lookup_by_id("SystemRoleDependencyType")
        dependency = reference(body, model, "systemRoleDependencyTypeId", lookup, False)
        if role == "Impact" and dependency is not None:
            model.add(
                "systemRoleDependencyTypeId",
                "Only a Dependency system has a dependency type.",
            )
        return role, dependency

    def _date_fields(self, body: Record, model: ModelState) -> Record:
        environment = reference(body, model, "environmentId", self.environments.by_id, False)
        start, end = text(body, "startDate"), text(body, "endDate")
        if start and end and end < start:
            model.add("endDate", "The end date must not be before the start date.")
        model.check()
        return {
            "startDate": start,
            "endDate": end,
            "environmentId": environment["id"] if environment else None,
            "environment": environment["name"] if environment else None,
            "description": text(body, "description"),
        }

    @staticmethod
    def _date(item: Record, date_id: str) -> Record:
        dates: list[Record] = item["deploymentDates"]
        for date in dates:
            if date["id"].lower() == date_id.lower():
                return date
        raise NotFound(f"Deployment date '{date_id}' of system '{item['system']}' was not found.")


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _date(
    date_id: str, start: datetime, end: datetime, environment: Record | None, description: str
) -> Record:
    return {
        "id": date_id,
        "startDate": iso_plain(start),
        "endDate": iso_plain(end),
        "environmentId": environment["id"] if environment else None,
        "environment": environment["name"] if environment else None,
        "description": description,
    }

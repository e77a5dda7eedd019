"""Environment groups (environments linked for booking and the environment map) and the
connectivities between the environments of a group.

Rules (docs/contract-decisions.md, "Environment groups, connectivities, TEBRs and bookings"):
a group's name is unique ignoring case; its ``environmentIDs`` are environments (each once, in
the order sent), its usage work item a ``UsedForWorkItem`` value and its organization an
organization; a connectivity joins two different environments of one group, of an
``EnvironmentMapConnectivityType``, one per group, source and target. Replacing a group's
environments drops the connectivities of an environment taken out; deleting a group deletes
its connectivities. An environment deleted since is left out of the groups that held it
(:meth:`EnvironmentGroupsBackend.prune`), with its connectivities.

The seeded site groups its environments by stage (Development: DEV1 and DEV2, …), each pair
connected over the first connectivity type; they are drawn from a generator of their own, so
the rest of a seed is what it was before.

Example::

    groups = EnvironmentGroupsBackend(seed, 1, environments.environments, catalogue)
    groups.groups.select("`name` = `Development`").slice(0, 1)[0]["environmentIDs"]
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from ... import contract
from ..query import entity
from ..seed import SeedData
from ..site import added_from_recording
from .errors import ModelState, RulesBroken
from .records import GUID, Record, Records, reference, text

GROUP_FIELDS = contract.properties("plutora", "EnvironmentGroup")
GROUPS = entity("EnvironmentGroup", GROUP_FIELDS)
CONNECTIVITY_FIELDS = contract.properties("plutora", "Connectivity")
CONNECTIVITIES = entity("Connectivity", CONNECTIVITY_FIELDS)
DIRECTIONS: tuple[str, ...] = tuple(contract.schema("plutora", "ConnectivityDirection")["enum"])
#: The seeded groups: a name and the usage of the environments it links.
_SEEDED = (
    ("Development", ("Dev",)),
    ("System Test", ("SIT",)),
    ("User Acceptance", ("UAT",)),
    ("Pre-Production", ("Performance", "Staging")),
    ("Production", ("Production", "DR")),
)
_TEXT = ("description", "color", "vendor", "bookingAlertMessage")


class EnvironmentGroupsBackend:
    """Environment groups and connectivities, over the environments and lookups given."""

    def __init__(
        self,
        seed: SeedData,
        number: int,
        environments: Records,
        catalogue: Any,
        recorded: Sequence[Record] = (),
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.environments = environments
        self.catalogue = catalogue
        self.new_id = new_id
        self.groups = Records("Environment group", GROUPS)
        self.connectivities = Records("Connectivity", CONNECTIVITIES)
        self.reset(seed, number, recorded)

    def reset(self, seed: SeedData, number: int, recorded: Sequence[Record] = ()) -> None:
        """Hold the groups and connectivities of a freshly seeded site (seed ``number``), and
        the groups of its recording (``recorded``: see
        :func:`~PlutoraLibrary.simulator.site.recorded_requests`), ids kept."""
        rng = random.Random(f"environment-groups-{number}")
        kinds = seed.lookups["EnvironmentMapConnectivityType"]
        groups: dict[str, Record] = {}
        links: dict[str, Record] = {}
        for name, usages in _SEEDED:
            members = [e for e in seed.environments.values() if e.get("usageWorkItem") in usages]
            if not members:
                continue
            group: Record = {
                "id": _guid(rng),
                "name": name,
                "description": f"The {name.lower()} environments, booked together.",
                "color": f"#{rng.randrange(0x1000000):06x}",
                "vendor": None,
                "usageWorkItemId": members[0].get("usageWorkItemId"),
                "organizationId": None,
                "environmentIDs": [e["id"] for e in members],
                "isAutoApproved": name == "Development",
                "displayBookingAlert": name == "Production",
                "bookingAlertMessage": (
                    "Production bookings need a change approved by the CAB."
                    if name == "Production"
                    else None
                ),
            }
            groups[group["id"].lower()] = group
            for source, target in pairwise(members):
                kind = kinds[0]
                link: Record = {
                    "id": _guid(rng),
                    "environmentGroupId": group["id"],
                    "sourceId": source["id"],
                    "targetId": target["id"],
                    "connectivityTypeId": kind["id"],
                    "connectivityType": kind["value"],
                    "direction": rng.choice(DIRECTIONS),
                }
                links[link["id"].lower()] = link
        for group in added_from_recording(seed, list(recorded), list(groups.values())):
            group["environmentIDs"] = [
                i for i in group.get("environmentIDs") or () if str(i).lower() in seed.environments
            ]
            groups.pop(str(group["id"]).lower(), None)
            groups[str(group["id"]).lower()] = group
        self.groups.load(groups)
        self.connectivities.load(links)

    # -- groups ---------------------------------------------------------------------------

    def prune(self) -> None:
        """Leave environments deleted since out of the groups, with their connectivities."""
        known = self.environments.by_id
        changed = False
        for group in self.groups:
            kept = [i for i in group["environmentIDs"] if str(i).lower() in known]
            if len(kept) != len(group["environmentIDs"]):
                group["environmentIDs"] = kept
                changed = True
        if changed:
            self.groups.changed()
        gone = [
            link["id"]
            for link in self.connectivities
            if link["sourceId"].lower() not in known or link["targetId"].lower() not in known
        ]
        for link_id in gone:
            self.connectivities.remove(link_id)

    def approves_on_its_own(self, environment_id: str) -> bool:
        """Whether a group that approves bookings on its own (``isAutoApproved``) holds the
        environment. Example: ``groups.approves_on_its_own(env["id"])``."""
        wanted = environment_id.lower()
        return any(
            group.get("isAutoApproved")
            and wanted in {str(i).lower() for i in group.get("environmentIDs") or ()}
            for group in self.groups
        )

    def create_group(self, body: Record, model: ModelState) -> Record:
        """``POST /environmentgroups``: the new group."""
        fields = self._group_fields(body, model)
        self._unique_name(fields["name"], own_id=None)
        group: Record = {"id": self.new_id(), **fields}
        stored = {name: group.get(name) for name in GROUP_FIELDS}
        self.groups.add(stored)
        return stored

    def update_group(self, group_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /environmentgroups/{id}``: the body judged first (400), then the id (404);
        connectivities of an environment taken out go."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != group_id.lower():
            model.add("id", "The id in the body does not match the id in the URL.")
        fields = self._group_fields(body, model)
        group = self.groups.get(group_id)
        self._unique_name(fields["name"], own_id=group["id"])
        group.update(fields)
        kept = {str(i).lower() for i in group["environmentIDs"]}
        for link in list(self.connectivities):
            if link["environmentGroupId"].lower() == group["id"].lower() and not (
                link["sourceId"].lower() in kept and link["targetId"].lower() in kept
            ):
                self.connectivities.remove(link["id"])
        self.groups.changed()
        return group

    def delete_group(self, group_id: str) -> None:
        """``DELETE /environmentgroups/{id}``: with its connectivities."""
        group = self.groups.get(group_id)
        for link in list(self.connectivities):
            if link["environmentGroupId"].lower() == group["id"].lower():
                self.connectivities.remove(link["id"])
        self.groups.remove(group["id"])

    def _group_fields(self, body: Record, model: ModelState) -> Record:
        fields: Record = {name: text(body, name) for name in _TEXT}
        fields["name"] = (text(body, "name") or "").strip()
        usage = reference(
            body,
            model,
            "usageWorkItemId",
            self.catalogue.lookup_by_id("UsedForWorkItem"),
            False,
        )
        organization = reference(
            body, model, "organizationId", self.catalogue.organizations.by_id, False
        )
        ids: list[str] = []
        for index, value in enumerate(body.get("environmentIDs") or ()):
            key = f"environmentIDs[{index}]"
            if model.has(key):
                continue
            if not isinstance(value, str) or not GUID.match(value):
                model.add(key, f"The value '{value}' of {key} is not a valid id (GUID).")
                continue
            environment = self.environments.by_id.get(value.lower())
            if environment is None:
                model.add(key, f"No environment has the id '{value}' ({key}).")
            elif environment["id"] in ids:
                model.add(key, f"Environment '{environment['name']}' is listed twice.")
            else:
                ids.append(environment["id"])
        model.check()
        fields["usageWorkItemId"] = usage["id"] if usage else None
        fields["organizationId"] = organization["id"] if organization else None
        fields["environmentIDs"] = ids
        for flag in ("isAutoApproved", "displayBookingAlert"):
            fields[flag] = body.get(flag) is True or str(body.get(flag)).lower() == "true"
        return fields

    def _unique_name(self, name: str, own_id: str | None) -> None:
        for group in self.groups:
            if group["name"].casefold() == name.casefold() and group["id"] != own_id:
                raise RulesBroken([f"An environment group named '{group['name']}' exists."])

    # -- connectivities -------------------------------------------------------------------

    def create_connectivity(self, body: Record, model: ModelState) -> Record:
        """``POST /connectivities``: two environments of a group connected."""
        group = reference(body, model, "environmentGroupId", self.groups.by_id, True)
        source = reference(body, model, "sourceId", self.environments.by_id, True)
        target = reference(body, model, "targetId", self.environments.by_id, True)
        kinds = self.catalogue.lookup_by_id("EnvironmentMapConnectivityType")
        kind = reference(body, model, "connectivityTypeId", kinds, True)
        direction = text(body, "direction") or "Out"
        model.check()
        assert group is not None
        assert source is not None
        assert target is not None
        assert kind is not None
        members = {str(i).lower() for i in group["environmentIDs"]}
        rules = [
            f"Environment '{environment['name']}' is not in group '{group['name']}'."
            for environment in (source, target)
            if environment["id"].lower() not in members
        ]
        if source["id"] == target["id"]:
            rules.append("An environment cannot be connected to itself.")
        for link in self.connectivities:
            if (
                link["environmentGroupId"].lower() == group["id"].lower()
                and link["sourceId"].lower() == source["id"].lower()
                and link["targetId"].lower() == target["id"].lower()
            ):
                rules.append(
                    f"'{source['name']}' is already connected to '{target['name']}' in group "
                    f"'{group['name']}'."
                )
        if rules:
            raise RulesBroken(rules)
        link = {
            "id": self.new_id(),
            "environmentGroupId": group["id"],
            "sourceId": source["id"],
            "targetId": target["id"],
            "connectivityTypeId": kind["id"],
            "connectivityType": kind["value"],
            "direction": direction,
        }
        self.connectivities.add(link)
        return link


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))

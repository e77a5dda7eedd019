"""Changes: creating (the next ``changeId``), replacing and deleting."""

from __future__ import annotations

import re
import uuid

from ... import contract
from ..query import entity
from ..seed import SeedData, iso_precise
from .catalogue import CatalogueBackend
from .clock import Clock
from .errors import ModelState
from .records import Record, Records, objects, reference, text
from .stakeholders import GROUPS_BY_LOWER_ID

#: The lookups a change refers to: field name -> lookup type.
CHANGE_LOOKUPS = {
    "changePriority": "ChangePriority",
    "changeStatus": "ChangeStatus",
    "changeType": "ChangeType",
    "changeDeliveryRisk": "ChangeDeliveryRisk",
    "changeTheme": "ChangeTheme",
}
_REQUIRED_LOOKUPS = ("changePriority", "changeStatus", "changeType")
#: The ``…Name`` spellings of the display names (the ``named`` setting).
NAMED = {name + "Name": name for name in CHANGE_LOOKUPS}
#: What a body sets (the fields not ``readOnly``); the others the server derives.
WRITABLE = contract.writable("plutora", "Change")
#: The fields of a change's sub-objects, in the contract's order.
STAKEHOLDER_FIELDS = contract.properties("plutora", "ChangeStakeholder")
SYSTEM_FIELDS = contract.properties("plutora", "ChangeSystem")
DELIVERY_RELEASE_FIELDS = contract.properties("plutora", "ChangeDeliveryRelease")
CUSTOM_FIELD_FIELDS = contract.writable("plutora", "AdditionalInformation")
#: Every field of a stored change: the contract's, with the display names as ``classic``.
CHANGE_FIELDS = tuple(
    name for name in contract.properties("plutora", "Change") if name not in NAMED
)
CHANGES = entity(
    "Change",
    CHANGE_FIELDS,
    {
        "status": "changeStatus",
        "priority": "changePriority",
        "type": "changeType",
        "theme": "changeTheme",
        "deliveryRisk": "changeDeliveryRisk",
        **NAMED,
    },
)
#: The fields (and short names) whose Equals and IsWithin searches read an index.
INDEXED = ("changeStatus", "status", "changePriority", "priority", "changeType", "type")
_TAGS = re.compile(r"<[^>]*>")


class ChangesBackend:
    """The site's changes. A new change gets the next ``changeId`` (numbers are never
    reused); ``PUT`` keeps ``changeId`` and ``raisedDate``. Example::

        changes = ChangesBackend(seed, catalogue, clock)
        change = changes.create(body, ModelState("change"), username="qa.lead@example.com")
        change["changeId"]  # 301 on a fresh site
    """

    def __init__(
        self,
        seed: SeedData,
        catalogue: CatalogueBackend,
        clock: Clock,
        releases: Records | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.clock = clock
        #: The site's releases, which ``deliveryReleases`` refer to (none: any id is taken).
        self.releases = releases
        self.records = Records("Change", CHANGES, INDEXED)
        self._last_number = 0
        self.reset(seed)

    def reset(self, seed: SeedData) -> None:
        """Hold the changes of a freshly seeded site."""
        self.records.load(seed.changes)
        self._last_number = max((c["changeId"] for c in seed.changes.values()), default=0)

    def get(self, change_id: str) -> Record:
        """A change by id (any case), or :class:`NotFound`."""
        return self.records.get(change_id)

    def create(self, body: Record, model: ModelState, username: str) -> Record:
        """``POST /changes``: the new change (raised now by ``username``), or :class:`Invalid`."""
        change = self._from_body(body, model, username)
        self._last_number += 1
        change["id"] = str(uuid.uuid4())
        change["changeId"] = self._last_number
        change["raisedDate"] = change["lastModifiedDate"]
        stored: Record = {name: change.get(name) for name in CHANGE_FIELDS}
        self.records.add(stored)
        return stored

    def update(self, change_id: str, body: Record, model: ModelState, username: str) -> Record:
        """``PUT /changes/{id}``: replace a change's writable fields (an ``id`` in the body
        must be the one in the path)."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != change_id.lower():
            model.add("id", "The id in the body does not match the id in the URL.")
        change = self._from_body(body, model, username)  # a bad body is a 400 before any 404
        current = self.get(change_id)
        for name in ("id", "changeId", "raisedDate", "comments"):
            change[name] = current.get(name)
        current.clear()
        current.update({name: change.get(name) for name in CHANGE_FIELDS})
        self.records.changed()
        return current

    def delete(self, change_id: str) -> None:
        """``DELETE /changes/{id}``; an id no change has is no error (the service answers 200
        all the same, as the vendor's Cypress suite notes)."""
        self.records.remove(change_id)

    def _from_body(self, body: Record, model: ModelState, username: str) -> Record:
        """The stored fields a validated body gives: every writable field as sent, then the
        references resolved (each id must exist) and the display names derived; the
        sub-objects as the contract shapes them. Raises :class:`Invalid` with the request's
        and the references' problems together."""
        catalogue = self.catalogue
        # A writable field the contract adds is taken as sent; those below are read with care.
        change: Record = {name: body.get(name) for name in WRITABLE}
        change["name"] = text(body, "name")
        for name, kind in CHANGE_LOOKUPS.items():
            required = name in _REQUIRED_LOOKUPS
            item = reference(body, model, name + "Id", catalogue.lookup_by_id(kind), required)
            change[name + "Id"] = item["id"] if item else None
            change[name] = item["value"] if item else None
        score = body.get("businessValueScore")
        change["businessValueScore"] = score if isinstance(score, (int, float)) else 0
        raised_by = reference(body, model, "raisedById", catalogue.people, False)
        change["raisedById"] = raised_by["id"] if raised_by else None
        change["raisedBy"] = raised_by["name"] if raised_by else None
        organization = reference(
            body, model, "organizationId", catalogue.organizations.by_id, False
        )
        change["organizationId"] = organization["id"] if organization else None
        change["organization"] = organization["name"] if organization else None
        change["expectedDeliveryDate"] = text(body, "expectedDeliveryDate")
        # A user of the site (the simulator has no user list to check it against).
        assigned = text(body, "assignedToId")
        change["assignedToId"] = assigned.lower() if assigned else None
        description = text(body, "description") or ""
        change["description"] = description
        change["descriptionSimple"] = _TAGS.sub("", description)
        change["additionalInformation"] = objects(
            body, "additionalInformation", CUSTOM_FIELD_FIELDS
        )
        # Written through /comments/Change/{id} only: a body's are ignored (a PUT keeps the
        # change's), so a GET answer sent back, or a copy of another change, changes none.
        change["comments"] = []
        change["stakeholders"] = self._stakeholders(body, model)
        change["systems"] = self._systems(body, model)
        change["deliveryReleases"] = self._delivery_releases(body, model)
        model.check()
        change["lastModifiedDate"] = iso_precise(self.clock.moment())
        change["lastModifiedBy"] = username
        return change

    def _stakeholders(self, body: Record, model: ModelState) -> list[Record]:
        """``stakeholders`` as stored: the user's name and the roles' values from their ids
        (each must exist), the group's name empty without a group (as answers show it)."""
        catalogue = self.catalogue
        roles = catalogue.lookup_by_id("StakeholderRole")
        items = objects(body, "stakeholders", STAKEHOLDER_FIELDS)
        for index, item in enumerate(items):
            where = f"stakeholders[{index}]"
            user = reference(item, model, "userId", catalogue.people, False, where)
            item["userId"] = user["id"] if user else None
            item["user"] = user["name"] if user else None
            group = reference(item, model, "groupId", GROUPS_BY_LOWER_ID, False, where)
            item["groupId"] = group["id"] if group else None
            item["group"] = group["name"] if group else ""
            found = []
            for number, role_id in enumerate(item["stakeholderRoleIds"] or []):
                name = f"stakeholderRoleIds[{number}]"
                role = reference({name: role_id}, model, name, roles, True, where)
                if role is not None:
                    found.append(role)
            item["stakeholderRoleIds"] = [role["id"] for role in found]
            item["stakeholderRoles"] = ", ".join(role["value"] for role in found)
        return items

    def _systems(self, body: Record, model: ModelState) -> list[Record]:
        """``systems`` as stored: each system's name from its ``systemId`` (which must exist)."""
        items = objects(body, "systems", SYSTEM_FIELDS)
        for index, item in enumerate(items):
            where = f"systems[{index}]"
            system = reference(item, model, "systemId", self.catalogue.systems.by_id, True, where)
            item["systemId"] = system["id"] if system else item["systemId"]
            item["name"] = system["name"] if system else None
        return items

    def _delivery_releases(self, body: Record, model: ModelState) -> list[Record]:
        """``deliveryReleases`` as stored: each ``releaseId`` must be a release of the site."""
        items = objects(body, "deliveryReleases", DELIVERY_RELEASE_FIELDS)
        known = self.releases.by_id if self.releases is not None else None
        for index, item in enumerate(items):
            where = f"deliveryReleases[{index}]"
            if known is None:
                continue
            release = reference(item, model, "releaseId", known, True, where)
            item["releaseId"] = release["id"] if release else item["releaseId"]
        return items

"""Writes to systems (create, replace, delete) and organizations (create, replace, the tree).

Systems: ``name``, ``vendor``, ``status`` (Active, Inactive) and ``organizationId`` are
required (the primer's POST systems); a name is unique ignoring case; a system that an
environment is linked to cannot be deleted. ``PUT`` answers the
system (the vendor's Cypress suite), unlike most updates.

Organizations form one tree under the top organization (a Company): every other organization
has a parent (``parentId``: required on POST, kept when a PUT leaves it out), a name unique
among its siblings, and never sits under itself. The seeded site's tree: the Company at the
top, its Divisions under it, and each Department under a Division in turn. The parents are
held here (a list item shows ``{id, name, type}`` only), so a seed is what it was before.

Decisions: docs/contract-decisions.md, "Systems, organizations and stakeholders (issue 18)".

Example::

    writes = SystemWrites(catalogue, environments, lambda: [systems, releases, changes])
    system = writes.create_system({"name": "Ledger", "vendor": "SAP", ...}, ModelState("system"))
    writes.tree()["children"][0]["name"]          # 'Digital Channels'
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .errors import ModelState, NotFound, RulesBroken
from .records import Record, Records, reference, text

#: Where an organization of each type sits: only the top is a Company.
TOP_TYPE = "Company"


class SystemWrites:
    """Creates, replaces and deletes systems; creates and replaces organizations; the tree."""

    def __init__(
        self,
        catalogue: Any,
        environments: Records,
        others: Callable[[], list[Records]],
    ) -> None:
        self.catalogue = catalogue
        self.environments = environments
        #: The records that show an organization's name (releases, changes, systems).
        self.others = others
        self.parents: dict[str, str | None] = {}
        self.reset()

    def reset(self) -> None:
        """The seeded tree: the first Company on top, Divisions under it, each Department
        under a Division in turn (any other organization of a recording under the top)."""
        organizations = list(self.catalogue.organizations)
        top = next((org for org in organizations if org.get("type") == TOP_TYPE), None)
        top = top or (organizations[0] if organizations else None)
        self.parents = {}
        if top is None:
            return
        divisions = [org for org in organizations if org.get("type") == "Division"]
        turn = 0
        for org in organizations:
            if org is top:
                self.parents[org["id"].lower()] = None
            elif org.get("type") == "Department" and divisions:
                self.parents[org["id"].lower()] = divisions[turn % len(divisions)]["id"].lower()
                turn += 1
            else:
                self.parents[org["id"].lower()] = top["id"].lower()

    # -- systems ------------------------------------------------------------------------------

    @property
    def systems(self) -> Records:
        """The site's systems."""
        records: Records = self.catalogue.systems
        return records

    def create_system(self, body: Record, model: ModelState) -> Record:
        """``POST /systems``: a new system (no custom fields set yet)."""
        fields = self._system_fields(body, model, None)
        system: Record = {
            "id": str(uuid.uuid4()),
            **fields,
            "isAllowEdit": False,  # what the vendor's Cypress suite reads for an API user
            "inMyOrganization": False,
            "additionalInformation": [],
        }
        self.systems.add(system)
        return system

    def update_system(self, system_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /systems/{id}``: its fields replaced (custom fields stay)."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != system_id.lower():
            model.add("id", "The id in the body does not match the one in the URL.")
        system = self.systems.get(system_id)
        fields = self._system_fields(body, model, system)
        system.update(fields)
        self.systems.changed()
        return system

    def delete_system(self, system_id: str) -> Record:
        """``DELETE /systems/{id}``: refused while an environment is linked to it. The
        releases that hold it keep it (the vendor's samples: systems are "removed from the UI,
        but not the database"; its release systems show ``isDeleted``)."""
        system = self.systems.get(system_id)
        key = system["id"].lower()
        linked = [
            str(env["name"])
            for env in self.environments
            if str(env.get("linkedSystemId") or "").lower() == key
        ]
        if linked:
            raise RulesBroken(
                [
                    f"System '{system['name']}' cannot be deleted: environments are linked to "
                    f"it ({', '.join(sorted(linked)[:5])}). Link them to another system first."
                ]
            )
        self.systems.remove(system_id)
        return system

    def _system_fields(self, body: Record, model: ModelState, current: Record | None) -> Record:
        organization = reference(
            body, model, "organizationId", self.catalogue.organizations.by_id, True
        )
        name = (text(body, "name") or "").strip()
        model.check()
        assert organization is not None
        clash = [
            system
            for system in self.systems
            if str(system["name"]).casefold() == name.casefold()
            and (current is None or system["id"] != current["id"])
        ]
        if clash:
            raise RulesBroken([f"A system named '{clash[0]['name']}' already exists."])
        return {
            "name": name,
            "vendor": text(body, "vendor"),
            "status": text(body, "status"),
            "organizationId": organization["id"],
            "organization": organization["name"],
            "description": text(body, "description"),
        }

    # -- organizations --------------------------------------------------------------------------

    @property
    def organizations(self) -> Records:
        """The site's organizations."""
        records: Records = self.catalogue.organizations
        return records

    def tree(self) -> Record:
        """``GET /organizations/tree``: the top organization, with those under it nested."""
        under: dict[str | None, list[Record]] = {}
        for org in self.organizations:
            under.setdefault(self.parents.get(org["id"].lower()), []).append(org)

        def node(org: Record) -> Record:
            children = sorted(under.get(org["id"].lower(), []), key=lambda o: str(o["name"]))
            return {
                "id": org["id"],
                "name": org["name"],
                "type": org.get("type"),
                "children": [node(child) for child in children],
            }

        tops = under.get(None, [])
        if not tops:
            raise NotFound("The site has no organizations.")
        return node(tops[0])

    def create_organization(self, body: Record, model: ModelState) -> Record:
        """``POST /organizations``: a new organization under ``parentId``."""
        parent = reference(body, model, "parentId", self.organizations.by_id, True)
        name = (text(body, "name") or "").strip()
        kind = text(body, "type")
        model.check()
        assert parent is not None
        rules = self._organization_rules(name, kind, parent["id"], None)
        if rules:
            raise RulesBroken(rules)
        org: Record = {"id": str(uuid.uuid4()), "name": name, "type": kind}
        self.organizations.add(org)
        self.parents[org["id"].lower()] = parent["id"].lower()
        return org

    def update_organization(self, org_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /organizations/{id}``: its name and type, and (``parentId``) where it sits."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != org_id.lower():
            model.add("id", "The id in the body does not match the one in the URL.")
        parent = reference(body, model, "parentId", self.organizations.by_id, False)
        name = (text(body, "name") or "").strip()
        kind = text(body, "type")
        model.check()
        org = self.organizations.get(org_id)
        key = org["id"].lower()
        now = self.parents.get(key)
        wanted = parent["id"].lower() if parent else now
        rules = []
        if now is None and parent is not None:
            rules.append(f"'{org['name']}' is the top organization: it cannot move under another.")
        elif wanted is not None and (wanted == key or key in self._ancestors(wanted)):
            rules.append(
                f"'{org['name']}' cannot move under '{self.organizations.get(wanted)['name']}': "
                "that organization is under it."
            )
        rules += self._organization_rules(name, kind, wanted, org)
        if rules:
            raise RulesBroken(rules)
        renamed = org["name"] != name
        org.update({"name": name, "type": kind})
        self.parents[key] = wanted
        self.organizations.changed()
        if renamed:
            self._rename(org)
        return org

    def _organization_rules(
        self, name: str, kind: str | None, parent: str | None, current: Record | None
    ) -> list[str]:
        rules = []
        if parent is None and kind != TOP_TYPE:
            rules.append(f"The top organization is a {TOP_TYPE}.")
        if parent is not None and kind == TOP_TYPE:
            rules.append(
                f"Only the top organization is a {TOP_TYPE}: choose Division or Department."
            )
        for org in self.organizations:
            if current is not None and org["id"] == current["id"]:
                continue
            if (
                self.parents.get(org["id"].lower()) == (parent.lower() if parent else None)
                and str(org["name"]).casefold() == name.casefold()
            ):
                rules.append(f"An organization named '{org['name']}' is already there.")
        return rules

    def _ancestors(self, org_key: str) -> set[str]:
        seen: set[str] = set()
        parent = self.parents.get(org_key)
        while parent is not None and parent not in seen:
            seen.add(parent)
            parent = self.parents.get(parent)
        return seen

    def _rename(self, org: Record) -> None:
        """Records that show the organization's name show the new one."""
        for records in self.others():
            touched = False
            for record in records:
                if str(record.get("organizationId") or "").lower() == org["id"].lower():
                    record["organization"] = org["name"]
                    touched = True
            if touched:
                records.changed()

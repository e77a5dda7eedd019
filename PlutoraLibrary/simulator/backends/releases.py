"""Releases: the copy flow and its business rules (POST), replacing (PUT), deleting."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ... import contract
from ..query import entity
from ..seed import END_STATE_STATUSES, SeedData, iso_precise
from .catalogue import CatalogueBackend
from .clock import Clock
from .errors import ModelState, RulesBroken
from .records import Record, Records, objects, reference, text

#: Every field of a release, in the contract's order (``GET /releases/{id}``).
RELEASE_FIELDS = contract.properties("plutora", "Release")
#: What a body sets (the fields not ``readOnly``); the others the server derives.
WRITABLE = contract.writable("plutora", "Release")
#: What filters and sorts may name: every field, and the help page's short names.
RELEASES = entity(
    "Release",
    RELEASE_FIELDS,
    {"status": "releaseStatusType", "type": "releaseType", "riskLevel": "releaseRiskLevel"},
)
#: The fields of a custom field's value (``additionalInformation`` items).
CUSTOM_FIELDS = contract.writable("plutora", "AdditionalInformation")
#: The fields (and short names) whose Equals and IsWithin searches read an index.
INDEXED = ("releaseStatusType", "status", "plutoraReleaseType", "releaseType", "type")
PROJECT_TYPES = {"Enterprise": "None", "Integrated": "IsProject"}
DEFAULT_COLOR = "#4a90d9"


class ReleasesBackend:
    """The site's releases and the rules of creating, replacing and deleting them.

    Creating a release is how a release is copied: the body is the source release with a new
    name and identifier. Its rules: no release in an end-state status (the site's
    :data:`~PlutoraLibrary.simulator.seed.END_STATE_STATUSES`: which statuses are end states
    is known here only, never shown on the API), no Enterprise release, a unique identifier
    (ignoring case). Example::

        releases = ReleasesBackend(seed, catalogue, clock)
        body = {**source, "identifier": "NEW-1", "name": "Copy"}
        copy = releases.create(body, ModelState("release"))
    """

    def __init__(self, seed: SeedData, catalogue: CatalogueBackend, clock: Clock) -> None:
        self.catalogue = catalogue
        #: A user of ``/users`` who is not one of the seeded people (a login account), as a
        #: person ``{id, name, email}``, or None: the state sets it once the users are known.
        self.user_as_person: Callable[[str], Record | None] = lambda _user_id: None
        self.clock = clock
        self.records = Records("Release", RELEASES, INDEXED)
        self._identifiers: dict[str, str] = {}  # casefolded identifier -> id
        self.reset(seed)

    def reset(self, seed: SeedData) -> None:
        """Hold the releases of a freshly seeded site."""
        self.records.load(seed.releases)
        self._identifiers = {r["identifier"].casefold(): r["id"] for r in seed.releases.values()}

    def get(self, release_id: str) -> Record:
        """A release by id (any case), or :class:`NotFound`."""
        return self.records.get(release_id)

    def create(self, body: Record, model: ModelState) -> Record:
        """``POST /releases``: the new release, or :class:`Invalid` (broken field rules, every
        one at once) then :class:`RulesBroken` (every broken business rule at once)."""
        release = self._from_body(body, model)
        rules = []
        if release["releaseStatusType"] in END_STATE_STATUSES:
            rules.append(f"Release Status '{release['releaseStatusType']}' is an End State.")
        if release["plutoraReleaseType"] == "Enterprise":
            rules.append("Enterprise releases cannot be created through the API.")
        self._check_identifier(release, rules, own_id=None)
        if rules:
            raise RulesBroken(rules)
        release["id"] = str(uuid.uuid4())
        release["lastModifiedDate"] = iso_precise(self.clock.moment())
        stored: Record = {name: release.get(name) for name in RELEASE_FIELDS}
        self.records.add(stored)
        self._identifiers[stored["identifier"].casefold()] = stored["id"]
        return stored

    def update(self, release_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /releases/{id}``: replace a release's writable fields. The field rules of
        creating apply; end states are allowed (closing a release), Enterprise too; an ``id``
        in the body must be the one in the path. The body is judged first (400), then the id
        (404), as the vendor's Cypress suite sees: an unknown id with a matching body id is a
        404, any id with another body id a 400."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != release_id.lower():
            model.add("id", "The id in the body does not match the id in the URL.")
        release = self._from_body(body, model)  # a bad body is a 400 before any 404
        current = self.get(release_id)
        rules: list[str] = []
        self._check_identifier(release, rules, own_id=current["id"])
        if release["parentReleaseId"] == current["id"]:
            rules.append("A release cannot be its own parent.")
        if rules:
            raise RulesBroken(rules)
        release["id"] = current["id"]
        release["lastModifiedDate"] = iso_precise(self.clock.moment())
        self._identifiers.pop(current["identifier"].casefold(), None)
        current.clear()
        current.update({name: release.get(name) for name in RELEASE_FIELDS})
        self.records.changed()
        self._identifiers[current["identifier"].casefold()] = current["id"]
        return current

    def delete(self, release_id: str) -> None:
        """``DELETE /releases/{id}``; a release with child releases cannot be deleted."""
        release = self.get(release_id)
        children = [r for r in self.records if r["parentReleaseId"] == release["id"]]
        if children:
            raise RulesBroken(
                [
                    f"Release '{release['identifier']}' has {len(children)} child release(s) "
                    "and cannot be deleted."
                ]
            )
        self.records.remove(release["id"])
        self._identifiers.pop(release["identifier"].casefold(), None)

    def _check_identifier(self, release: Record, rules: list[str], own_id: str | None) -> None:
        identifier = release["identifier"]
        holder = self._identifiers.get(identifier.casefold()) if identifier else None
        if holder is not None and holder != own_id:
            rules.append(f"Identifier '{identifier}' is already in use.")

    def _from_body(self, body: Record, model: ModelState) -> Record:
        """The stored fields a validated body gives: references resolved (each id must
        exist), display names derived from them, defaults filled in. Raises
        :class:`Invalid` with the request's and the references' problems together."""
        catalogue = self.catalogue
        # A writable field the contract adds is taken as sent; those below are read with care.
        release: Record = {name: body.get(name) for name in WRITABLE}
        release |= {
            "identifier": text(body, "identifier"),
            "name": text(body, "name"),
            "summary": text(body, "summary"),
            "location": text(body, "location"),
            "displayColor": text(body, "displayColor") or DEFAULT_COLOR,
            "implementationDate": text(body, "implementationDate"),
        }
        for name, kind, required in (
            ("releaseStatusType", "ReleaseStatusType", True),
            ("releaseType", "ReleaseType", False),
            ("releaseRiskLevel", "ReleaseRiskLevel", False),
        ):
            item = reference(body, model, name + "Id", catalogue.lookup_by_id(kind), required)
            release[name + "Id"] = item["id"] if item else None
            release[name] = item["value"] if item else None
        organization = reference(
            body, model, "organizationId", catalogue.organizations.by_id, False
        )
        release["organizationId"] = organization["id"] if organization else None
        release["organization"] = organization["name"] if organization else None
        people = catalogue.people
        wanted = str(body.get("managerId") or "").lower()
        if wanted and wanted not in people:  # any user of the site may manage a release
            user = self.user_as_person(wanted)
            people = {**people, wanted: user} if user is not None else people
        manager = reference(body, model, "managerId", people, False)
        release["managerId"] = manager["id"] if manager else None
        release["manager"] = manager["name"] if manager else None
        parent = reference(body, model, "parentReleaseId", self.records.by_id, False)
        release["parentReleaseId"] = parent["id"] if parent else None
        release["parentRelease"] = parent["identifier"] if parent else None
        # Bound and validated already: one of the contract's enum (Project read as Integrated).
        release["plutoraReleaseType"] = text(body, "plutoraReleaseType")
        release["releaseProjectType"] = text(body, "releaseProjectType") or PROJECT_TYPES.get(
            release["plutoraReleaseType"] or "", "NotIsProject"
        )
        release["additionalInformation"] = objects(body, "additionalInformation", CUSTOM_FIELDS)
        model.check()
        return release

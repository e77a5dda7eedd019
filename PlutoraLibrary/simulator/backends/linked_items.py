"""Items linked to releases and changes (``/{releases|changes}/{id}/linkedItems``), and the
changes delivered in a release (``GET /releases/{id}/changes``).

A link says how one record depends on another (the contract's ``LinkType``: ``Depends on``,
``Is dependent on``, ``Related to``). Links come in pairs: linking release A to release B as
"Depends on" gives B the mirror link to A, "Is dependent on" (``LinkType``'s ``x-mirror``),
and removing either removes both. A record is linked to another once, never to itself
(400 business rules). A link whose other record was deleted is no longer shown.

A release's changes are not stored here: they are the changes whose ``deliveryReleases``
name the release (one source with ``PUT /changes/{id}/deliveryReleases/{releaseId}``, see
:mod:`.change_links`).

The seeded site links about a fifth of the releases to another release ("Depends on") and
some changes to a release or a change; drawn from a generator of its own, so the rest of a
seed is unchanged.

Example::

    links = LinkedItemsBackend(releases.records, changes.records)
    links.reset(1)
    links.add("Release", release_id, {"linkedItemId": other_id, "linkedItemType": "Release",
                                      "linkType": "Depends on"}, ModelState("linkedItem"))
"""

from __future__ import annotations

import random
import uuid
import weakref

from ... import contract
from .errors import ModelState, NotFound, RulesBroken
from .records import Record, Records, reference, text

_LINK_TYPE = contract.schema("plutora", "LinkType")
#: Each link type and the one its mirror link has.
MIRROR: dict[str, str] = dict(_LINK_TYPE["x-mirror"])
LINK_TYPES: tuple[str, ...] = tuple(_LINK_TYPE["enum"])
ITEM_TYPES: tuple[str, ...] = tuple(contract.schema("plutora", "LinkedItemType")["enum"])


class LinkedItemsBackend:
    """Linked items by (type, lower-case id) of the record that has them."""

    def __init__(self, releases: Records, changes: Records) -> None:
        self.records = {"Release": releases, "Change": changes}
        self.links: dict[tuple[str, str], list[Record]] = {}

    def reset(self, number: int) -> None:
        """The seeded links (seed ``number``)."""
        rng = random.Random(f"linked-items-{number}")
        self.links = {}
        releases = sorted(self.records["Release"].by_id.values(), key=lambda r: r["id"])
        changes = sorted(self.records["Change"].by_id.values(), key=lambda c: c["id"])
        # Linear in the records (a scale seed has a million): another record is drawn by
        # index, and a draw of the record itself or of one linked already is skipped.
        for release in releases:
            other = _another(rng, releases, release, 0.2)
            if other is not None and not self._linked("Release", release, other):
                self._link("Release", release, "Release", other, "Depends on", rng)
        for change in changes:
            target = _another(rng, releases, change, 0.15)
            if target is not None:
                kind = rng.choice(LINK_TYPES)
                self._link("Change", change, "Release", target, kind, rng)
            other = _another(rng, changes, change, 0.1)
            if other is not None and not self._linked("Change", change, other):
                self._link("Change", change, "Change", other, "Related to", rng)

    def _linked(self, kind: str, record: Record, other: Record) -> bool:
        items = self.links.get((kind, record["id"].lower()), [])
        return any(str(i["linkedItemId"]).lower() == other["id"].lower() for i in items)

    def of(self, kind: str, record_id: str) -> list[Record]:
        """The links of a record (404 for an unknown one), those to deleted records left out."""
        record = self.records[kind].get(record_id)
        items = self.links.get((kind, record["id"].lower()), [])
        return [
            item
            for item in items
            if str(item["linkedItemId"]).lower() in self.records[item["linkedItemType"]].by_id
        ]

    def add(self, kind: str, record_id: str, body: Record, model: ModelState) -> Record:
        """``POST …/linkedItems``: the body judged first (400), then the record (404), then
        the business rules (400)."""
        item_type = text(body, "linkedItemType")
        link_type = text(body, "linkType")
        if item_type not in ITEM_TYPES and not model.has("linkedItemType"):
            model.add("linkedItemType", f"linkedItemType is one of {', '.join(ITEM_TYPES)}.")
        if link_type not in LINK_TYPES and not model.has("linkType"):
            model.add("linkType", f"linkType is one of {', '.join(LINK_TYPES)}.")
        other = None
        if item_type in ITEM_TYPES:
            self._of_other_type(body, item_type, model)
            other = reference(body, model, "linkedItemId", self.records[item_type].by_id, True)
        model.check()
        assert other is not None
        assert item_type is not None
        assert link_type is not None
        record = self.records[kind].get(record_id)
        rules = []
        if other["id"].lower() == record["id"].lower():
            rules.append(f"{kind} '{_name(kind, record)}' cannot be linked to itself.")
        elif any(
            str(item["linkedItemId"]).lower() == other["id"].lower()
            for item in self.of(kind, record["id"])
        ):
            rules.append(
                f"{kind} '{_name(kind, record)}' is already linked to {item_type} "
                f"'{_name(item_type, other)}': remove that link to change its type."
            )
        if rules:
            raise RulesBroken(rules)
        return self._link(kind, record, item_type, other, link_type, None)

    def _of_other_type(self, body: Record, item_type: str, model: ModelState) -> None:
        """A ``linkedItemId`` that is a record of the other type (a release's id sent as a
        Change) is named as such, rather than as an id of nothing."""
        value = body.get("linkedItemId")
        if model.has("linkedItemId") or not isinstance(value, str):
            return
        if value.lower() in self.records[item_type].by_id:
            return
        for kind, records in self.records.items():
            found = records.by_id.get(value.lower())
            if kind != item_type and found is not None:
                model.add(
                    "linkedItemId",
                    f"linkedItemId '{value}' is the {kind} '{_name(kind, found)}', not a "
                    f"{item_type}: send linkedItemType {kind} to link it.",
                )
                return

    def remove(self, kind: str, record_id: str, link_id: str) -> None:
        """``DELETE …/linkedItems/{linkedItemId}``: the link and its mirror."""
        record = self.records[kind].get(record_id)
        items = self.links.get((kind, record["id"].lower()), [])
        item = next((i for i in items if i["id"].lower() == link_id.lower()), None)
        if item is None:
            name = _name(kind, record)
            raise NotFound(f"Linked item '{link_id}' of {kind} '{name}' was not found.")
        items.remove(item)
        mirror_key = (item["linkedItemType"], str(item["linkedItemId"]).lower())
        mirrors = self.links.get(mirror_key, [])
        self.links[mirror_key] = [m for m in mirrors if m["pairId"] != item["pairId"]]

    def _link(
        self,
        kind: str,
        record: Record,
        item_type: str,
        other: Record,
        link_type: str,
        rng: random.Random | None,
    ) -> Record:
        pair = _guid(rng)
        item: Record = {
            "id": _guid(rng),
            "linkedItemId": other["id"],
            "linkedItemType": item_type,
            "linkedItem": _name(item_type, other),
            "linkType": link_type,
            "pairId": pair,
        }
        mirror: Record = {
            "id": _guid(rng),
            "linkedItemId": record["id"],
            "linkedItemType": kind,
            "linkedItem": _name(kind, record),
            "linkType": MIRROR[link_type],
            "pairId": pair,
        }
        self.links.setdefault((kind, record["id"].lower()), []).append(item)
        self.links.setdefault((item_type, other["id"].lower()), []).append(mirror)
        return item


def release_changes(changes: Records, releases: Records, release_id: str) -> list[Record]:
    """``GET /releases/{id}/changes``: the changes whose ``deliveryReleases`` name the
    release, in change-id order (404 for an unknown release). Read from an index of the
    changes by release, built again only after the changes changed."""
    release = releases.get(release_id)
    return list(_by_release(changes).get(release["id"].lower(), ()))


#: The changes by delivery release, with the version of the changes it was built from (built
#: again after a write); forgotten with the simulator's changes.
_INDEX: weakref.WeakKeyDictionary[Records, tuple[int, dict[str, list[Record]]]] = (
    weakref.WeakKeyDictionary()
)


def _by_release(changes: Records) -> dict[str, list[Record]]:
    kept = _INDEX.get(changes)
    if kept is not None and kept[0] == changes.version:
        return kept[1]
    index: dict[str, list[Record]] = {}
    for change in sorted(changes, key=lambda c: int(c.get("changeId") or 0)):
        for item in change.get("deliveryReleases") or []:
            key = str(item.get("releaseId", "")).lower()
            found = index.setdefault(key, [])
            if not found or found[-1] is not change:
                found.append(change)
    _INDEX[changes] = (changes.version, index)
    return index


def _another(
    rng: random.Random, records: list[Record], record: Record, chance: float
) -> Record | None:
    """With ``chance``, a record of ``records`` other than ``record``; else None."""
    if len(records) < 2 or rng.random() >= chance:
        return None
    other = records[rng.randrange(len(records))]
    return None if other["id"] == record["id"] else other


def _name(kind: str, record: Record) -> str:
    """How a record is shown in a link: a release by its identifier, a change by its name."""
    return str(record.get("identifier") if kind == "Release" else record.get("name"))


def _guid(rng: random.Random | None) -> str:
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))

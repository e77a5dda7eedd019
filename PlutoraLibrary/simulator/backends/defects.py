"""Plutora Test defects: search, read, and the PATCH delta (all or nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import contract
from ..index import SearchIndex
from ..query import Entity, SearchFilter
from ..seed import SeedData, iso_precise
from .catalogue import CatalogueBackend
from .clock import Clock
from .errors import ModelState, NotFound
from .records import Record
from .test_items import ItemKind, bulk_update, delta_changes, stamp

DEFECT_FIELDS = contract.properties("plutora-test", "Defect")
#: What a PATCH may change, and what it may not (the contract's ``readOnly`` marks).
WRITABLE = contract.writable("plutora-test", "Defect")
LOOKUP_OF = {"Status": "DefectStatus", "Priority": "DefectPriority", "Severity": "DefectSeverity"}
#: A defect as the item rules of :mod:`.test_items` see it (writable set, lookups, label).
DEFECT_KIND = ItemKind("Defect", "defect", LOOKUP_OF)


def _value_of(key: str) -> Any:
    def get(defect: Record) -> Any:
        item = defect.get(key)
        return item.get("Value") if isinstance(item, dict) else None

    return get


def _plain(key: str) -> Any:
    return lambda defect: defect.get(key)


#: Search filters name a defect's plain fields, and its lookups by their value.
DEFECTS = Entity(
    "Defect",
    {
        key.lower(): (_value_of(key) if key in LOOKUP_OF else _plain(key))
        for key in DEFECT_FIELDS
        if key != "Fields"
    },
)
SEARCHABLE = tuple(key for key in DEFECT_FIELDS if key != "Fields")
#: The fields whose Equals and IsWithin searches read an index (the help pages' filters).
INDEXED = ("Status", "Priority", "Severity", "AssignedTo", "ReleaseId")


class DefectsBackend:
    """The site's defects. A PATCH changes only the properties named, all or nothing.

    Example::

        defects = DefectsBackend(seed, catalogue, clock)
        defects.search([], page=0, size=25)[1]      # 1000 on a default site
        defects.patch(defect_id, {"Name": "Triaged"}, ModelState())
    """

    def __init__(self, seed: SeedData, catalogue: CatalogueBackend, clock: Clock) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self.by_id: dict[str, Record] = {}
        self._by_display_id: dict[str, Record] = {}
        #: Grows with every change to the defects (a reset, a PATCH): the index's cue.
        self.version = 0
        self.index = SearchIndex(DEFECTS, INDEXED)
        self.reset(seed)

    def __len__(self) -> int:
        return len(self.by_id)

    def reset(self, seed: SeedData) -> None:
        """Hold the defects of a freshly seeded site."""
        self.by_id = seed.defects
        self.version += 1
        self._by_display_id = {d["DisplayId"].lower(): d for d in seed.defects.values()}

    def get(self, defect_id: str) -> Record:
        """A defect by id, or :class:`NotFound`."""
        defect = self.by_id.get(defect_id.lower())
        if defect is None:
            raise NotFound(f"Defect '{defect_id}' was not found.")
        return defect

    def by_display_id(self, display_id: str) -> Record:
        """A defect by its display id (``DEF-0001``, any case), or :class:`NotFound`."""
        defect = self._by_display_id.get(display_id.lower())
        if defect is None:
            raise NotFound(f"Defect '{display_id}' was not found.")
        return defect

    def search(
        self, filters: Sequence[SearchFilter], page: int, size: int
    ) -> tuple[list[Record], int]:
        """One page of the defects matching ``filters`` (sorted as they say), and how many
        match in all."""
        matches = self.index.search(self.by_id.values(), self.version, filters)
        return matches.slice(page * size, (page + 1) * size), len(matches)

    def patch(self, defect_id: str, delta: Record, model: ModelState) -> Record:
        """``PATCH /defects/{id}``: change the properties ``delta`` names. Read-only and
        unknown properties, values of the wrong kind and unknown lookup values are each a
        problem in ``model``; with any problem nothing changes (:class:`Invalid`)."""
        defect = self.get(defect_id)
        changes = self._changes(defect, delta, model)
        model.check()
        defect.update(changes)
        self.version += 1
        defect["LastModifiedDate"] = iso_precise(self.clock.moment())
        return defect

    def bulk_update(
        self, filters: Sequence[SearchFilter], delta: Any, model: ModelState
    ) -> list[Record]:
        """``POST /defects/BulkUpdateSearch``: apply ``delta`` to every defect ``filters``
        select, all or nothing (a problem of the delta changes none); the defects changed."""
        matches = self.index.search(self.by_id.values(), self.version, filters)
        items = bulk_update(matches, delta, model, self._changes, self._touched)
        stamp(items, self.clock)
        return items

    def _touched(self) -> None:
        self.version += 1

    def _changes(self, defect: Record, delta: Record, model: ModelState) -> Record:
        """The changes ``delta`` makes to ``defect``; each problem recorded in ``model`` (as
        for any Plutora Test item: :func:`~.test_items.delta_changes`)."""
        return delta_changes(DEFECT_KIND, self.catalogue.lookups, defect, delta, model)

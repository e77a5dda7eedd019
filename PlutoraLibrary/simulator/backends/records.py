"""One entity type's records, keyed by lower-case id in creation order, with its queries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..index import Matches, SearchIndex
from ..query import Entity, SearchFilter
from .errors import ModelState, NotFound

Record = dict[str, Any]
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class Records:
    """The records of one entity type (``label`` names it in a 404) and how queries read them.

    Example::

        hosts = Records("Host", entity("Host", ["id", "name"]))
        hosts.load(seed.hosts)
        hosts.get("6f1c…")          # or NotFound("Host '6f1c…' was not found.")
        hosts.select("`name` ~ `dev1`").slice(0, 100)
    """

    def __init__(self, label: str, entity: Entity, indexed: Iterable[str] = ()) -> None:
        self.label = label
        self.entity = entity
        #: Searches, answered from orders and buckets kept until the next change
        #: (``indexed``: the properties whose Equals and IsWithin read a bucket).
        self.index = SearchIndex(entity, indexed)
        self.by_id: dict[str, Record] = {}
        #: Grows with every change to these records (a new, replaced or deleted record).
        self.version = 0
        #: Answers the HTTP layer rendered from these records (encoded JSON by renderer and
        #: id), dropped whenever the records change, so an unchanged record is not rendered
        #: and encoded again for every read.
        self.answers: dict[tuple[int, str], bytes] = {}

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.by_id.values())

    def load(self, records: dict[str, Record]) -> None:
        """Hold ``records`` (keyed by lower-case id) from now on."""
        self.by_id = records
        self.changed()

    def changed(self) -> None:
        """Say that a record was added, replaced or deleted: rendered answers are stale."""
        self.version += 1
        self.answers.clear()

    def add(self, record: Record) -> None:
        """Hold one more record (by its ``id``)."""
        self.by_id[record["id"].lower()] = record
        self.changed()

    def remove(self, record_id: str) -> Record | None:
        """Forget the record with ``record_id`` (any case); the record, or None."""
        record = self.by_id.pop(record_id.lower(), None)
        if record is not None:
            self.changed()
        return record

    def get(self, record_id: str) -> Record:
        """The record with ``record_id`` (any case), or :class:`NotFound`."""
        record = self.by_id.get(record_id.lower())
        if record is None:
            raise NotFound(f"{self.label} '{record_id}' was not found.")
        return record

    def select(self, expression: str | None) -> Matches:
        """Every record, or those a ``filter=`` expression matches (QueryError, UnknownField),
        in creation order; the matches of an expression are kept until the next write, so the
        next page of the same ``filter=`` does not scan again.

        Example: ``hosts.select("`name` ~ `dev1`").slice(0, 100)``.
        """
        if expression is None:
            return self.search([])
        return self.index.select(self.by_id.values(), self.version, expression)

    def search(self, filters: Sequence[SearchFilter]) -> Matches:
        """Records matching every search filter, sorted as the filters say (as
        :func:`~PlutoraLibrary.simulator.query.apply_filters` finds them, from the index).

        Example: ``releases.records.search(filters).slice(0, 100)`` is the first page.
        """
        return self.index.search(self.by_id.values(), self.version, filters)


def reference(
    body: Record,
    model: ModelState,
    name: str,
    known: dict[str, Record],
    required: bool,
    where: str = "",
) -> Record | None:
    """The record a body's ``name`` (an id) refers to, or None; a missing required id, an id
    that is no GUID or one that refers to nothing is added to ``model`` (unless the request's
    validation already found a problem with that field). ``where`` is the path of ``body``
    inside the request's body, for a sub-object (``systems[0]``).

    Example: ``reference(item, model, "systemId", catalogue.systems.by_id, True,
    "systems[0]")`` may add ``change.systems[0].systemId``.
    """
    key = f"{where}.{name}" if where else name
    if model.has(key):
        return None
    value = body.get(name)
    if value in (None, ""):
        if required:
            model.add(key, f"The {name} field is required.")
        return None
    if not isinstance(value, str) or not GUID.match(value):
        model.add(key, f"The value '{value}' of {key} is not a valid id (GUID).")
        return None
    item = known.get(value.lower())
    if item is None:
        model.add(key, f"No record with id '{value}' exists for {key}.")
    return item


def text(body: Record, name: str) -> str | None:
    """A text field of a validated body (None when absent or not text)."""
    value = body.get(name)
    return value if isinstance(value, str) else None


def objects(body: Record, name: str, fields: Sequence[str] | None = None) -> list[Record]:
    """A list-of-objects field of a validated body (empty when absent or malformed), each
    item copied with the ``fields`` its schema has, in the contract's order (all it has when
    ``fields`` is None). Example: ``objects(body, "systems", SYSTEM_FIELDS)``."""
    value = body.get(name)
    if not isinstance(value, list):
        return []
    items = [item for item in value if isinstance(item, dict)]
    if fields is None:
        return [dict(item) for item in items]
    return [{field: item.get(field) for field in fields} for item in items]


def by_id(items: Iterable[Record]) -> dict[str, Record]:
    """Items keyed by their lower-case ``id``."""
    return {item["id"].lower(): item for item in items}

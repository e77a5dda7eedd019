"""Indexes over one collection's records, so that a search page costs a page, not the set.

:func:`~PlutoraLibrary.simulator.query.apply_filters` is the reference: it scans and sorts
every record for every search. :class:`SearchIndex` answers the same searches with the same
records in the same order (``tests/unit/test_index_properties.py`` compares them) from what
it keeps between searches, all of it dropped when the collection's version changes (any
write):

- **orders**: the records sorted by a sort (a tuple of property and direction; none is the
  creation order), made on the first search that asks for it, ``O(N log N)`` once;
- **buckets**: for the common fields a backend names (a defect's ``Status``, a release's
  ``releaseStatusType`` …), the positions in an order of the records holding each value, so
  ``Equals`` and ``IsWithin`` read a bucket (or merge a few) instead of scanning, ``O(N)``
  once per field and order;
- **matches**: the positions one query matched (the last :data:`QUERY_CACHE` queries), so
  the next page of a ``Contains`` or any other scan costs a page, not another scan.

An ``IsWithin`` merges its buckets lazily: a page costs the records up to its end, and
iterating every page of it costs one pass.
"""

from __future__ import annotations

import heapq
from array import array
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from .query import (
    Entity,
    Getter,
    SearchFilter,
    Test,
    parse_date,
    parse_expression,
    predicate,
    sort_records,
)

Record = dict[str, Any]
#: A sort: each sorting property (lower case) with its direction, in the filters' order.
SortKey = tuple[tuple[str, str], ...]
#: How many queries' matches are kept, and how many sorted orders (each with its buckets).
QUERY_CACHE = 32
ORDER_CACHE = 8
_INDEXED_OPERATORS = ("Equals", "IsWithin")
#: Positions are kept as C ints (4 bytes each): a collection holds far fewer than 2**31.
_POSITION = "i"


class Matches:
    """The records one search matched, in order: how many (``len``) and any slice, computed
    no further than the slice asked for.

    Example: ``index.search(records, version, filters).slice(0, 25)`` is the first page.
    """

    def __init__(
        self,
        ordered: list[Record],
        positions: Sequence[int],
        total: int,
        rest: Iterator[int] | None = None,
    ) -> None:
        self._ordered = ordered
        self._positions = positions
        self._total = total
        self._rest = rest

    def __len__(self) -> int:
        return self._total

    def slice(self, start: int, stop: int) -> list[Record]:
        """The matches from ``start`` up to ``stop`` (as ``list[start:stop]``).

        Example: ``matches.slice(100, 200)`` is the second page of 100.
        """
        stop = min(stop, self._total)
        if self._rest is not None and len(self._positions) < stop:
            grown = self._positions
            assert isinstance(grown, array)
            grown.extend(islice(self._rest, stop - len(grown)))
            if len(grown) >= self._total:
                self._rest = None
        ordered = self._ordered
        return [ordered[position] for position in self._positions[start:stop]]


class _Order:
    """One sorted order of a version of the records, and the buckets made over it."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        #: Lower-case property -> its values, case-folded (None: no value) -> positions.
        self.buckets: dict[str, dict[str | None, array[int]]] = {}


class SearchIndex:
    """Searches over one collection, answered from orders, buckets and cached matches.

    ``indexed`` names (any case) the properties whose ``Equals`` and ``IsWithin`` read a
    bucket; other filters scan. Every call passes the records and their version (which
    grows with every write); a new version drops everything kept.

    Example::

        index = SearchIndex(DEFECTS, ["Status", "Priority"])
        matches = index.search(defects.values(), version, filters)
        len(matches), matches.slice(0, 25)
    """

    def __init__(self, entity: Entity, indexed: Iterable[str] = ()) -> None:
        self.entity = entity
        self.indexed = frozenset(name.lower() for name in indexed)
        self._version: int | None = None
        self._orders: OrderedDict[SortKey, _Order] = OrderedDict()
        self._queries: OrderedDict[tuple[Any, ...], Matches] = OrderedDict()
        self._text_only: dict[str, bool] = {}

    def search(
        self, records: Collection[Record], version: int, filters: Sequence[SearchFilter]
    ) -> Matches:
        """The records matching every filter (AND), sorted as the filters say: the same
        records in the same order as :func:`~PlutoraLibrary.simulator.query.apply_filters`,
        and the same errors. Example: ``len(index.search(records, 3, []))``."""
        # Built first, as the reference builds them: the same errors for the same query.
        conditions = [item for item in filters if item.operator is not None]
        tests = [
            predicate(self.entity, item.property, str(item.operator), item.value)
            for item in conditions
        ]
        sorting = [item for item in filters if item.direction]
        getters = [self.entity.getter(item.property) for item in sorting]
        self._refresh(version)
        sort_key: SortKey = tuple((item.property.lower(), str(item.direction)) for item in sorting)
        query = (
            sort_key,
            tuple((item.property.lower(), item.operator, repr(item.value)) for item in conditions),
        )
        found = self._queries.get(query)
        if found is not None:
            self._queries.move_to_end(query)
            return found
        directions = [item.direction for item in sorting]
        order = self._order(records, sort_key, list(zip(getters, directions, strict=True)))
        matches = self._match(records, order, conditions, tests)
        self._keep(query, matches)
        return matches

    def select(self, records: Collection[Record], version: int, expression: str) -> Matches:
        """The records a ``filter=`` expression matches, in creation order: the first call
        of an expression scans, and the matches are kept (until the next write) so that the
        following pages of the same expression cost a page. Errors as ``parse_expression``'s.

        Example: ``index.select(records, 3, "`status` = `Active`").slice(0, 100)``.
        """
        test = parse_expression(self.entity, expression)  # first: the same errors every time
        self._refresh(version)
        query = ("filter=", expression)
        found = self._queries.get(query)
        if found is not None:
            self._queries.move_to_end(query)
            return found
        ordered = self._order(records, (), []).records
        positions = array(
            _POSITION, (position for position, record in enumerate(ordered) if test(record))
        )
        matches = Matches(ordered, positions, len(positions))
        self._keep(query, matches)
        return matches

    def _refresh(self, version: int) -> None:
        if version != self._version:
            self._version = version
            self._orders.clear()
            self._queries.clear()
            self._text_only.clear()

    def _keep(self, query: tuple[Any, ...], matches: Matches) -> None:
        self._queries[query] = matches
        if len(self._queries) > QUERY_CACHE:
            self._queries.popitem(last=False)

    def _order(
        self,
        records: Collection[Record],
        sort_key: SortKey,
        sorts: list[tuple[Getter, str | None]],
    ) -> _Order:
        order = self._orders.get(sort_key)
        if order is None:
            # Sorting every record, then keeping the matches, gives what sorting only the
            # matches gives: each pass is a stable sort.
            order = _Order(sort_records(list(records), sorts))
            self._orders[sort_key] = order
            if len(self._orders) > ORDER_CACHE:
                self._orders.popitem(last=False)
        else:
            self._orders.move_to_end(sort_key)
        return order

    def _match(
        self,
        records: Collection[Record],
        order: _Order,
        conditions: list[SearchFilter],
        tests: list[Test],
    ) -> Matches:
        ordered = order.records
        if not tests:
            return Matches(ordered, range(len(ordered)), len(ordered))
        chosen = self._candidates(records, order, conditions)
        if chosen is None:
            positions = array(
                _POSITION,
                (
                    position
                    for position, record in enumerate(ordered)
                    if all(test(record) for test in tests)
                ),
            )
            return Matches(ordered, positions, len(positions))
        number, parts = chosen
        others = [test for index, test in enumerate(tests) if index != number]
        total = sum(len(part) for part in parts)
        if not others:
            if len(parts) == 1:
                return Matches(ordered, parts[0], total)
            return Matches(ordered, array(_POSITION), total, heapq.merge(*parts))
        merged = parts[0] if len(parts) == 1 else heapq.merge(*parts)
        positions = array(
            _POSITION,
            (position for position in merged if all(test(ordered[position]) for test in others)),
        )
        return Matches(ordered, positions, len(positions))

    def _candidates(
        self, records: Collection[Record], order: _Order, conditions: list[SearchFilter]
    ) -> tuple[int, list[array[int]]] | None:
        """The filter whose buckets hold the fewest candidates (its number, its buckets), or
        None when a scan must answer: no filter reads a bucket, or one names a property that
        is not plain text (whose test could raise, or compares numbers or dates)."""
        readable = [
            item.operator in _INDEXED_OPERATORS and item.property.lower() in self.indexed
            for item in conditions
        ]
        if not any(readable):  # a scan, without looking at the fields first
            return None
        if not all(self._is_text_only(records, item.property.lower()) for item in conditions):
            return None
        best: tuple[int, list[array[int]]] | None = None
        best_size = -1
        for number, item in enumerate(conditions):
            if not readable[number]:
                continue
            name = item.property.lower()
            buckets = self._buckets(order, name)
            if item.operator == "Equals":
                keys = [str(item.value).casefold()]
            else:  # IsWithin: as the reference reads the list (each value once)
                raw = item.value
                values = raw if isinstance(raw, list) else str(raw).split(",")
                keys = list(
                    dict.fromkeys(
                        str(value if isinstance(raw, list) else value.strip()).casefold()
                        for value in values
                    )
                )
            parts = [buckets[key] for key in keys if key in buckets and key is not None]
            size = sum(len(part) for part in parts)
            if best is None or size < best_size:
                best, best_size = (number, parts), size
        return best

    def _is_text_only(self, records: Collection[Record], name: str) -> bool:
        """Whether every value of property ``name`` is null or text that is no date: its
        tests then never raise and compare case-folded text, which a bucket can answer."""
        known = self._text_only.get(name)
        if known is None:
            get = self.entity.getter(name)
            seen: set[str] = set()
            known = True
            for record in records:
                value = get(record)
                if value is None:
                    continue
                if not isinstance(value, str):
                    known = False
                    break
                if value in seen:
                    continue
                if parse_date(value) is not None:
                    known = False
                    break
                seen.add(value)
            self._text_only[name] = known
        return known

    def _buckets(self, order: _Order, name: str) -> dict[str | None, array[int]]:
        """The positions in ``order`` of each value of property ``name`` (text or null)."""
        if name in order.buckets:
            return order.buckets[name]
        get = self.entity.getter(name)
        buckets: dict[str | None, array[int]] = {}
        keys: dict[str, str] = {}
        for position, record in enumerate(order.records):
            value = get(record)
            key = None if value is None else keys.get(value)
            if key is None and value is not None:
                key = keys[value] = value.casefold()
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = array(_POSITION)
            bucket.append(position)
        order.buckets[name] = buckets
        return buckets

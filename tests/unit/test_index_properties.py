"""An index never changes an answer: the indexed search and the straightforward scan
(:func:`apply_filters`, the reference) find the same records in the same order, or raise the
same error, for random filters and sorts over small and medium sets; a write drops what the
index kept."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from PlutoraLibrary.simulator.backends.changes import CHANGES
from PlutoraLibrary.simulator.backends.changes import INDEXED as CHANGE_INDEXED
from PlutoraLibrary.simulator.backends.defects import DEFECTS
from PlutoraLibrary.simulator.backends.defects import INDEXED as DEFECT_INDEXED
from PlutoraLibrary.simulator.backends.releases import INDEXED as RELEASE_INDEXED
from PlutoraLibrary.simulator.backends.releases import RELEASES
from PlutoraLibrary.simulator.backends.test_items import REQUIREMENT, TEST_CASE, entity_of
from PlutoraLibrary.simulator.index import SearchIndex
from PlutoraLibrary.simulator.query import (
    Entity,
    QueryError,
    SearchFilter,
    UnknownField,
    apply_filters,
)
from PlutoraLibrary.simulator.seed import build_seed

Record = dict[str, Any]
SEED = build_seed(1, defect_count=1000)
#: (entity, indexed fields, records, the fields filters and sorts name)
SETS: dict[str, tuple[Entity, tuple[str, ...], list[Record], list[str]]] = {
    "defects": (
        DEFECTS,
        DEFECT_INDEXED,
        list(SEED.defects.values()),
        [*DEFECT_INDEXED, "Name", "DisplayId", "CreatedDate", "Description", "Nope"],
    ),
    "releases": (
        RELEASES,
        RELEASE_INDEXED,
        list(SEED.releases.values()),
        [
            *RELEASE_INDEXED,
            "name",
            "identifier",
            "implementationDate",
            "parentReleaseId",
            "additionalInformation",
            "nope",
        ],
    ),
    "changes": (
        CHANGES,
        CHANGE_INDEXED,
        list(SEED.changes.values()),
        [*CHANGE_INDEXED, "name", "changeId", "businessValueScore", "raisedDate", "systems"],
    ),
    "test_cases": (
        entity_of(TEST_CASE),
        TEST_CASE.indexed,
        list(SEED.test_cases.values()),
        [*TEST_CASE.indexed, "DisplayId", "RequirementIds", "DefectIds", "CreatedDate", "Fields"],
    ),
    "requirements": (
        entity_of(REQUIREMENT),
        REQUIREMENT.indexed,
        list(SEED.requirements.values()),
        [*REQUIREMENT.indexed, "Name", "TestCaseIds", "LastModifiedDate"],
    ),
}
OPERATORS = [
    "Equals",
    "NotEquals",
    "IsWithin",
    "NotWithin",
    "Contains",
    "NotContains",
    "StartsWith",
    "GreaterThan",
    "LessOrEqual",
    "HasValue",
    "HasNoValue",
]


def _values(records: list[Record], entity: Entity, field: str) -> list[Any]:
    """Values the records hold (so that filters match something), in other cases too."""
    try:
        get = entity.getter(field)
    except UnknownField:
        return ["x"]
    found = [get(record) for record in records[:60]]
    texts = list(dict.fromkeys(value for value in found if isinstance(value, str)))
    return [*texts, *(text.upper() for text in texts[:5]), "open", "High", "none", "", 5, "x"]


@st.composite
def searches(draw: st.DrawFn, name: str, size: int) -> tuple[list[Record], list[SearchFilter]]:
    entity, indexed, everything, fields = SETS[name]
    records = everything[:size]
    filters = []
    for _ in range(draw(st.integers(0, 3))):
        # Half the time what an index answers, so that every path of it is taken often.
        common = draw(st.booleans())
        field = draw(st.sampled_from(indexed if common else fields))
        operator = draw(st.sampled_from(["Equals", "IsWithin"] if common else [*OPERATORS, None]))
        values = _values(records, entity, field)
        value: Any = None
        if operator == "IsWithin" or operator == "NotWithin":
            chosen = draw(st.lists(st.sampled_from(values), max_size=3))
            value = chosen if draw(st.booleans()) else ", ".join(str(item) for item in chosen)
        elif operator not in (None, "HasValue", "HasNoValue"):
            value = draw(st.sampled_from(values))
        direction = draw(st.sampled_from([None, "ASC", "DESC"]))
        if operator is None and direction is None:
            direction = "ASC"
        filters.append(SearchFilter(field, operator, value, direction))
    return records, filters


def _outcome(action: Any) -> tuple[str, Any]:
    try:
        return "answer", action()
    except (QueryError, UnknownField) as error:
        return type(error).__name__, str(error)


def _compare(name: str, records: list[Record], filters: list[SearchFilter]) -> None:
    entity, indexed, _everything, _fields = SETS[name]
    index = SearchIndex(entity, indexed)
    expected = _outcome(lambda: [id(record) for record in apply_filters(entity, records, filters)])
    for _ in range(2):  # the second time from what the index kept
        found = _outcome(
            lambda: [id(r) for r in index.search(records, 1, filters).slice(0, len(records))]
        )
        assert found == expected, filters
    if expected[0] == "answer":  # page by page (an IsWithin merges as far as a page needs)
        paged = SearchIndex(entity, indexed)
        pages: list[int] = []
        for start in range(0, len(records) + 7, 7):
            matches = paged.search(records, 1, filters)
            assert len(matches) == len(expected[1])
            pages.extend(id(record) for record in matches.slice(start, start + 7))
        assert pages == expected[1]


@pytest.mark.parametrize("name", sorted(SETS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_small_sets_answer_as_the_scan(name: str, data: st.DataObject) -> None:
    records, filters = data.draw(searches(name, 40))
    _compare(name, records, filters)


@pytest.mark.parametrize("name", sorted(SETS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_medium_sets_answer_as_the_scan(name: str, data: st.DataObject) -> None:
    records, filters = data.draw(searches(name, 1000))
    _compare(name, records, filters)


def test_a_new_version_drops_what_the_index_kept() -> None:
    records = [dict(record) for record in SEED.defects.values()][:100]
    index = SearchIndex(DEFECTS, DEFECT_INDEXED)
    wanted = [SearchFilter("Status", "Equals", "Open", None)]
    before = index.search(records, 1, wanted)
    first = records[0]
    opened = first["Status"]["Value"] == "Open"
    first["Status"] = {"Id": "x", "Value": "Closed" if opened else "Open"}
    assert index.search(records, 1, wanted) is before  # same version: what was kept
    after = index.search(records, 2, wanted)
    assert len(after) == len(before) + (-1 if opened else 1)
    assert [id(r) for r in after.slice(0, 100)] == [
        id(r) for r in apply_filters(DEFECTS, records, wanted)
    ]


@pytest.mark.parametrize(
    ("field", "operator", "value"),
    [("Name", "Contains", "app"), ("Status", "Equals", "open"), ("Status", "IsWithin", "Open,New")],
)
def test_reading_every_page_of_a_query_reads_the_records_a_few_times_in_all(
    field: str, operator: str, value: str
) -> None:
    """Iterating all matches is linear: the records are read a fixed number of times for
    the whole iteration (a scan, or the text check and the buckets), not once per page."""
    reads = 0
    plain = DEFECTS.getter(field)

    def counted(record: Record) -> Any:
        nonlocal reads
        reads += 1
        return plain(record)

    entity = Entity("Defect", {**DEFECTS.getters, field.lower(): counted})
    records = list(SEED.defects.values())
    index = SearchIndex(entity, DEFECT_INDEXED)
    wanted = [SearchFilter(field, operator, value, None)]
    total = len(index.search(records, 1, wanted))
    pages = [
        index.search(records, 1, wanted).slice(start, start + 10) for start in range(0, total, 10)
    ]
    assert sum(len(page) for page in pages) == total > 100
    assert reads <= 2 * len(records)


EXPRESSIONS = [
    "`status` = `Active`",
    "`name` ~ `a` and `status` != `Active`",
    "`identifier` ~ `1` or `name` ~ `e`",
    "`nope` = `x`",
    "`name` = ",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_a_filter_expression_answers_as_its_scan_and_is_read_once(expression: str) -> None:
    """``GET /{entity}?filter=`` (``SearchIndex.select``): the records the expression's own
    test keeps, in creation order, or the same error; the next page of the same expression
    reads no record again, and a write makes it scan afresh."""
    from PlutoraLibrary.simulator.query import parse_expression

    entity, indexed, records = RELEASES, RELEASE_INDEXED, list(SEED.releases.values())
    reads = 0
    plain = entity.getter("name")

    def counted(record: Record) -> Any:
        nonlocal reads
        reads += 1
        return plain(record)

    counting = Entity(entity.name, {**entity.getters, "name": counted})
    index = SearchIndex(counting, indexed)
    try:
        test = parse_expression(entity, expression)
    except (QueryError, UnknownField) as reference_error:
        with pytest.raises(type(reference_error), match=str(reference_error)[:20]):
            index.select(records, 1, expression)
        return
    expected = [record for record in records if test(record)]
    matches = index.select(records, 1, expression)
    assert matches.slice(0, len(matches)) == expected
    first_scan = reads
    again = index.select(records, 1, expression)
    assert again is matches
    assert again.slice(10, 20) == expected[10:20]
    assert reads == first_scan  # the next page did not read the records again
    assert index.select(records, 2, expression) is not matches  # a write: a new scan

"""The filter builder, search bodies and paging (unit; no network)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from PlutoraLibrary.core import Direction, Operator, Page, SearchFilter, term, where
from PlutoraLibrary.core.filters import search_body
from PlutoraLibrary.core.paging import iterate_pages


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("Equals", Operator.EQUALS),
        ("equals", Operator.EQUALS),
        ("not equals", Operator.NOT_EQUALS),
        ("=", Operator.EQUALS),
        ("!~", Operator.NOT_CONTAINS),
        (">=", Operator.GREATER_OR_EQUAL),
        ("LessOrEquals", Operator.LESS_OR_EQUAL),
        ("is_within", Operator.IS_WITHIN),
        ("StartsWith", Operator.STARTS_WITH),
    ],
)
def test_operators_parse_from_names_and_symbols(text: str, operator: Operator) -> None:
    assert Operator.parse(text) is operator


def test_an_unknown_operator_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"Unknown filter operator 'Resembles'\. Use one of: Equals, NotEquals"
    ):
        Operator.parse("Resembles")


def test_directions_parse() -> None:
    assert Direction.parse("descending") is Direction.DESC
    assert Direction.parse("asc") is Direction.ASC
    with pytest.raises(ValueError, match="use ASC or DESC"):
        Direction.parse("up")


def test_a_search_filter_in_both_spellings() -> None:
    item = SearchFilter("Status", "contains", "N/A", "desc")
    assert item.body() == {
        "property": "Status",
        "operator": "Contains",
        "value": "N/A",
        "direction": "DESC",
    }
    assert item.body("pascal") == {
        "Property": "Status",
        "Operator": "Contains",
        "Value": "N/A",
        "Direction": "DESC",
    }


def test_a_sort_only_filter() -> None:
    assert SearchFilter("ChangeId", direction="DESC").body() == {
        "property": "ChangeId",
        "operator": None,
        "value": None,
        "direction": "DESC",
    }


def test_is_within_takes_a_list() -> None:
    assert (
        SearchFilter("status", Operator.IS_WITHIN, ["Draft", "Active"]).body()["value"]
        == "Draft,Active"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("",), "needs the property"),
        (("name",), "needs an operator and a value, a sort direction, or both"),
        (("name", None, "x"), "has a value but no operator"),
        (("name", "Equals"), "needs a value"),
        (("name", "HasValue", "x"), "works only in filter expressions"),
        (("name", "Equals", {"a": 1}), "must be text or a number"),
        (("name", "Equals", ["a"]), "must be text or a number"),
        (("name", "Equals", True), "must be text or a number"),
    ],
)
def test_a_bad_search_filter_says_why(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SearchFilter(*arguments)  # type: ignore[arg-type]


def test_search_bodies_check_paging() -> None:
    assert search_body([], 2, 50, 300) == {
        "searchFilters": [],
        "pageNum": 2,
        "recordsPerPage": 50,
        "limit": 300,
    }
    assert search_body([], 0, 25, style="pascal") == {
        "SearchFilters": [],
        "PageNum": 0,
        "RecordsPerPage": 25,
    }
    for page, size, limit, message in (
        (-1, 10, None, "starts at 0"),
        (0, 101, None, "from 1 to 100"),
        (0, 10, 10001, "from 1 to 10,000"),
    ):
        with pytest.raises(ValueError, match=message):
            search_body([], page, size, limit)


def test_expressions_read_as_the_api_expects() -> None:
    expression = where("status").equals("Draft") & where("name").contains("Portal")
    assert str(expression) == "`status` Equals `Draft` AND `name` Contains `Portal`"
    assert str(where("changeId").less_or_equal(10)) == "`changeId` LessOrEquals `10`"
    assert str(where("parentReleaseId").has_value()) == "`parentReleaseId` HasValue"
    assert str(where("status").is_within(["Draft", "Active"])) == "`status` IsWithin `Draft,Active`"


def test_and_distributes_over_or_because_the_api_has_no_parentheses() -> None:
    a, b, c = where("a").equals(1), where("b").equals(2), where("c").equals(3)
    assert (
        str((a | b) & c) == "`a` Equals `1` AND `c` Equals `3` OR `b` Equals `2` AND `c` Equals `3`"
    )
    assert str(a | b & c) == "`a` Equals `1` OR `b` Equals `2` AND `c` Equals `3`"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: term("name", "StartsWith", "x"), "works only in search filters"),
        (lambda: term("na`me", "Equals", "x"), "hold no backtick"),
        (lambda: term("name", "Equals", "a`b"), "holds a backtick"),
        (lambda: term("name", "Equals"), "needs a value"),
        (lambda: term("name", "HasValue", "x"), "takes no value"),
        (lambda: where("s").is_within(["a,b"]), "cannot hold commas"),
    ],
)
def test_expressions_refuse_what_the_api_cannot_read(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="`", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=20,
    )
)
def test_any_backtick_free_value_round_trips(value: str) -> None:
    text = str(term("name", "Contains", value))
    assert text == f"`name` Contains `{value}`"


def test_both_page_shapes() -> None:
    paged = Page.from_plutora(
        {
            "resultSet": [{"id": 1}],
            "returnCount": 1,
            "totalCount": 11,
            "pageNum": 1,
            "recordsPerPage": 10,
        }
    )
    assert (paged.items, paged.total_count, paged.page_num, paged.is_last) == (
        [{"id": 1}],
        11,
        1,
        True,
    )
    plain = Page.from_plutora([{"id": 1}, {"id": 2}])
    assert plain.total_count == 2
    assert plain.is_last
    defects = Page.from_defects({"ResultSet": [{}] * 25, "TotalCount": 30}, 0, 25)
    assert not defects.is_last


def test_iteration_fetches_pages_lazily_until_the_end() -> None:
    fetched: list[int] = []

    def fetch(number: int) -> Page:
        fetched.append(number)
        items = [{"n": n} for n in range(number * 10, min(number * 10 + 10, 25))]
        return Page(items, 25, number, 10)

    records = iterate_pages(fetch)
    assert fetched == []
    assert next(records) == {"n": 0}
    assert fetched == [0]
    assert [r["n"] for r in records] == list(range(1, 25))
    assert fetched == [0, 1, 2]


def test_iteration_stops_on_an_empty_page() -> None:
    assert list(iterate_pages(lambda n: Page([], 0, n, 10))) == []

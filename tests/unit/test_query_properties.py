"""Property-based checks of the simulator's query engine: any input ends in an answer or a
clear QueryError / UnknownField, never another exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from PlutoraLibrary.simulator.backends.releases import RELEASES
from PlutoraLibrary.simulator.query import (
    SEARCH_OPERATORS,
    QueryError,
    UnknownField,
    apply_filters,
    parse_expression,
    parse_search_filters,
)
from PlutoraLibrary.simulator.seed import build_seed

RECORDS = list(build_seed(1).releases.values())[:40]
FIELDS = [
    "name",
    "identifier",
    "implementationDate",
    "parentReleaseId",
    "status",
    "nope",
    "additionalInformation",
]
OPERATORS = [
    "=",
    "!=",
    "~",
    "!~",
    ">",
    ">=",
    "<",
    "<=",
    "Equals",
    "IsWithin",
    "HasValue",
    "HasNoValue",
    "∅",
    "!∅",
    "Bogus",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def _term(field: str, operator: str, value: str) -> str:
    return f"`{field}` {operator} `{value}`"


@given(st.text(max_size=60))
@settings(max_examples=300)
def test_any_text_is_parsed_or_refused_clearly(text: str) -> None:
    try:
        test = parse_expression(RELEASES, text)
        [test(record) for record in RECORDS]
    except (QueryError, UnknownField):
        pass


@given(
    st.lists(
        st.tuples(
            st.sampled_from(FIELDS),
            st.sampled_from(OPERATORS),
            st.text(alphabet="abc0129-T:,", max_size=12),
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.sampled_from(["AND", "OR", "and", "or"]), min_size=3, max_size=3),
)
@settings(max_examples=300)
def test_well_formed_expressions_either_filter_or_fail_clearly(
    terms: list[tuple[str, str, str]], joins: list[str]
) -> None:
    text = _term(*terms[0])
    for join, term in zip(joins, terms[1:], strict=False):
        text += f" {join} {_term(*term)}"
    try:
        test = parse_expression(RELEASES, text)
        matched = [record for record in RECORDS if test(record)]
    except (QueryError, UnknownField):
        return
    assert all(record in RECORDS for record in matched)


@given(json_values)
@settings(max_examples=300)
def test_any_search_filters_value_is_read_or_refused_clearly(raw: Any) -> None:
    try:
        filters = parse_search_filters(raw, SEARCH_OPERATORS)
        apply_filters(RELEASES, RECORDS, filters)
    except (QueryError, UnknownField):
        pass


def test_or_of_a_term_and_its_negation_matches_everything() -> None:
    test = parse_expression(RELEASES, "`name` ~ `a` OR `name` !~ `a`")
    assert all(test(record) for record in RECORDS)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(FIELDS[:5]),
            st.sampled_from(OPERATORS[:-1]),
            st.text(alphabet="abc0129-T:/,", max_size=12),
        ),
        min_size=2,
        max_size=3,
    ),
    st.sampled_from(["AND", "OR"]),
)
@settings(max_examples=200)
def test_parentheses_around_a_term_or_the_whole_change_nothing(
    terms: list[tuple[str, str, str]], join: str
) -> None:
    texts = [_term(*term) for term in terms]
    plain = f" {join} ".join(texts)
    wrapped = "( " + f" {join} ".join(f"({text})" for text in texts) + " )"
    try:
        expected = [record for record in RECORDS if parse_expression(RELEASES, plain)(record)]
    except (QueryError, UnknownField):
        return
    assert [record for record in RECORDS if parse_expression(RELEASES, wrapped)(record)] == expected

"""Filters: search filters for ``POST …/filter`` and ``/defects/search`` bodies, and the
``filter=`` expressions of GET lists.

Example::

    search = [SearchFilter("status", Operator.EQUALS, "Draft"),
              SearchFilter("identifier", direction=Direction.DESC)]
    expression = where("status").equals("Draft") & where("name").contains("Portal")
    str(expression)   # "`status` Equals `Draft` AND `name` Contains `Portal`"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from .. import contract


class Operator(str, Enum):
    """Filter operators. Expressions spell ``LessOrEqual`` as ``LessOrEquals``; ``StartsWith``
    and ``NotWithin`` exist only in search bodies; ``HasValue`` and ``HasNoValue`` only in
    expressions."""

    EQUALS = "Equals"
    NOT_EQUALS = "NotEquals"
    CONTAINS = "Contains"
    NOT_CONTAINS = "NotContains"
    GREATER_THAN = "GreaterThan"
    GREATER_OR_EQUAL = "GreaterOrEqual"
    LESS_THAN = "LessThan"
    LESS_OR_EQUAL = "LessOrEqual"
    STARTS_WITH = "StartsWith"
    IS_WITHIN = "IsWithin"
    NOT_WITHIN = "NotWithin"
    HAS_VALUE = "HasValue"
    HAS_NO_VALUE = "HasNoValue"

    @classmethod
    def parse(cls, text: str | Operator) -> Operator:
        """An operator from its name (any case, with or without spaces) or symbol.

        Example: ``Operator.parse("not equals") is Operator.NOT_EQUALS``; ``Operator.parse(">=")``.
        """
        if isinstance(text, Operator):
            return text
        key = str(text).replace(" ", "").replace("_", "").lower()
        found = _OPERATOR_WORDS.get(key)
        if found is None:
            raise ValueError(
                f"Unknown filter operator {text!r}. Use one of: "
                + ", ".join(f"{op.value}" for op in cls)
                + "; or a symbol: = != ~ !~ > >= < <=."
            )
        return found


def _contract_operators() -> tuple[
    dict[str, Operator], set[Operator], set[Operator], dict[Operator, str]
]:
    """The words each operator answers to, which exist only in bodies or in expressions, and
    how expressions spell those they spell otherwise: all from the contract (the simulator
    reads the same lists)."""
    words: dict[str, Operator] = {op.value.lower(): op for op in Operator}
    spelled: dict[Operator, str] = {}
    in_bodies = {Operator(name) for name in contract.search_operators()}
    in_expressions: set[Operator] = set()
    for name, spellings in contract.expression_operators().items():
        canonical = next((s for s in spellings if s in Operator._value2member_map_), name)
        operator = Operator(canonical)
        in_expressions.add(operator)
        if name != operator.value:
            spelled[operator] = name
        for word in (name, *spellings):
            words[word.lower()] = operator
    words["=="] = Operator.EQUALS  # a programmer's habit, never sent as such
    missing = set(Operator) - in_bodies - in_expressions
    if missing:  # the contract dropped an operator this enum still offers
        raise ImportError(f"Operators not in the contract: {sorted(op.value for op in missing)}")
    return words, in_bodies - in_expressions, in_expressions - in_bodies, spelled


_OPERATOR_WORDS, _BODY_ONLY, _EXPRESSION_ONLY, _EXPRESSION_NAMES = _contract_operators()
_LISTS = {Operator.IS_WITHIN, Operator.NOT_WITHIN}


class Direction(str, Enum):
    """Sort direction of a search filter."""

    ASC = "ASC"
    DESC = "DESC"

    @classmethod
    def parse(cls, text: str | Direction) -> Direction:
        """``asc``, ``ascending``, ``DESC``, … Example: ``Direction.parse("descending")``."""
        if isinstance(text, Direction):
            return text
        key = str(text).strip().upper()
        if key in ("ASC", "ASCENDING"):
            return cls.ASC
        if key in ("DESC", "DESCENDING"):
            return cls.DESC
        raise ValueError(f"Unknown sort direction {text!r}; use ASC or DESC.")


BodyStyle = Literal["camel", "pascal"]


@dataclass(frozen=True)
class SearchFilter:
    """One search filter: a condition, a sort, or both.

    Example::

        SearchFilter("Status", Operator.EQUALS, "Open")
        SearchFilter("ChangeId", direction=Direction.DESC)            # sort only
        SearchFilter("status", "is within", ["Draft", "Active"])      # operators parse
    """

    property: str
    #: An :class:`Operator` (names and symbols given as text are parsed).
    operator: Operator | str | None = None
    value: Any = None
    #: A :class:`Direction` (``"asc"``, ``"DESC"``, … are parsed).
    direction: Direction | str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.property, str) or not self.property.strip():
            raise ValueError("A search filter needs the property to filter or sort on.")
        if self.operator is not None:
            object.__setattr__(self, "operator", Operator.parse(self.operator))
        if self.direction is not None:
            object.__setattr__(self, "direction", Direction.parse(self.direction))
        operator = self.operator if isinstance(self.operator, Operator) else None
        if operator is None and self.value is not None:
            raise ValueError(f"The filter on {self.property!r} has a value but no operator.")
        if operator is None and self.direction is None:
            raise ValueError(
                f"The filter on {self.property!r} needs an operator and a value, a sort "
                "direction, or both."
            )
        if operator in _EXPRESSION_ONLY:
            raise ValueError(
                f"{operator.value} works only in filter expressions (GET lists), not in search "
                "filters; use a filter expression or Equals/NotEquals."
            )
        if operator is not None and self.value is None:
            raise ValueError(f"The {operator.value} filter on {self.property!r} needs a value.")
        if operator is not None and not _plain(self.value, operator in _LISTS):
            raise ValueError(
                f"The value of the filter on {self.property!r} must be text or a number"
                + (" (or a list of them for IsWithin / NotWithin)." if operator in _LISTS else ".")
            )

    def body(self, style: BodyStyle = "camel") -> dict[str, Any]:
        """This filter as a search body item, in the Plutora (camel) or PascalCase spelling."""
        value = self.value
        if isinstance(value, (list, tuple)):
            value = ",".join(str(item) for item in value)
        item = {
            "property": self.property,
            "operator": Operator.parse(self.operator).value if self.operator else None,
            "value": value,
            "direction": Direction.parse(self.direction).value if self.direction else None,
        }
        if style == "pascal":
            return {key[0].upper() + key[1:]: item_value for key, item_value in item.items()}
        return item


def _plain(value: Any, lists: bool) -> bool:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return True
    return lists and isinstance(value, (list, tuple)) and all(_plain(item, False) for item in value)


def search_body(
    filters: Iterable[SearchFilter],
    page: int,
    page_size: int,
    limit: int | None = None,
    style: BodyStyle = "camel",
) -> dict[str, Any]:
    """A whole search body. Example: ``search_body([SearchFilter("name", "~", "x")], 0, 50)``."""
    if page < 0:
        raise ValueError(f"The page number starts at 0, not {page}.")
    cap = contract.paging("plutora-test" if style == "pascal" else "plutora").cap
    if not 1 <= page_size <= cap:
        raise ValueError(
            f"The page size must be from 1 to {cap} (the server caps a page at {cap}), "
            f"not {page_size}."
        )
    most = int(contract.schema("plutora", "SearchBody")["properties"]["limit"]["maximum"])
    if limit is not None and not 1 <= limit <= most:
        raise ValueError(f"The limit must be from 1 to {most:,}, not {limit}.")
    items = [item.body(style) for item in filters]
    if style == "pascal":
        return {"SearchFilters": items, "PageNum": page, "RecordsPerPage": page_size}
    body: dict[str, Any] = {"searchFilters": items, "pageNum": page, "recordsPerPage": page_size}
    if limit is not None:
        body["limit"] = limit
    return body


# -- filter= expressions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A ``filter=`` expression in disjunctive form: OR of ANDs (AND binds tighter).

    Combine with ``&`` and ``|``; ``str()`` gives the text the API reads.
    """

    alternatives: tuple[tuple[str, ...], ...]

    def __and__(self, other: Expression) -> Expression:
        # (a | b) & (c | d) = a&c | a&d | b&c | b&d: sites older than the help page's
        # parentheses understand the distributed form too.
        return Expression(
            tuple(left + right for left in self.alternatives for right in other.alternatives)
        )

    def __or__(self, other: Expression) -> Expression:
        return Expression(self.alternatives + other.alternatives)

    def __str__(self) -> str:
        return " OR ".join(" AND ".join(terms) for terms in self.alternatives)


def term(field: str, operator: Operator | str, value: Any = None) -> Expression:
    """One term: ``term("name", "Contains", "Portal")`` → ``\\`name\\` Contains \\`Portal\\```."""
    op = Operator.parse(operator)
    if op in _BODY_ONLY:
        raise ValueError(
            f"{op.value} works only in search filters, not in filter expressions; "
            "use a search instead."
        )
    for name, text in (("field", field),):
        if not text or "`" in text:
            raise ValueError(f"The {name} {text!r} must be non-empty and hold no backtick.")
    words = f"`{field}` {_EXPRESSION_NAMES.get(op, op.value)}"
    if op in _EXPRESSION_ONLY:
        if value is not None:
            raise ValueError(f"{op.value} takes no value.")
        return Expression(((words,),))
    if value is None:
        raise ValueError(f"The {op.value} term on {field!r} needs a value.")
    if op is Operator.IS_WITHIN and isinstance(value, (list, tuple)):
        parts = [str(item) for item in value]
        if any("," in part for part in parts):
            raise ValueError("IsWithin values cannot hold commas: the API splits the list on them.")
        value = ",".join(parts)
    text = str(value)
    if "`" in text:
        raise ValueError(
            f"The value {text!r} holds a backtick, which filter expressions cannot carry."
        )
    return Expression(((f"{words} `{text}`",),))


class _Field:
    def __init__(self, name: str) -> None:
        self.name = name

    def equals(self, value: Any) -> Expression:
        return term(self.name, Operator.EQUALS, value)

    def not_equals(self, value: Any) -> Expression:
        return term(self.name, Operator.NOT_EQUALS, value)

    def contains(self, value: Any) -> Expression:
        return term(self.name, Operator.CONTAINS, value)

    def not_contains(self, value: Any) -> Expression:
        return term(self.name, Operator.NOT_CONTAINS, value)

    def greater_than(self, value: Any) -> Expression:
        return term(self.name, Operator.GREATER_THAN, value)

    def greater_or_equal(self, value: Any) -> Expression:
        return term(self.name, Operator.GREATER_OR_EQUAL, value)

    def less_than(self, value: Any) -> Expression:
        return term(self.name, Operator.LESS_THAN, value)

    def less_or_equal(self, value: Any) -> Expression:
        return term(self.name, Operator.LESS_OR_EQUAL, value)

    def is_within(self, values: Sequence[Any]) -> Expression:
        return term(self.name, Operator.IS_WITHIN, list(values))

    def has_value(self) -> Expression:
        return term(self.name, Operator.HAS_VALUE)

    def has_no_value(self) -> Expression:
        return term(self.name, Operator.HAS_NO_VALUE)


def where(field: str) -> _Field:
    """Start a term: ``where("status").equals("Draft")``."""
    return _Field(field)

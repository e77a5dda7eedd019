"""The simulator's query engine: ``filter=`` expressions, search filters, sorting, paging.

It reproduces the contract's section 4 (and the defect search of section 6). Problems in a
query are reported as :class:`QueryError` (a 400 from the API) or, for a property the entity
does not have, :class:`UnknownField` (the contract's documented 500).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

Record = dict[str, Any]
Getter = Callable[[Record], Any]


class QueryError(ValueError):
    """A query the API rejects with 400; ``field`` names the request part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class UnknownField(LookupError):
    """A filter or sort on a property the entity does not have (the API answers 500)."""

    def __init__(self, name: str, entity: str) -> None:
        self.name = name
        self.message = f"No property or field '{name}' exists in type '{entity}'"
        super().__init__(self.message)


# Operators of ``filter=`` expressions (names and symbols), and of search bodies.
EXPRESSION_OPERATORS = {
    "equals": "Equals",
    "=": "Equals",
    "notequals": "NotEquals",
    "!=": "NotEquals",
    "contains": "Contains",
    "~": "Contains",
    "notcontains": "NotContains",
    "!~": "NotContains",
    "greaterthan": "GreaterThan",
    ">": "GreaterThan",
    "greaterorequal": "GreaterOrEqual",
    ">=": "GreaterOrEqual",
    "lessthan": "LessThan",
    "<": "LessThan",
    "lessorequals": "LessOrEqual",
    "<=": "LessOrEqual",
    "iswithin": "IsWithin",
    "hasvalue": "HasValue",
    "hasnovalue": "HasNoValue",
}
SEARCH_OPERATORS = {
    name.lower(): name
    for name in (
        "Equals",
        "NotEquals",
        "Contains",
        "NotContains",
        "GreaterThan",
        "GreaterOrEqual",
        "LessThan",
        "LessOrEqual",
        "StartsWith",
        "IsWithin",
        "NotWithin",
    )
}
_VALUELESS = {"HasValue", "HasNoValue"}


@dataclass(frozen=True)
class Entity:
    """What a query needs to know about one entity type: its name and its properties."""

    name: str
    getters: dict[str, Getter]  # lower-case property name or alias -> getter

    def getter(self, name: str) -> Getter:
        """The getter of property ``name`` (any case), or :class:`UnknownField`."""
        try:
            return self.getters[name.lower()]
        except KeyError:
            raise UnknownField(name, self.name) from None


def entity(name: str, fields: Iterable[str], aliases: dict[str, str] | None = None) -> Entity:
    """Describe an entity whose properties are plain keys of its records."""
    getters: dict[str, Getter] = {}
    for key in fields:
        getters[key.lower()] = _key_getter(key)
    for alias, key in (aliases or {}).items():
        getters[alias.lower()] = _key_getter(key)
    return Entity(name, getters)


def _key_getter(key: str) -> Getter:
    def get(record: Record) -> Any:
        return record.get(key)

    return get


# -- values ------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$")


def parse_date(text: str) -> datetime | None:
    """An ISO 8601 date in either of the API's styles, as an aware datetime; else None."""
    if not _DATE_RE.match(text):
        return None
    text = text.replace("Z", "+00:00")
    match = re.match(r"^(.*?\.\d{6})\d*(.*)$", text)
    if match:  # Python takes at most six fraction digits; the API sends seven.
        text = match.group(1) + match.group(2)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _coerce(field_value: Any, raw: Any, name: str) -> Any:
    """Convert a filter value to the type of the record's value, for comparing."""
    if isinstance(field_value, bool):
        text = str(raw).strip().lower()
        if text in ("true", "false"):
            return text == "true"
        raise QueryError("value", f"The value '{raw}' of '{name}' is not true or false.")
    if isinstance(field_value, (int, float)):
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise QueryError("value", f"The value '{raw}' of '{name}' is not a number.") from None
    if isinstance(field_value, str) and parse_date(field_value) is not None:
        moment = parse_date(str(raw))
        if moment is None:
            raise QueryError("value", f"The value '{raw}' of '{name}' is not an ISO 8601 date.")
        return moment
    return str(raw).casefold()


def _comparable(field_value: Any) -> Any:
    if isinstance(field_value, bool):
        return field_value
    if isinstance(field_value, (int, float)):
        return float(field_value)
    if isinstance(field_value, str):
        return parse_date(field_value) or field_value.casefold()
    return field_value


def _split_list(raw: Any) -> list[Any]:
    if isinstance(raw, list):
        return raw
    return [part.strip() for part in str(raw).split(",")]


def predicate(entity: Entity, name: str, operator: str, raw: Any) -> Callable[[Record], bool]:
    """A test of one record: ``property operator value`` with the contract's semantics.

    String comparisons ignore case; numbers and dates compare as such; a record whose
    property is null matches only the negative operators and ``HasNoValue``.
    """
    get = entity.getter(name)
    if operator == "HasValue":
        return lambda record: get(record) not in (None, "", [])
    if operator == "HasNoValue":
        return lambda record: get(record) in (None, "", [])
    if raw is None:
        raise QueryError("value", f"The operator '{operator}' on '{name}' needs a value.")
    negative = operator in ("NotEquals", "NotContains", "NotWithin")

    def test(record: Record) -> bool:
        value = get(record)
        if value is None:
            return negative
        if isinstance(value, (list, dict)):
            raise QueryError("property", f"'{name}' is a collection and cannot be filtered.")
        actual = _comparable(value)
        if operator in ("IsWithin", "NotWithin"):
            wanted = [_coerce(value, item, name) for item in _split_list(raw)]
            return (actual in wanted) != (operator == "NotWithin")
        if operator in ("Contains", "NotContains", "StartsWith"):
            text, part = str(value).casefold(), str(raw).casefold()
            if operator == "StartsWith":
                return text.startswith(part)
            return (part in text) != (operator == "NotContains")
        expected = _coerce(value, raw, name)
        if operator == "Equals":
            return bool(actual == expected)
        if operator == "NotEquals":
            return bool(actual != expected)
        try:
            if operator == "GreaterThan":
                return bool(actual > expected)
            if operator == "GreaterOrEqual":
                return bool(actual >= expected)
            if operator == "LessThan":
                return bool(actual < expected)
            return bool(actual <= expected)  # LessOrEqual
        except TypeError:
            raise QueryError(
                "value", f"'{name}' cannot be compared with '{raw}' by {operator}."
            ) from None

    return test


# -- filter= expressions ----------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\s*(?:`([^`]*)`|(!=|!~|>=|<=|=|~|>|<)|([A-Za-z]+)|(\S))")


def parse_expression(entity: Entity, text: str) -> Callable[[Record], bool]:
    """Compile a ``filter=`` expression such as ``\\`name\\` Contains \\`Portal\\` AND ...``."""
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN_RE.finditer(text):
        quoted, symbol, word, other = match.groups()
        if quoted is not None:
            tokens.append(("quoted", quoted))
        elif symbol is not None:
            tokens.append(("op", symbol))
        elif word is not None:
            tokens.append(("word", word))
        elif other is not None:
            raise QueryError(
                "filter",
                f"Unexpected '{other}' in the filter. Write terms as `field` Operator `value`, "
                "joined by AND or OR.",
            )
    if not tokens:
        raise QueryError("filter", "The filter is empty. Write `field` Operator `value`.")
    position = 0

    def take() -> tuple[str, str]:
        nonlocal position
        if position >= len(tokens):
            raise QueryError("filter", "The filter ends in the middle of a term.")
        position += 1
        return tokens[position - 1]

    def term() -> Callable[[Record], bool]:
        kind, name = take()
        if kind != "quoted":
            raise QueryError(
                "filter", f"Expected a `field` in backticks but found '{name}' in the filter."
            )
        _, op_text = take()
        operator = EXPRESSION_OPERATORS.get(op_text.lower())
        if operator is None:
            raise QueryError(
                "filter",
                f"Unknown operator '{op_text}'. Use one of: Equals (=), NotEquals (!=), "
                "Contains (~), NotContains (!~), GreaterThan (>), GreaterOrEqual (>=), "
                "LessThan (<), LessOrEquals (<=), IsWithin, HasValue, HasNoValue.",
            )
        raw = None
        if operator not in _VALUELESS:
            kind, raw = take()
            if kind != "quoted":
                raise QueryError(
                    "filter", f"Expected a `value` in backticks after {op_text}, found '{raw}'."
                )
        return predicate(entity, name, operator, raw)

    def conjunction() -> Callable[[Record], bool]:
        nonlocal position
        parts = [term()]
        while position < len(tokens) and tokens[position] == ("word", tokens[position][1]):
            if tokens[position][1].lower() != "and":
                break
            position += 1
            parts.append(term())
        return lambda record: all(part(record) for part in parts)

    alternatives = [conjunction()]
    while position < len(tokens):
        kind, word = take()
        if kind != "word" or word.lower() != "or":
            raise QueryError(
                "filter", f"Expected AND or OR between terms but found '{word}' in the filter."
            )
        alternatives.append(conjunction())
    return lambda record: any(test(record) for test in alternatives)


# -- search bodies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilter:
    """One search filter: a condition (optional) and a sort direction (optional)."""

    property: str
    operator: str | None
    value: Any
    direction: str | None


def field_of(body: dict[str, Any], *names: str) -> Any:
    """A property of a JSON body whatever its case (ASP.NET binding ignores case)."""
    wanted = {name.lower() for name in names}
    for key, value in body.items():
        if key.lower() in wanted:
            return value
    return None


def parse_search_filters(raw: Any, operators: dict[str, str]) -> list[SearchFilter]:
    """Read ``searchFilters`` (either spelling of its keys) into :class:`SearchFilter` items."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise QueryError("searchFilters", "searchFilters must be a list of filter objects.")
    filters = []
    for index, item in enumerate(raw):
        where = f"searchFilters[{index}]"
        if not isinstance(item, dict):
            raise QueryError(where, "A search filter must be an object with a property.")
        name = field_of(item, "property")
        operator_text = field_of(item, "operator")
        value = field_of(item, "value")
        direction = field_of(item, "direction")
        if not isinstance(name, str) or not name:
            raise QueryError(where, "The Property of a search filter is required.")
        operator = None
        if operator_text not in (None, ""):
            operator = operators.get(str(operator_text).lower())
            if operator is None:
                raise QueryError(
                    where,
                    f"Unknown operator '{operator_text}'. Use one of: "
                    + ", ".join(sorted(set(operators.values())))
                    + ".",
                )
            if value is None:
                raise QueryError(where, f"The operator '{operator}' needs a Value.")
            if isinstance(value, (dict, bool)) or (
                isinstance(value, list) and operator not in ("IsWithin", "NotWithin")
            ):
                raise QueryError(where, f"The Value of '{name}' must be a string or a number.")
        elif value is not None:
            raise QueryError(where, "A search filter with a Value needs an Operator.")
        if direction not in (None, ""):
            if not isinstance(direction, str) or direction.upper() not in ("ASC", "DESC"):
                raise QueryError(where, f"Direction must be ASC or DESC, not '{direction}'.")
            direction = direction.upper()
        else:
            direction = None
        if operator is None and direction is None:
            raise QueryError(
                where, f"The filter on '{name}' has neither an Operator nor a Direction."
            )
        filters.append(SearchFilter(name, operator, value, direction))
    return filters


def apply_filters(
    entity: Entity, records: Iterable[Record], filters: Sequence[SearchFilter]
) -> list[Record]:
    """Records matching every filter (AND), sorted by the filters that carry a direction."""
    tests = [
        predicate(entity, item.property, item.operator, item.value)
        for item in filters
        if item.operator is not None
    ]
    sorts = [(entity.getter(item.property), item.direction) for item in filters if item.direction]
    matched = [record for record in records if all(test(record) for test in tests)]
    return sort_records(matched, sorts)


def sort_records(records: list[Record], sorts: Sequence[tuple[Getter, str | None]]) -> list[Record]:
    """Sort by several keys (the first filter's direction wins); nulls first ascending."""
    for get, direction in reversed(sorts):
        records.sort(key=_sort_key_of(get), reverse=direction == "DESC")
    return records


def _sort_key_of(get: Getter) -> Callable[[Record], tuple[int, Any]]:
    return lambda record: _sort_key(get(record))


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    comparable = _comparable(value)
    if isinstance(comparable, (bool, float)):
        return (1, float(comparable))
    if isinstance(comparable, datetime):
        return (2, comparable.timestamp())
    return (3, str(comparable))


def page_size(raw: Any, default: int, where: str, maximum: int = 100) -> int:
    """A validated records-per-page value (1..maximum)."""
    return whole_number(raw, default, where, 1, maximum)


def whole_number(raw: Any, default: int, where: str, low: int, high: int) -> int:
    """A validated whole number in ``low..high`` from a body or query value."""
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        raise QueryError(where, f"{where} must be a whole number, not {raw!r}.")
    try:
        number = int(raw) if not isinstance(raw, float) or raw.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise QueryError(where, f"{where} must be a whole number, not '{raw}'.")
    if not low <= number <= high:
        raise QueryError(where, f"{where} must be between {low} and {high}, not {number}.")
    return number

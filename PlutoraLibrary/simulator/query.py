"""The simulator's query engine: ``filter=`` expressions, search filters, sorting, paging.

It reproduces the "Filter And Paginate API Calls" help page (and the defect search of the
Plutora Test API). The operators come from the contract (``SearchOperator`` and
``ExpressionOperator``). Problems in a query are reported as :class:`QueryError` (a 400 from
the API) or, for a property the entity does not have, :class:`UnknownField` (the documented
500).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .. import contract

Record = dict[str, Any]
Getter = Callable[[Record], Any]
Test = Callable[[Record], bool]


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
        self.entity = entity
        self.message = f"No property or field '{name}' exists in type '{entity}'"
        super().__init__(self.message)


def _search_operators() -> dict[str, str]:
    return {name.lower(): name for name in contract.search_operators()}


def _expression_operators() -> dict[str, str]:
    """Every spelling of an expression operator (any case) -> the operator it means, named
    as search bodies name it (``LessOrEquals`` is the search operator ``LessOrEqual``)."""
    spellings: dict[str, str] = {}
    search = set(contract.search_operators())
    for name, others in contract.expression_operators().items():
        meaning = next((other for other in others if other in search), name)
        for spelling in (name, *others):
            spellings[spelling.lower()] = meaning
    return spellings


#: Operators of search bodies, by lower-case name (from the contract's ``SearchOperator``).
SEARCH_OPERATORS: dict[str, str] = _search_operators()
#: Operators of ``filter=`` expressions, by lower-case name or symbol (``ExpressionOperator``).
EXPRESSION_OPERATORS: dict[str, str] = _expression_operators()
_VALUELESS = {"HasValue", "HasNoValue"}
_NEGATIVE = {"NotEquals", "NotContains", "NotWithin"}


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
    """Describe an entity whose properties are plain keys of its records.

    Example: ``entity("Host", contract.properties("plutora", "Host"))``.
    """
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

_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$")
_FRACTION_RE = re.compile(r"^(.*?\.\d{6})\d*(.*)$")
#: The help page's "Maintained Date Formats" besides ISO 8601: YYYY/MM/DD, MM/DD/YYYY and
#: DD-MM-YYYY (the separator tells the last two apart).
_FILTER_DATE_FORMATS = (
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 1, 2)),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), (3, 2, 1)),
)


def parse_date(text: str) -> datetime | None:
    """An ISO 8601 date in either of the API's styles, as an aware datetime; else None.

    Example: ``parse_date("2017-01-09T03:17:38.9137257+00:00").year`` is 2017.
    """
    if not _ISO_RE.match(text):
        return None
    text = text.replace("Z", "+00:00")
    match = _FRACTION_RE.match(text)
    if match:  # Python takes at most six fraction digits; the API sends seven.
        text = match.group(1) + match.group(2)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_filter_date(text: str) -> datetime | None:
    """A date a filter compares with: ISO 8601, or one of the help page's formats
    (``YYYY/MM/DD``, ``MM/DD/YYYY``, ``DD-MM-YYYY``, at midnight UTC); else None.

    Example: ``parse_filter_date("31-12-2016") == parse_filter_date("2016-12-31")``.
    """
    moment = parse_date(text)
    if moment is not None:
        return moment
    for pattern, (year, month, day) in _FILTER_DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                parts = match.groups()
                return datetime(
                    int(parts[year - 1]),
                    int(parts[month - 1]),
                    int(parts[day - 1]),
                    tzinfo=timezone.utc,
                )
            except ValueError:  # 31/02/2020 and the like
                return None
    return None


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
        moment = parse_filter_date(str(raw))
        if moment is None:
            raise QueryError(
                "value",
                f"The value '{raw}' of '{name}' is not a date: write YYYY-MM-DD, YYYY/MM/DD, "
                "MM/DD/YYYY, DD-MM-YYYY or an ISO 8601 date and time.",
            )
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


def predicate(entity: Entity, name: str, operator: str, raw: Any) -> Test:
    """A test of one record: ``property operator value`` with the contract's semantics.

    String comparisons ignore case; numbers and dates compare as such; a record whose
    property is null matches only the negative operators and ``HasNoValue``.
    Example: ``predicate(RELEASES, "name", "Contains", "portal")(record)``.
    """
    get = entity.getter(name)
    if operator == "HasValue":
        return lambda record: get(record) not in (None, "", [])
    if operator == "HasNoValue":
        return lambda record: get(record) in (None, "", [])
    if raw is None:
        raise QueryError("value", f"The operator '{operator}' on '{name}' needs a value.")
    negative = operator in _NEGATIVE

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


def _token_pattern() -> re.Pattern[str]:
    symbols = sorted((s for s in EXPRESSION_OPERATORS if not s.isalpha()), key=len, reverse=True)
    operators = "|".join(re.escape(symbol) for symbol in symbols)
    return re.compile(rf"\s*(?:`([^`]*)`|({operators})|([A-Za-z]+)|([()])|(\S))")


_TOKEN_RE = _token_pattern()
_OPERATOR_NAMES = ", ".join(
    f"{name} ({others[0]})" if others and not others[0].isalpha() else name
    for name, others in contract.expression_operators().items()
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN_RE.finditer(text):
        quoted, symbol, word, bracket, other = match.groups()
        if quoted is not None:
            tokens.append(("quoted", quoted))
        elif symbol is not None:
            tokens.append(("op", symbol))
        elif word is not None:
            tokens.append(("word", word))
        elif bracket is not None:
            tokens.append(("bracket", bracket))
        elif other is not None:
            raise QueryError(
                "filter",
                f"Unexpected '{other}' in the filter. Write terms as `field` Operator `value`, "
                "joined by AND or OR, grouped with parentheses.",
            )
    return tokens


def parse_expression(entity: Entity, text: str) -> Test:
    """Compile a ``filter=`` expression such as
    ``(`name` ~ `Portal` OR `name` ~ `CRM`) AND `parentReleaseId` !∅``.

    Terms are ``field Operator value`` (``HasValue``/``!∅`` and ``HasNoValue``/``∅`` take no
    value), joined by ``AND`` (binding tighter) and ``OR``, grouped by parentheses; names and
    keywords in any case. Raises :class:`QueryError` or :class:`UnknownField`.
    """
    tokens = _tokens(text)
    if not tokens:
        raise QueryError("filter", "The filter is empty. Write `field` Operator `value`.")
    position = 0

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal position
        if position >= len(tokens):
            raise QueryError("filter", "The filter ends in the middle of a term.")
        position += 1
        return tokens[position - 1]

    def keyword(word: str) -> bool:
        token = peek()
        return token is not None and token[0] == "word" and token[1].lower() == word

    def term() -> Test:
        kind, name = take()
        if kind == "bracket" and name == "(":
            inner = alternatives()
            closing = peek()
            if closing != ("bracket", ")"):
                raise QueryError("filter", "A '(' in the filter has no matching ')'.")
            take()
            return inner
        if kind != "quoted":
            raise QueryError(
                "filter", f"Expected a `field` in backticks but found '{name}' in the filter."
            )
        _, op_text = take()
        operator = EXPRESSION_OPERATORS.get(op_text.lower())
        if operator is None:
            raise QueryError(
                "filter", f"Unknown operator '{op_text}'. Use one of: {_OPERATOR_NAMES}."
            )
        raw = None
        if operator not in _VALUELESS:
            kind, raw = take()
            if kind != "quoted":
                raise QueryError(
                    "filter", f"Expected a `value` in backticks after {op_text}, found '{raw}'."
                )
        return predicate(entity, name, operator, raw)

    def conjunction() -> Test:
        nonlocal position
        parts = [term()]
        while keyword("and"):
            position += 1
            parts.append(term())
        if len(parts) == 1:
            return parts[0]
        return lambda record: all(part(record) for part in parts)

    def alternatives() -> Test:
        nonlocal position
        parts = [conjunction()]
        while keyword("or"):
            position += 1
            parts.append(conjunction())
        if len(parts) == 1:
            return parts[0]
        return lambda record: any(part(record) for part in parts)

    whole = alternatives()
    if position < len(tokens):
        _, word = tokens[position]
        if word == ")":
            raise QueryError("filter", "A ')' in the filter has no matching '('.")
        raise QueryError(
            "filter", f"Expected AND or OR between terms but found '{word}' in the filter."
        )
    return whole


# -- search bodies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilter:
    """One search filter: a condition (optional) and a sort direction (optional)."""

    property: str
    operator: str | None
    value: Any
    direction: str | None


def field_of(body: dict[str, Any], *names: str) -> Any:
    """A property of a JSON body whatever its case (ASP.NET binding ignores case).

    Example: ``field_of({"PageSize": 5}, "recordsPerPage", "pageSize")`` is 5.
    """
    wanted = {name.lower() for name in names}
    for key, value in body.items():
        if key.lower() in wanted:
            return value
    return None


def parse_search_filters(raw: Any, operators: dict[str, str]) -> list[SearchFilter]:
    """Read ``searchFilters`` (either spelling of its keys) into :class:`SearchFilter` items.

    Example: ``parse_search_filters([{"property": "name", "direction": "ASC"}],
    SEARCH_OPERATORS)``.
    """
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

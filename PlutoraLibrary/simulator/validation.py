"""Request bodies checked against the contract's request schemas, as ASP.NET binds them.

Before a body is validated it is bound the way the real service's model binder would:

- **read-only properties are ignored** (``readOnly`` in the contract: ids, dates and names
  the server sets), as the service ignores them in a body; a copy of a GET answer is a
  valid body;
- **property names ignore case** (``Identifier`` is ``identifier``): keys are renamed to the
  contract's spelling, at every level the schema describes;
- **values are converted to the property's type** where Json.NET (JSON bodies) or the form
  binder (form bodies) converts them: a number sent for a string property becomes a string,
  ``"5"`` for an integer property 5, ``"true"`` for a boolean ``True``, an enum value in any
  case the enum's own spelling (and a value the service reads under another name, which the
  contract lists as ``x-input-aliases``: ``Project`` for the release type ``Integrated``,
  that value), and ``""`` null for a
  property that may be null and is not free text (ids, dates). Form bodies carry only
  strings, so this is what lets a form express numbers and booleans at all; a value that
  cannot be converted stays as sent and fails validation with a clear message;
- **dates bind as Json.NET binds a .NET ``DateTime``** (a schema marked ``x-binds-as:
  DateTime``): ISO 8601 with or without a time, seconds, fraction and offset; a date alone
  is midnight (``2026-01-01`` is ``2026-01-01T00:00:00``) and a time without seconds gets
  them (``T10:30`` is ``T10:30:00``), so what is stored and answered is the full form.

Then the body is validated with ``jsonschema-rs`` against the operation's request schema (each
validator compiled on first use) and every violation becomes one line of the API's usual 400:
``modelState`` entries keyed ``<prefix>.<field>`` on Plutora, ``Messages`` of a ``Status:
"Fail"`` envelope on Plutora Test. Only requests that carry a body are validated.

Example::

    validator = RequestValidator("plutora", "ReleaseInput", prefix="release")
    body, problems = validator.bind({"Identifier": 7}, form=False)
    body["identifier"]          # "7"
    problems["release.name"]    # ["The name field is required."]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import contract
from .parameters import cap_note, rule_of
from .parameters import shown as _shown

if TYPE_CHECKING:
    import jsonschema_rs

_BASE = "https://plutora-simulator.invalid/"
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
#: What Json.NET binds to a ``DateTime``: an ISO 8601 date, alone or with a time (seconds,
#: fraction and offset optional).
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$"
)
#: How a date-time property's message names the forms it takes.
DATE_FORMS = (
    "ISO 8601: a date (2026-01-01, read as 2026-01-01T00:00:00) or a date and time, with or "
    "without seconds, fraction and offset (2026-01-01T10:30, 2026-01-01T10:30:00, "
    "2026-01-01T10:30:00.1234567+02:00)"
)
_TYPE_WORDS = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


@dataclass
class _Node:
    """What binding needs to know of one schema: types, enum, properties, items, limits."""

    types: set[str] = field(default_factory=set)  # empty: any type
    enum: list[Any] = field(default_factory=list)
    properties: dict[str, _Node] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # lower-case -> contract spelling
    items: _Node | None = None
    free_text: bool = True  # a string with no pattern, format or enum
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    cap: float | None = None  # x-cap: larger numbers are lowered to it, not refused
    zero_is_default: bool = False  # x-zero-is-default: 0 means the default
    read_only: bool = False
    date_time: bool = False  # bound as a .NET DateTime (``x-binds-as: DateTime``)
    #: Other names the service reads for values (``x-input-aliases``), by lower-case alias.
    aliases: dict[str, Any] = field(default_factory=dict)


def _merge(api: contract.Api, node: Mapping[str, Any], into: _Node, depth: int) -> None:
    if depth > 32:  # a cycle of references; nothing a body needs lies that deep
        return
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        _merge(api, contract.schema(api, ref.rsplit("/", 1)[1]), into, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, ()):
            _merge(api, branch, into, depth + 1)
    kind = node.get("type")
    if isinstance(kind, str):
        into.types.add(kind)
    elif isinstance(kind, list):
        into.types.update(kind)
    if "enum" in node:
        into.enum.extend(node["enum"])
        into.types.update(_json_type(value) for value in node["enum"])
    if "const" in node:
        into.enum.append(node["const"])
        into.types.add(_json_type(node["const"]))
    if "pattern" in node or "format" in node or "enum" in node or "const" in node:
        into.free_text = False
    for limit in ("minimum", "maximum", "default"):
        if limit in node:
            setattr(into, limit, node[limit])
    into.cap = node.get("x-cap", into.cap)
    into.zero_is_default = into.zero_is_default or bool(node.get("x-zero-is-default", False))
    into.read_only = into.read_only or bool(node.get("readOnly", False))
    into.date_time = into.date_time or node.get("x-binds-as") == "DateTime"
    for alias, value in node.get("x-input-aliases", {}).items():
        into.aliases[str(alias).lower()] = value
    for name, child in node.get("properties", {}).items():
        target = into.properties.setdefault(name, _Node())
        into.names[name.lower()] = name
        _merge(api, child, target, depth + 1)
    if "items" in node:
        into.items = into.items or _Node()
        _merge(api, node["items"], into.items, depth + 1)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


Path = tuple[str | int, ...]


def _bound(value: Any, node: _Node | None, form: bool, misfits: list[Path], path: Path) -> Any:
    """``value`` with names and types bound as the service's binder would (see the module);
    the path of each date no ``DateTime`` binds from is added to ``misfits``."""
    if node is None:
        return value
    if isinstance(value, dict):
        if not node.names:
            return value
        bound: dict[str, Any] = {}
        for key, item in value.items():
            name = node.names.get(str(key).lower(), str(key))
            bound[name] = _bound(item, node.properties.get(name), form, misfits, (*path, name))
        return bound
    if isinstance(value, list):
        if not node.items:
            return value
        return [
            _bound(item, node.items, form, misfits, (*path, index))
            for index, item in enumerate(value)
        ]
    types = node.types
    if isinstance(value, str):
        if value == "" and "null" in types and (form or not node.free_text):
            return None
        if node.date_time:
            moment = _date_time(value)
            if moment is None:
                misfits.append(path)
                return value
            return moment
        if node.aliases and value.lower() in node.aliases:
            return node.aliases[value.lower()]
        if node.enum:
            for member in node.enum:
                if isinstance(member, str) and member.lower() == value.lower():
                    return member
        if types and "string" not in types:
            text = value.strip()
            if types & {"integer", "number"} and _INTEGER.match(text):
                return int(text)  # "42" is 42, for a number property too (not 42.0)
            if "number" in types and _NUMBER.match(text):
                return float(text)
            if "boolean" in types and text.lower() in ("true", "false"):
                return text.lower() == "true"
        return value
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and "string" in types and not types & {"integer", "number"}:
        return str(value)  # Json.NET writes a number into a string property
    return value


def _date_time(text: str) -> str | None:
    """``text`` in the full form a ``DateTime`` is answered in, when Json.NET would bind it
    (``2026-01-01`` gives ``2026-01-01T00:00:00``); None when it would not (``2026-02-30``,
    ``01/02/2026``). Example: ``_date_time("2026-01-01T10:30+02:00")`` is
    ``"2026-01-01T10:30:00+02:00"``."""
    match = _DATE_TIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    hour, minute, second = hour or "00", minute or "00", second or "00"
    try:
        datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:  # no such day or time
        return None
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{fraction or ''}{zone or ''}"


@lru_cache(maxsize=1)
def _registry() -> jsonschema_rs.Registry:
    import jsonschema_rs  # on the first body validated: start-up does not wait for it

    return jsonschema_rs.Registry(
        [(f"{_BASE}{api}.openapi.json", dict(contract.document(api))) for api in contract.APIS]
    )


class RequestValidator:
    """Binds and validates request bodies against one request schema of the contract.

    ``prefix`` starts every model-state key (``release`` gives ``release.name``);
    ``root_message`` replaces what the schema says of the body as a whole (not an object,
    empty where a property is needed), since the API says that in its own words.
    """

    def __init__(
        self,
        api: contract.Api,
        schema_name: str,
        prefix: str = "",
        root_message: str = "",
    ) -> None:
        self.api = api
        self.schema_name = schema_name
        self.prefix = prefix
        self.root_message = root_message or f"The body must be a JSON object ({schema_name})."
        self._node: _Node | None = None
        self._read_only: frozenset[str] = frozenset()
        self._validator: Any = None

    def __repr__(self) -> str:
        return f"RequestValidator({self.api!r}, {self.schema_name!r})"

    @property
    def node(self) -> _Node:
        """The binding tree of the schema, built on first use."""
        if self._node is None:
            node = _Node()
            _merge(self.api, contract.schema(self.api, self.schema_name), node, 0)
            self._read_only = frozenset(
                name for name, child in node.properties.items() if child.read_only
            )
            self._node = node
        return self._node

    def _compiled(self) -> Any:
        if self._validator is None:
            import jsonschema_rs

            ref = f"{_BASE}{self.api}.openapi.json#/components/schemas/{self.schema_name}"
            self._validator = jsonschema_rs.validator_for({"$ref": ref}, registry=_registry())
        return self._validator

    @property
    def root_key(self) -> str:
        """The model-state key of a problem of the body as a whole."""
        return self.prefix or "body"

    def bind(self, body: Any, form: bool) -> tuple[Any, dict[str, list[str]]]:
        """The bound body and its problems (model-state key -> messages; empty: valid).

        Example: ``validator.bind({"recordsPerPage": "many"}, form=False)[1]``.
        """
        misfits: list[Path] = []
        bound = _bound(body, self.node, form, misfits, ())
        if _json_type(bound) not in self.node.types and not (
            isinstance(bound, dict) and "object" in self.node.types
        ):
            return bound, {self.root_key: [self.root_message]}
        problems: dict[str, list[str]] = {}
        checked = bound
        if isinstance(bound, dict) and self._read_only:
            # What only answers carry (ids, dates the server sets) is ignored in a body, as
            # the service ignores it; the backend still reads an ``id`` to match the URL's.
            checked = {k: v for k, v in bound.items() if k not in self._read_only}
        try:
            for error in self._compiled().iter_errors(checked):
                key, message = self._explain(error)
                messages = problems.setdefault(key, [])
                if message not in messages:
                    messages.append(message)
        except ValueError:  # nested deeper than the validator recurses (still within 256)
            return bound, {self.root_key: ["The body is nested too deeply to be validated."]}
        for path in misfits:  # dates of the right look that are no day or time (2026-02-30)
            key = self._key(list(path))
            if key not in problems and not (path and path[0] in self._read_only):
                sent: Any = bound
                for part in path:
                    sent = sent[part]
                problems[key] = [_not_a_date(_where(list(path)), sent)]
        return bound, problems

    # -- messages -------------------------------------------------------------------------

    def _key(self, path: list[str | int]) -> str:
        where = _where(path)
        if not where:
            return self.root_key
        return f"{self.prefix}.{where}" if self.prefix else where

    def _node_at(self, path: list[str | int]) -> _Node | None:
        node: _Node | None = self.node
        for part in path:
            if node is None:
                return None
            node = node.items if isinstance(part, int) else node.properties.get(part)
        return node

    def _explain(self, error: Any) -> tuple[str, str]:
        path = list(error.instance_path)
        kind = error.kind
        name = type(kind).__name__
        value = error.instance
        if not path and name in ("Type", "MinProperties", "AnyOf", "OneOfNotValid"):
            return self.root_key, self.root_message
        if name == "Required":
            path = [*path, kind.property]
            return self._key(path), f"The {kind.property} field is required."
        where = _where(path)
        last = str(path[-1]) if path else "body"
        node = self._node_at(path)
        if name == "Type":
            return self._key(path), f"{where} must be {_types(kind.types)}, not {_shown(value)}."
        if name == "MinLength":
            if kind.limit == 1:
                return self._key(path), f"The {last} field is required."
            return self._key(path), f"The {last} field must be at least {kind.limit} characters."
        if name == "MaxLength":
            return self._key(path), f"The {last} field must be at most {kind.limit} characters."
        if name in ("Minimum", "Maximum", "ExclusiveMinimum", "ExclusiveMaximum"):
            return self._key(path), _range(where, value, node)
        if name in ("Enum", "Constant"):
            options = kind.options if name == "Enum" else [kind.expected_value]
            return self._key(path), _one_of(where, value, options)
        if name == "Pattern":
            return self._key(path), _pattern(where, value, kind.pattern, node)
        if name in ("AnyOf", "OneOfNotValid"):
            return self._key(path), _alternatives(where, value, kind.context, node)
        return self._key(path), f"{where}: {error.message}."


def _where(path: list[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _types(types: Any) -> str:
    words = [_TYPE_WORDS.get(str(t), str(t)) for t in types]
    words.sort(key=lambda word: word == "null")
    return " or ".join(words)


def _range(where: str, value: Any, node: _Node | None) -> str:
    if node is None:
        return f"The value {_shown(value)} is out of range for {where}."
    if "integer" in node.types:
        rule = rule_of(node.minimum, node.maximum, node.default, node.zero_is_default)
        return f"{where} must be {rule}, not {_shown(value)}{cap_note(node.cap)}."
    low, high = node.minimum, node.maximum
    if low is not None and high is not None:
        return f"{where} must be between {low:g} and {high:g}, not {_shown(value)}."
    if low is not None:
        return f"{where} must be at least {low:g}, not {_shown(value)}."
    return f"{where} must be at most {high:g}, not {_shown(value)}."


def _one_of(where: str, value: Any, options: Any) -> str:
    allowed = ", ".join(str(option) for option in options if option is not None)
    return f"The value {_shown(value)} is not valid for {where}; use one of {allowed}."


def _pattern(where: str, value: Any, pattern: str, node: _Node | None) -> str:
    if "[0-9A-Fa-f]{8}" in pattern or "[0-9a-fA-F]{8}" in pattern:
        return f"{where} must be a GUID, not {_shown(value)}."
    if node is not None and node.date_time:
        return _not_a_date(where, value)
    return f"The value {_shown(value)} of {where} does not have the expected form."


def _not_a_date(where: str, value: Any) -> str:
    return f"The value {_shown(value)} is not a valid date for {where}; send {DATE_FORMS}."


def _alternatives(where: str, value: Any, context: Any, node: _Node | None) -> str:
    errors = [error for branch in context or () for error in branch]
    kinds = [type(error.kind).__name__ for error in errors]
    if "Enum" in kinds:
        options = [o for e in errors if type(e.kind).__name__ == "Enum" for o in e.kind.options]
        return _one_of(where, value, options)
    if kinds and all(kind == "Type" for kind in kinds):
        types = [t for e in errors for t in e.kind.types]
        return f"{where} must be {_types(dict.fromkeys(types))}, not {_shown(value)}."
    if "Pattern" in kinds:
        error = errors[kinds.index("Pattern")]
        return _pattern(where, value, error.kind.pattern, node)
    return f"The value {_shown(value)} is not valid for {where}."

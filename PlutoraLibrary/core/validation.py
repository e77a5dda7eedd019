"""JSON Schema validation of answers (and of users' data against their own schema files).

The engine is ``jsonschema-rs`` (Rust): measured here it validates a 100-record page in a
fraction of the time ``json.loads`` takes to parse it, where the pure-Python ``jsonschema``
took about 50 times as long (``docs/adr/0002-core-client-libraries.md``). Validators are
compiled once per schema and reused.

Failure messages are built here from the JSON path, the expectation and the actual value —
never the engine's own text, which repeats the failing value even under a secret-looking key.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import contract
from .errors import ABSENT, Mismatch, SchemaMismatch, compact_mismatches, hide_library_frames
from .reporting import MASK, SECRET_KEY, mask_json

if TYPE_CHECKING:  # the engines load with the first schema compiled (jsonschema alone: ~35 ms)
    import jsonschema_rs

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

SCHEMA_BASE = "https://robotframework-plutora.schemas/"


def schema_names() -> list[str]:
    """The shipped schemas, by name: every component of the two contracts
    (``PlutoraLibrary/contract``) in kebab case. Example: ``"release" in schema_names()``."""
    return contract.schema_names()


def schema_resources() -> list[tuple[str, Any]]:
    """The documents the shipped schemas resolve in, by URI: each contract whole, and an alias
    ``{SCHEMA_BASE}<name>.json`` per shipped name. Any JSON Schema engine can register them;
    e.g. ``referencing.Registry().with_resources((u, Resource.from_contents(d)) for u, d in
    schema_resources())`` for the pure-Python ``jsonschema``."""
    # Users' schema files keep ``$ref``-ing ``https://robotframework-plutora.schemas/release.json``.
    resources: list[tuple[str, Any]] = [
        (f"{SCHEMA_BASE}{api}.openapi.json", dict(contract.document(api))) for api in contract.APIS
    ]
    for name in contract.schema_names():
        api, component = contract.component_for(name)
        resources.append(
            (
                f"{SCHEMA_BASE}{name}.json",
                {
                    "$schema": _DRAFT,
                    "$ref": f"{SCHEMA_BASE}{api}.openapi.json#/components/schemas/{component}",
                },
            )
        )
    # The building blocks of the schema files shipped before 0.2.0, for users' files that
    # ``$ref`` them (``common.json#/$defs/guid``).
    blocks = {"guid", "guidOrNull", "date", "dateOrNull", "textOrNull", "objects"}
    resources.append(
        (
            f"{SCHEMA_BASE}common.json",
            {
                "$schema": _DRAFT,
                "$defs": {
                    name: {
                        "$ref": f"{SCHEMA_BASE}plutora.openapi.json#/components/schemas/"
                        + name[0].upper()
                        + name[1:]
                    }
                    for name in sorted(blocks)
                },
            },
        )
    )
    return resources


@lru_cache(maxsize=1)
def _registry() -> jsonschema_rs.Registry:
    import jsonschema_rs

    return jsonschema_rs.Registry(schema_resources())


_DRAFT = "https://json-schema.org/draft/2020-12/schema"


class Schemas:
    """Compiled validators for the shipped schemas and any user schema file.

    Example::

        schemas = Schemas()
        schemas.validate(release, "release")                 # raises SchemaMismatch
        schemas.validate(page, "release-list-item", shape="page")
        schemas.validate_file(data, "my-schemas/release.json")
    """

    def __init__(self) -> None:
        self._validators: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def _compiled(self, name: str, shape: str) -> Any:
        key = (name, shape)
        validator = self._validators.get(key)
        if validator is not None:
            return validator
        if name not in schema_names():
            close = difflib.get_close_matches(_kebab(name), schema_names(), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"There is no shipped schema named {name!r}.{hint} "
                f"Known schemas: {', '.join(schema_names())}."
            )
        item = {"$ref": f"{SCHEMA_BASE}{name}.json"}
        if shape == "one":
            schema: dict[str, Any] = item
        elif shape == "list":
            schema = {"type": "array", "items": item}
        elif shape == "page":
            schema = {
                "allOf": [
                    {"$ref": f"{SCHEMA_BASE}paged-list.json"},
                    {"properties": {"resultSet": {"items": item}}},
                ]
            }
        else:
            raise ValueError(f"shape must be 'one', 'list' or 'page', not {shape!r}")
        schema = {"$schema": _DRAFT, **schema}
        import jsonschema_rs

        with self._lock:
            validator = jsonschema_rs.validator_for(schema, registry=_registry())
            self._validators[key] = validator
        return validator

    def validate(self, data: Any, name: str, shape: str = "one", where: str = "") -> None:
        """Check ``data`` against the shipped schema ``name``; ``shape`` is ``one``, ``list``
        (an array of them) or ``page`` (the paged shape holding them). The
        :class:`SchemaMismatch` raised lists every mismatch, and says which list schema to use
        when ``data`` is a list item checked against a detail schema.

        Example: ``Schemas().validate(release, "release")``
        """
        validator = self._compiled(name, shape)
        if validator.is_valid(data):
            return
        label = name if shape == "one" else f"{shape} of {name}"
        found = _mismatches(validator, data)
        first = found[0]
        raise SchemaMismatch(
            label, *first, where=where, mismatches=found, hint=self._list_hint(data, name, shape)
        )

    def mismatches(self, data: Any, name: str, shape: str = "one") -> Mismatches:
        """Every way ``data`` differs from the shipped schema ``name`` (empty when it matches),
        one readable line each: ``assert schemas.mismatches(release, "release") == []``."""
        validator = self._compiled(name, shape)
        found = _mismatches(validator, data)
        hint = self._list_hint(data, name, shape) if found else ""
        label = name if shape == "one" else f"{shape} of {name}"
        return Mismatches(found, schema=label, hint=hint)

    def _list_hint(self, data: Any, name: str, shape: str) -> str:
        """Advice when ``data`` matches the list-item schema of ``name`` instead (a release from
        ``GET /releases`` checked against ``release``). Only on a failure: costs nothing else."""
        item = f"{name}-list-item"
        if item not in schema_names() or not self._compiled(item, shape).is_valid(data):
            return ""
        entity = name.replace("-", " ")
        return (
            f"It matches '{item}': lists show a {entity} with fewer fields than its detail "
            f"(GET /{name}s/{{id}}). Check list items against '{item}', or fetch the "
            f"{entity} by id to check it against '{name}'."
        )

    def validate_file(self, data: Any, path: str | Path, where: str = "") -> None:
        """Check ``data`` against a user's schema file (its ``$schema`` picks the draft).

        The file may ``$ref`` the shipped schemas by their ``$id``
        (``https://robotframework-plutora.schemas/release.json``).
        """
        path = Path(path)
        key = (str(path.resolve()), "file")
        validator = self._validators.get(key)
        if validator is None:
            import jsonschema
            import jsonschema_rs

            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise ValueError(
                    f"Cannot read the schema file {str(path)!r}: {error.strerror}."
                ) from None
            except ValueError as error:
                raise ValueError(
                    f"The schema file {str(path)!r} is not valid JSON: {error}."
                ) from None
            try:
                # jsonschema names what is wrong in a schema more precisely; checked once per file.
                jsonschema.validators.validator_for(schema).check_schema(schema)
                validator = jsonschema_rs.validator_for(schema, registry=_registry())
            except jsonschema.SchemaError as error:
                raise ValueError(
                    f"The schema file {str(path)!r} is not a valid JSON Schema: {error.message} "
                    f"(at {json_path(list(error.path))})."
                ) from None
            except (
                ValueError,
                jsonschema_rs.ValidationError,
                jsonschema_rs.ReferencingError,
            ) as error:
                raise ValueError(
                    f"The schema file {str(path)!r} is not a valid JSON Schema: {error}."
                ) from None
            self._validators[key] = validator
        if not validator.is_valid(data):
            found = _mismatches(validator, data)
            raise SchemaMismatch(path.name, *found[0], where=where, mismatches=found)


@lru_cache(maxsize=1)
def shared_schemas() -> Schemas:
    """The process-wide :class:`Schemas`: every client shares its compiled validators."""
    return Schemas()


def _kebab(name: str) -> str:
    """``ReleaseListItem`` or ``release_list_item`` as ``release-list-item``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).replace("_", "-").lower()


def json_path(parts: list[Any]) -> str:
    """``['resultSet', 3, 'name']`` as ``$.resultSet[3].name``."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


class Mismatches(list[str]):
    """Every mismatch with a schema, one line each (``path: expected …, got …``): a ``list``
    that also knows the ``schema``, the :class:`Mismatch` items and any ``hint``, so that pytest
    can explain a failed ``assert plutora_schema.mismatches(data, "release") == []``.

    Example: ``Mismatches([Mismatch("$.id", "a value of type string", "5")], "release")``
    """

    def __init__(self, found: Any = (), schema: str = "", hint: str = "") -> None:
        self.found: list[Mismatch] = list(found)
        super().__init__(str(mismatch) for mismatch in self.found)
        self.schema = schema
        self.hint = hint

    def explain(self) -> list[str]:
        """The lines pytest shows: a count, then every mismatch, the properties missing from
        one object on one line (``$: missing identifier, name, …``) so that the rest still
        shows in pytest's first lines, then the hint."""
        count = f"{len(self)} mismatch{'es' if len(self) != 1 else ''}"
        lines = [f"the data does not match schema '{self.schema}': {count}"]
        lines += compact_mismatches(self.found)
        return [*lines, self.hint] if self.hint else lines


def _mismatches(validator: Any, data: Any) -> list[Mismatch]:
    return [_mismatch(error) for error in validator.iter_errors(data)]


def _mismatch(error: Any) -> Mismatch:
    path = list(error.instance_path)
    secret = any(isinstance(part, str) and SECRET_KEY.search(part) for part in path)
    kind = error.kind.name
    details = error.kind.as_dict()
    expected = _expected(kind, details)
    actual = MASK if secret else _show(error.instance)
    if kind == "required":
        actual = ABSENT
        path = [*path, details.get("property", "?")]
    return Mismatch(json_path(path), expected, actual)


def _expected(kind: str, details: dict[str, Any]) -> str:
    if kind == "type":
        return "a value of type " + " or ".join(details.get("types", []))
    if kind == "required":
        return "the property to be present"
    if kind == "enum":
        return "one of " + ", ".join(json.dumps(option) for option in details.get("options", []))
    if kind == "const":
        return json.dumps(details.get("expected_value"))
    if kind == "pattern":
        return f"a string matching {details.get('pattern')}"
    if kind == "anyOf":
        return "a value matching one of the allowed forms"
    if kind in ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems"):
        return f"{kind} {details.get('limit', details)}"
    return f"{kind} {details}".strip()


def _show(value: Any) -> str:
    """A failing value as a mismatch shows it: masked under secret-looking keys and where it
    holds a known secret, cut to 80 characters."""
    text = json.dumps(mask_json(value), ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."

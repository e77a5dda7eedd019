"""The contract: one OpenAPI 3.1 description per API, as data (``*.openapi.json`` here).

The two files are the single source of what the Plutora and Plutora Test APIs accept and
answer, token servers included. The core validates answers against their component
schemas; the simulator takes its routes, request checks, writable fields and response shapes
from them; Swagger serves them; ``docs/api-reference.md`` is generated from them. Every
operation and every field says where it is known from (``x-evidence``; see
:data:`EVIDENCE_KINDS`), so a field nobody has seen on a real site reads as ours.

This package imports nothing from the client or the simulator: both read it, neither owns
it. Each file is parsed once per process, on first use (a few milliseconds).

Example::

    from PlutoraLibrary import contract

    contract.properties("plutora", "ReleaseListItem")   # ('id', 'identifier', ...)
    contract.writable("plutora-test", "Defect")          # ('Name', 'Description', ...)
    [op.operation_id for op in contract.operations("plutora")][:2]  # ['getToken', 'getCurrentUser']
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "APIS",
    "EVIDENCE_KINDS",
    "Api",
    "Operation",
    "Paging",
    "component_for",
    "document",
    "evidence_problems",
    "expression_operators",
    "operations",
    "paging",
    "path_of",
    "properties",
    "required",
    "schema",
    "schema_names",
    "search_operators",
    "writable",
]

Api = Literal["plutora", "plutora-test"]
#: The two APIs, by the name their file carries (``<api>.openapi.json``).
APIS: tuple[Api, ...] = ("plutora", "plutora-test")
_HERE = Path(__file__).parent
_METHODS = ("get", "put", "post", "delete", "patch")

#: What an ``x-evidence`` entry may start with, and what each means.
EVIDENCE_KINDS: dict[str, str] = {
    "seed": "the vendor's help pages this project is built from (setting up the API, Swagger)",
    "help": "another of the vendor's help pages, by title",
    "primer": "the vendor's REST API Primer, by page or section",
    "client": "a public client of the live API that sends or reads it, as owner/repo/path",
    "decided": "no public source: this project's decision, with the reason (ours)",
}
_CLIENT = re.compile(r"^client:\s*[\w.-]+/[\w.-]+/\S")


def path_of(api: Api) -> Path:
    """The contract file of ``api``. Example: ``path_of("plutora").name`` is
    ``"plutora.openapi.json"``."""
    if api not in APIS:
        raise ValueError(f"Unknown API {api!r}; use one of: {', '.join(APIS)}.")
    return _HERE / f"{api}.openapi.json"


@cache
def document(api: Api) -> Mapping[str, Any]:
    """The parsed description of ``api``, shared by every caller: read it, never change it
    (copy it first, as Swagger does to set its server). Example:
    ``document("plutora")["openapi"]`` is ``"3.1.0"``."""
    parsed: dict[str, Any] = json.loads(path_of(api).read_text(encoding="utf-8"))
    return parsed


def schema(api: Api, name: str) -> Mapping[str, Any]:
    """The component schema ``name`` of ``api``. Example: ``schema("plutora", "Release")``."""
    schemas = document(api)["components"]["schemas"]
    try:
        found: Mapping[str, Any] = schemas[name]
    except KeyError:
        raise KeyError(
            f"The {api} contract has no schema {name!r}; it has: {', '.join(sorted(schemas))}."
        ) from None
    return found


def _resolved(api: Api, node: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with its ``$ref`` followed and its ``allOf`` parts' properties and required
    lists merged in (how ``Release`` = ``ReleaseFields`` + what answers require is read)."""
    while "$ref" in node and node["$ref"].startswith("#/components/schemas/"):
        node = schema(api, node["$ref"].rsplit("/", 1)[1])
    if "allOf" not in node:
        return node
    props: dict[str, Any] = {}
    needed: list[str] = []
    for part in [*node["allOf"], node]:
        part = part if part is node else _resolved(api, part)
        props.update(part.get("properties", {}))
        needed += [name for name in part.get("required", ()) if name not in needed]
    return {**node, "properties": props, "required": needed}


def properties(api: Api, name: str) -> tuple[str, ...]:
    """The property names of object schema ``name``, in the contract's order (the order the
    simulator renders them in). Example: ``properties("plutora", "Layer")[0] == "id"``."""
    return tuple(_resolved(api, schema(api, name)).get("properties", {}))


def required(api: Api, name: str) -> tuple[str, ...]:
    """The properties schema ``name`` requires. Example: ``"id" in required("plutora", "Host")``."""
    return tuple(_resolved(api, schema(api, name)).get("required", ()))


def writable(api: Api, name: str) -> tuple[str, ...]:
    """The properties of ``name`` a client may send: those not marked ``readOnly``.
    Example: ``"Id" not in writable("plutora-test", "Defect")``."""
    props = _resolved(api, schema(api, name)).get("properties", {})
    return tuple(key for key, value in props.items() if not value.get("readOnly", False))


@dataclass(frozen=True)
class Paging:
    """How many records a page of ``api`` holds: ``default`` when none (or 0) is asked for,
    at most ``cap`` (the server caps a larger number)."""

    default: int
    cap: int


def paging(api: Api) -> Paging:
    """The page sizes of ``api``'s searches. Example: ``paging("plutora-test").default == 25``."""
    body, field = (
        ("SearchBody", "recordsPerPage") if api == "plutora" else ("DefectSearch", "RecordsPerPage")
    )
    rule = schema(api, body)["properties"][field]
    return Paging(default=int(rule["default"]), cap=int(rule["x-cap"]))


def search_operators(api: Api = "plutora") -> tuple[str, ...]:
    """The operators a search body's filters take. Example: ``"StartsWith" in
    search_operators()``."""
    return tuple(schema(api, "SearchOperator")["enum"])


def expression_operators() -> dict[str, tuple[str, ...]]:
    """The operators of a ``filter=`` expression, each with the other spellings it answers to
    (its symbol, and the search operator it is the same as). Example:
    ``expression_operators()["LessOrEquals"] == ("<=", "LessOrEqual")``."""
    operator = schema("plutora", "ExpressionOperator")
    symbols = operator.get("x-symbols", {})
    same = operator.get("x-same-as", {})
    return {
        name: tuple(s for s in (symbols.get(name), same.get(name)) if s)
        for name in operator["enum"]
    }


@dataclass(frozen=True)
class Operation:
    """One operation of a contract: ``Operation.method`` is upper case (``"GET"``),
    ``path`` as the contract spells it (``"/releases/{id}"``), ``responses`` maps a status
    (``"200"``) to its component schema name (``None`` for no body)."""

    api: Api
    method: str
    path: str
    operation_id: str
    tags: tuple[str, ...]
    summary: str
    request_schema: str | None
    request_types: tuple[str, ...]
    responses: Mapping[str, str | None]
    evidence: tuple[str, ...]
    servers: tuple[str, ...]
    #: Other paths the service answers the operation at (``x-aliases``: the vendor's pages
    #: spell ``Requirement/search`` and ``Requirements/search``); clients use ``path``.
    aliases: tuple[str, ...] = ()


def _schema_name(api: Api, content: Mapping[str, Any] | None) -> str | None:
    if not content:
        return None
    media = next(iter(content.values()))
    ref = media.get("schema", {}).get("$ref", "")
    return str(ref.rsplit("/", 1)[1]) if ref.startswith("#/components/schemas/") else None


@cache
def operations(api: Api) -> tuple[Operation, ...]:
    """Every operation of ``api`` in the contract's order. Example::

    [f"{op.method} {op.path}" for op in operations("plutora-test")][:2]
    # ['POST /oauth/token', 'GET /me']
    """
    doc = document(api)
    shared = doc["components"].get("responses", {})
    found = []
    for path, item in doc["paths"].items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            responses: dict[str, str | None] = {}
            for status, answer in op["responses"].items():
                if "$ref" in answer:
                    answer = shared[answer["$ref"].rsplit("/", 1)[1]]
                responses[status] = _schema_name(api, answer.get("content"))
            body = op.get("requestBody", {}).get("content")
            found.append(
                Operation(
                    api=api,
                    method=method.upper(),
                    path=path,
                    operation_id=op["operationId"],
                    tags=tuple(op.get("tags", ())),
                    summary=op.get("summary", ""),
                    request_schema=_schema_name(api, body),
                    request_types=tuple(body or ()),
                    responses=responses,
                    evidence=tuple(op.get("x-evidence", ())),
                    servers=tuple(s["url"] for s in op.get("servers", doc["servers"])),
                    aliases=tuple(op.get("x-aliases", ())),
                )
            )
    return tuple(found)


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[Api, str]]:
    names: dict[str, tuple[Api, str]] = {}
    for api in APIS:
        for component, node in document(api)["components"]["schemas"].items():
            if node.get("x-validates", True) is False:
                continue
            names.setdefault(_kebab(component), (api, component))
    return names


def schema_names() -> list[str]:
    """The names users validate against (``release``, ``release-list-item``, ``defect``, …):
    each component schema of either contract, in kebab case. Example:
    ``"release-list-item" in schema_names()``."""
    return sorted(_names())


def component_for(name: str) -> tuple[Api, str]:
    """The contract and component behind a user-facing schema name. Example:
    ``component_for("release-list-item") == ("plutora", "ReleaseListItem")``."""
    try:
        return _names()[name]
    except KeyError:
        raise KeyError(
            f"There is no shipped schema named {name!r}; known schemas: "
            f"{', '.join(schema_names())}."
        ) from None


def evidence_problems(api: Api) -> list[str]:
    """Every operation, parameter, schema and field of ``api`` (nested ones too: the items of
    a list, the properties of an inline object) whose ``x-evidence`` is missing or malformed,
    one line each; empty when every one says where it is known from.
    Example: ``assert evidence_problems("plutora") == []``."""
    problems: list[str] = []

    def check(where: str, evidence: Any) -> None:
        if not evidence or not isinstance(evidence, list):
            problems.append(f"{where}: no x-evidence")
            return
        for entry in evidence:
            kind = str(entry).split(":", 1)[0]
            if kind not in EVIDENCE_KINDS or not str(entry).split(":", 1)[1:]:
                problems.append(f"{where}: {entry!r} is not <kind>: <source>")
            elif kind == "client" and not _CLIENT.match(str(entry)):
                problems.append(f"{where}: {entry!r} does not name owner/repo/path")

    def fields(where: str, node: Mapping[str, Any]) -> None:
        # Inline structure only: a $ref names a component, which is checked on its own.
        for prop, value in node.get("properties", {}).items():
            check(f"{where}.{prop}", value.get("x-evidence"))
            fields(f"{where}.{prop}", value)
        if isinstance(node.get("items"), Mapping):
            fields(f"{where}[]", node["items"])
        for key in ("anyOf", "oneOf", "allOf"):
            for part in node.get(key, ()):
                fields(where, part)

    doc = document(api)
    for op in operations(api):
        check(f"{op.method} {op.path}", list(op.evidence))
        item = doc["paths"][op.path]
        for parameter in [
            *item.get("parameters", ()),
            *item[op.method.lower()].get("parameters", ()),
        ]:
            check(f"{op.method} {op.path} ?{parameter['name']}", parameter.get("x-evidence"))
    for name, node in doc["components"]["schemas"].items():
        if node.get("x-evidence") is None and "properties" not in node:
            check(f"schema {name}", node.get("x-evidence"))
        fields(name, node)
    return problems

"""Response shapes from the contract: which fields an answer carries, in the contract's order.

Backends store each record in its detail shape; an answer is rendered by projecting the
record onto the properties of the schema the contract gives the operation's answer (a list's
items, or the record itself). A field the contract lacks is therefore never sent, and a
field it adds appears (as null until the seed fills it).

Example::

    render = shape_of("plutora", "listReleases")   # ReleaseListItem: six fields
    render(release)["name"]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from .. import contract
from .backends.records import Records

Record = dict[str, Any]
Render = Callable[[Record], Record]


def answer_schema(api: contract.Api, operation_id: str, status: str = "200") -> str | None:
    """The component schema of one record of an operation's answer: the items of a list (or
    of its paged form), else the answer itself; None for an answer that is no object.

    Example: ``answer_schema("plutora", "listReleases")`` is ``"ReleaseListItem"``.
    """
    doc = contract.document(api)
    for op in contract.operations(api):
        if op.operation_id != operation_id:
            continue
        answer = doc["paths"][op.path][op.method.lower()]["responses"].get(status, {})
        for media in answer.get("content", {}).values():
            return _record_schema(api, media.get("schema", {}))
    return None


def _record_schema(api: contract.Api, node: Mapping[str, Any]) -> str | None:
    ref = str(node.get("$ref", ""))
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        target = contract.schema(api, name)
        if "properties" in target or "allOf" in target:
            return name
        return _record_schema(api, target)
    if node.get("type") == "array":
        return _record_schema(api, node.get("items", {}))
    for key in ("oneOf", "anyOf"):
        for branch in node.get(key, ()):
            found = _record_schema(api, branch)
            if found is not None:
                return found
    return None


@cache
def shape(
    api: contract.Api,
    schema_name: str,
    sources: tuple[tuple[str, str], ...] = (),
    exclude: frozenset[str] = frozenset(),
) -> Render:
    """A renderer of records as schema ``schema_name``: its properties but ``exclude``, in
    order, each read from the record's field of that name (or the one ``sources`` maps it to).

    Example: ``shape("plutora", "EnvironmentListItem", (("status", "environmentStatus"),))``.
    """
    names = tuple(name for name in contract.properties(api, schema_name) if name not in exclude)
    taken = dict(sources)
    if not taken:

        def render(record: Record) -> Record:
            return {name: record.get(name) for name in names}

        return render
    pairs = tuple((name, taken.get(name, name)) for name in names)

    def render_mapped(record: Record) -> Record:
        return {name: record.get(source) for name, source in pairs}

    return render_mapped


def shape_of(
    api: contract.Api,
    operation_id: str,
    sources: Mapping[str, str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Render:
    """The renderer of one record of ``operation_id``'s answer (see :func:`answer_schema`),
    as :func:`shape` makes it. Example: ``shape_of("plutora", "getRelease")(release)``."""
    name = answer_schema(api, operation_id)
    if name is None:
        raise LookupError(f"The {api} contract gives {operation_id} no record schema.")
    return shape(api, name, tuple(sorted((sources or {}).items())), exclude)


def encoded(records: Records, record: Record, render: Render) -> bytes:
    """``render(record)`` as UTF-8 JSON, kept in ``records.answers`` until the records change:
    reading the same unchanged record again costs a dictionary look-up.

    Example: ``encoded(state.releases.records, release, RELEASE)``.
    """
    key = (id(render), record["id"])
    body = records.answers.get(key)
    if body is None:
        text = json.dumps(render(record), separators=(",", ":"), ensure_ascii=False)
        body = records.answers[key] = text.encode("utf-8")
    return body

"""The API reference, ``docs/api-reference.md``, generated from the two contract files.

Per API: its servers, every endpoint (method, path, summary, statuses, evidence), and every
schema's fields (type, required, read-only, evidence); a field or operation whose only
evidence is ``decided: …`` is marked **ours**: no public source shows it. A test keeps the
page in step with the contract.

Example::

    python -m PlutoraLibrary.contract.reference > docs/api-reference.md
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import APIS, EVIDENCE_KINDS, Api, document, operations

__all__ = ["is_ours", "main", "render"]

_TITLES: dict[Api, str] = {"plutora": "Plutora API", "plutora-test": "Plutora Test API"}
_OURS = "**ours**"


def is_ours(evidence: Sequence[str]) -> bool:
    """Whether ``evidence`` says only that this project decided it (or says nothing).
    Example: ``is_ours(["decided: no source names it"])`` is True, ``is_ours(["primer: p.4"])``
    is False."""
    return all(str(entry).startswith("decided:") for entry in evidence)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _evidence(evidence: Sequence[str], joiner: str = "<br>") -> str:
    """The evidence entries, in a table cell (``<br>`` between them) or in text (``; ``)."""
    if not evidence:
        return f"{_OURS} (no evidence)"
    entries = joiner.join(_cell(entry) for entry in evidence)
    return f"{_OURS}: {entries}" if is_ours(evidence) else entries


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def _type(node: Mapping[str, Any]) -> str:
    """A schema in a few words: ``Guid``, ``string \\| null``, ``array of LookupItem`` …"""
    if "$ref" in node:
        return f"`{_name(node['$ref'])}`"
    if "const" in node:
        return f"`{node['const']!r}`".replace("'", '"')
    if "enum" in node:
        return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            joiner = " and " if combinator == "allOf" else " \\| "
            return joiner.join(_type(part) for part in node[combinator])
    kind = node.get("type")
    if isinstance(kind, list):
        return " \\| ".join(str(k) for k in kind)
    if kind == "array":
        items = node.get("items", {})
        return f"array of {_type(items)}" if items else "array"
    if kind is None:
        return "any"
    text = str(kind)
    if "format" in node:
        text += f" ({node['format']})"
    return text


def _field_table(properties: Mapping[str, Any], required: Iterable[str]) -> list[str]:
    needed = set(required)
    lines = [
        "| field | type | required | read-only | evidence |",
        "|---|---|---|---|---|",
    ]
    for name, node in properties.items():
        lines.append(
            f"| `{name}` | {_type(node)} | {'yes' if name in needed else ''} "
            f"| {'yes' if node.get('readOnly') else ''} | {_evidence(node.get('x-evidence', []))} |"
        )
    return lines


def _schema(api: Api, name: str, node: Mapping[str, Any]) -> list[str]:
    lines = [f"#### {name}", ""]
    if node.get("title"):
        lines += [_cell(node["title"]), ""]
    if "properties" in node:
        lines += _field_table(node["properties"], node.get("required", ()))
        lines.append("")
        return lines
    if "allOf" in node:
        parts = []
        for part in node["allOf"]:
            if "$ref" in part:
                parts.append(f"the fields of `{_name(part['$ref'])}`")
            elif "anyOf" in part:
                choices = " or ".join(
                    "(" + ", ".join(f"`{f}`" for f in branch.get("required", ())) + ")"
                    for branch in part["anyOf"]
                )
                parts.append(f"one of {choices} required")
        lines += ["Made of " + "; ".join(parts) + "."]
        if node.get("required"):
            lines += ["Required: " + ", ".join(f"`{f}`" for f in node["required"]) + "."]
        lines += [f"Evidence: {_evidence(node.get('x-evidence', []), '; ')}", ""]
        for part in node["allOf"]:
            if "properties" in part:
                lines += _field_table(part["properties"], part.get("required", ()))
                lines.append("")
        return lines
    kind = _type(node).replace(" \\| ", " or ")
    line = kind[0].upper() + kind[1:] if kind.startswith("one of") else f"A {kind}"
    if "pattern" in node:
        line += f" matching `{node['pattern']}`"
    if node.get("description"):
        line += f": {_cell(node['description'])}"
    lines += [line, "", f"Evidence: {_evidence(node.get('x-evidence', []), '; ')}", ""]
    return lines


def _servers(doc: Mapping[str, Any]) -> list[str]:
    lines = []
    for server in doc.get("servers", ()):
        variables = server.get("variables", {})
        note = "; ".join(
            f"`{{{name}}}`: {', '.join(f'`{v}`' for v in var.get('enum', ()))}"
            for name, var in variables.items()
        )
        lines.append(f"- API: `{server['url']}`" + (f" ({note})" if note else ""))
    token = doc["paths"].get("/oauth/token", {}).get("post", {})
    for server in token.get("servers", ()):
        lines.append(f"- Token server: `{server['url']}` (`POST /oauth/token`)")
    return lines


def _counts(doc: Mapping[str, Any]) -> tuple[int, int]:
    fields = ours = 0
    for node in doc["components"]["schemas"].values():
        parts = [node, *node.get("allOf", ())]
        for part in parts:
            for value in part.get("properties", {}).values():
                fields += 1
                ours += is_ours(value.get("x-evidence", []))
    return fields, ours


def render() -> str:
    """The reference page in Markdown, as ``docs/api-reference.md`` holds it.
    Example: ``render().startswith("# API reference")`` is True."""
    lines = [
        "# API reference",
        "",
        "Generated from the contract (`PlutoraLibrary/contract/plutora.openapi.json` and",
        "`plutora-test.openapi.json`) by `python -m PlutoraLibrary.contract.reference >",
        "docs/api-reference.md`; a test fails when this page is out of date. The simulator",
        "serves the same contract as Swagger UI (`/swagger`), and the client validates answers",
        "against its schemas.",
        "",
        "Every operation and field says where it is known from (`x-evidence`):",
        "",
        "| evidence | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{kind}:` | {meaning} |" for kind, meaning in EVIDENCE_KINDS.items()]
    lines += [
        "",
        f"Marked {_OURS}: known from no public source, only decided here (the reason follows;",
        "[contract-decisions.md](contract-decisions.md) records the decisions).",
        "",
    ]
    for api in APIS:
        doc = document(api)
        ops = operations(api)
        fields, ours = _counts(doc)
        ours_ops = sum(is_ours(op.evidence) for op in ops)
        lines += [
            f"## {_TITLES[api]}",
            "",
            f"{len(ops)} operations ({ours_ops} {_OURS}), {fields} fields ({ours} {_OURS}).",
            "",
            *_servers(doc),
            "",
            "### Endpoints",
            "",
            "| method | path | summary | statuses | evidence |",
            "|---|---|---|---|---|",
        ]
        for op in ops:
            lines.append(
                f"| `{op.method}` | `{op.path}` | {_cell(op.summary)} "
                f"| {', '.join(sorted(op.responses))} | {_evidence(op.evidence)} |"
            )
        lines += ["", "### Schemas", ""]
        for name, node in doc["components"]["schemas"].items():
            lines += _schema(api, name, node)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference page. Example: ``main([])`` prints it and returns 0."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))

"""Drift: how far a recorded site's answers are from the shipped contract.

Every exchange of a recording (:mod:`.recording`) is matched to its operation in the contract
(``PlutoraLibrary/contract/*.openapi.json``) and its answer is walked along the operation's
schema for that status. What is found, counted per operation:

- ``missing``: a field the contract requires is absent;
- ``type``: a value of another type than the contract's (``null`` for a non-null field too);
- ``status``: a status the operation does not list;
- ``new``: a field the contract does not know, with the types it was seen with;
- ``enum``: a value outside a closed set of the contract (``enum``, ``const``);
- ``lookup``: a lookup value (``GET /lookupfields/{type}``) the baseline vocabulary lacks;
- ``custom field``: a custom field (``additionalInformation``, a defect's ``Fields``) the
  baseline vocabulary lacks;
- ``operation``: a call the contract has no operation for.

The first three fail by default (:data:`FAILING_BY_DEFAULT`): a client written against the
contract breaks on them. The others are reported: every site has custom fields and values
of its own. The baseline vocabulary is the simulator's default site (what offline runs
assume), or another recording (``--baseline``: what changed since then).

The walk is this module's own, not a JSON Schema engine's: an engine says that an answer is
invalid, while drift needs every field the contract does *not* list (an engine accepts
them), each classified, and counts rather than the first error. It reads the file line by
line and keeps only the counts: constant memory whatever the file's size.

Example::

    report = check_drift("site.ndjson")
    print(report.table())
    report.failing()   # True when a failing kind was found
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import quoteattr

from .. import contract
from .recording import read_recording

#: Every kind of drift, in the order reports show them.
KINDS = ("status", "missing", "type", "new", "enum", "lookup", "custom field", "operation")
#: The kinds that fail a check unless ``fail_on`` says otherwise.
FAILING_BY_DEFAULT = frozenset({"status", "missing", "type"})
_TYPE_NAMES = {
    bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
    dict: "object", type(None): "null",
}  # fmt: skip


def json_type(value: Any) -> str:
    """The JSON type of a parsed value. Example: ``json_type(1.5)`` → ``'number'``."""
    return _TYPE_NAMES.get(type(value), "string")


def fail_kinds(text: str) -> frozenset[str]:
    """The kinds named by ``--fail-on`` (comma-separated; ``all``, ``none``, ``default``;
    ``custom-field`` or ``custom_field`` for ``custom field``), or :class:`ValueError` naming
    the unknown one. Example: ``fail_kinds("missing,new")``."""
    chosen: set[str] = set()
    for word in (" ".join(part.replace("-", " ").replace("_", " ").lower().split())
                 for part in text.split(",")):  # fmt: skip
        if word in ("", "none"):
            continue
        if word == "all":
            chosen.update(KINDS)
        elif word == "default":
            chosen.update(FAILING_BY_DEFAULT)
        elif word in KINDS:
            chosen.add(word)
        else:
            raise ValueError(
                f"--fail-on: unknown kind {word!r}; use a comma-separated list of "
                f"{', '.join(KINDS)}, or all, none, default."
            )
    return frozenset(chosen)


# -- the contract's operations -------------------------------------------------------------------


@dataclass(frozen=True)
class _Operation:
    api: str
    method: str
    template: str
    operation_id: str
    pattern: re.Pattern[str]


@cache
def _operations(api: contract.Api) -> tuple[_Operation, ...]:
    found = []
    for op in contract.operations(api):
        regex = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(op.path)) + "/?$"
        found.append(_Operation(api, op.method, op.path, op.operation_id, re.compile(regex, re.I)))
    # Literal paths first: /defects/GetByDisplayId/{x} before /defects/{id}.
    return tuple(sorted(found, key=lambda o: o.template.count("{")))


def operation_for(api: str, method: str, path: str) -> tuple[str, str] | None:
    """The contract's ``(operation id, "METHOD /template")`` for a call, or None.

    Example: ``operation_for("plutora", "GET", "/releases/3f…")`` →
    ``('getRelease', 'GET /releases/{id}')``
    """
    if api not in contract.APIS:
        return None
    for op in _operations(api):
        if op.method == method.upper() and op.pattern.match(path):
            return op.operation_id, f"{op.method} {op.template}"
    return None


@cache
def _answer_node(api: str, template: str, method: str, status: str) -> Mapping[str, Any] | None:
    """The schema of an operation's answer for ``status`` (``{}`` when it has no body), or
    None when the operation does not list the status."""
    doc = contract.document(cast(contract.Api, api))
    responses = doc["paths"][template][method.lower()].get("responses", {})
    answer = responses.get(status) or responses.get(status[0] + "XX") or responses.get("default")
    if answer is None:
        return None
    while "$ref" in answer:
        answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    for media in answer.get("content", {}).values():
        schema: Mapping[str, Any] = media.get("schema", {})
        return schema
    return {}


# -- the walk ------------------------------------------------------------------------------------


class _Finding(tuple[str, str, str]):  # (kind, json path, detail)
    pass


@cache
def _ref(api: contract.Api, ref: str) -> Mapping[str, Any]:
    return contract.schema(api, ref.rsplit("/", 1)[1])


def _resolve(api: str, node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = {
            **_ref(cast(contract.Api, api), node["$ref"]),
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    return node


_MERGED: dict[tuple[str, int], tuple[Any, tuple[dict[str, Any], list[Mapping[str, Any]]]]] = {}


def _merged(api: str, node: Mapping[str, Any]) -> tuple[dict[str, Any], list[Mapping[str, Any]]]:
    """:func:`_merge_parts`, kept per schema node (the contract's nodes live as long as the
    process, so a node's id is stable; the node is kept with it)."""
    key = (api, id(node))
    found = _MERGED.get(key)
    if found is None or found[0] is not node:
        found = _MERGED[key] = (node, _merge_parts(api, node))
    return found[1]


def _merge_parts(
    api: str, node: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Mapping[str, Any]]]:
    """``node`` with its ``allOf`` parts' properties, required lists and types merged in, and
    the choices (``anyOf``/``oneOf``) found among them, to be met as well."""
    node = _resolve(api, node)
    merged: dict[str, Any] = {k: v for k, v in node.items() if k not in ("allOf",)}
    choices: list[Mapping[str, Any]] = []
    if "anyOf" in merged or "oneOf" in merged:
        choices.append({k: merged.pop(k) for k in ("anyOf", "oneOf") if k in merged})
    for part in node.get("allOf", ()):
        inner, more = _merged(api, part)
        choices.extend(more)
        props = dict(merged.get("properties", {}))
        for name, rule in inner.get("properties", {}).items():
            # A property several parts describe must meet every description.
            props[name] = {"allOf": [props[name], rule]} if name in props else rule
        if props:
            merged["properties"] = props
        needed = [*inner.get("required", ()), *merged.get("required", ())]
        if needed:
            merged["required"] = list(dict.fromkeys(needed))
        for key in ("type", "enum", "const", "items"):
            if key in inner and key not in merged:
                merged[key] = inner[key]
    return merged, choices


def _allowed(node: Mapping[str, Any]) -> set[str] | None:
    kind = node.get("type")
    if kind is None:
        return None
    return set(kind) if isinstance(kind, list) else {kind}


def _fits(allowed: set[str], value: Any) -> bool:
    found = json_type(value)
    return found in allowed or (found == "integer" and "number" in allowed)


def _failures(findings: list[_Finding]) -> int:
    return sum(1 for f in findings if f[0] in FAILING_BY_DEFAULT)


def walk(
    api: str, node: Mapping[str, Any], value: Any, path: str = "$", known: bool = True
) -> list[_Finding]:
    """What ``value`` has that schema ``node`` of ``api`` does not say, as (kind, path, detail).
    ``known``: report fields the schema does not list (off inside a choice's extra branch).

    Example: ``walk("plutora", {"$ref": "#/components/schemas/Host"}, host)``
    """
    out: list[_Finding] = []
    merged, choices = _merged(api, node)
    for choice in choices:
        branches = [*choice.get("anyOf", ()), *choice.get("oneOf", ())]
        if not branches:
            continue
        tried = [walk(api, branch, value, path, known) for branch in branches]
        # A branch whose type does not fit the value at all loses to any that does.
        best = min(
            tried,
            key=lambda found: (
                any(kind == "type" and where == path for kind, where, _ in found),
                _failures(found),
                len(found),
            ),
        )
        out.extend(best)
    allowed = _allowed(merged)
    if allowed is not None and not _fits(allowed, value):
        wanted = " or ".join(sorted(allowed))
        out.append(_Finding(("type", path, f"{wanted}, got {json_type(value)}")))
        return out
    if ("enum" in merged and value not in merged["enum"]) or (
        "const" in merged and value != merged["const"]
    ):
        out.append(_Finding(("enum", path, _shown(value))))
    if isinstance(value, dict):
        props = merged.get("properties")
        for name in merged.get("required", ()):
            if name not in value:
                out.append(_Finding(("missing", f"{path}.{name}", "")))
        if props is not None:
            for name, item in value.items():
                if name in props:
                    out.extend(walk(api, props[name], item, f"{path}.{name}", True))
                elif known and not choices_define(choices, name, api):
                    out.append(_Finding(("new", f"{path}.{name}", infer(item))))
    elif isinstance(value, list) and "items" in merged:
        for item in value:
            out.extend(walk(api, merged["items"], item, f"{path}[*]", known))
    return _unique(out)


def choices_define(choices: list[Mapping[str, Any]], name: str, api: str) -> bool:
    """Whether a branch of ``choices`` lists property ``name`` (so it is not new)."""
    for choice in choices:
        for branch in [*choice.get("anyOf", ()), *choice.get("oneOf", ())]:
            merged, _ = _merged(api, branch)
            if name in merged.get("properties", {}):
                return True
    return False


def _unique(findings: list[_Finding]) -> list[_Finding]:
    return list(dict.fromkeys(findings))


def infer(value: Any) -> str:
    """The type of a value as a report shows it. Example: ``infer([1])`` → ``'array of
    integer'``."""
    if isinstance(value, list):
        kinds = sorted({json_type(item) for item in value})
        return "array of " + "|".join(kinds) if kinds else "array"
    return json_type(value)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


# -- vocabulary ------------------------------------------------------------------------------


@dataclass
class Vocabulary:
    """A site's words: lookup values by type, and custom fields as (entity, name).

    Example: ``Vocabulary.of_simulator().lookups["ReleaseStatusType"]`` → ``{'Draft', …}``
    """

    lookups: dict[str, set[str]] = field(default_factory=dict)
    custom_fields: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of_simulator(cls) -> Vocabulary:
        """The simulator's default site (seed 1): what offline runs assume, with the custom
        fields each of its records answers (the site's definitions)."""
        # The seed and definitions are plain data and the standard library (no server is loaded).
        from ..simulator.backends.custom_fields import DEFINITIONS
        from ..simulator.backends.request_lookups import extra_lookups
        from ..simulator.seed import build_seed

        data = build_seed(1)
        lookups = {**extra_lookups(), **data.lookups}
        found = cls({kind: {item["value"] for item in items} for kind, items in lookups.items()})
        collections = [data.releases, data.changes, data.systems, data.defects]
        collections += [data.requirements, data.test_cases, data.test_plans]
        for collection in collections:
            for record in collection.values():
                found.custom_fields.update(custom_fields_in(record))
        found.custom_fields.update(
            (entity, name) for entity, specs in DEFINITIONS.items() for name, _, _ in specs
        )
        return found

    @classmethod
    def of_recording(cls, path: str | Path) -> Vocabulary:
        """The words of another recording (read in constant memory)."""
        found = cls()
        for exchange in read_recording(path):
            found.add(exchange)
        return found

    def add(self, exchange: Mapping[str, Any]) -> None:
        """Take the words of one exchange. Example: ``vocabulary.add(exchange)``."""
        for kind, value in lookups_in(exchange):
            self.lookups.setdefault(kind, set()).add(value)
        body = (exchange.get("response") or {}).get("body")
        self.custom_fields.update(custom_fields_in(body))


def lookups_in(exchange: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(type, value)`` of each lookup value a ``GET /lookupfields/{type}`` answered."""
    status = exchange.get("status")
    if exchange.get("method") != "GET" or not isinstance(status, int) or status >= 300:
        return
    match = re.match(r"^/lookupfields/([^/]+)/?$", str(exchange.get("path", "")), re.I)
    body = (exchange.get("response") or {}).get("body")
    if not match or not isinstance(body, list):
        return
    for item in body:
        if isinstance(item, dict) and isinstance(item.get("value"), str):
            yield str(item.get("type") or match.group(1)), item["value"]


def custom_fields_in(data: Any) -> Iterator[tuple[str, str]]:
    """``(entity, name)`` of each custom field anywhere in ``data``: items of an
    ``additionalInformation`` list (entity: their ``type``) and of a defect's ``Fields``."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "additionalInformation" and isinstance(value, list):
                    for entry in value:
                        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                            yield str(entry.get("type") or "?"), entry["name"]
                elif key == "Fields" and isinstance(value, list):
                    for entry in value:
                        if isinstance(entry, dict) and isinstance(entry.get("Name"), str):
                            yield "Defect", entry["Name"]
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


# -- the report ------------------------------------------------------------------------------


@dataclass
class Line:
    """One kind of drift at one place of one operation, and how often it was seen."""

    operation: str
    kind: str
    path: str
    details: dict[str, int] = field(default_factory=dict)
    count: int = 0


@dataclass
class DriftReport:
    """The counts of a recording's drift, per operation. Example: ``report.failing()``."""

    source: str
    fail_on: frozenset[str] = FAILING_BY_DEFAULT
    exchanges: int = 0
    #: Exchanges per operation ("GET /releases/{id}"), answered and checked.
    checked: dict[str, int] = field(default_factory=dict)
    lines: dict[tuple[str, str, str], Line] = field(default_factory=dict)
    #: Attempts that got no answer (nothing to check).
    unanswered: int = 0
    #: The kinds, in the order the report shows them.
    kinds: tuple[str, ...] = KINDS
    title: str = "Drift from the contract"

    def note(self, operation: str, kind: str, path: str, detail: str = "") -> None:
        """Count one finding. Example: ``report.note("GET /me", "type", "$", "string, got …")``."""
        key = (operation, kind, path)
        line = self.lines.get(key)
        if line is None:
            line = self.lines[key] = Line(operation, kind, path)
        line.count += 1
        if detail and (detail in line.details or len(line.details) < 20):
            line.details[detail] = line.details.get(detail, 0) + 1

    def failing_lines(self) -> list[Line]:
        """The lines of a kind in ``fail_on``."""
        return [line for line in self.sorted_lines() if line.kind in self.fail_on]

    def failing(self) -> bool:
        """Whether any line is of a failing kind."""
        return bool(self.failing_lines())

    def sorted_lines(self) -> list[Line]:
        """Every line, by operation, then kind (in :data:`KINDS` order), then path."""
        return sorted(
            self.lines.values(),
            key=lambda ln: (ln.operation, self.kinds.index(ln.kind), ln.path),
        )

    def counts(self) -> dict[str, int]:
        """How many findings of each kind. Example: ``report.counts()["new"]``."""
        totals = dict.fromkeys(self.kinds, 0)
        for line in self.lines.values():
            totals[line.kind] += line.count
        return totals

    def table(self) -> str:
        """The report as text: a table per operation, then the totals."""
        out = [f"{self.title}: {self.source} ({self.exchanges} exchanges)"]
        operations = sorted(set(self.checked) | {line.operation for line in self.lines.values()})
        for operation in operations:
            mine = [line for line in self.sorted_lines() if line.operation == operation]
            out.append("")
            answers = self.checked.get(operation, 0)
            out.append(f"{operation}  ({answers} answer{'' if answers == 1 else 's'})")
            if not mine:
                out.append("  no drift")
                continue
            rows = [("kind", "where", "answers", "seen")]
            for line in mine:
                flag = "FAIL " if line.kind in self.fail_on else ""
                seen = ", ".join(
                    f"{detail} x{n}" if n > 1 else detail for detail, n in line.details.items()
                )
                rows.append((flag + line.kind, line.path, str(line.count), seen))
            widths = [max(len(row[i]) for row in rows) for i in range(3)]
            for row in rows:
                out.append(
                    "  " + "  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3]
                )
        totals = self.counts()
        out.append("")
        out.append(
            "Totals: "
            + ", ".join(f"{kind} {totals[kind]}" for kind in self.kinds)
            + (f"; {self.unanswered} attempt(s) without an answer" if self.unanswered else "")
        )
        failing = self.failing_lines()
        out.append(
            f"FAILED: {len(failing)} failing line(s) of kinds {', '.join(sorted(self.fail_on))}"
            if failing
            else f"No failing drift (failing kinds: {', '.join(sorted(self.fail_on)) or 'none'})."
        )
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (for trends in CI)."""
        return {
            "source": self.source,
            "exchanges": self.exchanges,
            "failing": self.failing(),
            "failOn": sorted(self.fail_on),
            "counts": self.counts(),
            "unanswered": self.unanswered,
            "operations": [
                {
                    "operation": operation,
                    "answers": self.checked.get(operation, 0),
                    "drift": [
                        {
                            "kind": line.kind,
                            "path": line.path,
                            "count": line.count,
                            "seen": line.details,
                            "failing": line.kind in self.fail_on,
                        }
                        for line in self.sorted_lines()
                        if line.operation == operation
                    ],
                }
                for operation in sorted(
                    set(self.checked) | {line.operation for line in self.lines.values()}
                )
            ],
        }

    def junit(self) -> str:
        """The report as JUnit XML: a test case per operation, failed by failing drift."""
        operations = sorted(set(self.checked) | {line.operation for line in self.lines.values()})
        cases = []
        failures = 0
        for operation in operations:
            mine = [line for line in self.sorted_lines() if line.operation == operation]
            failing = [line for line in mine if line.kind in self.fail_on]
            text = "\n".join(
                f"{line.kind} {line.path} x{line.count} {', '.join(line.details)}" for line in mine
            )
            body = ""
            if failing:
                failures += 1
                message = f"{len(failing)} failing drift line(s)"
                body = f"<failure message={quoteattr(message)}>{_xml_text(text)}</failure>"
            elif text:
                body = f"<system-out>{_xml_text(text)}</system-out>"
            cases.append(
                f'  <testcase classname="plutora.drift" name={quoteattr(operation)}>{body}'
                "</testcase>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuite name="plutora drift" tests="{len(operations)}" '
            f'failures="{failures}">\n' + "\n".join(cases) + "\n</testsuite>\n"
        )


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_exchange(report: DriftReport, exchange: Mapping[str, Any], words: Vocabulary) -> None:
    """Add what one exchange shows to ``report``. Example: see :func:`check_drift`."""
    report.exchanges += 1
    status = exchange.get("status")
    if not isinstance(status, int):
        report.unanswered += 1
        return
    api, method, path = str(exchange.get("api")), str(exchange["method"]), str(exchange["path"])
    found = operation_for(api, method, path)
    if found is None:
        report.note(f"{method} {path.split('?')[0]}", "operation", "—", f"{api}, {status}")
        return
    _, operation = found
    report.checked[operation] = report.checked.get(operation, 0) + 1
    template = operation.split(" ", 1)[1]
    node = _answer_node(api, template, method, str(status))
    if node is None:
        report.note(operation, "status", "—", str(status))
        return
    body = (exchange.get("response") or {}).get("body")
    if node:
        for kind, where, detail in walk(api, node, body):
            report.note(operation, kind, where, detail)
    for kind, value in lookups_in(exchange):
        if value not in words.lookups.get(kind, ()):
            report.note(operation, "lookup", kind, value)
    for entity, name in custom_fields_in(body):
        if (entity, name) not in words.custom_fields:
            report.note(operation, "custom field", entity, name)


def check_drift(
    path: str | Path,
    fail_on: Iterable[str] = FAILING_BY_DEFAULT,
    baseline: Vocabulary | None = None,
) -> DriftReport:
    """The drift of the recording at ``path`` from the contract, streamed (constant memory).

    ``baseline``: the vocabulary lookups and custom fields are compared with (default: the
    simulator's default site). Raises :class:`~.recording.RecordingError` for a file that
    cannot be read or is no recording.

    Example: ``check_drift("site.ndjson", fail_on={"missing", "type", "status", "new"})``
    """
    words = baseline if baseline is not None else Vocabulary.of_simulator()
    report = DriftReport(str(path), frozenset(fail_on))
    for exchange in read_recording(path):
        check_exchange(report, exchange, words)
    return report

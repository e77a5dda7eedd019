"""The kinds of Plutora Test items, their deltas, and what a bulk update returns.

A bulk update (``POST …/BulkUpdateSearch``) changes every item its search filters select.
It is a write to many items: never sent twice. Before sending it the client reads which
items match (the snapshot), so that when the answer is lost it can re-read exactly those and
say which carry the delta; :func:`differences` is that comparison, also used by
``verify=True``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import contract
from .errors import ValidationFailed

Record = dict[str, Any]
#: Properties holding a lookup value (``{"Id", "Value"}``); a delta may name it either way.
LOOKUPS = ("Status", "Priority", "Severity", "Type")


@dataclass(frozen=True)
class ItemKind:
    """One kind of Plutora Test item as the client sees it.

    ``segment`` is the path's first segment (``/testcase/search``); ``schema`` the contract's
    component; ``label`` names it in messages.
    Example: ``KINDS["test case"].writable`` → ``('Name', 'Description', …)``.
    """

    label: str
    segment: str
    schema: str
    bulk: bool = False

    @property
    def writable(self) -> tuple[str, ...]:
        """The properties a delta may name (the contract's properties but ``readOnly``)."""
        return contract.writable("plutora-test", self.schema)

    @property
    def read_only(self) -> tuple[str, ...]:
        """The properties the server sets."""
        return tuple(
            name
            for name in contract.properties("plutora-test", self.schema)
            if name not in self.writable
        )

    @property
    def schema_name(self) -> str:
        """The shipped schema name of one item (``test-case``)."""
        return "".join(f"-{c.lower()}" if c.isupper() else c for c in self.schema).lstrip("-")


DEFECT = ItemKind("defect", "defects", "Defect", bulk=True)
REQUIREMENT = ItemKind("requirement", "requirement", "Requirement", bulk=True)
TEST_CASE = ItemKind("test case", "testcase", "TestCase", bulk=True)
TEST_PLAN = ItemKind("test plan", "testplan", "TestPlan")
CATEGORY_SETTING = ItemKind("category setting", "categorysettings", "CategorySetting")
#: Every kind, by its label.
KINDS = {kind.label: kind for kind in (DEFECT, REQUIREMENT, TEST_CASE, TEST_PLAN, CATEGORY_SETTING)}


@dataclass(frozen=True)
class BulkUpdate:
    """What a bulk update did, or (``dry_run``) would do.

    ``count`` is the server's ``UpdatedCount`` (for a dry run: how many items match);
    ``ids`` the ids changed (would change), in the order the search finds them; ``items``
    the matching items of a dry run (empty otherwise); ``verified`` the ids read back by
    ``verify=True``; ``recovered`` says the answer was lost and re-reading showed the delta
    on every item.

    Example::

        result = client.bulk_update_defects([SearchFilter("Status", "Equals", "Open")],
                                            {"Priority": "High"}, dry_run=True)
        result.count, [item["DisplayId"] for item in result.items]
    """

    kind: str
    count: int
    ids: list[str]
    dry_run: bool = False
    items: list[Record] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    recovered: bool = False


def canonical_delta(delta: Mapping[str, Any], kind: ItemKind = DEFECT) -> dict[str, Any]:
    """The delta with property names in the API's spelling, or :class:`ValidationFailed`
    listing every property of ``kind`` that cannot be written (nothing is sent then).

    Example: ``canonical_delta({"priority": "High"}, TEST_CASE)`` → ``{"Priority": "High"}``
    """
    writable_names = kind.writable
    if not isinstance(delta, Mapping) or not delta:
        raise ValueError(
            f"A {kind.label} delta names at least one property to change, e.g. "
            f"{{'Priority': 'High'}}. Writable: {', '.join(writable_names)}."
        )
    writable = {name.lower(): name for name in writable_names}
    read_only = {name.lower(): name for name in kind.read_only}
    canonical: dict[str, Any] = {}
    problems = []
    for key, value in delta.items():
        lowered = str(key).lower()
        if lowered in read_only:
            problems.append(f"'{read_only[lowered]}' is read-only")
        elif lowered not in writable:
            problems.append(f"'{key}' is not a property of a {kind.label}")
        else:
            canonical[writable[lowered]] = value
    if problems:
        where = "/defects/{id}" if kind is DEFECT else f"/{kind.segment}/BulkUpdateSearch"
        raise ValidationFailed(
            "PATCH" if kind is DEFECT else "POST",
            where,
            0,
            "; ".join(problems),
            messages={"": problems},
            advice=f"Nothing was sent. Writable properties: {', '.join(writable_names)}.",
        )
    return canonical


def differences(delta: Mapping[str, Any], item: Record) -> list[str]:
    """How ``item`` differs from what ``delta`` asked for (empty when all is there).

    Example: ``differences({"Priority": "High"}, defect)`` → ``["Priority is {…}, not 'High'"]``
    """
    found = []
    for name, wanted in delta.items():
        actual = item.get(name)
        if name in LOOKUPS:
            same = _lookup_matches(wanted, actual)
        elif name == "Fields":
            same = _fields_match(wanted, actual)
        elif name == "ReleaseId" and isinstance(wanted, str) and isinstance(actual, str):
            same = wanted.lower() == actual.lower()
        else:
            same = wanted == actual
        if not same:
            found.append(f"{name} is {actual!r}, not {wanted!r}")
    return found


def sample(ids: Sequence[str], size: int = 10) -> list[str]:
    """Up to ``size`` ids spread evenly over ``ids`` (the first and the last included): what
    ``verify=True`` reads back. Example: ``sample([str(n) for n in range(100)], 3)`` →
    ``['0', '49', '99']``."""
    if len(ids) <= size:
        return list(ids)
    if size == 1:
        return [ids[0]]
    step = (len(ids) - 1) / (size - 1)
    return [ids[round(number * step)] for number in range(size)]


def _lookup_matches(wanted: Any, actual: Any) -> bool:
    if not isinstance(actual, dict):
        return wanted is None and actual is None
    if isinstance(wanted, dict):
        wanted_id = next((v for k, v in wanted.items() if k.lower() == "id"), None)
        wanted_value = next((v for k, v in wanted.items() if k.lower() == "value"), None)
    else:
        wanted_id, wanted_value = None, wanted
    if wanted_id is not None:
        return str(actual.get("Id", "")).lower() == str(wanted_id).lower()
    return str(actual.get("Value", "")).lower() == str(wanted_value).lower()


def _fields_match(wanted: Any, actual: Any) -> bool:
    if not isinstance(wanted, list) or not isinstance(actual, list):
        return bool(wanted == actual)
    present = {
        str(f.get("Name", "")).lower(): f.get("Value") for f in actual if isinstance(f, dict)
    }
    for item in wanted:
        if not isinstance(item, dict):
            return False
        name = next((v for k, v in item.items() if k.lower() == "name"), None)
        value = next((v for k, v in item.items() if k.lower() == "value"), None)
        shown = None if value is None else str(value)
        if present.get(str(name).lower(), "<missing>") != shown:
            return False
    return True

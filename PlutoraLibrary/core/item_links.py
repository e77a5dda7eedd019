"""Tests linked to the Plutora Test items they cover: references, links, checks, a summary.

A Robot test says what it covers with tags (``tms:TC-0012`` a test case, ``issue:DEF-0042``
a defect, ``requirement:REQ-0003``, ``testplan:TP-003``), a pytest test with a marker
(``@pytest.mark.plutora(test_case="TC-0012", defect="DEF-0042")``). The adapters turn them
into Allure links to the items in the Plutora Test web UI (the address comes from the
``test_ui_url`` setting, an address or a pattern: the API hosts say nothing of the UI's), may
check that the items exist (``check_links``), and sum up which items the run covered and
which of them have failed tests. Nothing here changes an item: it reads, when asked to.

Example::

    refs = refs_from_tags(["smoke", "tms:TC-0012", "issue:DEF-0042"])
    links = ItemLinks.from_config(config)
    links.url_for(refs[0])         # 'https://acme.plutora.com/test/testcases/TC-0012'
    coverage = Coverage()
    coverage.add("Checkout works", refs, passed=False)
    coverage.line()   # 'Plutora Test: 2 items covered by 1 test; 2 with failed tests: …'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import NotFound

#: The kinds of item a test may cover: the name used in tags and the pytest marker, the
#: Allure link type (``tms`` and ``issue`` are Allure's own; the others are plain links),
#: the path segment of the default link pattern, and the tag prefixes that name it.
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "test_case": ("tms", "testcases", ("tms", "testcase", "test_case")),
    "defect": ("issue", "defects", ("issue", "defect")),
    "requirement": ("link", "requirements", ("requirement", "req")),
    "test_plan": ("link", "testplans", ("testplan", "test_plan")),
}
_TAG_KIND = {prefix: kind for kind, (_t, _s, prefixes) in KINDS.items() for prefix in prefixes}
#: ``[TC-0012]https://…``: Allure's ``[name]url`` form, which a tag holds once linked.
_NAMED = re.compile(r"^\[(?P<name>[^\]]+)\](?P<url>.*)$")
_LABELS = {"test_case": "test case", "defect": "defect", "requirement": "requirement",
           "test_plan": "test plan"}  # fmt: skip


@dataclass(frozen=True, order=True)
class ItemRef:
    """One Plutora Test item a test covers: its kind (``test_case``, ``defect``,
    ``requirement``, ``test_plan``) and display id. Example: ``ItemRef("test_case", "TC-0012")``.
    """

    kind: str
    display_id: str

    @property
    def label(self) -> str:
        """The kind in words (``test case``)."""
        return _LABELS[self.kind]

    def __str__(self) -> str:
        return self.display_id


def refs_from_tags(tags: Iterable[str]) -> list[ItemRef]:
    """The items Robot tags name: ``tms:TC-0012``, ``issue:DEF-0042``, ``requirement:REQ-3``,
    ``testplan:TP-003`` (any case, display ids read in upper case; the ``[TC-0012]https://…``
    form a linked tag has too).
    Example: ``refs_from_tags(["tms:TC-0012", "smoke"])`` → ``[ItemRef("test_case", "TC-0012")]``
    """
    found: list[ItemRef] = []
    for tag in tags:
        prefix, colon, value = str(tag).partition(":")
        kind = _TAG_KIND.get(prefix.strip().lower())
        if not colon or kind is None:
            continue
        value = value.strip()
        named = _NAMED.match(value)
        # Upper case: formatters (robocop, robotidy) lower-case tags, display ids are upper.
        display_id = (named.group("name") if named else value).strip().upper()
        if display_id and ItemRef(kind, display_id) not in found:
            found.append(ItemRef(kind, display_id))
    return found


def refs_from_marker(**items: Any) -> list[ItemRef]:
    """The items a ``plutora`` marker names: ``test_case``, ``defect``, ``requirement``,
    ``test_plan``, each one display id or a list of them; anything else is a ``ValueError``
    naming what the marker takes.
    Example: ``refs_from_marker(test_case="TC-0012", defect=["DEF-1", "DEF-2"])``
    """
    found: list[ItemRef] = []
    for kind, value in items.items():
        if kind not in KINDS:
            raise ValueError(
                f"The plutora marker takes {', '.join(KINDS)}, not {kind!r}: "
                '@pytest.mark.plutora(test_case="TC-0012", defect="DEF-0042").'
            )
        values = [value] if isinstance(value, str) else list(value or ())
        for display_id in values:
            if not isinstance(display_id, str) or not display_id.strip():
                raise ValueError(
                    f"The plutora marker's {kind} must be display ids such as 'TC-0012', "
                    f"not {display_id!r}."
                )
            ref = ItemRef(kind, display_id.strip())
            if ref not in found:
                found.append(ref)
    return found


@dataclass(frozen=True)
class ItemLinks:
    """How an item becomes a link: ``pattern`` holds ``{id}`` (the display id) and may hold
    ``{kind}`` (``testcases``, ``defects``, ``requirements``, ``testplans``). None: no UI is
    known, and no link is made. Example: ``ItemLinks("https://ui/{kind}/{id}")``.
    """

    pattern: str | None = None

    @classmethod
    def from_settings(cls, ui_url: str | None) -> ItemLinks:
        """A link pattern as given (an address holding ``{id}``), or the UI address's
        ``<ui>/{kind}/{id}``; None without either.
        Example: ``ItemLinks.from_settings("https://acme.plutora.com/test").pattern``"""
        if not ui_url:
            return cls(None)
        if "{id}" in ui_url:
            return cls(ui_url)
        return cls(ui_url.rstrip("/") + "/{kind}/{id}")

    @classmethod
    def from_config(cls, config: Any) -> ItemLinks:
        """From a :class:`PlutoraConfig`'s ``test_ui_url``."""
        return cls.from_settings(getattr(config, "test_ui_url", None))

    def url_for(self, ref: ItemRef) -> str | None:
        """The item's address in the UI, or None without a pattern."""
        if self.pattern is None:
            return None
        return self.pattern.replace("{kind}", KINDS[ref.kind][1]).replace("{id}", ref.display_id)

    def allure_pattern(self, kind: str) -> str | None:
        """The pattern in Allure's ``{}`` form for one kind (``--allure-link-pattern``)."""
        if self.pattern is None:
            return None
        return self.pattern.replace("{kind}", KINDS[kind][1]).replace("{id}", "{}")


class ItemChecker:
    """Whether items exist, each looked up once per process (by display id).

    ``lookups`` maps a kind to a function reading one item by display id (the client's
    ``test_case_by_display_id`` …); :class:`NotFound` means it does not exist.
    Example: ``ItemChecker.for_client(client).problem([ItemRef("test_case", "TC-9999")])``
    """

    def __init__(self, lookups: Mapping[str, Callable[[str], Any]]) -> None:
        self.lookups = lookups
        self._known: dict[ItemRef, bool] = {}

    @classmethod
    def for_client(cls, client: Any) -> ItemChecker:
        """A checker reading through a :class:`PlutoraTestClient`."""
        return cls(
            {
                "test_case": client.test_case_by_display_id,
                "defect": client.defect_by_display_id,
                "requirement": client.requirement_by_display_id,
                "test_plan": client.test_plan_by_display_id,
            }
        )

    def missing(self, refs: Iterable[ItemRef]) -> list[ItemRef]:
        """The refs no item answers to (network and other errors propagate)."""
        absent = []
        for ref in refs:
            known = self._known.get(ref)
            if known is None:
                try:
                    self.lookups[ref.kind](ref.display_id)
                    known = True
                except NotFound:
                    known = False
                self._known[ref] = known
            if not known:
                absent.append(ref)
        return absent

    def problem(self, refs: Iterable[ItemRef]) -> str | None:
        """A message naming the items that do not exist, or None when all do.
        Example: ``"The test links to a Plutora Test test case that does not exist: TC-9999 …"``
        """
        absent = self.missing(refs)
        if not absent:
            return None
        named = ", ".join(f"{ref.label} {ref.display_id}" for ref in absent)
        return (
            f"The test links to Plutora Test items that do not exist: {named}. Correct the "
            "tag or marker (the display id, e.g. TC-0012), or create the item; links are "
            "checked because check_links (PLUTORA_CHECK_LINKS, --plutora-check-links) is on."
        )


@dataclass
class Coverage:
    """Which items a run's tests covered, and which of those have failed tests.

    Example::

        coverage = Coverage()
        coverage.add("Login works", [ItemRef("test_case", "TC-0001")], passed=True)
        coverage.line()
    """

    #: Per item: the names of its passed and failed tests.
    items: dict[ItemRef, dict[str, list[str]]] = field(default_factory=dict)
    tests: int = 0

    def add(self, test: str, refs: Iterable[ItemRef], passed: bool) -> None:
        """Record one test's outcome against every item it covers (none: not counted)."""
        refs = list(refs)
        if not refs:
            return
        self.tests += 1
        for ref in refs:
            outcome = self.items.setdefault(ref, {"passed": [], "failed": []})
            outcome["passed" if passed else "failed"].append(test)

    @property
    def failed(self) -> list[ItemRef]:
        """The items with at least one failed test, in order."""
        return sorted(ref for ref, outcome in self.items.items() if outcome["failed"])

    def line(self) -> str:
        """One console line. Example: ``'Plutora Test: 3 items covered by 4 tests; 1 with
        failed tests: TC-0012 (1 of 2 failed)'``."""
        count = len(self.items)
        text = (
            f"Plutora Test: {count} item{'s' if count != 1 else ''} covered by "
            f"{self.tests} test{'s' if self.tests != 1 else ''}"
        )
        failed = self.failed
        if not failed:
            return text + ("; none has a failed test." if count else ".")
        shown = ", ".join(
            f"{ref} ({len(self.items[ref]['failed'])} of "
            f"{len(self.items[ref]['failed']) + len(self.items[ref]['passed'])} failed)"
            for ref in failed[:20]
        )
        more = f" and {len(failed) - 20} more" if len(failed) > 20 else ""
        return f"{text}; {len(failed)} with failed tests: {shown}{more}."

    def report(self, links: ItemLinks | None = None) -> str:
        """The summary as text for an attachment: one line per item (kind, id, link,
        passed and failed tests). Example: ``coverage.report(ItemLinks.from_config(config))``
        """
        rows = [self.line(), ""]
        for ref in sorted(self.items):
            outcome = self.items[ref]
            url = links.url_for(ref) if links else None
            status = "FAILED" if outcome["failed"] else "passed"
            rows.append(
                f"{ref.display_id}  {ref.label}  {status}  "
                f"{len(outcome['passed'])} passed, {len(outcome['failed'])} failed"
                + (f"  {url}" if url else "")
            )
            rows.extend(f"    failed: {name}" for name in outcome["failed"])
        return "\n".join(rows) + "\n"

    def as_json(self) -> str:
        """The coverage as JSON (items by kind and id, with their tests)."""
        return json.dumps(
            {
                "tests": self.tests,
                "items": [
                    {"kind": ref.kind, "id": ref.display_id, **self.items[ref]}
                    for ref in sorted(self.items)
                ],
            },
            indent=1,
        )

"""pytest tests linked to the Plutora Test items they cover:
``@pytest.mark.plutora(test_case="TC-0012", defect="DEF-0042")`` (also ``requirement`` and
``test_plan``; each one display id or a list).

allure-pytest formats ``tms`` and ``issue`` links by its own ``--allure-link-pattern``: when
``test_ui_url`` gives the UI's address (or a pattern) and the run sets no pattern
of its own for those types, the plugin adds them, and a marked test gets its links through
``allure.dynamic.testcase`` / ``allure.dynamic.issue`` (so a test that also has
``@allure.testcase`` gets one link, not two); requirements and test plans become plain links.
``--plutora-check-links`` fails a test whose items do not exist, in its setup.

Every test's items travel with its report (``user_properties``), so the controller of an
xdist run sees the whole run: it prints the summary line at the end and writes it as an
Allure result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from PlutoraLibrary.core.settings import SETTINGS

if TYPE_CHECKING:  # loaded when a test is marked: a run that marks none pays nothing
    from PlutoraLibrary.core.item_links import ItemChecker, ItemLinks

#: The key of a test's items in its report's ``user_properties``.
PROPERTY = "plutora_items"
_checker_key: pytest.StashKey[ItemChecker] = pytest.StashKey()


def setting(config: pytest.Config, name: str) -> Any:
    """A setting from the command line, the ini file or the environment (converted)."""
    value = config.getoption(f"plutora_{name}", None)
    if value is None:
        value = config.getini(f"plutora_{name}") or None
    if value is None:
        value = os.environ.get(SETTINGS[name].env) or None
    return None if value is None else SETTINGS[name].convert(value)


def links_of(config: pytest.Config) -> ItemLinks:
    """The run's link pattern (a wrong address is a usage error naming the fix)."""
    from PlutoraLibrary.core.item_links import ItemLinks

    try:
        return ItemLinks.from_settings(setting(config, "test_ui_url"))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


@dataclass
class _Outcome:
    refs: list[tuple[str, str]] = field(default_factory=list)
    failed: bool = False
    skipped: bool = False


class ItemLinksPlugin:
    """The plugin object (registered by ``pytest_plutora.plugin``): each test's items, and
    in the controller the outcome of every test that names any."""

    def __init__(self) -> None:
        self.outcomes: dict[str, _Outcome] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers",
            "plutora(test_case=..., defect=..., requirement=..., test_plan=...): the Plutora "
            "Test items the test covers (display ids): Allure links, --plutora-check-links.",
        )
        patterns = getattr(config.option, "allure_link_pattern", None)
        if patterns is None or setting(config, "test_ui_url") is None:
            return  # no allure-pytest, or no address to link to
        links = links_of(config)
        given = {link_type for link_type, _ in patterns}
        for kind, link_type in (("test_case", "tms"), ("defect", "issue")):
            if link_type not in given:
                patterns.append([link_type, links.allure_pattern(kind)])

    @pytest.fixture(autouse=True)
    def _plutora_item_links(self, request: pytest.FixtureRequest) -> None:
        markers = list(request.node.iter_markers("plutora"))
        if not markers:
            return
        from PlutoraLibrary.core.item_links import ItemChecker, ItemRef, refs_from_marker

        refs: list[ItemRef] = []
        for marker in markers:
            try:
                found = refs_from_marker(**marker.kwargs)
            except ValueError as error:
                pytest.fail(str(error), pytrace=False)
            refs.extend(ref for ref in found if ref not in refs)
        if not refs:
            return
        request.node.user_properties.append(
            (PROPERTY, [[ref.kind, ref.display_id] for ref in refs])
        )
        _add_allure_links(refs, links_of(request.config))
        if setting(request.config, "check_links"):
            config = request.config
            checker = config.stash.get(_checker_key, None)
            if checker is None:
                checker = ItemChecker.for_client(request.getfixturevalue("plutora_test"))
                config.stash[_checker_key] = checker
            problem = checker.problem(refs)
            if problem:
                pytest.fail(problem, pytrace=False)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # In the controller under xdist the reports of every worker arrive here.
        items: Any = next((value for key, value in report.user_properties if key == PROPERTY), None)
        if items is None:
            return
        refs = [(str(kind), str(display_id)) for kind, display_id in items]
        outcome = self.outcomes.setdefault(report.nodeid, _Outcome(refs))
        if report.failed:
            outcome.failed = True
        if report.skipped and report.when in ("setup", "call"):
            outcome.skipped = True

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        config = terminalreporter.config
        if hasattr(config, "workerinput"):
            return
        if not self.outcomes:
            return
        from PlutoraLibrary.core.item_links import Coverage, ItemRef

        coverage = Coverage()
        for name, outcome in self.outcomes.items():
            if not outcome.skipped:
                refs = [ItemRef(kind, display_id) for kind, display_id in outcome.refs]
                coverage.add(name, refs, passed=not outcome.failed)
        if not coverage.items:
            return
        terminalreporter.write_line(coverage.line())
        from PlutoraLibrary.allure_items import write_coverage

        write_coverage(coverage, links_of(config))


def _add_allure_links(refs: list[Any], links: ItemLinks) -> None:
    """Allure's own tms/issue links (formatted by its link pattern), plain links for the rest;
    nothing when no Allure plugin records the test."""
    import allure

    for ref in refs:
        if ref.kind == "test_case":
            allure.dynamic.testcase(ref.display_id, name=ref.display_id)  # type: ignore[no-untyped-call]
        elif ref.kind == "defect":
            allure.dynamic.issue(ref.display_id, name=ref.display_id)  # type: ignore[no-untyped-call]
        else:
            url = links.url_for(ref)
            if url:
                allure.dynamic.link(url, name=ref.display_id)  # type: ignore[no-untyped-call]

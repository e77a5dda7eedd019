"""Robot tests linked to the Plutora Test items their tags name (``tms:TC-0012``,
``issue:DEF-0042``, ``requirement:REQ-0003``, ``testplan:TP-003``).

allure-robotframework already turns ``tms:`` and ``issue:`` tags into links, with the tag's
text as the address; a tag may carry a name and an address as ``tms:[TC-0012]https://…``.
So when the UI's address is known (``test_ui_url``: an address or a pattern), each such tag is
rewritten at the start of its test into that form: Allure then makes its own one link, to
the item, and no second one is added. ``requirement:`` and ``testplan:`` tags, which Allure
does not read, become plain links through ``allure.dynamic.link``.

With ``check_links``, a test whose items do not all exist fails in its setup, naming them.
The run's coverage (which items, which failed) is a console line and an Allure result at the
end of the run; under pabot each process sees only its own tests, so the summary comes from
the merged output instead: ``plutora links output.xml``.
"""

from __future__ import annotations

from typing import Any

from robot.api import logger
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

from ..core.item_links import Coverage, ItemChecker, ItemLinks, ItemRef, refs_from_tags
from .context import PlutoraContext

#: Tags allure-robotframework turns into links itself.
_ALLURE_OWN = {"test_case": "tms", "defect": "issue"}


class RobotItemLinks:
    """The library listener's part in linking tests to items.

    Example (the library does this): ``links.start_test(data, result)`` …
    ``links.end_test(data, result)`` … ``links.close()``.
    """

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context
        self.coverage = Coverage()
        self._checker: ItemChecker | None = None
        #: Whether this process is one of a pabot run's (known from its first test).
        self.under_pabot: bool | None = None

    @property
    def links(self) -> ItemLinks:
        """The link pattern of the current settings."""
        return ItemLinks.from_config(self.context.config)

    def start_test(self, data: Any, result: Any) -> None:
        """Rewrite ``tms:``/``issue:`` tags into Allure's ``[id]address`` form, add the
        other kinds' links, and fail the test's setup when a checked item does not exist."""
        if self.under_pabot is None:
            self.under_pabot = _under_pabot()
        refs = refs_from_tags(result.tags)
        if not refs:
            return
        links = self.links
        if links.pattern is not None:
            tags = []
            for tag in result.tags:
                own = refs_from_tags([tag])
                prefix = _ALLURE_OWN.get(own[0].kind) if own else None
                if own and prefix:
                    tags.append(f"{prefix}:[{own[0].display_id}]{links.url_for(own[0])}")
                else:
                    tags.append(tag)
            result.tags = tags
            self._plain_links(refs, links)
        if self.context.config.check_links:
            problem = self._check(refs)
            if problem:
                data.setup.config(name="BuiltIn.Fail", args=(problem,))

    def end_test(self, data: Any, result: Any) -> None:
        """Count the test's outcome for each item it covers."""
        refs = refs_from_tags(result.tags)
        if refs and result.status != "SKIP":
            self.coverage.add(str(result.full_name), refs, passed=result.status == "PASS")

    def close(self) -> None:
        """At the end of the run: the summary line on the console and as an Allure result
        (not under pabot, where ``plutora links output.xml`` sums up the merged run)."""
        if not self.coverage.items or self.under_pabot:
            return
        from ..allure_items import write_coverage

        logger.console(self.coverage.line())
        write_coverage(self.coverage, self.links)

    def _check(self, refs: list[ItemRef]) -> str | None:
        if self._checker is None:
            self._checker = ItemChecker.for_client(self.context.plutora_test)
        return self._checker.problem(refs)

    def _plain_links(self, refs: list[ItemRef], links: ItemLinks) -> None:
        plain = [ref for ref in refs if ref.kind not in _ALLURE_OWN]
        if not plain:
            return
        import allure

        for ref in plain:
            allure.dynamic.link(str(links.url_for(ref)), name=ref.display_id)  # type: ignore[no-untyped-call]


def _under_pabot() -> bool:
    try:
        return BuiltIn().get_variable_value("${PABOTQUEUEINDEX}") is not None
    except RobotNotRunningError:
        return False


def coverage_from_output(path: str) -> Coverage:
    """The coverage of a Robot run from its ``output.xml`` (a pabot run's merged one): each
    test's item tags and status. Example: ``coverage_from_output("output.xml").line()``."""
    from robot.api import ExecutionResult, ResultVisitor

    coverage = Coverage()

    class _Tests(ResultVisitor):  # type: ignore[misc]
        def visit_test(self, test: Any) -> None:
            refs = refs_from_tags(test.tags)
            if refs and test.status != "SKIP":
                coverage.add(str(test.full_name), refs, passed=test.status == "PASS")

    ExecutionResult(path).visit(_Tests())
    return coverage

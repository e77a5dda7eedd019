"""pytest tests linked to Plutora Test items (issue 19): the examples, Allure links through
allure-pytest's own link patterns, --plutora-check-links, and the run's summary in the
controller of an xdist run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = "https://acme.plutora.example/test"

MARKED = """
import pytest

@pytest.mark.plutora(test_case="TC-0012", defect="DEF-0042")
def test_marked(plutora_test):
    assert plutora_test.test_case_by_display_id("TC-0012")

@pytest.mark.plutora(test_case="TC-0012", requirement="REQ-0003")
def test_marked_and_failing():
    assert False, "on purpose"

@pytest.mark.plutora(test_case="TC-9999")
def test_unknown_item():
    pass

def test_plain():
    pass
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PLUTORA_"):
            monkeypatch.delenv(key)


def _results(folder: Path) -> dict[str, dict]:
    return {
        result["name"]: result
        for result in (json.loads(p.read_text()) for p in folder.glob("*-result.json"))
    }


def test_the_plutora_test_examples_pass_offline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_examples=(ROOT / "tests" / "examples" / "test_plutora_test_examples.py").read_text()
    )
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "--plutora-check-links", "-p", "no:cacheprovider"
    )
    assert result.parseoutcomes() == {"passed": 7}, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(
        ["Plutora Test: 3 items covered by 2 tests; none has a failed test."]
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_marked_tests_link_to_their_items_and_the_run_is_summed_up(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    pytester.makepyfile(test_marked=MARKED)
    results = pytester.path / "allure"
    result = pytester.runpytest_subprocess(
        "--plutora-sim",
        f"--plutora-test-ui-url={UI}",
        "--plutora-check-links",
        f"--alluredir={results}",
        "-p",
        "no:cacheprovider",
        *workers,
    )
    assert result.parseoutcomes() == {"passed": 2, "failed": 1, "errors": 1}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_unknown_item*",
            "The test links to Plutora Test items that do not exist: test case TC-9999*",
            "Plutora Test: 4 items covered by 3 tests; 3 with failed tests: REQ-0003 (1 of 1 "
            "failed), TC-0012 (1 of 2 failed), TC-9999 (1 of 1 failed).",
        ]
    )
    found = _results(results)
    links = {(link["type"], link["url"]) for link in found["test_marked"]["links"]}
    assert links == {("tms", f"{UI}/testcases/TC-0012"), ("issue", f"{UI}/defects/DEF-0042")}
    assert ("link", f"{UI}/requirements/REQ-0003") in {
        (link["type"], link["url"]) for link in found["test_marked_and_failing"]["links"]
    }
    assert "links" not in found["test_plain"] or not found["test_plain"]["links"]
    summary = found["Plutora Test coverage"]
    assert summary["status"] == "failed"
    assert [a["name"] for a in summary["attachments"]] == ["Plutora Test coverage", "coverage.json"]
    report = (results / summary["attachments"][0]["source"]).read_text()
    assert f"TC-9999  test case  FAILED  0 passed, 1 failed  {UI}/testcases/TC-9999" in report


def test_the_runs_own_allure_link_pattern_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_marked=MARKED.split('@pytest.mark.plutora(test_case="TC-0012", requirement')[0]
    )
    results = pytester.path / "allure"
    result = pytester.runpytest_subprocess(
        "--plutora-sim",
        f"--plutora-test-ui-url={UI}",
        "--allure-link-pattern=tms:https://tracker.example/{}",
        f"--alluredir={results}",
        "-p",
        "no:cacheprovider",
    )
    assert result.parseoutcomes() == {"passed": 1}, result.stdout.str()
    links = {link["url"] for link in _results(results)["test_marked"]["links"]}
    assert links == {"https://tracker.example/TC-0012", f"{UI}/defects/DEF-0042"}


def test_a_wrong_marker_argument_is_named(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.plutora(testcase="TC-0012")
def test_typo():
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.parseoutcomes() == {"errors": 1}, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*The plutora marker takes test_case, defect, requirement, test_plan, not 'testcase'*"]
    )

"""What a resilience test most needs to show, shown: every attempt, wait and renewal of a call
in Robot's log at INFO and in Allure (allure-robotframework), with the step's status the
call's outcome and every JSON attachment valid JSON; and readable schema failures in Robot
and pytest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[2]

SUITE = """\
*** Settings ***
Library    PlutoraLibrary

*** Test Cases ***
Retried, Waited And Renewed
    Start Plutora Simulator
    ${me}    Get Current User
    Inject Fault    /releases$    status=503    count=2
    ${releases}    Get Releases
    Inject Fault    /me$    kind=rate_limit    retry_after=1
    ${me}    Get Current User
    Expire Tokens
    ${me}    Get Current User
    Run Keyword And Expect Error    NotFound: *    Get Release    no-such-release
    ${changes}    Search Changes    page_size=100
    [Teardown]    Close Plutora Connections

Every Mismatch Listed
    Start Plutora Simulator
    ${releases}    Get Releases
    ${error}    Run Keyword And Expect Error    *    Should Match Schema    ${releases}[0]    release
    Should Contain    ${error}    It matches 'release-list-item'
    ${bad}    Create Dictionary    id=${5}
    ${error}    Run Keyword And Expect Error    *    Should Match Schema    ${bad}    release
    Should Contain    ${error}    more mismatches
    Should Contain    ${error}    - $: missing name, summary,
    [Teardown]    Close Plutora Connections
"""


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reported")
    suite = out / "reported.robot"
    suite.write_text(SUITE, encoding="utf-8")
    allure = out / "allure"
    command = [
        sys.executable, "-m", "robot", "--outputdir", str(out), "--loglevel", "INFO",
        "--console", "none", "--listener", f"allure_robotframework:{allure}", str(suite),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, timeout=300, env=_environment(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _messages(out: Path) -> list[tuple[str, str]]:
    root = ElementTree.parse(out / "output.xml").getroot()  # noqa: S314 - our own output
    return [(m.get("level", ""), m.text or "") for m in root.iter("msg")]


def test_robot_logs_every_attempt_wait_and_renewal_at_info(run: Path) -> None:
    info = [text for level, text in _messages(run) if level == "INFO"]
    retried = [t for t in info if t.startswith("GET /plutora/api/releases → 200 after 3 attempts")]
    assert len(retried) == 1
    assert ": 503 (" in retried[0]
    assert ", 503 (" in retried[0]
    assert ", 200 (" in retried[0]
    assert any("waited 1 s (Retry-After: 1)" in text for text in info)
    assert any("token renewed after 401" in text for text in info)
    assert any(
        "error answer: NotFound: GET /plutora/api/releases/no-such-release" in t for t in info
    )
    assert not [text for level, text in _messages(run) if level == "WARN"]


def test_robot_shows_json_bodies_pretty_printed_in_expandable_sections(run: Path) -> None:
    info = [text for level, text in _messages(run) if level == "INFO"]
    me = next(t for t in info if t.startswith("GET /plutora/api/me → 200 ("))
    assert "<details><summary>response 200</summary><pre>" in me
    login = next(t for t in info if t.startswith("POST /plutora/oauth/token → 200"))
    assert '\n  "access_token": "***"' in login  # pretty-printed and masked


def _allure_steps(out: Path) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for step in items:
            steps.append(step)
            walk(step.get("steps", []))

    for path in (out / "allure").glob("*-result.json"):
        walk(json.loads(path.read_text(encoding="utf-8")).get("steps", []))
    return steps


def test_allure_shows_the_attempts_and_the_outcome_of_each_call(run: Path) -> None:
    steps = _allure_steps(run)
    retried = next(
        s
        for s in steps
        if s["name"] == "GET /plutora/api/releases" and len(s.get("steps", [])) >= 3
    )
    assert retried["status"] == "passed"
    attempts = [s["name"] for s in retried["steps"] if not s["name"].startswith("waited")]
    assert [name.split(" (")[0] for name in attempts] == ["503", "503", "200"]
    missing = next(s for s in steps if s["name"] == "GET /plutora/api/releases/no-such-release")
    assert missing["status"] == "failed"
    names = [s["name"] for s in steps]
    assert any(name.startswith("waited 1 s (Retry-After: 1)") for name in names)
    assert "token renewed after 401" in names


def test_every_allure_attachment_labelled_json_parses(run: Path) -> None:
    attachments = [a for s in _allure_steps(run) for a in s.get("attachments", [])]
    labelled = [a for a in attachments if a["type"] == "application/json"]
    assert labelled
    for attachment in labelled:
        json.loads((run / "allure" / attachment["source"]).read_text(encoding="utf-8"))
    cut = [
        (run / "allure" / a["source"]).read_text(encoding="utf-8")
        for a in attachments
        if a["type"] == "text/plain"
    ]
    assert any(text.endswith("more characters)") for text in cut)  # a page, cut, as text


def test_allure_and_robot_show_no_secret(run: Path) -> None:
    needles = ["Sim-Password-1", "sim-plutora-secret", "sim-plutora-test-secret"]
    for path in [run / "output.xml", *(run / "allure").iterdir()]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [needle for needle in needles if needle in text], path


def test_pytest_explains_every_schema_mismatch(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_shape(plutora_schema):
            assert plutora_schema.mismatches({"id": 5}, "release") == []
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "the data does not match schema 'release':" in text
    assert "$.id: expected a value of type string, got 5" in text
    assert "$: missing identifier, name, summary" in text  # one line for one object's
    assert "more items" not in text


def test_the_pytest_plugin_makes_allure_steps_with_the_calls_outcome(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from PlutoraLibrary.core import NotFound

        def test_missing(plutora):
            with pytest.raises(NotFound):
                plutora.release("no-such-release")
        """
    )
    allure = tmp_path / "allure"
    result = pytester.runpytest_subprocess(
        "--plutora-sim", f"--alluredir={allure}", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)
    steps: list[dict[str, Any]] = []
    for path in allure.glob("*-result.json"):
        steps.extend(json.loads(path.read_text(encoding="utf-8")).get("steps", []))
    missing = next(s for s in steps if s["name"] == "GET /plutora/api/releases/no-such-release")
    assert missing["status"] == "failed"
    assert "NotFound" in missing["statusDetails"]["message"]

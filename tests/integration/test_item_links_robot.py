"""Robot tests tagged with the Plutora Test items they cover (issue 19): one Allure link per
tag, to the item in the UI (allure-robotframework's own tms/issue links, given the address);
an unknown id fails its test, named; the run is summed up on the console and in Allure; a
pabot run is summed up from its merged output by ``plutora links``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import running_plutora_sim

UI = "https://acme.plutora.example/test"
SUITE = """*** Settings ***
Library    PlutoraLibrary    check_links=True
Suite Setup    Use Plutora Simulator    %{{PLUTORA_SIMULATOR_URL}}

*** Test Cases ***
{name} Covers Its Items
    [Tags]    tms:TC-00{n}    issue:DEF-00{n}    requirement:REQ-00{n}    smoke
    Log    covered

{name} Fails
    [Tags]    tms:tc-00{n}
    Fail    on purpose

{name} Names An Unknown Item
    [Tags]    tms:TC-9{n}
    Log    never runs
"""


@pytest.fixture(scope="module")
def sim_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_plutora_sim(tmp_path_factory.mktemp("sim")) as urls:
        yield urls["base"]


def _suites(folder: Path) -> Path:
    suites = folder / "suites"
    suites.mkdir()
    for n, name in ((12, "First"), (13, "Second")):
        (suites / f"{name.lower()}.robot").write_text(SUITE.format(n=n, name=name))
    return suites


def _env(sim_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    return {**env, "PLUTORA_SIMULATOR_URL": sim_url, "PLUTORA_TEST_UI_URL": UI}


def _results(folder: Path) -> dict[str, dict]:
    return {
        result["name"]: result
        for result in (json.loads(p.read_text()) for p in folder.glob("*-result.json"))
    }


SUMMARY = (
    "Plutora Test: 8 items covered by 6 tests; 4 with failed tests: TC-0012 (1 of 2 failed), "
    "TC-0013 (1 of 2 failed), TC-912 (1 of 1 failed), TC-913 (1 of 1 failed)."
)


def test_tags_become_one_link_each_and_an_unknown_item_fails_its_test(
    sim_url: str, tmp_path: Path
) -> None:
    allure = tmp_path / "allure"
    command = [
        sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), "--listener",
        f"allure_robotframework:{allure}", str(_suites(tmp_path)),
    ]  # fmt: skip
    result = subprocess.run(
        command, env=_env(sim_url), capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 4, result.stdout[-3000:]
    assert SUMMARY in result.stdout
    found = _results(allure)
    links = sorted((link["type"], link["url"]) for link in found["First Covers Its Items"]["links"])
    assert links == [
        ("issue", f"{UI}/defects/DEF-0012"),
        ("link", f"{UI}/requirements/REQ-0012"),
        ("tms", f"{UI}/testcases/TC-0012"),
    ]
    unknown = found["Second Names An Unknown Item"]
    assert unknown["status"] == "failed"
    assert (
        "The test links to Plutora Test items that do not exist: test case TC-913"
        in unknown["statusDetails"]["message"]
    )
    summary = found["Plutora Test coverage"]
    assert summary["description"] == SUMMARY
    report = (allure / summary["attachments"][0]["source"]).read_text()
    assert f"TC-913  test case  FAILED  0 passed, 1 failed  {UI}/testcases/TC-913" in report


def test_a_pabot_run_is_summed_up_from_its_merged_output(sim_url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "pabot.pabot", "--command", sys.executable, "-m", "robot",
        "--end-command", "--processes", "2", "--outputdir", str(out), str(_suites(tmp_path)),
    ]  # fmt: skip
    env = _env(sim_url)
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert "6 tests, 2 passed, 4 failed" in result.stdout, result.stdout[-3000:]
    assert "Plutora Test:" not in result.stdout  # each process saw only part of the run
    summed = subprocess.run(
        [sys.executable, "-m", "PlutoraLibrary.cli", "links", str(out / "output.xml"),
         "--allure-dir", str(tmp_path / "allure")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert summed.returncode == 0, summed.stderr
    assert summed.stdout.splitlines()[0] == SUMMARY
    assert _results(tmp_path / "allure")["Plutora Test coverage"]["status"] == "failed"

"""The scope stack, seen from Robot: a small suite (``tests/integration/scopes``) makes user
switches, injected faults and settings changes for each scope (Test, Suite, Global) against the
simulator, and checks in later tests what is still in force; its output.xml shows what the end
of each test and suite undid."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).resolve().parent / "scopes"


def test_each_scope_lasts_until_its_test_suite_or_run_ends(
    sim: PlutoraSimulator, control: Control, tmp_path: Path
) -> None:
    before = control("GET", "/settings").json()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env |= {"PLUTORA_SIMULATOR_URL": sim.urls.base, "SCOPES_PASSWORD": "Scopes-Password-4"}
    command = [sys.executable, "-m", "robot", "--outputdir", str(tmp_path), str(SUITE)]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]

    root = ElementTree.parse(tmp_path / "output.xml").getroot()  # noqa: S314 - our own output
    messages = [(m.get("level"), m.text or "") for m in root.iter("msg")]
    undone = [text for _, text in messages if text.startswith("End of the")]
    # The test's fault and setting at the end of the test; the suite's (from its setup and
    # from a test with scope=Suite) at the end of the suite, the latest first.
    assert any("End of the test" in t and "/scope-test-fault$" in t for t in undone), undone
    assert any("End of the test" in t and "rateLimit=1000" in t for t in undone), undone
    suite_end = [t for t in undone if t.startswith("End of the suite")]
    assert [t for t in suite_end if "fault" in t] == [
        next(t for t in suite_end if "/scope-suite-fault$" in t),
        next(t for t in suite_end if "/scope-suite-setup-fault$" in t),
    ]
    warnings = [text for level, text in messages if level == "WARN"]
    assert any("/scope-suite-setup-fault$" in text for text in warnings)  # after the suite's log
    # The global changes outlive every suite (02_after.robot sees them) and end with the run.
    assert any("End of the run" in t and "/scope-global-fault$" in t for t in undone), undone
    assert any("/scope-global-fault$" in text for text in warnings)  # after the run's log
    assert control("GET", "/faults").json() == []
    assert control("GET", "/settings").json() == before


NAMED_TEST = """\
*** Settings ***
Library          PlutoraLibrary
Suite Setup      Run Keywords    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
...              AND    Set Simulator Settings    rateLimit=1234


*** Test Cases ***
A Test Ends
    No Operation

The Suite's Setting Outlives It
    ${settings}    Set Simulator Settings
    Should Be Equal As Integers    ${settings}[rateLimit]    1234
"""


def test_a_suite_named_test_or_global_owns_its_changes_alone(
    sim: PlutoraSimulator, control: Control, tmp_path: Path
) -> None:
    # Owners are tagged: the suite "test" is not the test, the suite "global" not the run.
    before = control("GET", "/settings").json()
    suite = tmp_path / "named.robot"
    suite.write_text(NAMED_TEST)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env |= {"PLUTORA_SIMULATOR_URL": sim.urls.base}
    for name in ("test", "global"):
        output = tmp_path / name
        command = [sys.executable, "-m", "robot", "--name", name, "--outputdir", str(output)]
        result = subprocess.run(
            [*command, str(suite)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        assert control("GET", "/settings").json() == before  # put back when the suite ended

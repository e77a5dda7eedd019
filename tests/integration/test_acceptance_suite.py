"""The README's acceptance command must stay green: run the Robot suite as CI's part of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]


def test_the_acceptance_suite_passes_against_the_embedded_simulator(tmp_path: Path) -> None:
    # A site left in the shell is not used: the suite writes, and runs against a site only
    # with --variable TARGET:site (nothing listens at port 1, so using it would fail).
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env["PLUTORA_API_URL"] = "http://127.0.0.1:1/plutora/api"
    env["PLUTORA_AUTH_URL"] = "http://127.0.0.1:1/plutora/oauth/token"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "robot",
            "--outputdir",
            str(tmp_path),
            "--xunit",
            "xunit.xml",
            "--console",
            "dotted",
            "acceptance",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = ElementTree.parse(tmp_path / "output.xml")  # noqa: S314 - our own Robot output
    stats = output.getroot().find("statistics/total/stat")
    assert stats is not None
    assert int(stats.get("pass", "0")) >= 6
    assert stats.get("fail") == "0"
    assert (tmp_path / "xunit.xml").exists()
    # Quiet by default: a green run has no warning (urllib3's retry lines, pyrate-limiter's
    # start-up, an error status a negative test expects are none of the reader's business).
    warnings = [m.text for m in output.getroot().iter("msg") if m.get("level") == "WARN"]
    assert warnings == []

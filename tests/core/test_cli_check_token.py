"""``plutora check`` (a CI gate) and ``plutora token`` (for scripts), against the simulator."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from PlutoraLibrary.core import PlutoraConfig
from PlutoraLibrary.simulator import PlutoraSimulator

PLUTORA = [sys.executable, "-m", "PlutoraLibrary.cli"]


def _env(sim: PlutoraSimulator, **changes: str) -> dict[str, str]:
    urls = sim.urls
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env.update(
        {
            "PLUTORA_AUTH_URL": urls.plutora_token_url,
            "PLUTORA_API_URL": urls.plutora_api_url,
            "PLUTORA_CLIENT_ID": "sim-plutora-client",
            "PLUTORA_CLIENT_SECRET": "sim-plutora-secret",
            "PLUTORA_USERNAME": "qa.lead@example.com",
            "PLUTORA_PASSWORD": "Sim-Password-1",
            "PLUTORA_TEST_AUTH_URL": urls.plutora_test_token_url,
            "PLUTORA_TEST_API_URL": urls.plutora_test_api_url,
            "PLUTORA_TEST_CLIENT_ID": "sim-plutora-test-client",
            "PLUTORA_TEST_CLIENT_SECRET": "sim-plutora-test-secret",
            "PLUTORA_TEST_USERNAME": "qa.lead@example.com",
            "PLUTORA_TEST_PASSWORD": "Sim-Password-1",
        }
    )
    env.update(changes)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLUTORA, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_check_passes_against_a_healthy_site(sim: PlutoraSimulator) -> None:
    result = _run(["check"], _env(sim))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["product", "check", "result"]
    assert any(
        "Plutora Test" in line and "defect by id" in line and "PASS" in line for line in lines
    )
    assert lines[-1] == "40 passed, 0 failed"
    assert any("environment health" in line and "PASS" in line for line in lines)
    for name in ("release changes", "release linked items", "change linked items"):
        assert any(name in line and "PASS" in line for line in lines), name
    assert "Sim-Password-1" not in result.stdout + result.stderr


def test_check_of_one_product_says_the_other_was_not_checked(sim: PlutoraSimulator) -> None:
    env = {key: value for key, value in _env(sim).items() if not key.startswith("PLUTORA_TEST_")}
    result = _run(["check"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Plutora Test was not checked:" in result.stderr
    assert "PLUTORA_TEST_" in result.stderr  # what to set
    assert "Plutora Test" not in result.stdout  # the table is Plutora's alone


def test_check_fails_on_a_refused_login_and_says_why(sim: PlutoraSimulator) -> None:
    result = _run(["check"], _env(sim, PLUTORA_PASSWORD="wrong-password-123"))
    assert result.returncode == 1
    assert "FAIL" in result.stdout
    assert "Login failed, you have 5 attempts to login" in result.stdout
    assert "wrong-password-123" not in result.stdout + result.stderr
    assert sim.counters()["loginAttempts"]["plutora:qa.lead@example.com"] == 1


def test_check_without_settings_exits_2_naming_what_to_set() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    result = _run(["check"], env)
    assert result.returncode == 2
    assert "Nothing to check" in result.stderr
    assert "PLUTORA_CLIENT_ID" in result.stderr


def test_token_prints_the_token_alone(sim: PlutoraSimulator) -> None:
    result = _run(["token", "--product", "plutora-test"], _env(sim))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert len(result.stdout.splitlines()) == 1
    issued = sim.state.tokens[token]
    assert issued.product == "plutora-test"


def test_token_reports_a_refusal_on_stderr(sim: PlutoraSimulator) -> None:
    result = _run(["token"], _env(sim, PLUTORA_CLIENT_SECRET="nope-nope"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "invalid_grant" in result.stderr


def test_check_runs_read_only(sim: PlutoraSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from PlutoraLibrary.core import check
    from PlutoraLibrary.core.plutora import PlutoraClient
    from tests.core.conftest import config_for

    seen: list[bool] = []

    class Recording(PlutoraClient):
        def __init__(self, config: PlutoraConfig) -> None:
            seen.append(config.read_only)
            super().__init__(config)

    monkeypatch.setattr(check, "PlutoraClient", Recording)
    results = check.run_checks(config_for(sim, read_only=False))
    assert all(result.passed for result in results)
    assert seen == [True]
    writes = [route for route in sim.counters()["requests"] if route.split()[0] != "GET"]
    reads = ("/oauth/token", "/filter", "/search", "/CurrentStatus")  # searches change nothing
    assert all(route.endswith(reads) for route in writes), writes

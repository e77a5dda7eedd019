"""The lockout audit: a wrong password in ordinary parallel runs costs exactly one login attempt
per run, read from the simulator's counters, and the right password works afterwards.

Before the refusal memory was shared, ``robot`` over 6 suites with ``Close Plutora
Connections`` in every teardown made 6 attempts, ``pabot --processes 2 --testlevelsplit`` over
12 tests made 12, and ``pytest -n 6`` made 6: five lock a real account.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig
from tests.conftest import running_plutora_sim

pytestmark = [pytest.mark.slow, pytest.mark.parallel]

USER = "lockout.audit@example.com"
RIGHT = "Audit-Right-Password-1"
WRONG = "Audit-Wrong-Password-1"
SETTINGS = f"""
[[users]]
username = "{USER}"
password = "{RIGHT}"
product = "plutora"
"""

ROBOT_SUITE = """*** Settings ***
Library           PlutoraLibrary
Suite Teardown    Close Plutora Connections


*** Test Cases ***
{name} First
    Run Keyword And Expect Error    LoginRejected: *    Get Current User

{name} Second
    Run Keyword And Expect Error    LoginRejected: *    Get Current User
"""

PYTEST_MODULE = """
import pytest
from PlutoraLibrary.core import LoginRejected


@pytest.mark.parametrize("number", range(8))
def test_refused(plutora_config, number):
    from PlutoraLibrary.core import PlutoraClient

    with PlutoraClient(plutora_config) as client, pytest.raises(LoginRejected):
        client.current_user()
"""


def _environment(urls: dict[str, str], tmp_path: Path, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(
        PLUTORA_AUTH_URL=urls["plutora_token_url"],
        PLUTORA_API_URL=urls["plutora_api_url"],
        PLUTORA_CLIENT_ID="sim-plutora-client",
        PLUTORA_CLIENT_SECRET="sim-plutora-secret",
        PLUTORA_USERNAME=USER,
        PLUTORA_PASSWORD=password,
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def _attempts(urls: dict[str, str]) -> int:
    counters = requests.get(urls["control_url"] + "/counters", timeout=10).json()
    return int(counters["loginAttempts"].get(f"plutora:{USER}", 0))


def _right_password_works(urls: dict[str, str]) -> None:
    config = PlutoraConfig.from_env(
        {},
        auth_url=urls["plutora_token_url"],
        api_url=urls["plutora_api_url"],
        client_id="sim-plutora-client",
        client_secret="sim-plutora-secret",
        username=USER,
        password=RIGHT,
    )
    with PlutoraClient(config) as client:
        assert client.current_user() == USER


def _suites(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        name = f"Suite {number}"
        text = ROBOT_SUITE.format(name=name)
        (folder / f"suite_{number}.robot").write_text(text, encoding="utf-8")
    return folder


def _run(command: list[str], env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for secret in (WRONG, RIGHT, "sim-plutora-secret"):
        assert secret not in result.stdout + result.stderr


def test_robot_over_six_suites_closing_connections_tries_a_wrong_password_once(
    tmp_path: Path,
) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        suites = _suites(tmp_path / "suites", 6)
        env = _environment(urls, tmp_path, WRONG)
        command = [
            sys.executable,
            "-m",
            "robot",
            "--outputdir",
            str(tmp_path / "out"),
            "-L",
            "TRACE",
        ]
        _run([*command, str(suites)], env, tmp_path)
        assert _attempts(urls) == 1
        _right_password_works(urls)


def test_pabot_with_four_processes_per_test_tries_a_wrong_password_once(tmp_path: Path) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        suites = _suites(tmp_path / "suites", 6)  # 12 tests, one process each
        env = _environment(urls, tmp_path, WRONG)
        command = [sys.executable, "-m", "pabot.pabot", "--processes", "4", "--testlevelsplit"]
        _run([*command, "--outputdir", str(tmp_path / "out"), str(suites)], env, tmp_path)
        assert _attempts(urls) == 1
        _right_password_works(urls)


def test_pytest_with_four_workers_tries_a_wrong_password_once(tmp_path: Path) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        tests = tmp_path / "their_tests"
        tests.mkdir()
        (tests / "test_refused.py").write_text(PYTEST_MODULE, encoding="utf-8")
        env = _environment(urls, tmp_path, WRONG)
        command = [sys.executable, "-m", "pytest", "-n", "4", "-p", "no:cacheprovider", "-q"]
        _run([*command, "-l", "--tb=long", str(tests)], env, tmp_path)
        assert _attempts(urls) == 1
        _right_password_works(urls)


def test_a_token_cache_dir_of_the_users_own_wins_in_the_pytest_plugin(tmp_path: Path) -> None:
    # Defect: the plugin replaced PLUTORA_TOKEN_CACHE_DIR with its own run folder.
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        tests = tmp_path / "their_tests"
        tests.mkdir()
        (tests / "test_refused.py").write_text(PYTEST_MODULE, encoding="utf-8")
        env = _environment(urls, tmp_path, WRONG)
        env["PLUTORA_TOKEN_CACHE_DIR"] = str(tmp_path / "own-folder")
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
        _run([*command, "-n", "2", str(tests)], env, tmp_path)
        assert list((tmp_path / "own-folder").glob("refusal-*.json"))
        # A second run that uses the same folder remembers the refusal: still one attempt.
        _run([*command, "-p", "no:xdist", str(tests)], env, tmp_path)
        assert _attempts(urls) == 1

"""The Robot library with the Redis given as import arguments (the password a ``Secret``): a
wrong password is refused once and then remembered in Redis, the Redis password shows in no
log (tests/integration/test_lockout_audit.py for the folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import running_plutora_sim
from tests.integration.test_lockout_audit import (
    SETTINGS,
    WRONG,
    _attempts,
    _environment,
    _right_password_works,
)

from .redis_server import PASSWORD, RedisServer

SUITE = """*** Settings ***
Library    PlutoraLibrary    shared_state_url=%{REDIS_URL}    shared_state_password=${REDIS_PASSWORD}
...    run_id=%{RUN_ID}


*** Variables ***
${REDIS_PASSWORD: Secret}    %{REDIS_PW}


*** Test Cases ***
Refused Once
    Run Keyword And Expect Error    LoginRejected: *    Get Current User

Then Remembered In Redis
    Close Plutora Connections
    Run Keyword And Expect Error    LoginRejected: *remembered in Redis redis://127.0.0.1:*
    ...    Get Current User
"""


def test_robot_with_a_secret_redis_password_remembers_the_refusal_in_redis(
    tmp_path: Path, run_id: str
) -> None:
    with (
        RedisServer(tmp_path / "redis", password=PASSWORD) as server,
        running_plutora_sim(tmp_path, SETTINGS) as urls,
    ):
        suite = tmp_path / "redis_suite.robot"
        suite.write_text(SUITE, encoding="utf-8")
        env = _environment(urls, tmp_path, WRONG)
        env.update(REDIS_URL=server.url, REDIS_PW=PASSWORD, RUN_ID=run_id)
        command = [sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), "-L",
                   "TRACE", str(suite)]  # fmt: skip
        result = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                                timeout=120, check=False)  # fmt: skip
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert _attempts(urls) == 1
        for name in ("output.xml", "log.html"):
            written = (tmp_path / "out" / name).read_text(encoding="utf-8")
            assert PASSWORD not in written
            assert WRONG not in written
        assert PASSWORD not in result.stdout + result.stderr
        # The record is in Redis, under the run's namespace; nothing in a folder.
        import redis

        keys = redis.Redis(port=server.port, password=PASSWORD).keys(f"plutora:{run_id}:*")
        assert any(b":refusal:" in key for key in keys), keys
        _right_password_works(urls)


UNLOCK_SUITE = """*** Settings ***
Library    PlutoraLibrary    shared_state_url=%{REDIS_URL}    run_id=%{RUN_ID}


*** Test Cases ***
Unlock Simulator User Forgets The Refusal In Redis
    Start Plutora Simulator
    VAR    ${right: Secret}    %{UNLOCK_RIGHT=Unlock-Right-Password-1}
    VAR    ${wrong: Secret}    %{UNLOCK_WRONG=Unlock-Wrong-Password-1}
    Add Simulator User    unlock.me@example.com    ${right}
    Run Keyword And Expect Error    LoginRejected: *
    ...    Get Token    username=unlock.me@example.com    password=${wrong}
    Run Keyword And Expect Error    LoginRejected: *remembered in Redis*
    ...    Get Token    username=unlock.me@example.com    password=${wrong}
    Unlock Simulator User    unlock.me@example.com
    ${message}    Run Keyword And Expect Error    LoginRejected: *
    ...    Get Token    username=unlock.me@example.com    password=${wrong}
    Should Not Contain    ${message}    remembered
"""


def test_unlock_simulator_user_forgets_the_refusal_in_redis(
    tmp_path: Path, redis_server: RedisServer, run_id: str
) -> None:
    suite = tmp_path / "unlock.robot"
    suite.write_text(UNLOCK_SUITE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(REDIS_URL=redis_server.url, RUN_ID=run_id)
    command = [sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), str(suite)]
    result = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

"""pabot and pytest-xdist on two simulated runners (their own HOME and TMPDIR, so no folder is
shared) with one Redis (pabot: a URL with the password, in the environment; pytest: the URL as
its option, the password in its secrets file): a wrong password is tried once in the whole run, read from the
simulator's counters, and neither the Redis password nor a Plutora secret shows in their
output, logs or output.xml. The folder-based audit: tests/integration/test_lockout_audit.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import running_plutora_sim
from tests.integration.test_lockout_audit import (
    PYTEST_MODULE,
    RIGHT,
    SETTINGS,
    WRONG,
    _attempts,
    _environment,
    _right_password_works,
    _suites,
)

from .redis_server import PASSWORD, RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.parallel]


def test_pabot_and_xdist_on_two_runners_try_a_wrong_password_once(
    tmp_path: Path, run_id: str
) -> None:
    with (
        RedisServer(tmp_path / "redis", password=PASSWORD) as server,
        running_plutora_sim(tmp_path, SETTINGS) as urls,
    ):
        runs = []
        for name in ("pabot-runner", "xdist-runner"):
            folder = tmp_path / name
            folder.mkdir()
            env = _environment(urls, folder, WRONG)
            env.update(HOME=str(folder), PLUTORA_RUN_ID=run_id)
            if name == "pabot-runner":  # the password in the URL, from the environment
                env["PLUTORA_SHARED_STATE_URL"] = server.url.replace("//", f"//:{PASSWORD}@")
                suites = _suites(folder / "suites", 4)
                command = [sys.executable, "-m", "pabot.pabot", "--processes", "2",
                           "--testlevelsplit", "--outputdir", str(folder / "out"), "-L", "TRACE",
                           str(suites)]  # fmt: skip
            else:  # the URL as a pytest option, the password in its secrets file
                secrets = folder / "secrets.env"
                secrets.write_text(f"PLUTORA_SHARED_STATE_PASSWORD={PASSWORD}\n", encoding="utf-8")
                secrets.chmod(0o600)
                tests = folder / "their_tests"
                tests.mkdir()
                (tests / "test_refused.py").write_text(PYTEST_MODULE, encoding="utf-8")
                command = [sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider",
                           "-q", "-l", "--tb=long", f"--plutora-shared-state-url={server.url}",
                           f"--plutora-secrets-file={secrets}", str(tests)]  # fmt: skip
            runs.append(
                subprocess.Popen(
                    command,
                    env=env,
                    cwd=folder,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        for process in runs:
            output, _ = process.communicate(timeout=300)
            assert process.returncode == 0, output[-4000:]
            for secret in (PASSWORD, WRONG, RIGHT, "sim-plutora-secret"):
                assert secret not in output
        assert _attempts(urls) == 1
        written = (tmp_path / "pabot-runner" / "out" / "output.xml").read_text(encoding="utf-8")
        assert "remembered in Redis" in written
        for secret in (PASSWORD, WRONG, RIGHT):
            assert secret not in written
        _right_password_works(urls)

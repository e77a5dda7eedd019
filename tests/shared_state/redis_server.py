"""A ``redis-server`` of the tests' own: on a free loopback port, in a temporary folder, stopped
afterwards. When none is installed: installed with apt-get when running as root (as CI does,
on a fresh machine), else the Redis tests are skipped with the reason, except under
``CI=true``, where a missing Redis fails the run.

Example::

    with RedisServer(tmp_path) as server:
        server.url        # 'redis://127.0.0.1:40123/0'
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import pytest

PASSWORD = "Redis-Test-Password-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def find_or_install() -> tuple[str | None, str]:
    """The path of ``redis-server``, installed with apt-get when missing and running as root;
    else None and the reason."""
    found = shutil.which("redis-server")
    if found:
        return found, ""
    reason = "redis-server is not installed"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, reason + " (install it: apt-get install redis-server, or brew install redis)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "redis-server"]
    try:
        result = subprocess.run(install, env=env, capture_output=True, timeout=300, check=False)
        if result.returncode != 0:  # an old or missing package list: update once, again
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True,
                           timeout=300, check=False)  # fmt: skip
            result = subprocess.run(install, env=env, capture_output=True, timeout=300,
                                    check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None, reason + " and apt-get did not install it within 300 s"
    found = shutil.which("redis-server")
    if found:
        return found, ""
    return None, reason + f" and apt-get could not install it: {result.stderr.decode()[-300:]}"


def redis_server_binary() -> str:
    """The path of ``redis-server`` (:func:`find_or_install`); else the test is skipped with
    the reason, or failed under CI=true."""
    found, reason = find_or_install()
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true needs Redis for the shared-state tests: {reason}", pytrace=False)
    pytest.skip(reason)


class RedisServer:
    """One ``redis-server`` on loopback (optionally with a password); stop/start keep its port."""

    def __init__(self, folder: Path, password: str | None = None) -> None:
        self.binary = redis_server_binary()  # cached by the path lookup once installed
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
            str(self.folder), "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--enable-debug-command", "local", "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        if self.password:
            command += ["--requirepass", self.password]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as probe:
                probe.settimeout(0.2)
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "redis.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}: {log}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

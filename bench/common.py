"""What the benchmarks share: pinning, starting servers in their own process, the machine."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = {
    "client_id": "sim-plutora-client",
    "client_secret": "sim-plutora-secret",
    "grant_type": "password",
    "username": "qa.lead@example.com",
    "password": "Sim-Password-1",
}
SERVER_CPU, CLIENT_CPU = 0, 1


def pin(cpu: int) -> None:
    """Keep servers on one core and load on the other, so neither starves the other."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {cpu})


def start_process(command: list[str], ready: Path) -> subprocess.Popen[bytes]:
    """Start a server pinned to the server core; return once it wrote its ready file."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        preexec_fn=lambda: pin(SERVER_CPU),
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            error = process.stderr.read() if process.stderr else b""
            raise RuntimeError(f"{command} did not start: {error!r}")
        time.sleep(0.005)
    return process


def start_simulator(folder: Path, settings: str) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """``plutora sim`` with a TOML ``settings`` text, in its own process; returns its URLs."""
    config, ready = folder / "sim.toml", folder / "sim-ready.json"
    config.write_text(settings, encoding="utf-8")
    command = [sys.executable, "-m", "PlutoraLibrary.cli", "sim", "--port", "0"]
    process = start_process([*command, "--config", str(config), "--ready-file", str(ready)], ready)
    return process, json.loads(ready.read_text(encoding="utf-8"))


def stop(*processes: subprocess.Popen[bytes]) -> None:
    """Terminate and reap server processes."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


def machine() -> str:
    """The machine, as the reports name it."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"

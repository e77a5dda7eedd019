"""What the benchmarks share: pinning, starting servers in their own process, the machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree

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


def keyword_round_means(
    output: Path, loops: tuple[str, ...], kinds: dict[str, str]
) -> dict[str, list[float]]:
    """From a Robot ``output.xml``: for every keyword whose name starts with one of ``loops``
    (a round), the mean elapsed seconds of each keyword named in ``kinds`` inside it, listed
    per kind (``kinds`` maps a keyword name to the kind it counts for).

    Example: ``keyword_round_means(xml, ("Time Pairs",), {"Get Release": "keyword"})``
    """
    root = ElementTree.parse(output).getroot()  # noqa: S314 - our own output
    rounds: dict[str, list[float]] = defaultdict(list)
    for loop in root.iter("kw"):
        if str(loop.get("name")).startswith(loops):
            own: dict[str, list[float]] = defaultdict(list)
            for call in loop.iter("kw"):
                status = call.find("status")
                if call.get("name") in kinds and status is not None:
                    own[kinds[str(call.get("name"))]].append(float(status.get("elapsed", "nan")))
            for kind, values in own.items():
                rounds[kind].append(statistics.fmean(values))
    return rounds

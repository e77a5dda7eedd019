"""Benchmark: the rate limit shared through Redis (``shared_state_url``) against the one shared
through a folder (``token_cache_dir``, one host). Measured side by side, rounds alternating:
the cost of taking one slot when slots are free; then four simulated machines (processes, each
with its own token folder, sharing only the Redis) against a simulator with a low limit: the
share of the limit used, 429s, grants and refused-login attempts.

Needs ``redis-server`` (apt-get install redis-server); without one it says so and measures
nothing.

Run: ``python bench/bench_shared_state.py [--calls 2000] [--rounds 5] [--seconds 30]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import requests
from common import machine, start_simulator, stop

from PlutoraLibrary.core import LoginRejected, PlutoraClient, PlutoraConfig, RateLimited
from PlutoraLibrary.core.ratelimit import SlotGate

AUDIT_USER = "bench.audit@example.com"


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A ``redis-server`` on a free loopback port in ``folder``; returns it and its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("redis-server did not start")
        time.sleep(0.02)


def _per_call(config: PlutoraConfig, calls: int) -> float:
    """Microseconds to take one slot (none to wait for) through ``config``'s gate."""
    gate = SlotGate.for_config(config, "bench-client")
    assert gate is not None
    gate.acquire(time.monotonic() + 5)  # the first: connections, scripts, files
    started = time.perf_counter()
    for _ in range(calls):
        gate.acquire(time.monotonic() + 5)
    return (time.perf_counter() - started) / calls * 1e6


def _machine(job: dict[str, Any]) -> dict[str, Any]:
    """One simulated machine: a wrong password once, then ``/me`` until the deadline."""
    config = PlutoraConfig.from_env({}, **job["settings"])
    refused = 0
    with PlutoraClient(config.with_options(**job["wrong"])) as wrong:
        try:
            wrong.current_user()
        except LoginRejected:
            refused += 1
    done = limited = 0
    steady = 0
    with PlutoraClient(config) as client:
        while time.time() < job["deadline"]:
            try:
                client.current_user()
                done += 1
                steady += time.time() >= job["steady_from"]
            except RateLimited:
                limited += 1
    return {"done": done, "limited": limited, "refused": refused, "steady": steady}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="slots taken per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=100, help="requests per window")
    parser.add_argument("--window", type=float, default=10.0, help="window in seconds")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run")
    parser.add_argument("--machines", type=int, default=4)
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        try:
            redis_server, url = start_redis(folder)
        except FileNotFoundError as missing:
            figures["missing"] = str(missing)
            print(json.dumps(figures, indent=2))
            return figures
        try:
            base = PlutoraConfig.from_env({}, region="us", rate_limit=10**9)
            sides = {
                "folder": base.with_options(token_cache_dir=str(folder / "gate")),
                "redis": base.with_options(shared_state_url=url, run_id="bench-cost"),
            }
            costs: dict[str, list[float]] = {side: [] for side in sides}
            for _ in range(args.rounds):
                for side, config in sides.items():
                    costs[side].append(_per_call(config, args.calls))
            figures["folder_microseconds_per_slot"] = round(statistics.median(costs["folder"]), 1)
            figures["redis_microseconds_per_slot"] = round(statistics.median(costs["redis"]), 1)
            figures["ratio_redis_to_folder"] = round(
                figures["redis_microseconds_per_slot"] / figures["folder_microseconds_per_slot"], 2
            )
            figures.update(_machines(folder, url, args))
        finally:
            stop(redis_server)
    print(json.dumps(figures, indent=2))
    return figures


def _machines(folder: Path, url: str, args: argparse.Namespace) -> dict[str, Any]:
    settings_text = (
        f"[rate_limit]\nrequests = {args.limit}\nwindow_seconds = {args.window}\n"
        f'[[users]]\nusername = "{AUDIT_USER}"\npassword = "Bench-Right-1"\nproduct = "plutora"\n'
        '[[users]]\nusername = "qa.lead@example.com"\npassword = "Sim-Password-1"\n'
        'product = "plutora"\n'
    )
    simulator, urls = start_simulator(folder, settings_text)
    try:
        settings = {
            "client_id": "sim-plutora-client",
            "client_secret": "sim-plutora-secret",
            "username": "qa.lead@example.com",
            "password": "Sim-Password-1",
            "auth_url": urls["plutora_token_url"],
            "api_url": urls["plutora_api_url"],
            "rate_limit": args.limit,
            "rate_window_seconds": args.window,
            "max_retry_wait": args.window * 3,
            "shared_state_url": url,
            "share_tokens": True,
            "run_id": "bench-machines",
        }
        wrong_config = PlutoraConfig.from_env(
            {}, **{**settings, "username": AUDIT_USER, "password": "Bench-Wrong-1"}
        )
        started = time.time()
        deadline = started + args.seconds
        jobs = [
            {
                "settings": {**settings, "token_cache_dir": str(folder / f"machine-{n}")},
                "wrong": {"plutora": wrong_config.plutora},
                "deadline": deadline,
                "steady_from": started + args.window,
            }
            for n in range(args.machines)
        ]
        with ProcessPoolExecutor(max_workers=args.machines) as pool:
            results = list(pool.map(_machine, jobs))
        elapsed = time.time() - started
        counters = requests.get(urls["control_url"] + "/counters", timeout=10).json()
    finally:
        stop(simulator)
    answered = sum(r["done"] for r in results)
    allowed = args.limit * elapsed / args.window
    return {
        "machines": args.machines,
        "limit": f"{args.limit} per {args.window:g} s",
        "seconds": round(elapsed, 1),
        "answered": answered,
        "shares": [r["done"] for r in results],
        "steady_shares": [r["steady"] for r in results],
        "allowed_in_that_time": round(allowed),
        "share_of_limit_used": round(answered / allowed, 3),
        "429_reaching_callers": sum(r["limited"] for r in results),
        "429_sent_by_server": counters["rateLimitedTotal"],
        "token_grants": counters["tokenGrantsTotal"],
        "wrong_password_attempts": counters["loginAttempts"].get(f"plutora:{AUDIT_USER}", 0),
        "refused_seen_by_machines": sum(r["refused"] for r in results),
    }


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    if "missing" in figures:
        return f"## Rate limit shared through Redis\n\nNot measured: {figures['missing']}.\n"
    return f"""## Rate limit shared through Redis: cost per slot, and {figures["machines"]} machines

Taking one free slot, rounds alternating (median of rounds, µs per slot):

| gate | µs per slot |
|---|---|
| folder (`token_cache_dir`: SQLite bucket under a file lock, one host) | {figures["folder_microseconds_per_slot"]} |
| Redis on loopback (`shared_state_url`: one Lua script, every machine) | {figures["redis_microseconds_per_slot"]} |
| **ratio** | **{figures["ratio_redis_to_folder"]}** (Redis / folder) |

{figures["machines"]} simulated machines (processes with their own token folders, sharing only
the Redis; `share_tokens` on), limit {figures["limit"]}, a wrong password tried by each:

| measure | value |
|---|---|
| answered calls in {figures["seconds"]} s (per machine) | {figures["answered"]} ({", ".join(map(str, figures["shares"]))}) |
| per machine after the first window (the first goes to whoever is ready first) | {", ".join(map(str, figures["steady_shares"]))} |
| calls the limit allows in that time | {figures["allowed_in_that_time"]} |
| **share of the limit used** | **{figures["share_of_limit_used"]}** (target ≥ 0.9; a run starts with a full window) |
| 429s that reached a caller / sent by the server | {figures["429_reaching_callers"]} / {figures["429_sent_by_server"]} (target 0) |
| token grants for the whole run | {figures["token_grants"]} (the right user's one, shared) |
| wrong-password attempts the site saw / refusals the machines saw | {figures["wrong_password_attempts"]} / {figures["refused_seen_by_machines"]} |
"""


if __name__ == "__main__":
    main()

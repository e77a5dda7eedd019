"""Benchmark: four processes against a simulator with a low rate limit, sharing the client-side
limiter (``token_cache_dir``). Measured: 429s that reached a caller (target 0) and the combined
rate as a share of the limit (target ≥ 90 %).

Run: ``python bench/bench_rate_limit.py [--limit 100] [--window 10] [--seconds 30]``
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import requests
from common import machine, start_simulator, stop

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, RateLimited


def _hammer(job: dict[str, Any]) -> dict[str, int]:
    """One process: call ``/me`` until the deadline; count answers and 429s that got through."""
    config = PlutoraConfig.from_env({}, **job["settings"])
    done = limited = 0
    with PlutoraClient(config) as client:
        while time.time() < job["deadline"]:
            try:
                client.current_user()
                done += 1
            except RateLimited:
                limited += 1
    return {"done": done, "limited": limited}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=100, help="requests per window")
    parser.add_argument("--window", type=float, default=10.0, help="window in seconds")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        settings_text = f"[rate_limit]\nrequests = {args.limit}\nwindow_seconds = {args.window}\n"
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
                "max_retry_wait": args.window * 2,
                "token_cache_dir": str(folder / "run"),
            }
            started = time.time()
            deadline = started + args.seconds
            jobs = [{"settings": settings, "deadline": deadline}] * args.processes
            with ProcessPoolExecutor(max_workers=args.processes) as pool:
                results = list(pool.map(_hammer, jobs))
            elapsed = time.time() - started
            counters = requests.get(urls["control_url"] + "/counters", timeout=10).json()
        finally:
            stop(simulator)
    answered = sum(r["done"] for r in results)
    allowed = args.limit * elapsed / args.window
    figures = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "processes": args.processes,
        "limit": f"{args.limit} per {args.window:g} s",
        "seconds": round(elapsed, 1),
        "answered": answered,
        "allowed_in_that_time": round(allowed),
        "share_of_limit_used": round(answered / allowed, 3),
        "429_reaching_callers": sum(r["limited"] for r in results),
        "429_sent_by_server": counters["rateLimitedTotal"],
        "token_grants": counters["tokenGrantsTotal"],
    }
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    return f"""## Shared client-side rate limit: {figures["processes"]} processes, limit {figures["limit"]}

| measure | value |
|---|---|
| answered calls in {figures["seconds"]} s | {figures["answered"]} |
| calls the limit allows in that time | {figures["allowed_in_that_time"]} |
| **share of the limit used** | **{figures["share_of_limit_used"]}** (target ≥ 0.9; a run starts with a full window, so a short run can read slightly above 1) |
| 429s that reached a caller / sent by the server | {figures["429_reaching_callers"]} / {figures["429_sent_by_server"]} (target 0) |
| token grants for the whole run | {figures["token_grants"]} |
"""


if __name__ == "__main__":
    main()

"""Proof at scale: four processes of one run against a low server rate limit (300 a minute,
scaled to 20 per 4 s so that a short run spans several windows) share the client-side limiter
through their token folder. No 429 reaches a test, the server never had to send one (so the
combined rate stayed within its limit), and the run uses at least 90 % of the limit."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PlutoraLibrary.core import PlutoraClient, RateLimited
from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig
from tests.core.conftest import config_for

LIMIT, WINDOW, WINDOWS, PROCESSES = 20, 4.0, 4, 4


def _hammer(job: dict[str, Any]) -> dict[str, Any]:
    """One process of the run: call ``/me`` until the deadline, noting when each answer came."""
    answered: list[float] = []
    limited = 0
    with PlutoraClient(job["config"]) as client:
        while time.time() < job["deadline"]:
            try:
                client.current_user()
                answered.append(time.time())
            except RateLimited:
                limited += 1
    return {"answered": answered, "limited": limited}


def test_four_processes_share_the_limit_use_it_and_never_see_a_429(tmp_path: Path) -> None:
    config = SimulatorConfig(rate_limit=LIMIT, rate_window_seconds=WINDOW)
    with PlutoraSimulator(config) as sim:
        config = config_for(
            sim,
            rate_limit=LIMIT,
            rate_window_seconds=WINDOW,
            max_retry_wait=WINDOW * 3,
            token_cache_dir=str(tmp_path / "run"),
        )
        started = time.time()
        deadline = started + WINDOW * WINDOWS
        jobs = [{"config": config, "deadline": deadline}] * PROCESSES
        with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
            results = list(pool.map(_hammer, jobs))
        counters = sim.counters()

    assert [r["limited"] for r in results] == [0] * PROCESSES, "a 429 reached a test"
    assert counters["rateLimited"] == {}, "the combined rate went over the server's limit"
    assert counters["tokenGrantsTotal"] == 1
    times = sorted(t for r in results for t in r["answered"])
    shares = [len(r["answered"]) for r in results]
    assert min(shares) >= 0.5 * sum(shares) / PROCESSES, f"processes took turns unfairly: {shares}"
    # The first window starts full; judge the steady state after it.
    steady = [t for t in times if t >= started + WINDOW]
    allowed = LIMIT * (times[-1] - (started + WINDOW)) / WINDOW
    assert len(steady) >= 0.9 * allowed, f"{len(steady)} calls where {allowed:.0f} were allowed"

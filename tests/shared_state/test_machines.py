"""Four simulated CI runners (processes with their own HOME, TMPDIR and token folder, one of
them with a clock four minutes fast) share one Redis against one site with a low limit (100
per 10 s) for 30 s: no 429 reaches a caller and the server never had to send one, the run
uses at least 90 % of the limit, each runner gets a fair share, a wrong password is tried
once in the whole run, and each product is granted one token (``share_tokens``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PlutoraLibrary.simulator import DEMO_USERS, PlutoraSimulator, SimulatorConfig, UserAccount
from tests.conftest import SIM_CREDENTIALS

from .redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
LIMIT, WINDOW, SECONDS, MACHINES = 100, 10.0, 30.0, 4
AUDIT = {
    "client_id": "sim-plutora-client",
    "client_secret": "sim-plutora-secret",
    "username": "shard.audit@example.com",
    "wrong_password": "Shard-Wrong-Password-1",
}


def machine_env(folder: Path, sim: PlutoraSimulator, redis_url: str, run_id: str) -> dict[str, str]:
    """A runner's environment: its own HOME, TMPDIR and token folder, the site, the Redis."""
    for name in ("home", "tmp", "tokens"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    urls = sim.urls
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(SIM_CREDENTIALS)
    env.update(
        HOME=str(folder / "home"),
        TMPDIR=str(folder / "tmp"),
        PYTHONPATH=str(ROOT),
        PLUTORA_AUTH_URL=urls.plutora_token_url,
        PLUTORA_API_URL=urls.plutora_api_url,
        PLUTORA_TEST_AUTH_URL=urls.plutora_test_token_url,
        PLUTORA_TEST_API_URL=urls.plutora_test_api_url,
        PLUTORA_TEST_CLIENT_ID="sim-plutora-test-client",
        PLUTORA_TEST_CLIENT_SECRET="sim-plutora-test-secret",
        PLUTORA_TEST_USERNAME="qa.lead@example.com",
        PLUTORA_TEST_PASSWORD="Sim-Password-1",
        PLUTORA_RATE_LIMIT=str(LIMIT),
        PLUTORA_RATE_WINDOW=str(WINDOW),
        PLUTORA_MAX_RETRY_WAIT=str(WINDOW * 3),
        PLUTORA_TOKEN_CACHE_DIR=str(folder / "tokens"),
        PLUTORA_SHARED_STATE_URL=redis_url,
        PLUTORA_SHARE_TOKENS="true",
        PLUTORA_RUN_ID=run_id,
    )
    return env


def test_four_runners_share_one_limit_one_refusal_and_one_token_per_product(
    tmp_path: Path, redis_server: RedisServer, run_id: str
) -> None:
    users = (*DEMO_USERS, UserAccount(AUDIT["username"], "Shard-Right-Password-1", "plutora"))
    config = SimulatorConfig(rate_limit=LIMIT, rate_window_seconds=WINDOW, users=users)
    with PlutoraSimulator(config) as sim:
        started = time.time() + 4  # after every runner has imported the library
        processes = []
        for number in range(MACHINES):
            folder = tmp_path / f"runner-{number}"
            env = machine_env(folder, sim, redis_server.url, run_id)
            job = {
                "start_at": started,
                "end_at": started + SECONDS,
                "skew": 240.0 if number == MACHINES - 1 else 0.0,
                "audit": AUDIT,
                "out": str(folder / "out.json"),
            }
            (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
            command = [sys.executable, "-m", "tests.shared_state.machine", str(folder / "job.json")]
            processes.append(
                subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
            )
        for process in processes:
            _, errors = process.communicate(timeout=SECONDS + 90)
            assert process.returncode == 0, errors[-3000:]
        counters = sim.counters()
    results = [
        json.loads((tmp_path / f"runner-{n}" / "out.json").read_text()) for n in range(MACHINES)
    ]

    assert [r["limited"] for r in results] == [0] * MACHINES, "a 429 reached a caller"
    assert counters["rateLimited"] == {}, f"over the server's limit: {counters['rateLimited']}"
    # A wrong password: one attempt in the whole run, every runner told it was refused.
    assert counters["loginAttempts"].get(f"plutora:{AUDIT['username']}") == 1, counters
    assert all(len(r["refused"]) == 2 for r in results)
    remembered = [text for r in results for text in r["refused"] if "remembered in Redis" in text]
    assert len(remembered) == 2 * MACHINES - 1, remembered
    # share_tokens: one grant per product for the four runners.
    grants = counters["tokenGrantsByUser"]
    assert sorted(grants.values()) == [1, 1], grants
    assert counters["tokenGrantsTotal"] == 2, counters
    # Fair shares, the skewed runner's too, after the first window (which goes to whoever is
    # ready first); the limit used in that steady state.
    shares = [len([t for t in r["answered"] if t >= started + WINDOW]) for r in results]
    assert min(shares) >= 0.6 * sum(shares) / MACHINES, f"unfair shares: {shares}"
    times = sorted(t for r in results for t in r["answered"])
    steady = [t for t in times if t >= started + WINDOW]
    allowed = LIMIT * (times[-1] - (started + WINDOW)) / WINDOW
    assert len(steady) >= 0.9 * allowed, f"{len(steady)} calls where {allowed:.0f} were allowed"
    assert not any(r["warnings"] for r in results), [r["warnings"] for r in results]

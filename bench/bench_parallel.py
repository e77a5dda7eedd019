"""Benchmark: token grants per parallel run. The acceptance suite under pabot (4 processes,
one process per test) and a pytest suite under xdist (4 workers), each against one simulator,
with the run's token folder shared (``PLUTORA_TOKEN_CACHE_DIR``, as the pytest plugin does by
itself) and, as the baseline in the same run, without it.

Run: ``python bench/bench_parallel.py [--processes 4] [--tests 40] [--suite NAME]``
(``--suite``: one acceptance suite instead of all, as Robot's ``--suite`` selects it)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from common import ROOT, machine, start_simulator, stop

USER = "qa.lead@example.com"
PYTEST_SUITE = """
import pytest

@pytest.mark.parametrize("n", range({half}))
def test_plutora(plutora, n):
    assert plutora.current_user()

@pytest.mark.parametrize("n", range({half}))
def test_plutora_test(plutora_test, n):
    assert plutora_test.search_defects(page_size=1).items
"""
# The baseline without the plugin: each worker builds its own clients from the environment.
BASELINE_CONFTEST = """
import pytest
from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient

@pytest.fixture(scope="session")
def plutora():
    with PlutoraClient(PlutoraConfig.from_env()) as client:
        yield client

@pytest.fixture(scope="session")
def plutora_test():
    with PlutoraTestClient(PlutoraConfig.from_env()) as client:
        yield client
"""


def _environment(urls: dict[str, str], tokens: Path | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env["PLUTORA_SIMULATOR_URL"] = urls["base"]  # the acceptance suite's switch
    env.update(  # the pytest plugin's settings: the simulator as if it were a site
        {
            "PLUTORA_AUTH_URL": urls["plutora_token_url"],
            "PLUTORA_API_URL": urls["plutora_api_url"],
            "PLUTORA_CLIENT_ID": "sim-plutora-client",
            "PLUTORA_CLIENT_SECRET": "sim-plutora-secret",
            "PLUTORA_USERNAME": USER,
            "PLUTORA_PASSWORD": "Sim-Password-1",
            "PLUTORA_TEST_AUTH_URL": urls["plutora_test_token_url"],
            "PLUTORA_TEST_API_URL": urls["plutora_test_api_url"],
            "PLUTORA_TEST_CLIENT_ID": "sim-plutora-test-client",
            "PLUTORA_TEST_CLIENT_SECRET": "sim-plutora-test-secret",
            "PLUTORA_TEST_USERNAME": USER,
            "PLUTORA_TEST_PASSWORD": "Sim-Password-1",
        }
    )
    if tokens is not None:
        env["PLUTORA_TOKEN_CACHE_DIR"] = str(tokens)
    return env


def _grants(urls: dict[str, str]) -> dict[str, int]:
    counters = requests.get(urls["control_url"] + "/counters", timeout=10).json()
    requests.post(urls["control_url"] + "/counters/reset", timeout=10)
    by_user = counters["tokenGrantsByUser"]
    return {
        "plutora": by_user.get(f"plutora:{USER}", 0),
        "plutora_test": by_user.get(f"plutora-test:{USER}", 0),
        "all_users": counters["tokenGrantsTotal"],
    }


def _run(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--tests", type=int, default=40, help="tests in the pytest suite")
    parser.add_argument("--suite", default=None, help="one acceptance suite, by name")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "processes": args.processes,
    }
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        simulator, urls = start_simulator(folder, "")
        for name in ("shared", "baseline"):
            (folder / name).mkdir()
            suite = PYTEST_SUITE.format(half=args.tests // 2)
            (folder / name / "test_many.py").write_text(suite, encoding="utf-8")
        (folder / "baseline" / "conftest.py").write_text(BASELINE_CONFTEST, encoding="utf-8")
        try:
            for shared in (True, False):
                tokens = folder / f"tokens-{shared}" if shared else None
                env = _environment(urls, tokens)
                pabot = [
                    sys.executable, "-m", "pabot.pabot", "--command", sys.executable, "-m",
                    "robot", "--end-command", "--processes", str(args.processes),
                    "--testlevelsplit", "--outputdir", str(folder / f"pabot-{shared}"),
                    "--output", "output.xml", "--log", "NONE", "--report", "NONE",
                    *(["--suite", args.suite] if args.suite else []), "acceptance",
                ]  # fmt: skip
                seconds = _run(pabot, env, ROOT)
                figures[f"pabot_{'shared' if shared else 'unshared'}"] = {
                    **_grants(urls),
                    "seconds": round(seconds, 1),
                }
                pytest = [
                    sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n",
                    str(args.processes), "--rootdir", str(folder), "shared",
                ]  # fmt: skip
                if not shared:  # the plugin shares by itself: the baseline goes without it
                    pytest[-1:] = ["-p", "no:plutora", "baseline"]
                # The plugin's own run folder, not pabot's (a user's PLUTORA_TOKEN_CACHE_DIR
                # wins in the plugin, and pabot's still holds a valid token).
                seconds = _run(pytest, _environment(urls, None), folder)
                figures[f"xdist_{'shared' if shared else 'unshared'}"] = {
                    **_grants(urls),
                    "seconds": round(seconds, 1),
                }
        finally:
            stop(simulator)
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    rows = []
    for run, label in (("pabot", "acceptance suite, pabot"), ("xdist", "pytest suite, xdist")):
        shared, unshared = figures[f"{run}_shared"], figures[f"{run}_unshared"]
        rows.append(
            f"| {label} | {shared['plutora']} / {shared['plutora_test']} "
            f"| {unshared['plutora']} / {unshared['plutora_test']} "
            f"| {shared['seconds']} s / {unshared['seconds']} s |"
        )
    table = "\n".join(rows)
    return f"""## Token grants per parallel run: {figures["processes"]} processes, one simulator

Grants to the configured user (Plutora / Plutora Test). Shared: the run's token folder
(`PLUTORA_TOKEN_CACHE_DIR` for pabot; the pytest plugin shares one by itself). Baseline: the
same pabot run without the folder, and the same tests under xdist with session fixtures of
their own instead of the plugin. pabot starts one Robot process per test (`--testlevelsplit`).

| run | shared (target 1 / 1) | baseline, not shared | time shared / baseline |
|---|---|---|---|
{table}

The acceptance suite's failure paths and resilience suite log in as throw-away users of their
own (their faults and expired tokens must not touch the configured user); all users together:
{figures["pabot_shared"]["all_users"]} grants shared, {figures["pabot_unshared"]["all_users"]} not.
"""


if __name__ == "__main__":
    main()

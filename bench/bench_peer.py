"""Benchmark: a keyword of this library against the same call through a peer library, in pairs
in alternating rounds of one Robot run at INFO (``bench/peer.robot``). Target: at most 1.0 ×.

``Get Release`` (token, client-side rate limit, typed errors, JSON, schema validation, masked
logging) against RequestsLibrary's ``GET On Session`` of the same URL with a bearer header
(a session with keep-alive, its own INFO logging of request and response, nothing more). A
keyword's time is its own elapsed time as Robot records it.

Run: ``python bench/bench_peer.py [--rounds 7] [--calls 300]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import CLIENT_CPU, ROOT, keyword_round_means, machine, pin, start_simulator, stop

KINDS = {"Get Release": "keyword", "GET On Session": "peer"}


def _robot_run(
    folder: Path, urls: dict[str, str], args: argparse.Namespace
) -> dict[str, list[float]]:
    """One Robot run of ``bench/peer.robot`` at INFO: the mean seconds of each keyword, one
    value per round, in round order."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env["PLUTORA_SIMULATOR_URL"] = urls["base"]
    env["PLUTORA_API_URL"] = urls["plutora_api_url"]  # read by the suite, not by the library
    output = folder / "output-peer.xml"
    command = [
        sys.executable, "-m", "robot", "--outputdir", str(folder), "--output", output.name,
        "--log", "NONE", "--report", "NONE", "--loglevel", "INFO", "--console", "none",
        "--variable", f"ROUNDS:{args.rounds}", "--variable", f"CALLS:{args.calls}",
        str(ROOT / "bench" / "peer.robot"),
    ]  # fmt: skip
    subprocess.run(
        command, env=env, cwd=ROOT / "bench", check=True, timeout=600,
        preexec_fn=lambda: pin(CLIENT_CPU),
    )  # fmt: skip
    rounds = keyword_round_means(output, ("Time Pairs",), KINDS)
    return dict(rounds)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        simulator, urls = start_simulator(folder, "[rate_limit]\nrequests = 1000000000\n")
        try:
            rounds = _robot_run(folder, urls, args)
        finally:
            stop(simulator)
    keyword, peer = rounds["keyword"], rounds["peer"]
    per_round = [a / b for a, b in zip(keyword, peer, strict=True)]
    figures: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "rounds": args.rounds,
        "calls_per_round": args.calls,
        "keyword_ms": round(statistics.median(keyword) * 1000, 3),
        "peer_ms": round(statistics.median(peer) * 1000, 3),
        "ratio": round(statistics.median(keyword) / statistics.median(peer), 3),
        "rounds_ratio": [round(min(per_round), 3), round(max(per_round), 3)],
    }
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    low, high = figures["rounds_ratio"]
    return f"""## Keyword against a peer library

`Get Release` against RequestsLibrary's `GET On Session` of the same URL with the same
bearer header (a session, keep-alive), in pairs in one Robot run at `--loglevel INFO`, which
goes first alternating by round; medians of {figures["rounds"]} rounds of
{figures["calls_per_round"]} pairs. Our keyword does more: the token (renewed when it
expires), the client-side rate limit, typed errors, schema validation, masked logging; the
peer sends the request and logs request and response.

| keyword | ms per call |
|---|---|
| `Get Release` | {figures["keyword_ms"]} |
| `GET On Session    peer    /releases/${{id}}` (baseline) | {figures["peer_ms"]} |
| **ratio** | **{figures["ratio"]}** (target ≤ 1.0; single rounds {low}–{high}) |
"""


if __name__ == "__main__":
    main()

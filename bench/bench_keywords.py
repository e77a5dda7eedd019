"""Benchmark: a keyword call against the same core call made from Python directly, measured in
alternating rounds of one Robot run (``bench/keywords.robot``). Target: at most 1.25 ×.

The keyword's cost is its own elapsed time as Robot records it; the direct call's is timed in
Python around ``PlutoraClient.release``. Compared like with like: Robot's log at INFO (every
call logged with its masked bodies) against the core call logging the same records to a file,
and Robot at WARN (nothing logged) against the core call with logging off; the mixed pair is
reported for reference.

Run: ``python bench/bench_keywords.py [--rounds 5] [--calls 300]``
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
from xml.etree import ElementTree

from common import CLIENT_CPU, ROOT, machine, pin, start_simulator, stop


def _robot_run(
    folder: Path, urls: dict[str, str], level: str, rounds: int, calls: int
) -> dict[str, float]:
    """One Robot run of ``bench/keywords.robot`` at log level ``level``: medians in seconds."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env["PLUTORA_SIMULATOR_URL"] = urls["base"]
    timings = folder / f"timings-{level}.jsonl"
    env["KEYWORD_BENCH_TIMINGS"] = str(timings)
    output = folder / f"output-{level}.xml"
    command = [
        sys.executable, "-m", "robot", "--outputdir", str(folder), "--output", output.name,
        "--log", "NONE", "--report", "NONE", "--loglevel", level, "--console", "none",
        "--variable", f"ROUNDS:{rounds}", "--variable", f"CALLS:{calls}",
        str(ROOT / "bench" / "keywords.robot"),
    ]  # fmt: skip
    subprocess.run(
        command,
        env=env,
        cwd=ROOT / "bench",
        check=True,
        timeout=600,
        preexec_fn=lambda: pin(CLIENT_CPU),
    )
    root = ElementTree.parse(output).getroot()  # noqa: S314 - our own output
    rounds_of: dict[str, list[float]] = {"keyword": [], "bare": [], "core": [], "logged": []}
    for loop in root.iter("kw"):
        for wrapper, name, key in (
            ("Time Keyword Calls", "Get Release", "keyword"),
            ("Time Bare Keyword Calls", "Bare Keyword Release", "bare"),
        ):
            if loop.get("name") == wrapper:
                own = [
                    float(k.find("status").get("elapsed"))  # type: ignore[union-attr]
                    for k in loop.iter("kw")
                    if k.get("name") == name
                ]
                rounds_of[key].append(statistics.fmean(own))
    for line in timings.read_text(encoding="utf-8").splitlines():
        timing = json.loads(line)
        rounds_of[timing["kind"]].append(timing["seconds"])
    return {key: statistics.median(values) for key, values in rounds_of.items()}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        simulator, urls = start_simulator(folder, "[rate_limit]\nrequests = 1000000000\n")
        try:
            info = _robot_run(folder, urls, "INFO", args.rounds, args.calls)
            warn = _robot_run(folder, urls, "WARN", args.rounds, args.calls)
        finally:
            stop(simulator)
    ms = lambda seconds: round(seconds * 1000, 3)  # noqa: E731
    figures = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "keyword_ms_per_call": ms(info["keyword"]),
        "core_logged_ms_per_call": ms(info["logged"]),
        "ratio_keyword_to_core_same_logging": round(info["keyword"] / info["logged"], 3),
        "core_ms_per_call": ms(info["core"]),
        "ratio_keyword_to_core": round(info["keyword"] / info["core"], 3),
        "bare_keyword_ms_per_call": ms(info["bare"]),
        "ratio_keyword_to_bare_keyword": round(info["keyword"] / info["bare"], 3),
        "warn_keyword_ms_per_call": ms(warn["keyword"]),
        "warn_core_ms_per_call": ms(warn["core"]),
        "ratio_keyword_to_core_logging_off": round(warn["keyword"] / warn["core"], 3),
        "rounds": args.rounds,
        "calls_per_round": args.calls,
    }
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    return f"""## Keyword against direct core call: `Get Release`

Medians of {figures["rounds"]} rounds × {figures["calls_per_round"]} calls, keyword and direct
calls alternating in one Robot process; the keyword's time is its own elapsed time as Robot
records it.

| comparison | keyword ms | core call ms | **ratio** |
|---|---|---|---|
| same logging: Robot log at INFO (summary and masked bodies) against the core call logging the same records to a file with `logging.FileHandler` | {figures["keyword_ms_per_call"]} | {figures["core_logged_ms_per_call"]} | **{figures["ratio_keyword_to_core_same_logging"]}** (target ≤ 1.25) |
| logging off on both sides: `--loglevel WARN` against the core call with logging off | {figures["warn_keyword_ms_per_call"]} | {figures["warn_core_ms_per_call"]} | **{figures["ratio_keyword_to_core_logging_off"]}** (target ≤ 1.25) |
| mixed, for reference: Robot log at INFO against the core call with logging off | {figures["keyword_ms_per_call"]} | {figures["core_ms_per_call"]} | {figures["ratio_keyword_to_core"]} |
| for reference: the thinnest static keyword around the same call (Robot's own cost) | {figures["bare_keyword_ms_per_call"]} | | `Get Release` is {figures["ratio_keyword_to_bare_keyword"]} × it |

The call is a loopback GET of about 0.7 ms, so Robot's fixed cost per keyword (roughly
0.1 ms of its own work, plus the call itself running slower between Robot's steps than in a
tight loop) weighs far more than against a real site, where a call takes tens of
milliseconds.
"""


if __name__ == "__main__":
    main()

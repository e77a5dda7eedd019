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
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from common import CLIENT_CPU, ROOT, machine, pin, start_simulator, stop


def _robot_run(
    folder: Path, urls: dict[str, str], level: str, args: argparse.Namespace
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
        "--variable", f"ROUNDS:{args.rounds}", "--variable", f"CALLS:{args.calls}",
        "--variable", f"SEARCHES:{args.searches}",
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
    rounds_of: dict[str, list[float]] = defaultdict(list)
    for loop in root.iter("kw"):
        for wrapper, name, key in (
            ("Time Keyword Calls", "Get Release", "keyword:release"),
            ("Time Bare Keyword Calls", "Bare Keyword Release", "bare:release"),
            ("Time Keyword Searches", "Search Defects", "keyword:defects"),
            ("Time Keyword Searches", "Search Changes", "keyword:changes"),
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
    parser.add_argument("--searches", type=int, default=60)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        simulator, urls = start_simulator(folder, "[rate_limit]\nrequests = 1000000000\n")
        try:
            info = _robot_run(folder, urls, "INFO", args)
            warn = _robot_run(folder, urls, "WARN", args)
        finally:
            stop(simulator)
    ms = lambda seconds: round(seconds * 1000, 3)  # noqa: E731
    figures: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "rounds": args.rounds,
        "calls_per_round": args.calls,
        "searches_per_round": args.searches,
        "bare_keyword_ms_per_call": ms(info["bare:release"]),
        "ratio_keyword_to_bare_keyword": round(info["keyword:release"] / info["bare:release"], 3),
    }
    for call in ("release", "defects", "changes"):
        figures[call] = {
            "keyword_ms": ms(info[f"keyword:{call}"]),
            "core_logged_ms": ms(info[f"logged:{call}"]),
            "ratio_same_logging": round(info[f"keyword:{call}"] / info[f"logged:{call}"], 3),
            "warn_keyword_ms": ms(warn[f"keyword:{call}"]),
            "warn_core_ms": ms(warn[f"core:{call}"]),
            "ratio_logging_off": round(warn[f"keyword:{call}"] / warn[f"core:{call}"], 3),
            "core_ms": ms(info[f"core:{call}"]),
            "ratio_mixed": round(info[f"keyword:{call}"] / info[f"core:{call}"], 3),
        }
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    names = {
        "release": "`Get Release` (one release, ~0.9 KB)",
        "defects": "`Search Defects    page_size=25`",
        "changes": "`Search Changes    page_size=100` (~150 KB)",
    }
    rows = []
    for call, label in names.items():
        f = figures[call]
        rows.append(
            f"| {label} | {f['keyword_ms']} / {f['core_logged_ms']} | **{f['ratio_same_logging']}** "
            f"| {f['warn_keyword_ms']} / {f['warn_core_ms']} | **{f['ratio_logging_off']}** "
            f"| {f['ratio_mixed']} |"
        )
    table = "\n".join(rows)
    return f"""## Keyword against direct core call

Medians of {figures["rounds"]} rounds ({figures["calls_per_round"]} `Get Release` calls,
{figures["searches_per_round"]} of each search), keywords and direct calls alternating in one
Robot process; a keyword's time is its own elapsed time as Robot records it. Compared like
with like: Robot's log at INFO (summary and masked bodies) against the core call logging the
same records to a file with `logging.FileHandler`; `--loglevel WARN` against the core call
with logging off. Target ≤ 1.25.

| keyword | ms at INFO: keyword / core, logged | **ratio, same logging** | ms at WARN: keyword / core | **ratio, logging off** | for reference: INFO keyword / core with logging off |
|---|---|---|---|---|---|
{table}

The thinnest static keyword around `PlutoraClient.release` takes
{figures["bare_keyword_ms_per_call"]} ms (`Get Release` is {figures["ratio_keyword_to_bare_keyword"]}
× it): what remains above the core call is Robot's own cost per keyword (its work, and the call
running slower between Robot's steps than in a tight loop), about 0.15–0.2 ms here. Against a
loopback GET of ~0.65 ms that is 25–35 %; against a call that moves a page, or any call to a
real site (tens of milliseconds), it is a few per cent.
"""


if __name__ == "__main__":
    main()

"""Benchmark: a keyword call against the same core call made from Python directly, in
alternating rounds of one Robot run (``bench/keywords.robot``). Target: at most 1.25 ×.

A keyword's cost is its own elapsed time as Robot records it. The direct call is timed in
Python around exactly the core call (``PlutoraClient.release``, ``search_defects``,
``search_changes``), made two ways:

- **in the same Robot loop**: a helper keyword makes the core call and times only that call,
  so the direct call runs in the conditions the keyword's call runs in (the headline ratio:
  what calling through a keyword adds);
- **in a tight Python loop** of the same call, back to back (for reference: the call at its
  fastest, with the processor's caches kept warm by the loop itself).

Like with like: at Robot's INFO both log the same records (into Robot's log; the tight loop
to a file with ``logging.FileHandler``); at WARN neither logs.

Run: ``python bench/bench_keywords.py [--rounds 7] [--calls 300]``
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


def _robot_run(
    folder: Path, urls: dict[str, str], level: str, args: argparse.Namespace
) -> dict[str, list[float]]:
    """One Robot run of ``bench/keywords.robot`` at log level ``level``: seconds per call of
    each kind, one value per round, in round order."""
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
    kinds = {
        "Get Release": "keyword:release",
        "Bare Keyword Release": "bare:release",
        "Search Defects": "keyword:defects",
        "Search Changes": "keyword:changes",
    }
    loops = ("Time Release Pairs", "Time Search Pairs", "Time Bare")
    rounds_of = keyword_round_means(output, loops, kinds)
    for line in timings.read_text(encoding="utf-8").splitlines():
        timing = json.loads(line)
        rounds_of[timing["kind"]].append(timing["seconds"])
    return dict(rounds_of)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
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
    median = statistics.median

    def ratio(runs: dict[str, list[float]], key: str, base: str) -> float:
        return round(median(runs[key]) / median(runs[base]), 3)

    def spread(runs: dict[str, list[float]], key: str, base: str) -> list[float]:
        """The lowest and highest ratio of a single round."""
        rounds = [a / b for a, b in zip(runs[key], runs[base], strict=True)]
        return [round(min(rounds), 3), round(max(rounds), 3)]

    figures: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "rounds": args.rounds,
        "calls_per_round": args.calls,
        "searches_per_round": args.searches,
        "bare_keyword_ms_per_call": ms(median(info["bare:release"])),
        "ratio_keyword_to_bare_keyword": ratio(info, "keyword:release", "bare:release"),
    }
    for call in ("release", "defects", "changes"):
        keyword, direct = f"keyword:{call}", f"direct:{call}"
        figures[call] = {
            "keyword_ms": ms(median(info[keyword])),
            "direct_ms": ms(median(info[direct])),
            "ratio_same_logging": ratio(info, keyword, direct),
            "rounds_same_logging": spread(info, keyword, direct),
            "warn_keyword_ms": ms(median(warn[keyword])),
            "warn_direct_ms": ms(median(warn[direct])),
            "ratio_logging_off": ratio(warn, keyword, direct),
            "rounds_logging_off": spread(warn, keyword, direct),
            "tight_logged_ms": ms(median(info[f"logged:{call}"])),
            "ratio_tight_same_logging": ratio(info, keyword, f"logged:{call}"),
            "tight_ms": ms(median(warn[f"core:{call}"])),
            "ratio_tight_logging_off": ratio(warn, keyword, f"core:{call}"),
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
    rows, tight_rows = [], []
    for call, label in names.items():
        f = figures[call]
        low, high = f["rounds_same_logging"]
        warn_low, warn_high = f["rounds_logging_off"]
        rows.append(
            f"| {label} | {f['keyword_ms']} / {f['direct_ms']} | **{f['ratio_same_logging']}** "
            f"({low}–{high}) | {f['warn_keyword_ms']} / {f['warn_direct_ms']} "
            f"| **{f['ratio_logging_off']}** ({warn_low}–{warn_high}) |"
        )
        tight_rows.append(
            f"| {label} | {f['tight_logged_ms']} | {f['ratio_tight_same_logging']} "
            f"| {f['tight_ms']} | {f['ratio_tight_logging_off']} |"
        )
    table, tight_table = "\n".join(rows), "\n".join(tight_rows)
    release = figures["release"]
    return f"""## Keyword against direct core call

Medians of {figures["rounds"]} rounds ({figures["calls_per_round"]} `Get Release` calls,
{figures["searches_per_round"]} of each search per round) in one Robot process. A keyword's
time is its own elapsed time as Robot records it. The direct call is the same core call made
from Python directly, timed around exactly that call, in the same Robot `FOR` loop: keyword
and direct call in pairs, which goes first alternating by round, so that both run in the same
conditions. Like with like: at `--loglevel INFO` both log the same records into Robot's log
(summary and masked bodies); at `--loglevel WARN` neither logs. In brackets, the lowest and
highest ratio of a single round. Target ≤ 1.25.

| keyword | ms at INFO: keyword / direct | **ratio, same logging** | ms at WARN: keyword / direct | **ratio, logging off** |
|---|---|---|---|---|
{table}

What the keyword adds is Robot's own work per keyword (resolving and converting the
arguments, recording the call) and the library's few lines: the thinnest static keyword
around `PlutoraClient.release` takes {figures["bare_keyword_ms_per_call"]} ms, and
`Get Release` is {figures["ratio_keyword_to_bare_keyword"]} × it.

For reference, the same keywords against the core call in a tight Python loop
({figures["calls_per_round"]} identical calls back to back, which keeps the processor's caches
warm for the call; the INFO loop logs to a file with `logging.FileHandler`). Anything run
between two calls, Robot's steps or a Python test's own code, takes some of that away: at
WARN the direct `Get Release` took {release["warn_direct_ms"]} ms in the Robot loop and
{release["tight_ms"]} ms in the tight loop.

| keyword | tight loop ms, logged | ratio | tight loop ms, logging off | ratio |
|---|---|---|---|---|
{tight_table}
"""


if __name__ == "__main__":
    main()

"""Benchmark: a keyword call against the same core call made from Python directly, measured in
alternating rounds of one Robot run (``bench/keywords.robot``), Robot's log at INFO (every call
logged with its masked bodies). Target: at most 1.25 ×.

The keyword's cost is its own elapsed time as Robot records it; the direct call's is timed in
Python around ``PlutoraClient.release`` with the core's logging off, as a plain program has it.

Run: ``python bench/bench_keywords.py [--rounds 5] [--calls 300]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from common import CLIENT_CPU, ROOT, machine, pin, start_simulator, stop


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        simulator, urls = start_simulator(folder, "[rate_limit]\nrequests = 1000000000\n")
        try:
            env = {
                key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")
            }
            env["PLUTORA_SIMULATOR_URL"] = urls["base"]
            command = [
                sys.executable, "-m", "robot", "--outputdir", str(folder), "--output", "output.xml",
                "--log", "NONE", "--report", "NONE", "--loglevel", "INFO", "--console", "none",
                "--variable", f"ROUNDS:{args.rounds}", "--variable", f"CALLS:{args.calls}",
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
            output = ElementTree.parse(folder / "output.xml").getroot()  # noqa: S314 - our own output
        finally:
            stop(simulator)
    keyword_rounds, bare_rounds, core_rounds = [], [], []
    for loop in output.iter("kw"):
        for wrapper, name, rounds in (
            ("Time Keyword Calls", "Get Release", keyword_rounds),
            ("Time Bare Keyword Calls", "Bare Keyword Release", bare_rounds),
        ):
            if loop.get("name") == wrapper:
                own = [
                    float(k.find("status").get("elapsed"))
                    for k in loop.iter("kw")
                    if k.get("name") == name
                ]  # type: ignore[union-attr]
                rounds.append(statistics.fmean(own))
    for message in output.iter("msg"):
        found = re.match(r"core seconds per call: ([0-9.e-]+)", message.text or "")
        if found:
            core_rounds.append(float(found.group(1)))
    keyword, core = statistics.median(keyword_rounds), statistics.median(core_rounds)
    bare = statistics.median(bare_rounds)
    figures = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "keyword_ms_per_call": round(keyword * 1000, 3),
        "core_ms_per_call": round(core * 1000, 3),
        "ratio_keyword_to_core": round(keyword / core, 3),
        "bare_keyword_ms_per_call": round(bare * 1000, 3),
        "ratio_keyword_to_bare_keyword": round(keyword / bare, 3),
        "rounds": args.rounds,
        "calls_per_round": args.calls,
    }
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    return f"""## Keyword against direct core call: `Get Release`

| call | ms per call (median of {figures["rounds"]} rounds × {figures["calls_per_round"]}) |
|---|---|
| `Get Release` keyword, Robot log at INFO (summary and masked bodies logged) | {figures["keyword_ms_per_call"]} |
| `PlutoraClient.release` from Python (baseline) | {figures["core_ms_per_call"]} |
| **ratio** | **{figures["ratio_keyword_to_core"]}** (target ≤ 1.25) |
| for reference: the thinnest static keyword around the same call (Robot's own cost) | {figures["bare_keyword_ms_per_call"]} (`Get Release` is {figures["ratio_keyword_to_bare_keyword"]} × it) |
"""


if __name__ == "__main__":
    main()

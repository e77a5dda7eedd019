"""Run every benchmark and write ``docs/benchmarks.md``: one command for all figures.

Run: ``python bench/run_all.py`` (about seven minutes on a 2-core machine);
``--quick`` for a short smoke run that still exercises every benchmark (well under two
minutes: the smoke test ``tests/integration/test_bench_runs.py`` runs it).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import bench_core
import bench_keywords
import bench_parallel
import bench_peer
import bench_rate_limit
import bench_recording
import bench_scale
import bench_shared_state
import bench_simulator
import bench_startup
from common import ROOT, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short rounds (a smoke run)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    quick = args.quick
    simulator = bench_simulator.main(
        ["--seconds", "0.3", "--rounds", "1", "--clients", "1"]
        if quick
        else ["--rounds", "5", "--seconds", "4"]
    )
    scale = bench_scale.main(["--quick"] if quick else [])
    core = bench_core.main(
        ["--rounds", "1", "--calls", "50", "--repeats", "10"] if quick else ["--defects", "100000"]
    )
    keywords = bench_keywords.main(
        ["--rounds", "1", "--calls", "20", "--searches", "5"] if quick else []
    )
    peer = bench_peer.main(["--rounds", "2", "--calls", "20"] if quick else [])
    startup = bench_startup.main(
        ["--pairs", "2", "--import-pairs", "2", "--robot-pairs", "2"] if quick else []
    )
    rate = bench_rate_limit.main(
        ["--limit", "20", "--window", "1", "--seconds", "2"] if quick else []
    )
    shared = bench_shared_state.main(
        ["--calls", "200", "--rounds", "1", "--limit", "20", "--window", "1", "--seconds", "2"]
        if quick
        else []
    )
    # Quick: a few tests and one acceptance suite, enough to check that grants are shared.
    parallel = bench_parallel.main(
        ["--tests", "4", "--processes", "2", "--suite", "Help Page Flows"] if quick else []
    )
    recording = bench_recording.main(["--quick"] if quick else [])
    report = (
        "# Benchmarks\n\n"
        f"Written by `python bench/run_all.py` on {time.strftime('%Y-%m-%d')}, {machine()}.\n"
        "Every figure is a ratio against a baseline measured side by side in the same run\n"
        "(rounds alternate between the two sides), since these machines are noisy.\n\n"
        f"{bench_simulator.markdown(simulator)}\n{bench_scale.markdown(scale)}\n"
        f"{bench_core.markdown(core)}\n"
        f"{bench_keywords.markdown(keywords)}\n{bench_peer.markdown(peer)}\n"
        f"{bench_startup.markdown(startup)}\n{bench_rate_limit.markdown(rate)}\n"
        f"{bench_shared_state.markdown(shared)}\n"
        f"{bench_parallel.markdown(parallel)}\n{bench_recording.markdown(recording)}"
    )
    args.output.write_text(report, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

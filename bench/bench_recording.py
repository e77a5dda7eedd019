"""Benchmark: ``plutora drift`` over large recordings, time and peak memory, streamed.

A recording of the default simulator (``plutora record``: every entity's first page, one
record of each, every lookup) is repeated, each copy with fresh ids, up to a small and a
large size (10 MB and 100 MB by default). ``plutora drift`` runs over each in its own
process, pinned to one core; the process's peak resident memory (``ru_maxrss``) and the wall
time are measured. Memory must not grow with the file: the figure to read is the ratio of
the large file's peak to the small one's (1.0 is constant memory), and the throughput in MB/s.
Rounds alternate the two sizes (the order swapped every round); each figure is the median.

Run: ``python bench/bench_recording.py [--rounds 3] [--small-mb 10] [--large-mb 100]``;
``--quick`` for a smoke run (2 MB and 10 MB, one round).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from common import CLIENT_CPU, ROOT, machine, pin

_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: Runs the drift check in a fresh interpreter and prints its figures as JSON.
_CHILD = """
import json, resource, sys, time
from PlutoraLibrary.core.drift import check_drift
started = time.perf_counter()
report = check_drift(sys.argv[1])
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"seconds": took, "peak_kib": peak, "exchanges": report.exchanges,
                  "failing": report.failing(), "lines": len(report.lines)}))
"""


def sample_recording(folder: Path) -> Path:
    """A recording of the default simulator (both APIs), as ``plutora record`` writes it."""
    sys.path.insert(0, str(ROOT))
    from PlutoraLibrary.core.config import PlutoraConfig
    from PlutoraLibrary.core.site_recording import record_site
    from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig

    path = folder / "sample.ndjson"
    with PlutoraSimulator(SimulatorConfig()) as sim:
        urls = sim.urls
        config = PlutoraConfig.from_env(
            {},
            auth_url=urls.plutora_token_url, api_url=urls.plutora_api_url,
            client_id="sim-plutora-client", client_secret="sim-plutora-secret",
            username="qa.lead@example.com", password="Sim-Password-1",
            test_auth_url=urls.plutora_test_token_url, test_api_url=urls.plutora_test_api_url,
            test_client_id="sim-plutora-test-client",
            test_client_secret="sim-plutora-test-secret",
            test_username="qa.lead@example.com", test_password="Sim-Password-1",
        )  # fmt: skip
        record_site(config, path)
    return path


def grow(sample: Path, target: Path, megabytes: float) -> int:
    """Write ``target``: ``sample``'s exchanges again and again, each copy's ids fresh, to
    ``megabytes`` MB; returns its size in bytes."""
    import re

    lines = sample.read_text(encoding="utf-8").splitlines()
    head, body = lines[0], lines[1:]
    guid = re.compile(_GUID)
    limit = int(megabytes * 1_000_000)
    written = 0
    with open(target, "w", encoding="utf-8") as out:
        out.write(head + "\n")
        while written < limit:
            renew = _renewer()
            for line in body:
                text = guid.sub(renew, line)
                out.write(text + "\n")
                written += len(text) + 1
    return target.stat().st_size


def _renewer() -> Any:
    """A replacement of ids for one copy: the same id, the same fresh one."""
    fresh: dict[str, str] = {}

    def renew(match: Any) -> str:
        return fresh.setdefault(match.group(0), str(uuid.uuid4()))

    return renew


def measure(path: Path) -> dict[str, Any]:
    """The drift check over ``path`` in a fresh interpreter: time, peak memory, findings."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=3600,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; returns its figures (and prints them)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small-mb", type=float, default=10.0)
    parser.add_argument("--large-mb", type=float, default=100.0)
    parser.add_argument("--quick", action="store_true", help="2 MB and 10 MB, one round")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.small_mb, args.large_mb = 1, 2.0, 10.0
    pin(CLIENT_CPU)
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        sample = sample_recording(where)
        files = {
            "small": (where / "small.ndjson", args.small_mb),
            "large": (where / "large.ndjson", args.large_mb),
        }
        sizes = {name: grow(sample, path, mb) for name, (path, mb) in files.items()}
        runs: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
        for number in range(args.rounds):
            order = ["small", "large"] if number % 2 == 0 else ["large", "small"]
            for name in order:
                runs[name].append(measure(files[name][0]))
    result: dict[str, Any] = {"machine": machine(), "rounds": args.rounds}
    for name, measured in runs.items():
        seconds = statistics.median(m["seconds"] for m in measured)
        result[name] = {
            "bytes": sizes[name],
            "exchanges": measured[0]["exchanges"],
            "seconds": seconds,
            "peak_mib": statistics.median(m["peak_kib"] for m in measured) / 1024,
            "mb_per_second": sizes[name] / 1_000_000 / seconds,
            "failing": measured[0]["failing"],
        }
    result["peak_ratio"] = result["large"]["peak_mib"] / result["small"]["peak_mib"]
    print(json.dumps(result, indent=2))
    return result


def markdown(result: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    rows = []
    for name in ("small", "large"):
        figures = result[name]
        rows.append(
            f"| {figures['bytes'] / 1_000_000:.0f} MB | {figures['exchanges']:,} | "
            f"{figures['seconds']:.1f} s | {figures['mb_per_second']:.1f} MB/s | "
            f"{figures['peak_mib']:.0f} MiB |"
        )
    return (
        "## Drift over a large recording (`plutora drift`, streamed)\n\n"
        "A recording of the default simulator (`plutora record`), repeated with fresh ids;\n"
        "`plutora drift`'s check in a fresh interpreter per run, pinned to one core; medians\n"
        f"of {result['rounds']} round(s) alternating the sizes "
        "(`python bench/bench_recording.py`).\n\n"
        "| recording | exchanges | time | throughput | peak memory (process) |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Peak memory of the large file over the small one: **{result['peak_ratio']:.2f} x**\n"
        "(1.00 is constant memory: the file is read line by line and only the counts are\n"
        "kept). The peak is the interpreter, the contract and one line at a time.\n"
    )


if __name__ == "__main__":
    figures = main()
    print(markdown(figures))

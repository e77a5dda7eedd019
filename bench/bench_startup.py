"""Benchmark: what the distribution costs where it is installed but not (or barely) used, each
side by side with its baseline in alternating pairs of fresh processes:

1. **the pytest plugin**: an unrelated one-test project (a temporary folder outside the
   repository, no Plutora fixture or option) run by pytest with the plugin, against the same
   run with ``-p no:plutora`` (target ≤ 1.03 ×); and, stricter, the plugin alone on a bare
   pytest (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``, ``-p pytest_plutora.plugin`` against no
   plugin), where the other installed plugins' imports cannot hide any of its own;
2. **the core import**: ``from PlutoraLibrary.core import PlutoraClient, PlutoraConfig,
   PlutoraTestClient`` (everything a script needs to call the API) against ``import
   requests``, each timed inside a fresh interpreter (target ≤ 1.5 ×);
3. **the Robot library import**: an empty Robot run (one test, ``No Operation``) with
   ``Library    PlutoraLibrary`` against the same suite without it: the seconds added
   (target ≤ 0.3 s).

Which side goes first alternates by pair. A pytest or Robot run's cost is its CPU time (user +
system, of the process and its children), which the load of other processes on a shared machine
changes far less than its wall-clock time; the wall-clock ratio is reported beside it (it
also counts waiting on the disk, e.g. for a folder made). The subprocesses may write bytecode (the
environment's ``PYTHONDONTWRITEBYTECODE`` is dropped for them) and a warm-up run of each side
comes first, as an installed distribution has its bytecode compiled.

Run: ``python bench/bench_startup.py [--pairs 20] [--import-pairs 20] [--robot-pairs 10]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import machine

UNRELATED_TEST = """
def test_arithmetic():
    assert 1 + 1 == 2
"""
ROBOT_SUITE = """*** Settings ***
{library}

*** Test Cases ***
Nothing
    No Operation
"""
CLIENT_IMPORT = "from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient"
IMPORTS = {
    "requests": ("", "import requests"),
    "client": ("", CLIENT_IMPORT),
    "package": ("", "import PlutoraLibrary.core"),
}


def _environment() -> dict[str, str]:
    """The caller's environment, without Plutora settings, with bytecode allowed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _seconds(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall-clock seconds of one process, start to exit."""
    before, started = _cpu_of_children(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=300)
    return _cpu_of_children() - before, time.perf_counter() - started


def _pairs(
    sides: dict[str, tuple[list[str], dict[str, str]]], pairs: int, cwd: Path
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """``pairs`` runs of each (command, environment), alternating which goes first, after one
    warm-up each: the CPU and the wall-clock seconds of each side."""
    names = list(sides)
    for name in names:
        _seconds(sides[name][0], cwd, sides[name][1])
    cpu: dict[str, list[float]] = {name: [] for name in names}
    wall: dict[str, list[float]] = {name: [] for name in names}
    for pair in range(pairs):
        for name in names if pair % 2 == 0 else reversed(names):
            used, took = _seconds(sides[name][0], cwd, sides[name][1])
            cpu[name].append(used)
            wall[name].append(took)
    return cpu, wall


def _import_seconds(setup: str, statement: str, env: dict[str, str], cwd: Path) -> float:
    """Seconds ``statement`` takes in a fresh interpreter, after ``setup`` (not timed)."""
    code = (
        f"{setup}\nimport time\nstarted = time.perf_counter()\n{statement}\n"
        "print(time.perf_counter() - started)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return float(result.stdout.strip().splitlines()[-1])


def _spread(values: list[float]) -> list[float]:
    """The lower and upper quartile."""
    if len(values) < 4:
        return [round(min(values), 3), round(max(values), 3)]
    quartiles = statistics.quantiles(values, n=4)
    return [round(quartiles[0], 3), round(quartiles[2], 3)]


def _ratio(side: list[float], baseline: list[float]) -> float:
    return round(statistics.median(side) / statistics.median(baseline), 3)


def plugin_overhead(pairs: int, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """An unrelated one-test project, with the plugin and with ``-p no:plutora``; and the
    plugin alone on a bare pytest (no plugin autoloaded) against a bare pytest."""
    project = folder / "unrelated-project"
    project.mkdir()
    (project / "test_unrelated.py").write_text(UNRELATED_TEST, encoding="utf-8")
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", "."]
    bare = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cpu, wall = _pairs(
        {
            "plugin": (base, env),
            "without": ([*base, "-p", "no:plutora"], env),
            "alone": ([*base, "-p", "pytest_plutora.plugin"], bare),
            "bare": (base, bare),
        },
        pairs,
        project,
    )
    per_pair = [a / b for a, b in zip(cpu["plugin"], cpu["without"], strict=True)]
    leftovers = sorted(path.name for path in folder.iterdir() if path.name.startswith("plutora"))
    return {
        "pairs": pairs,
        "with_plugin_s": round(statistics.median(cpu["plugin"]), 3),
        "without_plugin_s": round(statistics.median(cpu["without"]), 3),
        "ratio": _ratio(cpu["plugin"], cpu["without"]),
        "wall_ratio": _ratio(wall["plugin"], wall["without"]),
        "pair_ratio_quartiles": _spread(per_pair),
        "alone_s": round(statistics.median(cpu["alone"]), 3),
        "bare_s": round(statistics.median(cpu["bare"]), 3),
        "alone_ratio": _ratio(cpu["alone"], cpu["bare"]),
        "alone_wall_ratio": _ratio(wall["alone"], wall["bare"]),
        "folders_left_in_tmp": leftovers,
    }


def core_import(pairs: int, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """The core client's import and ``import requests``, in fresh interpreters, alternating."""
    for setup, statement in IMPORTS.values():  # warm-up: bytecode written
        _import_seconds(setup, statement, env, folder)
    timings: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for pair in range(pairs):
        for name in IMPORTS if pair % 2 == 0 else reversed(list(IMPORTS)):
            timings[name].append(_import_seconds(*IMPORTS[name], env, folder))
    ms = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    return {
        "pairs": pairs,
        "requests_ms": round(ms["requests"], 1),
        "client_ms": round(ms["client"], 1),
        "package_ms": round(ms["package"], 2),
        "ratio": round(ms["client"] / ms["requests"], 3),
    }


def robot_import(pairs: int, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """An empty Robot run with and without ``Library    PlutoraLibrary``."""
    suites = folder / "robot"
    suites.mkdir()
    (suites / "with_library.robot").write_text(
        ROBOT_SUITE.format(library="Library    PlutoraLibrary"), encoding="utf-8"
    )
    (suites / "without_library.robot").write_text(ROBOT_SUITE.format(library=""), encoding="utf-8")
    robot = [
        sys.executable, "-m", "robot", "--output", "NONE", "--log", "NONE", "--report", "NONE",
        "--console", "none",
    ]  # fmt: skip
    sides = {
        "library": ([*robot, "with_library.robot"], env),
        "empty": ([*robot, "without_library.robot"], env),
    }
    timings, _ = _pairs(sides, pairs, suites)
    return {
        "pairs": pairs,
        "with_library_s": round(statistics.median(timings["library"]), 3),
        "empty_s": round(statistics.median(timings["empty"]), 3),
        "added_s": round(
            statistics.median(timings["library"]) - statistics.median(timings["empty"]), 3
        ),
        "added_pair_quartiles": _spread(
            [a - b for a, b in zip(timings["library"], timings["empty"], strict=True)]
        ),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=20, help="pytest runs of each side")
    parser.add_argument("--import-pairs", type=int, default=20, help="imports of each kind")
    parser.add_argument("--robot-pairs", type=int, default=10, help="Robot runs of each side")
    args = parser.parse_args(argv)
    env = _environment()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        env["TMPDIR"] = str(folder)  # a run folder the plugin left behind would show here
        figures: dict[str, Any] = {
            "machine": machine(),
            "date": time.strftime("%Y-%m-%d"),
            "plugin": plugin_overhead(args.pairs, folder, env),
            "core_import": core_import(args.import_pairs, folder, env),
            "robot_import": robot_import(args.robot_pairs, folder, env),
        }
    print(json.dumps(figures, indent=2))
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    plugin, core, robot = figures["plugin"], figures["core_import"], figures["robot_import"]
    low, high = plugin["pair_ratio_quartiles"]
    added_low, added_high = robot["added_pair_quartiles"]
    left = ", ".join(plugin["folders_left_in_tmp"]) or "none"
    return f"""## Start-up: the adapters when unused

Fresh processes in alternating pairs (which side goes first alternates), bytecode compiled as
in an installed distribution, medians. A pytest or Robot run is timed by its CPU time (user +
system), which other processes' load on a shared machine changes far less than wall-clock
time; an import by `time.perf_counter()` inside the fresh interpreter.

| measure | Plutora | baseline | **ratio** |
|---|---|---|---|
| unrelated one-test pytest project, plugin installed vs `-p no:plutora` ({plugin["pairs"]} pairs) | {plugin["with_plugin_s"]} s CPU | {plugin["without_plugin_s"]} s CPU | **{plugin["ratio"]}** (target ≤ 1.03; pairs' quartiles {low}–{high}; wall-clock {plugin["wall_ratio"]}) |
| the same project on a bare pytest (`PYTEST_DISABLE_PLUGIN_AUTOLOAD=1`): `-p pytest_plutora.plugin` vs no plugin | {plugin["alone_s"]} s CPU | {plugin["bare_s"]} s CPU | {plugin["alone_ratio"]} (wall-clock {plugin["alone_wall_ratio"]}) |
| `from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient` vs `import requests` ({core["pairs"]} pairs) | {core["client_ms"]} ms | {core["requests_ms"]} ms | **{core["ratio"]}** (target ≤ 1.5) |

Run folders the unrelated project left in its temporary folder: {left}. `import
PlutoraLibrary.core` alone takes {core["package_ms"]} ms: the package loads its names on first
use, so that the plugin reads its settings table without loading the client.

An empty Robot run (one test, `No Operation`), with `Library    PlutoraLibrary` against
without ({robot["pairs"]} pairs): {robot["with_library_s"]} s against {robot["empty_s"]} s CPU,
**{robot["added_s"]} s added** (target ≤ 0.3 s; pairs' quartiles {added_low}–{added_high} s).
"""


if __name__ == "__main__":
    main()

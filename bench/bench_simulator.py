"""Benchmark: ``GET /releases/{id}`` with keep-alive, simulator against a bare app on the same
server stack (aiohttp), measured side by side in one run; plus ``plutora sim`` start-up time.

Each server runs in its own process, pinned to one core; load comes from client processes
pinned to the other core, each one keep-alive connection on raw sockets (a few microseconds
of client work per request, so the servers, not the client, set the pace). Rounds alternate
bare/simulator to share the noise.

Run: ``python bench/bench_simulator.py [--seconds 3] [--rounds 3] [--clients 2]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common import CLIENT_CPU, CREDENTIALS, ROOT, machine, pin, start_process

_LENGTH = re.compile(rb"(?i)content-length: *(\d+)")


def _load(url: str, headers: dict[str, str], seconds: float, counter: Any) -> None:
    """One keep-alive connection in a closed loop, on raw sockets: a request costs the
    client a few microseconds, so the server under test sets the pace."""
    pin(CLIENT_CPU)
    parts = urlsplit(url)
    lines = [
        f"GET {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    done = 0
    buffer = b""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sock.sendall(request)
        while b"\r\n\r\n" not in buffer:
            buffer += sock.recv(65536)
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"GET {url} answered {head[:40]!r}")
        length = int(_LENGTH.search(head).group(1))  # type: ignore[union-attr]
        while len(buffer) < length:
            buffer += sock.recv(65536)
        buffer = buffer[length:]
        done += 1
    sock.close()
    with counter.get_lock():
        counter.value += done


def _rate(url: str, headers: dict[str, str], seconds: float, clients: int) -> float:
    counter = multiprocessing.Value("q", 0)
    workers = [
        multiprocessing.Process(target=_load, args=(url, headers, seconds, counter))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError("a load process failed")
    return counter.value / seconds


def _post_form(url: str, form: dict[str, str]) -> dict[str, object]:
    from urllib.parse import urlencode

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(
        "POST",
        parts.path,
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return json.loads(connection.getresponse().read())  # type: ignore[no-any-return]


def _get_json(url: str, headers: dict[str, str]) -> object:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path, headers=headers)
    return json.loads(connection.getresponse().read())


def startup_seconds(runs: int, folder: Path) -> list[float]:
    """Wall time from starting ``plutora sim --port 0`` to its ready file, ``runs`` times."""
    times = []
    for run in range(runs):
        ready = folder / f"startup-{run}.json"
        begin = time.perf_counter()
        process = start_process(
            [
                sys.executable,
                "-m",
                "PlutoraLibrary.cli",
                "sim",
                "--port",
                "0",
                "--ready-file",
                str(ready),
            ],
            ready,
        )
        times.append(time.perf_counter() - begin)
        process.terminate()
        process.wait(timeout=10)
    return times


_IN_PROCESS = """
import time
from PlutoraLibrary.simulator import PlutoraSimulator
begin = time.perf_counter()
simulator = PlutoraSimulator().start()
print(time.perf_counter() - begin)
simulator.stop()
"""


def in_process_startup_seconds(runs: int) -> list[float]:
    """Seconds ``PlutoraSimulator().start()`` takes (seed, contract, app, listening), once its
    modules are imported, each in a fresh process, ``runs`` times."""
    import subprocess

    return [
        float(
            subprocess.run(
                [sys.executable, "-c", _IN_PROCESS], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measuring round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server (alternating)")
    parser.add_argument("--clients", type=int, default=3, help="load processes (connections)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write a Markdown report here"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        settings = folder / "sim.toml"
        settings.write_text("[rate_limit]\nrequests = 1000000000\n", encoding="utf-8")
        sim_ready, bare_ready = folder / "sim.json", folder / "bare.json"
        command = [
            sys.executable,
            "-m",
            "PlutoraLibrary.cli",
            "sim",
            "--port",
            "0",
            "--config",
            str(settings),
            "--ready-file",
            str(sim_ready),
        ]
        simulator = start_process(command, sim_ready)
        bare = start_process(
            [sys.executable, str(ROOT / "bench" / "bare_app.py"), str(bare_ready)], bare_ready
        )
        try:
            urls = json.loads(sim_ready.read_text())
            token = _post_form(urls["plutora_token_url"], CREDENTIALS)["access_token"]
            headers = {"Authorization": f"bearer {token}"}
            release_id = _get_json(urls["plutora_api_url"] + "/releases", headers)[0]["id"]  # type: ignore[index]
            sim_url = f"{urls['plutora_api_url']}/releases/{release_id}"
            bare_url = (
                json.loads(bare_ready.read_text())["base"] + f"/plutora/api/releases/{release_id}"
            )
            _rate(sim_url, headers, 0.5, args.clients)  # warm both up
            _rate(bare_url, headers, 0.5, args.clients)
            sim_rates, bare_rates = [], []
            for number in range(
                args.rounds
            ):  # swap the order every round: no side goes first always
                pair = [(bare_rates, bare_url), (sim_rates, sim_url)]
                for rates, url in pair if number % 2 == 0 else reversed(pair):
                    rates.append(_rate(url, headers, args.seconds, args.clients))
        finally:
            simulator.terminate()
            bare.terminate()
            simulator.wait(timeout=10)
            bare.wait(timeout=10)
        startup = startup_seconds(5, folder)
    in_process = in_process_startup_seconds(5)
    figures: dict[str, object] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "simulator_requests_per_second": round(statistics.median(sim_rates)),
        "bare_app_requests_per_second": round(statistics.median(bare_rates)),
        "ratio_simulator_to_bare": round(
            statistics.median(sim_rates) / statistics.median(bare_rates), 3
        ),
        "startup_seconds_median": round(statistics.median(startup), 3),
        "startup_seconds_max": round(max(startup), 3),
        "startup_in_process_seconds_median": round(statistics.median(in_process), 3),
        "startup_in_process_seconds_max": round(max(in_process), 3),
        "simulator_rounds": [round(rate) for rate in sim_rates],
        "bare_app_rounds": [round(rate) for rate in bare_rates],
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "client_processes": args.clients,
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(f"# Benchmarks\n\n{markdown(figures)}", encoding="utf-8")
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    return f"""## Simulator: `GET /releases/{{id}}` with keep-alive

| server | requests/s (median of {figures["rounds"]} × {figures["seconds_per_round"]} s) |
|---|---|
| simulator (routing, token, rate limit, counters, contract shape, JSON) | {figures["simulator_requests_per_second"]} |
| bare aiohttp app, fixed body (baseline) | {figures["bare_app_requests_per_second"]} |
| **ratio** | **{figures["ratio_simulator_to_bare"]}** (target ≥ 0.8, and ≥ 1,000 requests/s) |

Rounds: simulator {figures["simulator_rounds"]}, bare {figures["bare_app_rounds"]}.
Servers run pinned to one core, {figures["client_processes"]} load connections on the other.

## Simulator start-up

`plutora sim --port 0`, from process start to accepting requests: median
{figures["startup_seconds_median"]} s, slowest {figures["startup_seconds_max"]} s of 5 (target < 2 s).
In a process that has imported it, `PlutoraSimulator().start()` (seed, routes, listening):
median {figures["startup_in_process_seconds_median"]} s, slowest
{figures["startup_in_process_seconds_max"]} s of 5 (target ≤ 0.3 s).
"""


if __name__ == "__main__":
    main()

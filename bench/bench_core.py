"""Benchmarks of the core client, each a ratio against its baseline measured in the same run:

1. ``GET /releases/{id}`` through ``PlutoraClient.release`` (token, rate limiter, error
   mapping, JSON parsing and schema validation on) against a bare ``requests.Session`` GET of
   the same URL with the same header (target ≤ 1.0×);
2. validating a 100-record page against ``json.loads`` of the same body (target ≤ 0.5×), with
   the pure-Python ``jsonschema`` for reference;
3. peak memory while iterating 10,000 defects (100,000 in ``run_all.py``) against the memory
   of one page (target: growth of at most 1.1 pages' worth);
4. the same GET through the generic call (``client.call("GET", "releases/{id}")``: expected
   statuses, a response object, the contract's operation found and its answer validated)
   against ``PlutoraClient.release``, wall clock and the client's CPU time (target: CPU
   ≤ 1.1×).

The simulator runs in its own process pinned to one core; the client runs pinned to the other.

Run: ``python bench/bench_core.py [--rounds 5] [--calls 800]``
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import requests
from common import CLIENT_CPU, machine, pin, start_simulator, stop

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient
from PlutoraLibrary.core.validation import Schemas, schema_resources


def _config(urls: dict[str, str]) -> PlutoraConfig:
    return PlutoraConfig.from_env(
        {},
        client_id="sim-plutora-client",
        client_secret="sim-plutora-secret",
        username="qa.lead@example.com",
        password="Sim-Password-1",
        auth_url=urls["plutora_token_url"],
        api_url=urls["plutora_api_url"],
        test_client_id="sim-plutora-test-client",
        test_client_secret="sim-plutora-test-secret",
        test_username="qa.lead@example.com",
        test_password="Sim-Password-1",
        test_auth_url=urls["plutora_test_token_url"],
        test_api_url=urls["plutora_test_api_url"],
    )


def _per_call(action: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - started) / calls


def client_against_bare(urls: dict[str, str], rounds: int, calls: int) -> dict[str, Any]:
    """Seconds per GET of one release: client (validation on) against bare requests."""
    with PlutoraClient(_config(urls)) as client:
        release_id = client.releases()[0]["id"]
        url = f"{urls['plutora_api_url']}/releases/{release_id}"
        headers = {"Authorization": f"bearer {client.transport.tokens.token().value}"}
        bare = requests.Session()
        client.release(release_id)  # warm both connections up
        bare.get(url, headers=headers, timeout=10)
        client_times, bare_times = [], []
        for number in range(rounds):
            pair = [
                (bare_times, lambda: bare.get(url, headers=headers, timeout=10)),
                (client_times, lambda: client.release(release_id)),
            ]
            for times, action in pair if number % 2 == 0 else reversed(pair):
                times.append(_per_call(action, calls))
        bare.close()
    client_median, bare_median = statistics.median(client_times), statistics.median(bare_times)
    return {
        "client_ms_per_get": round(client_median * 1000, 3),
        "bare_requests_ms_per_get": round(bare_median * 1000, 3),
        "ratio_client_to_bare": round(client_median / bare_median, 3),
        "rounds": rounds,
        "calls_per_round": calls,
    }


def generic_against_named(urls: dict[str, str], rounds: int, calls: int) -> dict[str, Any]:
    """Seconds per GET of one release, wall clock and this process's CPU: the generic call
    against the named method. The CPU time is the client's own work, which the load of a
    shared machine disturbs far less than the wall clock."""
    with PlutoraClient(_config(urls)) as client:
        release_id = client.releases()[0]["id"]
        path = f"releases/{release_id}"
        client.release(release_id)
        client.call("GET", path)
        times: dict[str, list[tuple[float, float]]] = {"generic": [], "named": []}
        for number in range(rounds):
            pair = [
                ("named", lambda: client.release(release_id)),
                ("generic", lambda: client.call("GET", path)),
            ]
            for side, action in pair if number % 2 == 0 else reversed(pair):
                cpu = time.process_time()
                wall = _per_call(action, calls)
                times[side].append((wall, (time.process_time() - cpu) / calls))
    wall = {side: statistics.median(t[0] for t in found) for side, found in times.items()}
    cpu = {side: statistics.median(t[1] for t in found) for side, found in times.items()}
    return {
        "generic_ms_per_get": round(wall["generic"] * 1000, 3),
        "named_ms_per_get": round(wall["named"] * 1000, 3),
        "ratio_generic_to_named": round(wall["generic"] / wall["named"], 3),
        "generic_cpu_ms_per_get": round(cpu["generic"] * 1000, 3),
        "named_cpu_ms_per_get": round(cpu["named"] * 1000, 3),
        "cpu_ratio_generic_to_named": round(cpu["generic"] / cpu["named"], 3),
        "rounds": rounds,
        "calls_per_round": calls,
    }


def validation_against_parsing(urls: dict[str, str], repeats: int) -> dict[str, Any]:
    """Seconds to validate a 100-change page against seconds to ``json.loads`` it."""
    with PlutoraClient(_config(urls)) as client:
        token = client.transport.tokens.token().value
    body = requests.get(
        f"{urls['plutora_api_url']}/changes?pageNum=0&recordsPerPage=100",
        headers={"Authorization": f"bearer {token}"},
        timeout=30,
    ).content
    parsed = json.loads(body)
    assert len(parsed["resultSet"]) == 100
    schemas = Schemas()
    schemas.validate(parsed, "change", "page")  # compile once, as the client does
    loads = statistics.median(_per_call(lambda: json.loads(body), repeats) for _ in range(5))
    validate = statistics.median(
        _per_call(lambda: schemas.validate(parsed, "change", "page"), repeats) for _ in range(5)
    )
    pure = _pure_python_validator()
    pure_python = statistics.median(_per_call(lambda: pure.validate(parsed), 20) for _ in range(3))
    return {
        "body_bytes": len(body),
        "json_loads_ms": round(loads * 1000, 3),
        "validate_ms": round(validate * 1000, 3),
        "ratio_validate_to_json_loads": round(validate / loads, 3),
        "pure_python_jsonschema_ms": round(pure_python * 1000, 3),
        "ratio_pure_python_to_json_loads": round(pure_python / loads, 1),
    }


def _pure_python_validator() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT202012))
        for uri, doc in schema_resources()
    )
    base = "https://robotframework-plutora.schemas/"
    schema = {
        "allOf": [
            {"$ref": f"{base}paged-list.json"},
            {"properties": {"resultSet": {"items": {"$ref": f"{base}change.json"}}}},
        ]
    }
    return jsonschema.Draft202012Validator(schema, registry=registry)


def memory_while_iterating(urls: dict[str, str]) -> dict[str, Any]:
    """Peak memory growth iterating every defect (``--defects``, 10,000 by default) against
    one page of 100."""
    with PlutoraTestClient(_config(urls)) as client:
        client.search_defects(page_size=100)  # token, connection, compiled validators
        gc.collect()
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        page = client.search_defects(page=3, page_size=100)
        one_page = tracemalloc.get_traced_memory()[1] - baseline
        del page
        gc.collect()
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        count = sum(1 for _ in client.iter_defects(page_size=100))
        growth = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()
    return {
        "defects_iterated": count,
        "one_page_peak_kib": round(one_page / 1024, 1),
        "iteration_peak_growth_kib": round(growth / 1024, 1),
        "ratio_growth_to_one_page": round(growth / one_page, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per side")
    parser.add_argument("--calls", type=int, default=800, help="GETs per round")
    parser.add_argument("--repeats", type=int, default=200, help="validations per timing")
    parser.add_argument(
        "--defects", type=int, default=10000, help="defects the memory test iterates"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    pin(CLIENT_CPU)
    settings = f"defect_count = {args.defects}\n[rate_limit]\nrequests = 1000000000\n"
    with tempfile.TemporaryDirectory() as folder:
        simulator, urls = start_simulator(Path(folder), settings)
        try:
            figures = {
                "machine": machine(),
                "date": time.strftime("%Y-%m-%d"),
                "client": client_against_bare(urls, args.rounds, args.calls),
                "generic": generic_against_named(urls, args.rounds, args.calls),
                "validation": validation_against_parsing(urls, args.repeats),
                "memory": memory_while_iterating(urls),
            }
        finally:
            stop(simulator)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


def markdown(figures: dict[str, Any]) -> str:
    """The figures as sections of ``docs/benchmarks.md``."""
    client, validation, memory = figures["client"], figures["validation"], figures["memory"]
    return f"""## Core client: `GET /releases/{{id}}`, validation on

| call | ms per GET (median of {client["rounds"]} rounds × {client["calls_per_round"]}) |
|---|---|
| `PlutoraClient.release` (token, limiter, errors, JSON, schema) | {client["client_ms_per_get"]} |
| bare `requests.Session().get` of the same URL and header (baseline) | {client["bare_requests_ms_per_get"]} |
| **ratio** | **{client["ratio_client_to_bare"]}** (target ≤ 1.0) |

A bare `Session` re-reads the environment's proxy and CA settings on every request (about
0.2 ms here); the client keeps them per host, which is why it can be faster than the baseline.

{generic_markdown(figures["generic"])}
## Schema validation of a 100-change page ({validation["body_bytes"]} bytes)

| work | ms |
|---|---|
| `json.loads` of the body (baseline) | {validation["json_loads_ms"]} |
| validation with jsonschema-rs (the engine used) | {validation["validate_ms"]} |
| **ratio** | **{validation["ratio_validate_to_json_loads"]}** (target ≤ 0.5) |
| for reference: pure-Python `jsonschema` | {validation["pure_python_jsonschema_ms"]} ({validation["ratio_pure_python_to_json_loads"]} × `json.loads`) |

## Memory while iterating {memory["defects_iterated"]} defects (pages of 100)

| measure | KiB |
|---|---|
| peak for one page (baseline) | {memory["one_page_peak_kib"]} |
| peak growth over the whole iteration | {memory["iteration_peak_growth_kib"]} |
| **ratio** | **{memory["ratio_growth_to_one_page"]}** pages (target ≤ 1.1) |

The client-side rate limit keeps 8 bytes per request of its window (an array of timestamps);
pyrate-limiter's own in-memory bucket kept about 130 (1.32 pages here before).
"""


def generic_markdown(generic: dict[str, Any]) -> str:
    """The generic call's section of ``docs/benchmarks.md``."""
    return f"""## Generic call: `client.call("GET", "releases/{{id}}")`, validation on

Median of {generic["rounds"]} rounds × {generic["calls_per_round"]} GETs, the two sides alternating.

| call | ms per GET (wall) | client CPU ms per GET |
|---|---|---|
| `client.call` (expected statuses, response object, the contract's operation, schema) | {generic["generic_ms_per_get"]} | {generic["generic_cpu_ms_per_get"]} |
| `PlutoraClient.release` (baseline) | {generic["named_ms_per_get"]} | {generic["named_cpu_ms_per_get"]} |
| **ratio** | **{generic["ratio_generic_to_named"]}** | **{generic["cpu_ratio_generic_to_named"]}** (target ≤ 1.1) |
"""


if __name__ == "__main__":
    main()

"""Benchmark: search pages of the simulator at 1,000, 10,000 and 100,000 records (defects,
releases and changes), start-up and memory, with the ratio of the largest size to the
smallest measured side by side in one run.

One simulator per size (``defect_count``, ``release_count`` and ``change_count`` all set to
the size), each in its own process pinned to one core; requests come one at a time over a
keep-alive connection from this process, pinned to the other core, pages of 100. Rounds
alternate the sizes (the order swapped every round) so that they share the noise; each
figure is the median over the rounds. A page is timed from sending the request to reading
the whole answer.

Run: ``python bench/bench_scale.py [--rounds 15] [--sizes 1000,10000,100000]``;
``--quick`` for a smoke run (1,000 and 10,000 records, a few rounds, a few seconds).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from common import CLIENT_CPU, CREDENTIALS, ROOT, machine, pin, start_process, stop

PAGE = 100
#: Per entity: where its search goes, how a body is spelled, and the filters measured.
ENTITIES: dict[str, dict[str, Any]] = {
    "defects": {
        "api": "plutora_test_api_url",
        "path": "/defects/search",
        "equals": ("Status", "Open"),
        "within": ("Priority", ["High", "Critical"]),
        "sort": "Name",
        "contains": ("Name", "App"),
    },
    "releases": {
        "api": "plutora_api_url",
        "path": "/releases/filter",
        "equals": ("releaseStatusType", "Active"),
        "within": ("plutoraReleaseType", ["Integrated", "Enterprise"]),
        "sort": "name",
        "contains": ("summary", "release"),
        "list": "/releases",
        "expression": "`name` ~ `{}` OR `releaseStatusType` = `{}`",
    },
    "changes": {
        "api": "plutora_api_url",
        "path": "/changes/filter",
        "equals": ("changeStatus", "Approved"),
        "within": ("changePriority", ["High", "Critical"]),
        "sort": "name",
        "contains": ("name", "("),
        "list": "/changes",
        "expression": "`name` ~ `{}` OR `changeStatus` = `{}`",
    },
}
#: The pages measured, as named in the report.
CASES = {
    "first": "first page",
    "last": "last page",
    "equals": "Equals page",
    "within": "IsWithin page",
    "sorted": "sorted by name, page 2",
    "equals_sorted": "Equals, sorted by name",
    "contains_first": "Contains, first page (a new query)",
    "contains_next": "Contains, next page",
    "filter_first": "`GET ?filter=`, first page (a new expression)",
    "filter_next": "`GET ?filter=`, next page",
}
#: The cases of ``GET /{entity}?filter=`` lists (releases and changes have them, defects not).
LIST_CASES = ("filter_first", "filter_next")
TEST_CREDENTIALS = {
    **CREDENTIALS,
    "client_id": "sim-plutora-test-client",
    "client_secret": "sim-plutora-test-secret",
}


class Site:
    """One simulator of one size: its process, URLs, tokens and keep-alive connections."""

    def __init__(self, size: int, folder: Path, defects_only: bool = False) -> None:
        self.size = size
        name = f"{size}-defects" if defects_only else str(size)
        config, ready = folder / f"sim-{name}.toml", folder / f"ready-{name}.json"
        counts = (
            f"defect_count = {size}\n"
            if defects_only
            else f"defect_count = {size}\nrelease_count = {size}\nchange_count = {size}\n"
        )
        config.write_text(counts + "[rate_limit]\nrequests = 1000000000\n", encoding="utf-8")
        command = [sys.executable, "-m", "PlutoraLibrary.cli", "sim", "--port", "0"]
        begin = time.perf_counter()
        self.process = start_process(
            [*command, "--config", str(config), "--ready-file", str(ready)], ready
        )
        self.startup_seconds = time.perf_counter() - begin
        self.urls: dict[str, str] = json.loads(ready.read_text(encoding="utf-8"))
        self.tokens = {
            "plutora_api_url": _token(self.urls["plutora_token_url"], CREDENTIALS),
            "plutora_test_api_url": _token(self.urls["plutora_test_token_url"], TEST_CREDENTIALS),
        }
        self._connections: dict[str, http.client.HTTPConnection] = {}
        self._fresh = 0

    def post(self, entity: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """Seconds one search took (request to whole answer), and the answer."""
        spec = ENTITIES[entity]
        url = urlsplit(self.urls[spec["api"]])
        connection = self._connection(spec["api"], url)
        payload = json.dumps(body).encode()
        headers = {
            "Authorization": f"bearer {self.tokens[spec['api']]}",
            "Content-Type": "application/json",
        }
        begin = time.perf_counter()
        connection.request("POST", url.path + spec["path"], body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - begin
        if response.status != 200:
            raise RuntimeError(f"{entity} search answered {response.status}: {data[:200]!r}")
        return seconds, json.loads(data)

    def get(self, entity: str, query: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """Seconds one ``GET`` of the entity's list took (request to whole answer), and the
        answer."""
        spec = ENTITIES[entity]
        url = urlsplit(self.urls[spec["api"]])
        connection = self._connection(spec["api"], url)
        headers = {"Authorization": f"bearer {self.tokens[spec['api']]}"}
        begin = time.perf_counter()
        connection.request("GET", f"{url.path}{spec['list']}?{urlencode(query)}", headers=headers)
        response = connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - begin
        if response.status != 200:
            raise RuntimeError(f"{entity} list answered {response.status}: {data[:200]!r}")
        return seconds, json.loads(data)

    def list_query(self, entity: str, case: str) -> dict[str, Any]:
        """The query of one measured ``GET ?filter=`` case (a new expression each time it is
        asked for ``filter_first``, so that no kept answer serves it)."""
        if case == "filter_first":  # matches nothing: a scan of the set
            self._fresh += 1
            words, page = [f"none-{self._fresh}"] * 2, 0
        else:  # matches about half of the set
            words, page = ["e", ENTITIES[entity]["equals"][1]], 1
        expression = ENTITIES[entity]["expression"].format(*words)
        return {"filter": expression, "pageNum": page, "recordsPerPage": PAGE}

    def measure(self, entity: str, case: str) -> float:
        """Seconds of one request of ``case``."""
        if case in LIST_CASES:
            return self.get(entity, self.list_query(entity, case))[0]
        return self.post(entity, self.body(entity, case))[0]

    def _connection(self, api: str, url: Any) -> http.client.HTTPConnection:
        connection = self._connections.get(api)
        if connection is None:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            self._connections[api] = connection
        return connection

    def body(self, entity: str, case: str) -> dict[str, Any]:
        """The search body of one measured case (a new Contains value each time it is
        asked for ``contains_first``, so that no kept answer serves it)."""
        spec = ENTITIES[entity]
        filters: list[dict[str, Any]] = []
        page = 0
        if case == "last":
            # Release and change searches answer at most 10,000 (their ``limit``).
            total = self.size if entity == "defects" else min(self.size, 10_000)
            page = (total - 1) // PAGE
        elif case in ("equals", "equals_sorted"):
            filters.append(_filter(entity, spec["equals"][0], "Equals", spec["equals"][1]))
        elif case == "within":
            filters.append(_filter(entity, spec["within"][0], "IsWithin", spec["within"][1]))
        elif case == "contains_first":
            self._fresh += 1
            value = f"{spec['contains'][1]}-{self._fresh}"
            filters.append(_filter(entity, spec["contains"][0], "Contains", value))
        elif case == "contains_next":
            filters.append(_filter(entity, spec["contains"][0], "Contains", spec["contains"][1]))
            page = 1
        if case in ("sorted", "equals_sorted"):
            filters.append(_filter(entity, spec["sort"], None, None, "ASC"))
            page = 2 if case == "sorted" else 0
        if entity == "defects":
            return {"SearchFilters": filters, "PageNum": page, "RecordsPerPage": PAGE}
        return {"searchFilters": filters, "pageNum": page, "recordsPerPage": PAGE}

    def rss_bytes(self) -> int:
        """The simulator process's resident memory now."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024

    def close(self) -> None:
        """Stop the simulator."""
        for connection in self._connections.values():
            connection.close()
        stop(self.process)


def _filter(
    entity: str, name: str, operator: str | None, value: Any, direction: str | None = None
) -> dict[str, Any]:
    if entity == "defects":
        return {"Property": name, "Operator": operator, "Value": value, "Direction": direction}
    item: dict[str, Any] = {"property": name}
    if operator:
        item |= {"operator": operator, "value": value}
    if direction:
        item["direction"] = direction
    return item


def _token(url: str, form: dict[str, str]) -> str:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(
        "POST",
        parts.path,
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    token = json.loads(connection.getresponse().read())["access_token"]
    connection.close()
    return str(token)


def _iterate(site: Site, entity: str) -> tuple[int, float]:
    """Every page of the Equals search, one after another: records read and seconds."""
    seconds, count, page = 0.0, 0, 0
    while True:
        body = site.body(entity, "equals")
        body["PageNum" if entity == "defects" else "pageNum"] = page
        spent, answer = site.post(entity, body)
        seconds += spent
        items = answer["Data"]["ResultSet"] if entity == "defects" else answer["resultSet"]
        count += len(items)
        if len(items) < PAGE:
            return count, seconds
        page += 1


def _alternating(sites: list[Site], rounds: int, measure: Callable[[Site], float]) -> list[float]:
    """The median of ``measure`` per site, over rounds that alternate the sites."""
    samples: list[list[float]] = [[] for _ in sites]
    for number in range(rounds):
        order = list(enumerate(sites))
        for index, site in order if number % 2 == 0 else reversed(order):
            samples[index].append(measure(site))
    return [statistics.median(found) for found in samples]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="record counts, smallest first"
    )
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds per figure")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000, 3 rounds")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--markdown", type=Path, default=None, help="also write a Markdown report here"
    )
    parser.add_argument(
        "--docs",
        action="store_true",
        help="also put the section in docs/benchmarks.md (in place of its earlier figures)",
    )
    args = parser.parse_args(argv)
    sizes = [1000, 10000] if args.quick else [int(size) for size in args.sizes.split(",")]
    rounds = 3 if args.quick else args.rounds
    pin(CLIENT_CPU)
    sites: list[Site] = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        try:
            empty = Site(1, folder)  # the simulator with one record of each: the baseline
            empty_rss = empty.rss_bytes()
            empty.close()
            # The start-up and memory goals are per defect: a site of defects alone.
            defects = Site(sizes[-1], folder, defects_only=True)
            defects.post("defects", defects.body("defects", "equals"))  # an index built
            defects_startup, defects_rss = defects.startup_seconds, defects.rss_bytes()
            default = Site(1000, folder, defects_only=True)  # the default site's records
            default_rss = default.rss_bytes()
            defects.close()
            default.close()
            for size in sizes:  # started one after the other: each start-up timed alone
                sites.append(Site(size, folder))
            pages: dict[str, dict[str, list[float]]] = {}
            for entity in ENTITIES:
                pages[entity] = {}
                for case in CASES:
                    if case in LIST_CASES and "list" not in ENTITIES[entity]:
                        continue
                    for site in sites:  # once before measuring: what a first visit builds
                        site.measure(entity, case)
                    pages[entity][case] = [
                        round(seconds * 1000, 2)
                        for seconds in _alternating(
                            sites,
                            rounds,
                            lambda site, entity=entity, case=case: site.measure(entity, case),
                        )
                    ]
            iteration = []
            for site in sites:
                count, seconds = _iterate(site, "defects")
                iteration.append(round(seconds / max(count, 1) * 1e6, 2))
            rss = [site.rss_bytes() for site in sites]
        finally:
            for site in sites:
                site.close()
    figures: dict[str, Any] = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "sizes": sizes,
        "rounds": rounds,
        "page_size": PAGE,
        "pages_ms": pages,
        "ratio_largest_to_smallest": {
            entity: {case: round(times[-1] / times[0], 2) for case, times in pages[entity].items()}
            for entity in pages
        },
        "iterate_defects_equals_us_per_record": iteration,
        "startup_seconds": [round(site.startup_seconds, 2) for site in sites],
        "rss_mb": [round(value / 2**20, 1) for value in rss],
        "empty_rss_mb": round(empty_rss / 2**20, 1),
        "defects_only": {
            "defects": sizes[-1],
            "startup_seconds": round(defects_startup, 2),
            "rss_mb": round(defects_rss / 2**20, 1),
            "bytes_per_defect": round((defects_rss - default_rss) / (sizes[-1] - 1000)),
        },
        "bytes_per_record": [
            round((value - empty_rss) / (3 * size)) for value, size in zip(rss, sizes, strict=True)
        ],
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(f"# Benchmarks\n\n{markdown(figures)}", encoding="utf-8")
    if args.docs:
        write_section(ROOT / "docs" / "benchmarks.md", markdown(figures))
    return figures


def write_section(path: Path, section: str) -> None:
    """Put ``section`` in the report at ``path``: in place of the section with the same
    heading, or else before the core client's section (where ``run_all.py`` puts it)."""
    text = path.read_text(encoding="utf-8")
    start = text.find("## Simulator at scale")
    if start < 0:
        start = end = text.index("## Core client")
    else:
        end = text.find("\n## ", start) + 1 or len(text)
    path.write_text(text[:start] + section + "\n" + text[end:], encoding="utf-8")


def _count(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def markdown(figures: dict[str, Any]) -> str:
    """The figures as a section of ``docs/benchmarks.md``."""
    sizes, only = figures["sizes"], figures["defects_only"]
    largest, smallest = _count(sizes[-1]), _count(sizes[0])
    head = " | ".join(f"{_count(size)} ms" for size in sizes)
    rows = []
    for entity, cases in figures["pages_ms"].items():
        for case, times in cases.items():
            ratio = figures["ratio_largest_to_smallest"][entity][case]
            cells = " | ".join(str(value) for value in times)
            rows.append(f"| {entity} | {CASES[case]} | {cells} | {ratio} |")
    table = "\n".join(rows)
    per_size = " | ".join(_count(size) for size in sizes)
    line = "|---" * (len(sizes) + 1)
    return f"""## Simulator at scale: search pages at {", ".join(_count(s) for s in sizes)} records

Written by `python bench/bench_scale.py`. One simulator per size ({per_size} defects,
releases and changes each), pages of {figures["page_size"]}, one request at a time over
keep-alive; the median of {figures["rounds"]} rounds that alternate the sizes, after one
visit that builds what the index keeps (a sorted order, a bucket). "A new query" is a
`Contains` whose value no earlier query had (it matches nothing): a scan of the set, which
the issue allows; its next page comes from the kept matches. Release and change searches
answer at most 10,000 records (their `limit`), so their last page is page 99 from 10k on.
The `GET ?filter=` cases are the lists' expressions (a `~` on the name OR an `=` on the
status): a new expression scans the set; the next page of the same one comes from its kept
matches.

| entity | page | {head} | **ratio {largest}/{smallest}** |
|---|---|{"---|" * len(sizes)}---|
{table}

Targets: every ratio ≤ 2 except a new `Contains` query or `filter=` expression (a scan,
O(N), which the issue allows for the first page of a query).

| measure | {per_size} |
{line}|
| start-up, `plutora sim` to ready (s) | {" | ".join(str(v) for v in figures["startup_seconds"])} |
| simulator RSS after the searches (MB) | {" | ".join(str(v) for v in figures["rss_mb"])} |
| bytes per record beyond the simulator with one record of each ({figures["empty_rss_mb"]} MB), indexes included | {" | ".join(str(v) for v in figures["bytes_per_record"])} |
| iterating every page of the defects' Equals search (µs per record) | {" | ".join(str(v) for v in figures["iterate_defects_equals_us_per_record"])} |

A site of {only["defects"]:,} defects (releases and changes at their defaults), the issue's
measure: start-up {only["startup_seconds"]} s (target ≤ 2 s), RSS {only["rss_mb"]} MB after an
Equals search (its index built), **{only["bytes_per_defect"]} bytes per defect** beyond the
default site's 1,000 (target: no more than today's ~2,500).
"""


if __name__ == "__main__":
    main()

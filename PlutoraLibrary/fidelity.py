"""The simulator's fidelity gap for one site: ``plutora drift FILE --against-simulator``.

Every recorded GET of a recording is sent again to a simulator seeded from the same file
(``seed_from``: the site's records, ids kept, and its vocabulary), and the two answers are
compared in shape, not in values: the fields each has (arrays' items merged, ``[*]``), the
type of each (``null`` goes with any type: a value, not a shape), and the status. What the
site answers and the simulator does not is where a suite that passes offline may still fail
on the site.

It lives beside the core and the simulator, not in either: it drives both (the simulator
imports nothing from the client; the core knows no simulator).

Example::

    gap = compare_with_simulator("site.ndjson")
    print(gap.table())
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import requests

from .core.drift import DriftReport, json_type, operation_for
from .core.recording import read_recording
from .simulator import DEMO_API_KEYS, DEMO_USERS, SimulatorConfig

#: The kinds of a gap, in the order reports show them.
GAP_KINDS = ("status", "site only", "simulator only", "type")


def shape_of(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every ``(json path, type)`` of ``value``; items of an array share ``[*]``.

    Example: ``dict(shape_of({"a": [1]}))`` → ``{'$': 'object', '$.a': 'array',
    '$.a[*]': 'integer'}``
    """
    yield path, json_type(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from shape_of(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from shape_of(item, f"{path}[*]")


def _shape(value: Any) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path, kind in shape_of(value):
        found.setdefault(path, set()).add(kind)
    return found


def _types(kinds: set[str]) -> set[str]:
    """The types that count for a shape: ``null`` goes with any; ``integer`` is a number."""
    return {"number" if kind == "integer" else kind for kind in kinds if kind != "null"}


def compare_shapes(report: DriftReport, operation: str, site: Any, simulator: Any) -> None:
    """Note where ``simulator``'s answer differs in shape from ``site``'s.

    Example: ``compare_shapes(report, "GET /releases/{id}", recorded_body, replayed_body)``
    """
    theirs, ours = _shape(site), _shape(simulator)
    for path, kinds in theirs.items():
        if path not in ours:
            if not _under_empty(path, ours):
                report.note(operation, "site only", path, "|".join(sorted(kinds)))
            continue
        mine, them = _types(ours[path]), _types(kinds)
        if mine and them and not (mine & them):
            report.note(
                operation, "type", path, f"site {'|'.join(sorted(them))}, "
                f"simulator {'|'.join(sorted(mine))}",
            )  # fmt: skip
    for path, kinds in ours.items():
        if path not in theirs and not _under_empty(path, theirs):
            report.note(operation, "simulator only", path, "|".join(sorted(kinds)))


def _under_empty(path: str, shape: dict[str, set[str]]) -> bool:
    """Whether ``path`` lies below an array that is empty (or a null) in ``shape``: nothing to
    compare there, values differ."""
    cut = path
    while True:
        cut = cut.rsplit("[*]", 1)[0] if cut.endswith("[*]") else cut.rsplit(".", 1)[0]
        if cut in shape:
            kinds = shape[cut]
            if "null" in kinds and len(kinds) == 1:
                return True
            return "array" in kinds and f"{cut}[*]" not in shape
        if cut in ("$", "") or ("." not in cut and "[" not in cut):
            return False


def compare_with_simulator(
    path: str | Path, fail_on: Iterable[str] = (), timeout: float = 30.0
) -> DriftReport:
    """Replay the recorded GETs of ``path`` against a simulator seeded from it; the shape
    differences per operation. ``fail_on``: gap kinds that fail (none by default: the gap is
    the simulator's, for its maintainers to close). Raises
    :class:`~.core.recording.RecordingError` for a file that is no recording.

    Example: ``compare_with_simulator("site.ndjson").table()``
    """
    from .simulator import PlutoraSimulator

    report = DriftReport(
        f"{path} against a simulator seeded from it", frozenset(fail_on) & set(GAP_KINDS)
    )
    report.kinds = GAP_KINDS
    report.title = "Shape of the simulator's answers against the site's"
    next(iter(read_recording(path)), None)  # a file that is no recording fails before a start
    with PlutoraSimulator(SimulatorConfig(seed_from=str(path))) as sim, requests.Session() as web:
        urls = sim.urls
        bases = {"plutora": urls.plutora_api_url, "plutora-test": urls.plutora_test_api_url}
        tokens = {
            "plutora": _token(web, urls.plutora_token_url, "plutora", timeout),
            "plutora-test": _token(web, urls.plutora_test_token_url, "plutora-test", timeout),
        }
        for exchange in read_recording(path):
            if not _replayable(exchange):
                continue
            report.exchanges += 1
            api, method, where = str(exchange["api"]), "GET", str(exchange["path"])
            found = operation_for(api, method, where)
            operation = found[1] if found else f"GET {where}"
            report.checked[operation] = report.checked.get(operation, 0) + 1
            answer = web.get(
                bases[api] + where,
                params=exchange.get("query") or None,
                headers={"Authorization": f"bearer {tokens[api]}"},
                timeout=timeout,
            )
            if answer.status_code != exchange["status"]:
                report.note(
                    operation, "status", "—", f"site {exchange['status']}, "
                    f"simulator {answer.status_code}",
                )  # fmt: skip
                continue
            try:
                body = answer.json()
            except ValueError:
                body = answer.text or None
            compare_shapes(report, operation, (exchange.get("response") or {}).get("body"), body)
    return report


def _replayable(exchange: dict[str, Any]) -> bool:
    return (
        exchange.get("method") == "GET"
        and exchange.get("kind", "api") == "api"
        and exchange.get("api") in ("plutora", "plutora-test")
        and isinstance(exchange.get("status"), int)
    )


def _token(web: requests.Session, url: str, product: str, timeout: float) -> str:
    key = next(k for k in DEMO_API_KEYS if k.product == product)
    user = next(u for u in DEMO_USERS if u.product == product)
    answer = web.post(
        url,
        data={
            "client_id": key.client_id, "client_secret": key.client_secret,
            "grant_type": "password", "username": user.username, "password": user.password,
        },
        timeout=timeout,
    )  # fmt: skip
    answer.raise_for_status()
    return str(answer.json()["access_token"])

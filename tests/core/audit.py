"""What the parallel fault audits share: the workers' settings, noting each write's outcome,
and running the workers in their own processes until every injected fault was met."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PlutoraLibrary.core import OutcomeUnknown
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control

#: The outcomes a worker reports, by what it wrote: "created", "unknown" or what it set.
Outcomes = dict[str, str]


def worker_settings(sim: PlutoraSimulator, tmp_path: Path, test: bool = False) -> dict[str, Any]:
    """The settings of a worker process: the simulator's accounts, a short read timeout (so
    that a slow answer is a lost one) and one token folder for the run; ``test`` adds
    Plutora Test's."""
    urls = sim.urls
    settings: dict[str, Any] = {
        "client_id": "sim-plutora-client", "client_secret": "sim-plutora-secret",
        "username": "qa.lead@example.com", "password": "Sim-Password-1",
        "auth_url": urls.plutora_token_url, "api_url": urls.plutora_api_url,
        "read_timeout": 0.5, "token_cache_dir": str(tmp_path / "run"),
    }  # fmt: skip
    if test:
        settings |= {
            "test_client_id": "sim-plutora-test-client",
            "test_client_secret": "sim-plutora-test-secret",
            "test_username": "qa.lead@example.com", "test_password": "Sim-Password-1",
            "test_auth_url": urls.plutora_test_token_url,
            "test_api_url": urls.plutora_test_api_url,
        }  # fmt: skip
    return settings


def attempt(outcomes: Outcomes, key: str, write: Callable[..., Any], *args: Any) -> Any:
    """``write(*args)``, noting in ``outcomes`` whether it was created or its outcome unknown."""
    try:
        result = write(*args)
    except OutcomeUnknown:
        outcomes[key] = "unknown"
        return None
    outcomes[key] = "created"
    return result


def run_workers(
    work: Callable[[dict[str, Any]], Outcomes],
    jobs: list[dict[str, Any]],
    control: Control,
    processes: int | None = None,
) -> list[Outcomes]:
    """Each job in a process of its own; every fault injected before must have been met."""
    with ProcessPoolExecutor(max_workers=processes or len(jobs)) as pool:
        reports = list(pool.map(work, jobs))
    assert control("GET", "/faults").json() == []  # every fault was met
    return reports

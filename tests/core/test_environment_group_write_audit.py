"""A parallel run of the environment-group, connectivity and TEBR writes under injected faults,
then an audit: no group or connectivity created twice, every one reported created is there,
and no group replacement or TEBR status move is lost. Faults: answers dropped before and
after processing, a slow answer past the read timeout, 503 and 429 on the reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, SearchFilter
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.audit import attempt, run_workers, worker_settings
from tests.core.conftest import config_for

WORKERS, ROUNDS = 3, 2


def _work(job: dict[str, Any]) -> dict[str, str]:
    """One process: per round a group of two environments, their connectivity and the group
    replaced with a description; then its TEBR approved; what the client said of each."""
    outcomes: dict[str, str] = {}
    source, target = job["environments"]
    with PlutoraClient(PlutoraConfig.from_env({}, **job["settings"])) as plutora:
        for number in range(ROUNDS):
            tag = f"AUDIT-{job['worker']}-{number}"
            body = {"name": tag, "environmentIDs": [source, target]}
            group = attempt(outcomes, f"group {tag}", plutora.create_environment_group, body)
            if group is None:
                continue
            link = (group["id"], source, target, job["https"])
            attempt(outcomes, f"link {tag}", plutora.connect_environments, *link)
            plutora.update_environment_group(group["id"], {**group, "description": tag})
            outcomes[f"description {tag}"] = group["id"]
        plutora.set_tebr_status(job["tebr"], "Approved")
        outcomes["tebr"] = "Approved"
    return outcomes


def test_a_faulty_parallel_run_of_group_and_tebr_writes_creates_nothing_twice(
    sim: PlutoraSimulator, control: Control, tmp_path: Any
) -> None:
    config = config_for(sim)
    with PlutoraClient(config) as plutora:
        environments = [e["id"] for e in plutora.environments()]
        https = plutora.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
        submitted = plutora.search_tebrs([SearchFilter("status", "Equals", "Submitted")]).items
    assert len(submitted) >= 1
    settings = worker_settings(sim, tmp_path)
    for path in ("/environmentgroups$", "/connectivities$"):
        control.fault(path=path, method="POST", kind="drop", stage="after", count=2)
        control.fault(path=path, method="POST", kind="drop", stage="before", count=1)
    control.fault(
        path="/environmentgroups$", method="POST", kind="delay", seconds=1.0, stage="after"
    )
    control.fault(
        path="/environmentgroups/[^/]+$", method="PUT", kind="drop", stage="after", count=2
    )
    control.fault(path="/TEBRs/[^/]+$", method="PUT", kind="drop", stage="after", count=2)
    control.fault(path="/environmentgroups", method="GET", kind="status", status=503, count=3)
    control.fault(path="/api/", kind="rate_limit", retryAfter=1, count=3)
    jobs = [
        {
            "worker": w,
            "settings": settings,
            "environments": (environments[w], environments[w + 1]),
            "https": https,
            "tebr": submitted[w % len(submitted)]["id"],
        }
        for w in range(WORKERS)
    ]
    reports = run_workers(_work, jobs, control)

    with PlutoraClient(config) as plutora:
        groups = Counter(g["name"] for g in plutora.environment_groups())
        by_name = {g["name"]: g for g in plutora.environment_groups()}
        for report in reports:
            for key, outcome in report.items():
                kind, _, tag = key.partition(" ")
                if kind == "group":
                    assert groups[tag] <= 1, f"group {tag} was created twice"
                    assert outcome != "created" or groups[tag] == 1, f"group {tag} is missing"
                elif kind == "link" and tag in by_name:
                    links = plutora.environment_connectivities(by_name[tag]["id"])
                    assert len(links) <= 1, f"the connectivity of {tag} was created twice"
                    assert outcome != "created" or len(links) == 1
                elif kind == "description":
                    assert by_name[tag]["description"] == tag, f"the update of {tag} was lost"
            assert report.get("tebr") == "Approved"
        for job in jobs:
            assert plutora.tebr(job["tebr"])["status"] == "Approved", "a status move was lost"
    outcomes = Counter(o for r in reports for k, o in r.items() if o in ("created", "unknown"))
    assert outcomes["created"] > outcomes["unknown"]  # most writes went through

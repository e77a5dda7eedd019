"""A parallel run of the CI writes under injected faults, then an audit: no environment, host,
health check, release system, deployment date or change created twice, every one reported
created is there, and no status update is lost. Faults: answers dropped before and after
processing, slow answers past the read timeout, 502/503 and 429 on the reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, SearchFilter, where
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.audit import attempt, run_workers, worker_settings
from tests.core.conftest import config_for

WORKERS, ROUNDS = 4, 3


def _work(job: dict[str, Any]) -> dict[str, str]:
    """One process: per round an environment, a host, a health check and a change; then a
    system of a release with a deployment date and its status; what the client said of each."""
    outcomes: dict[str, str] = {}
    with PlutoraClient(PlutoraConfig.from_env({}, **job["settings"])) as plutora:
        for number in range(ROUNDS):
            tag = f"AUDIT-{job['worker']}-{number}"
            fields = {**job["environment"], "name": tag}
            environment = attempt(
                outcomes, f"environment {tag}", plutora.create_environment, fields
            )
            if environment is not None:
                host = {"name": tag, "environmentID": environment["id"]}
                attempt(outcomes, f"host {tag}", plutora.create_host, host)
                check = plutora.record_health_check
                attempt(outcomes, f"check {tag}", check, environment["id"], 1, tag)
            change = {**job["change"], "name": tag}
            attempt(outcomes, f"change {tag}", plutora.create_change, change)
        release, system = job["release"], job["system"]
        if attempt(outcomes, "system", plutora.add_release_system, release, system) is not None:
            dates = ("2026-05-01", "2026-05-02")
            attempt(outcomes, "date", plutora.add_deployment_date, release, system, *dates)
            plutora.set_deployment_status(release, system, "Completed")
            outcomes["status"] = "Completed"
    return outcomes


def test_a_faulty_parallel_run_of_ci_writes_creates_nothing_twice_and_loses_no_update(
    sim: PlutoraSimulator, control: Control, tmp_path: Any
) -> None:
    config = config_for(sim)
    with PlutoraClient(config) as plutora:
        lookup = plutora.lookup_id
        environment = {
            "usageWorkItemId": lookup("UsedForWorkItem", "SIT"),
            "environmentStatusId": lookup("EnvironmentStatus", "Active"),
        }
        change = {
            "changeStatusId": lookup("ChangeStatus", "New"),
            "changePriorityId": lookup("ChangePriority", "Low"),
            "changeTypeId": lookup("ChangeType", "Tech Debt"),
        }
        drafts = plutora.releases(
            where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
        )
        systems = [s["id"] for s in plutora.systems()]
        pairs = []
        for release in drafts:
            taken = {s["systemId"] for s in plutora.release_systems(release["id"])}
            free = [s for s in systems if s not in taken]
            if free:
                pairs.append((release["id"], free[0]))
            if len(pairs) == WORKERS:
                break
    settings = worker_settings(sim, tmp_path)
    for path in ("/environments$", "/hosts$", "/environmentHealthCheck$", "/changes$"):
        control.fault(path=path, method="POST", kind="drop", stage="after", count=2)
        control.fault(path=path, method="POST", kind="drop", stage="before", count=1)
    control.fault(path="/environments$", method="POST", kind="delay", seconds=1.0, stage="after")
    control.fault(path="/systems$", method="POST", kind="drop", stage="after", count=2)
    control.fault(path="/deploymentDates$", method="POST", kind="drop", stage="after", count=2)
    control.fault(path="/systems/[^/]+$", method="PUT", kind="drop", stage="after", count=2)
    control.fault(path="/environments", method="GET", kind="status", status=503, count=3)
    control.fault(path="/api/", kind="rate_limit", retryAfter=1, count=3)
    jobs = [
        {
            "worker": w,
            "settings": settings,
            "environment": environment,
            "change": change,
            "release": pairs[w][0],
            "system": pairs[w][1],
        }
        for w in range(WORKERS)
    ]
    reports = run_workers(_work, jobs, control)

    with PlutoraClient(config) as plutora:
        environments = Counter(e["name"] for e in plutora.environments())
        changes = Counter(
            c["name"]
            for c in plutora.search_changes(
                [SearchFilter("name", "StartsWith", "AUDIT-")], page_size=100
            ).items
        )
        ids = {e["name"]: e["id"] for e in plutora.environments()}
        for worker, report in enumerate(reports):
            for key, outcome in report.items():
                kind, _, tag = key.partition(" ")
                if kind == "environment":
                    assert environments[tag] <= 1, f"{tag} was created twice"
                    assert outcome != "created" or environments[tag] == 1, f"{tag} is missing"
                elif kind == "host" and tag in ids:
                    hosts = Counter(h["name"] for h in plutora.environment(ids[tag])["hosts"])
                    assert hosts[tag] <= 1, f"host {tag} was created twice"
                    assert outcome != "created" or hosts[tag] == 1
                elif kind == "check" and tag in ids:
                    history = plutora.health_history([ids[tag]])
                    assert len([c for c in history if c["testName"] == tag]) <= 1
                elif kind == "change":
                    assert changes[tag] <= 1, f"change {tag} was raised twice"
                    assert outcome != "created" or changes[tag] == 1
            release, system = pairs[worker]
            mine = [s for s in plutora.release_systems(release) if s["systemId"] == system]
            assert len(mine) <= 1, "a system was added to a release twice"
            if report.get("system") == "created":
                assert len(mine) == 1
                dates = plutora.deployment_dates(release, system)
                assert len(dates) <= 1, "a deployment date was added twice"
                assert report.get("date") != "created" or len(dates) == 1
            if report.get("status") == "Completed":
                assert mine[0]["deploymentStatus"] == "Completed", "a status update was lost"
    outcomes = Counter(o for r in reports for o in r.values())
    assert outcomes["created"] > outcomes["unknown"]  # most writes went through

"""The release framework's writes under faults and scans: a parallel run that adds phases,
gates, activities and criteria while answers are dropped, delayed and refused, then an audit
(nothing created twice, everything reported created there, no status update lost); and a
secret scan of every log record, error and repr those writes leave."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import pytest
import requests

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraError, where
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.audit import attempt, run_workers, worker_settings
from tests.core.conftest import config_for

WORKERS = 4


def _work(job: dict[str, Any]) -> dict[str, str]:
    """One process, one release: a phase with two activities, a gate with a criterion, each
    activity Completed; what the client said of each."""
    outcomes: dict[str, str] = {}
    release = job["release"]
    with PlutoraClient(PlutoraConfig.from_env({}, **job["settings"])) as plutora:
        phase = attempt(
            outcomes, "phase", plutora.add_release_phase, release, job["phase"], *job["dates"]
        )
        gate = attempt(
            outcomes, "gate", plutora.add_release_gate, release, job["gate"], *job["dates"]
        )
        for title, owner in (("Build", phase), ("Deploy", phase), ("Approve", gate)):
            if owner is None:
                continue
            add = plutora.add_release_activity
            activity = attempt(outcomes, f"activity {title}", add, release, title, owner["id"])
            if activity is not None:
                plutora.set_activity_status(release, activity["id"], "Completed")
                outcomes[f"status {title}"] = "Completed"
    return outcomes


def test_a_faulty_parallel_run_of_framework_writes_creates_nothing_twice_and_loses_no_update(
    sim: PlutoraSimulator, control: Control, tmp_path: Any
) -> None:
    config = config_for(sim)
    with PlutoraClient(config) as plutora:
        drafts = plutora.releases(where("status").equals("Draft"))[:WORKERS]
    settings = worker_settings(sim, tmp_path)
    for path in ("/phases$", "/gates$", "/activities$"):
        control.fault(path=path, method="POST", kind="drop", stage="after", count=2)
    control.fault(path="/activities$", method="POST", kind="drop", stage="before", count=1)
    control.fault(path="/phases$", method="POST", kind="delay", seconds=1.0, stage="after")
    control.fault(path="/activities/[^/]+$", method="PUT", kind="drop", stage="after", count=3)
    control.fault(path="/phases$", method="GET", kind="status", status=503, count=2)
    control.fault(path="/api/", kind="rate_limit", retryAfter=1, count=3)
    jobs = [
        {
            "settings": settings,
            "release": release["id"],
            "phase": "Post Implementation Review",  # never among a seeded release's phases
            "gate": "Test Exit",  # nor this among its gates
            "dates": ("2026-06-01", "2026-06-05"),
        }
        for release in drafts
    ]
    reports = run_workers(_work, jobs, control)

    with PlutoraClient(config) as plutora:
        for job, report in zip(jobs, reports, strict=True):
            release = job["release"]
            phases = Counter(p["workItemName"] for p in plutora.release_phases(release))
            gates = Counter(g["workItemName"] for g in plutora.release_gates(release))
            assert phases[job["phase"]] <= 1, "a phase was added twice"
            assert gates[job["gate"]] <= 1, "a gate was added twice"
            assert report.get("phase") != "created" or phases[job["phase"]] == 1
            assert report.get("gate") != "created" or gates[job["gate"]] == 1
            activities = plutora.release_activities(release)
            titles = Counter(a["title"] for a in activities)
            for title in ("Build", "Deploy", "Approve"):
                assert titles[title] <= 1, f"activity {title} was added twice"
                if report.get(f"activity {title}") == "created":
                    assert titles[title] == 1, f"activity {title} is missing"
                if report.get(f"status {title}") == "Completed":
                    status = next(a["status"] for a in activities if a["title"] == title)
                    assert status == "Completed", "a status update was lost"
    outcomes = Counter(o for r in reports for o in r.values())
    assert outcomes["created"] > outcomes["unknown"]  # most writes went through


SECRET = "Distinctive-Client-Secret-5d2e"
PASSWORD = "Distinctive-Password-91fc"


def test_framework_writes_leave_no_secret_in_logs_errors_or_reprs(
    sim: PlutoraSimulator, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    from PlutoraLibrary.simulator.config import ApiKey

    sim.state.api_keys["distinct-client"] = ApiKey("distinct-client", SECRET, "plutora")
    sim.add_user("distinct@example.com", PASSWORD, "plutora")
    config = config_for(
        sim,
        client_id="distinct-client",
        client_secret=SECRET,
        username="distinct@example.com",
        password=PASSWORD,
    )
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG), PlutoraClient(config) as client:
        token = client.transport.tokens.token()
        release = client.releases(where("status").equals("Draft"))[0]["id"]
        phase = client.add_release_phase(
            release, "Post Implementation Review", "2026-06-01", "2026-06-05"
        )
        activity = client.add_release_activity(release, "Watch", phase["id"], status="InProgress")
        client.set_activity_status(release, activity["id"], "Completed", verify=True)
        shown += [repr(item) for item in client.created.newest_first()]
        control.fault(
            path="/activities$",
            method="POST",
            kind="status",
            status=500,
            body={"message": "boom", "echo": token.value, "password": PASSWORD},
        )
        for call in (
            lambda: client.add_release_activity(release, "Echo", phase["id"]),
            lambda: client.add_release_phase(release, "Hypercare", "2026-06-01", "2026-06-05"),
            lambda: client.remove_release_phase(release, phase["id"]),
            lambda: client.update_release_phase(release, "Nope", {"endDate": "2026-06-09"}),
        ):
            with pytest.raises(PlutoraError) as failed:
                call()
            shown += [str(failed.value), repr(failed.value)]
        client.delete_release_activity(release, activity["id"])
        client.remove_release_phase(release, phase["id"])
    issued = requests.get(sim.urls.control_url + "/tokens/issued", timeout=10).json()
    everything = "\n".join([caplog.text, *shown, *(str(r.__dict__) for r in caplog.records)])
    assert "/activities" in caplog.text  # the writes were logged at all
    for secret in [SECRET, PASSWORD, *issued]:
        assert secret not in everything

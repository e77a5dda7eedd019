"""Comments may carry what a user pasted (a password, a token, a connection string): none of
it reaches a log record, a recording or an error. And a faulty parallel run of comments,
change systems and user updates creates nothing twice and loses no update."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary.core import OutcomeUnknown, PlutoraClient, PlutoraConfig, PlutoraError
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.audit import run_workers, worker_settings
from tests.core.conftest import config_for

PASTED = "Pasted-Db-Password-5e2d"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXBsb3kifQ.c2lnbmF0dXJlLXBhc3RlZA"


def test_secrets_pasted_into_a_comment_stay_out_of_logs_recordings_and_errors(
    sim: PlutoraSimulator, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    recording = tmp_path / "comments.ndjson"
    words = f"deploy failed: db_password={PASTED}, retried with Authorization: Bearer {JWT}"
    shown: list[str] = []
    config = config_for(sim, record=str(recording))
    with caplog.at_level(logging.DEBUG), PlutoraClient(config) as client:
        release = client.releases()[0]["id"]
        note = client.add_comment("Release", release, words)
        client.add_comment("Release", release, "Sim-Password-1 was the password", note["id"])
        client.comments("Release", release)
        client.change(client.changes()[0]["id"])
        change = client.changes()[0]["id"]
        client.add_comment("Change", change, f"token: {PASTED}")
        client.change(change)  # the change's comments are in its answer too
        try:
            client.add_comment("Release", release, words, reply_to=change)
        except PlutoraError as error:
            shown += [str(error), repr(error)]
    assert "POST /plutora/api/comments/Release/" in caplog.text  # the exchanges were logged
    assert "deploy failed" in caplog.text  # the comment is shown, its secrets are not
    everything = "\n".join(
        [caplog.text, *shown, recording.read_text(encoding="utf-8")]
        + [str(record.__dict__) for record in caplog.records]
    )
    for secret in (PASTED, JWT, "Sim-Password-1"):
        assert secret not in everything


# -- a faulty parallel run ------------------------------------------------------------------

WORKERS, ROUNDS = 3, 3


def _work(job: dict[str, Any]) -> dict[str, str]:
    """One process: per round a comment on its release; a system on its change; a role."""
    outcomes: dict[str, str] = {}
    with PlutoraClient(PlutoraConfig.from_env({}, **job["settings"])) as plutora:
        for number in range(ROUNDS):
            text = f"AUDIT-{job['worker']}-{number}"
            outcomes[text] = _outcome(plutora.add_comment, "Release", job["release"], text)
        outcomes["system"] = _outcome(plutora.add_change_system, job["change"], job["system"])
        outcomes["roles"] = _outcome(plutora.update_user, job["user"], ["Contributor"])
    return outcomes


def _outcome(write: Any, *args: Any) -> str:
    try:
        write(*args)
    except OutcomeUnknown:
        return "unknown"
    return "done"


def test_a_faulty_parallel_run_creates_no_comment_or_system_twice_and_loses_no_role(
    sim: PlutoraSimulator, control: Control, tmp_path: Path
) -> None:
    with PlutoraClient(config_for(sim)) as plutora:
        release = plutora.releases()[5]["id"]
        changes = plutora.changes()[:WORKERS]
        systems = [s["id"] for s in plutora.systems()]
        pairs = []
        for change in changes:
            taken = {s["systemId"] for s in change["systems"]}
            pairs.append((change["id"], next(s for s in systems if s not in taken)))
        people = [u for u in plutora.users() if "Administrator" not in u["roles"]][:WORKERS]
    settings = worker_settings(sim, tmp_path)
    control.fault(path="/comments/", method="POST", kind="drop", stage="after", count=3)
    control.fault(path="/comments/", method="POST", kind="drop", stage="before", count=1)
    control.fault(path="/comments/", method="POST", kind="delay", seconds=1.0, stage="after")
    control.fault(path="/systems$", method="POST", kind="drop", stage="after", count=2)
    control.fault(path="/users/", method="PATCH", kind="drop", stage="after", count=2)
    control.fault(path="/comments/", method="GET", kind="status", status=503, count=2)
    jobs = [
        {
            "worker": w,
            "settings": settings,
            "release": release,
            "change": pairs[w][0],
            "system": pairs[w][1],
            "user": people[w]["id"],
        }
        for w in range(WORKERS)
    ]
    reports = run_workers(_work, jobs, control)

    with PlutoraClient(config_for(sim)) as plutora:
        texts = Counter(c["text"] for c in plutora.comments("Release", release))
        for report in reports:
            for key, outcome in report.items():
                if key.startswith("AUDIT-"):
                    assert texts[key] == (1 if outcome == "done" else texts[key]), key
                    assert texts[key] <= 1, key  # never twice
        for w, report in enumerate(reports):
            change, system = pairs[w]
            on_it = Counter(s["systemId"] for s in plutora.change_systems(change))
            assert on_it[system] == (1 if report["system"] == "done" else on_it[system])
            assert on_it[system] <= 1
            if report["roles"] == "done":  # no lost update
                assert plutora.user(people[w]["id"])["roles"] == ["Contributor"]
        outcomes = Counter(o for report in reports for o in report.values())
        assert outcomes["done"] >= WORKERS * (ROUNDS + 2) - 2  # at most the dropped-before

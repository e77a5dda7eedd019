"""A release's phases, gates and activities over real HTTP against the simulator: names from
WorkItemNames, the rules the contract states checked before sending (and by the server when
the client is bypassed), updates answering 204 and verified, and lost answers under faults."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    NameNotFound,
    NotFound,
    PlutoraClient,
    ValidationFailed,
    where,
)
from tests.conftest import Api, Control


def _draft(client: PlutoraClient) -> str:
    """A release open for changes, with phases free to add (UAT is not among its three
    seeded ones unless the seed says so: the test picks a name it has not)."""
    return str(
        client.releases(
            where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
        )[0]["id"]
    )


def _free_name(client: PlutoraClient, release: str, kind: str = "phase") -> str:
    names = client.phase_names() if kind == "phase" else client.gate_names()
    items = client.release_phases(release) if kind == "phase" else client.release_gates(release)
    taken = {item["workItemNameID"] for item in items}
    return str(next(n["name"] for n in names if n["id"] not in taken))


def _requests(control: Control, method: str) -> int:
    counters: dict[str, Any] = control("GET", "/counters").json()["requests"]
    return sum(sum(v.values()) for k, v in counters.items() if k.startswith(f"{method} "))


def test_seeded_releases_have_phases_gates_and_activities(client: PlutoraClient) -> None:
    names = {n["name"] for n in client.phase_names()}
    assert {"Design", "Build", "SIT", "UAT"} <= names
    assert "Go/No-Go" in {n["name"] for n in client.gate_names()}
    complete = client.releases(where("status").equals("Complete"))[0]["id"]
    phases = client.release_phases(complete)
    gates = client.release_gates(complete)
    assert len(phases) == 3
    assert phases == sorted(phases, key=lambda p: p["startDate"])
    assert all(p["workItemName"] in names for p in phases)
    assert all(p["startDate"] <= p["endDate"] for p in phases + gates)
    activities = client.release_activities(complete)
    owners = {item["id"]: item["workItemName"] for item in phases + gates}
    # The last phase and the Code Freeze gate have none yet; the others one each.
    planned = {
        item["id"] for item in [*phases[:-1], *gates] if item["workItemName"] != "Code Freeze"
    }
    assert {a["assignedWorkItemID"] for a in activities} == planned
    assert {a["status"] for a in activities} == {"Completed"}
    assert {a["type"] for a in activities} == {"Activity", "Criteria"}
    assert all(a["assignedWorkItem"] == owners[a["assignedWorkItemID"]] for a in activities)


def test_a_phase_is_planned_moved_and_removed(client: PlutoraClient) -> None:
    release = _draft(client)
    name = _free_name(client, release)
    phase = client.add_release_phase(release, name.lower(), "2026-03-02", "2026-03-13T17:00")
    assert phase["workItemName"] == name
    assert phase["startDate"] == "2026-03-02T00:00:00"
    assert client.release_phase(release, name)["id"] == phase["id"]
    assert client.update_release_phase(release, name, {"endDate": "2026-03-20"}) is None
    moved = client.update_release_phase(
        release, phase["id"], {"startDate": "2026-03-03"}, verify=True
    )
    assert moved is not None
    assert (moved["startDate"], moved["endDate"]) == ("2026-03-03T00:00:00", "2026-03-20T00:00:00")
    assert [item.label for item in client.created.newest_first()] == [f"phase {name} of a release"]
    client.remove_release_phase(release, name)
    assert name not in {p["workItemName"] for p in client.release_phases(release)}
    assert len(client.created) == 0


def test_a_gate_is_passed_when_its_criterion_is_completed(client: PlutoraClient) -> None:
    release = _draft(client)
    name = _free_name(client, release, "gate")
    gate = client.add_release_gate(release, name, "2026-03-16", "2026-03-16T12:00")
    me = client.id_of("users", "avery.chen@example.com")
    check = client.add_release_activity(
        release, f"{name} approved", name, assignedToID=me, endDate="2026-03-16T12:00"
    )
    assert check["type"] == "Criteria"  # on a gate, unless said otherwise
    assert check["status"] == "NotStarted"
    assert check["assignedWorkItemID"] == gate["id"]
    assert client.set_activity_status(release, check["id"], "in progress") is None
    passed = client.set_activity_status(release, check["id"], "Completed", verify=True)
    assert passed is not None
    assert passed["status"] == "Completed"
    assert passed["assignedToID"] == me
    # A gate with a criterion is not removed: checked before sending, naming it.
    with pytest.raises(BusinessRuleViolation, match=f"{name} approved"):
        client.remove_release_gate(release, name)
    client.delete_release_activity(release, check["id"])
    client.remove_release_gate(release, name)
    assert len(client.created) == 0


def test_an_activity_moves_to_another_phase_by_name(client: PlutoraClient) -> None:
    release = _draft(client)
    first, second = (p["workItemName"] for p in client.release_phases(release)[:2])
    activity = client.add_release_activity(release, "Smoke tests", first, status="InProgress")
    assert activity["type"] == "Activity"
    moved = client.update_release_activity(
        release, activity["id"], {"workItem": second, "description": "after build"}, verify=True
    )
    assert moved is not None
    assert moved["assignedWorkItem"] == second
    assert moved["description"] == "after build"


def test_rules_are_checked_before_sending(client: PlutoraClient, control: Control) -> None:
    release = _draft(client)
    taken = client.release_phases(release)[0]["workItemName"]
    posts = _requests(control, "POST")
    with pytest.raises(NameNotFound) as unknown:
        client.add_release_phase(release, "Hypercare", "2026-03-02", "2026-03-13")
    assert "Design, Build, SIT" in str(unknown.value)
    assert "Nothing was sent" in str(unknown.value)
    with pytest.raises(BusinessRuleViolation, match=f"already has the phase '{taken}'"):
        client.add_release_phase(release, taken, "2026-03-02", "2026-03-13")
    free = _free_name(client, release)
    with pytest.raises(BusinessRuleViolation, match="is before the start"):
        client.add_release_phase(release, free, "2026-03-13", "2026-03-02")
    with pytest.raises(NotFound, match="no phase or gate 'Hypercare'"):
        client.add_release_activity(release, "Watch the logs", "Hypercare")
    with pytest.raises(ValueError, match="NotStarted, InProgress, Completed"):
        client.add_release_activity(release, "Watch the logs", taken, status="Done")
    with pytest.raises(ValidationFailed, match="'owner' is not a field"):
        client.add_release_activity(release, "Watch the logs", taken, owner="me")
    assert _requests(control, "POST") == posts  # nothing reached the simulator


def test_the_server_refuses_what_the_client_would_have(client: PlutoraClient, plutora: Api) -> None:
    """The same rules, sent raw: each answer a 400 naming the field (or the rule)."""
    release = _draft(client)
    phases = plutora.get(f"/releases/{release}/phases").json()
    gate_name = plutora.get("/WorkItemNames/Gates").json()[0]["id"]
    bad = plutora.post(
        f"/releases/{release}/phases",
        json={"workItemNameID": gate_name, "startDate": "2026-01-02", "endDate": "2026-01-01"},
    )
    assert bad.status_code == 400
    problems = bad.json()["modelState"]
    assert "WorkItemNames/Phases: Design" in str(problems["phase.workItemNameID"])
    assert problems["phase.endDate"] == ["The end date must not be before the start date."]
    again = plutora.post(
        f"/releases/{release}/phases",
        json={**{k: phases[0][k] for k in ("workItemNameID", "startDate", "endDate")}},
    )
    assert again.status_code == 400
    assert "already has the phase" in str(again.json()["modelState"])
    stranger = plutora.post(
        f"/releases/{release}/activities",
        json={"title": "x", "assignedWorkItemID": "00000000-0000-4000-8000-000000000000"},
    )
    assert stranger.status_code == 400
    assert "a phase or gate of its release" in str(stranger.json()["modelState"])
    with_work = plutora.delete(f"/releases/{release}/phases/{phases[0]['id']}")
    assert with_work.status_code == 400
    assert "has 1 activities" in str(with_work.json()["modelState"])
    missing = plutora.put(
        f"/releases/{release}/activities/00000000-0000-4000-8000-000000000000",
        json={"title": "x", "assignedWorkItemID": phases[0]["id"]},
    )
    assert missing.status_code == 404


def test_an_ended_release_keeps_its_framework(client: PlutoraClient) -> None:
    complete = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Complete")
    )[0]["id"]
    activity = client.release_activities(complete)[0]
    with pytest.raises(BusinessRuleViolation, match="cannot change"):
        client.set_activity_status(complete, activity["id"], "InProgress")


def test_lost_answers_leave_one_phase_one_activity_and_the_status_set(
    client: PlutoraClient, control: Control
) -> None:
    release = _draft(client)
    name = _free_name(client, release)
    control.fault(path="/phases$", method="POST", kind="drop", stage="after", count=1)
    phase = client.add_release_phase(release, name, "2026-04-01", "2026-04-10")
    control.fault(path="/activities$", method="POST", kind="drop", stage="after", count=1)
    activity = client.add_release_activity(release, "Regression", name)
    control.fault(path=f"/activities/{activity['id']}$", method="PUT", kind="drop", count=1)
    client.set_activity_status(release, activity["id"], "Completed", verify=True)
    assert control("GET", "/faults").json() == []
    names = Counter(p["workItemName"] for p in client.release_phases(release))
    assert names[name] == 1
    titles = Counter(a["title"] for a in client.release_activities(release))
    assert titles["Regression"] == 1
    assert client.release_activity(release, activity["id"])["status"] == "Completed"
    assert phase["id"] == client.release_phase(release, name)["id"]
    assert {item.path.rsplit("/", 1)[-1] for item in client.created.newest_first()} == {
        phase["id"],
        activity["id"],
    }


def test_a_reset_brings_back_the_seeded_framework(client: PlutoraClient, control: Control) -> None:
    release = _draft(client)
    before = client.release_phases(release), client.release_activities(release)
    name = _free_name(client, release)
    client.add_release_phase(release, name, "2026-04-01", "2026-04-10")
    client.delete_release_activity(release, before[1][0]["id"])
    assert control("POST", "/reset").status_code in (200, 204)
    assert (client.release_phases(release), client.release_activities(release)) == before


def test_dates_are_parsed_before_being_compared(client: PlutoraClient, control: Control) -> None:
    release = _draft(client)
    free = _free_name(client, release)
    posts, puts = _requests(control, "POST"), _requests(control, "PUT")
    with pytest.raises(ValueError, match="startDate 'tomorrow' is not a date") as bad:
        client.add_release_phase(release, free, "tomorrow", "2027-02-01")
    assert '"2027-01-31" or "2027-01-31T09:00:00Z"' in str(bad.value)
    assert "Nothing was sent" in str(bad.value)
    # A date compared with a date-time: as moments, not as text ("2027-02-01" < "2027-02-01T…").
    with pytest.raises(BusinessRuleViolation, match="is before the start"):
        client.add_release_phase(release, free, "2027-02-01T09:00", "2027-01-31")
    # An offset is compared in UTC: 01:00+02:00 is 23:00 the day before, after 22:00Z.
    with pytest.raises(BusinessRuleViolation, match="is before the start"):
        client.add_release_phase(release, free, "2027-01-31T23:30:00Z", "2027-02-01T01:00+02:00")
    taken = client.release_phases(release)[0]["workItemName"]
    # "2025-1-9" is not ISO 8601: said so, not taken for a date after "2025-01-10".
    with pytest.raises(ValueError, match="startDate '2025-1-9' is not a date"):
        client.update_release_phase(
            release, taken, {"startDate": "2025-1-9", "endDate": "2025-01-10"}
        )
    assert (_requests(control, "POST"), _requests(control, "PUT")) == (posts, puts)
    phase = client.add_release_phase(
        release, free, "2027-01-31T22:00:00Z", "2027-02-01T01:00+02:00"
    )
    assert phase["workItemName"] == free


def test_a_phase_is_not_renamed_to_one_the_release_has(
    client: PlutoraClient, control: Control
) -> None:
    release = _draft(client)
    first, second = (p["workItemName"] for p in client.release_phases(release)[:2])
    puts = _requests(control, "PUT")
    with pytest.raises(BusinessRuleViolation, match=f"already has the phase '{second}'") as twice:
        client.update_release_phase(release, first, {"name": second.upper()})
    assert "nothing was sent" in str(twice.value)
    assert _requests(control, "PUT") == puts
    # Its own name (any case) is not a clash.
    assert client.update_release_phase(release, first, {"name": first.lower()}) is None


def test_what_a_release_lacks_is_found_missing_by_the_client_not_by_a_404(
    client: PlutoraClient, control: Control
) -> None:
    release = _draft(client)
    phases = ", ".join(p["workItemName"] for p in client.release_phases(release))
    posts, puts = _requests(control, "POST"), _requests(control, "PUT")
    with pytest.raises(NotFound) as phase:
        client.release_phase(release, "Nope")
    text = str(phase.value)
    assert f"GET /releases/{release}/phases answered 200 without it" in text
    assert f"the release has no phase 'Nope' (its phases: {phases}); nothing was sent" in text
    assert "add_release_phase / Add Phase To Release" in text
    assert "404" not in text
    assert phase.value.status == 200
    with pytest.raises(NotFound) as owner:
        client.add_release_activity(release, "Watch the logs", "No Such Phase")
    assert "answered 404" not in str(owner.value)
    assert "no phase or gate 'No Such Phase' (its phases and gates: " in str(owner.value)
    assert "Add Gate To Release" in str(owner.value)
    with pytest.raises(NotFound) as activity:
        client.set_activity_status(release, "no-such-activity", "Completed")
    assert "answered 200 without it: the release has no activity 'no-such-activity'" in str(
        activity.value
    )
    assert "Get Release Activities" in str(activity.value)
    assert (_requests(control, "POST"), _requests(control, "PUT")) == (posts, puts)


def test_advice_names_the_python_method_and_the_robot_keyword(client: PlutoraClient) -> None:
    release = _draft(client)
    taken = client.release_phases(release)[0]
    with pytest.raises(BusinessRuleViolation) as twice:
        client.add_release_phase(release, taken["workItemName"], "2026-03-02", "2026-03-13")
    assert "(update_release_phase / Update Release Phase, id " in str(twice.value)
    owned = {a["assignedWorkItemID"] for a in client.release_activities(release)}
    busy = next(p for p in client.release_phases(release) if p["id"] in owned)
    with pytest.raises(BusinessRuleViolation) as busy_phase:
        client.remove_release_phase(release, busy["id"])
    assert "(delete_release_activity / Delete Release Activity)" in str(busy_phase.value)
    assert "(update_release_activity / Update Release Activity)" in str(busy_phase.value)


def test_a_seeded_framework_is_the_same_whichever_release_is_asked_first() -> None:
    """Drawn lazily, one generator per release: the order of the questions changes nothing."""
    from PlutoraLibrary.simulator import SimulatorConfig
    from PlutoraLibrary.simulator.state import SimulatorState

    first, second = SimulatorState(SimulatorConfig()), SimulatorState(SimulatorConfig())
    ids = [release["id"] for release in first.releases.records][:3]
    forward = [first.release_framework.activities_of(i) for i in ids]
    backward = [second.release_framework.activities_of(i) for i in reversed(ids)][::-1]
    assert forward == backward
    assert all(forward)  # every seeded release has its activities
    phases = first.release_framework.of("phase", ids[0])
    assert phases == second.release_framework.of("phase", ids[0])

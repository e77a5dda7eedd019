"""A release's systems over real HTTP against the simulator: adding one, its deployment dates
and its deployment status (Completed, RollbackPending, Rejected), with the moves the contract
allows checked before sending, and lost answers under injected faults."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, NotFound, PlutoraClient, where
from tests.conftest import Control


def _release_and_free_system(client: PlutoraClient) -> tuple[str, str]:
    draft = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]["id"]
    taken = {item["systemId"] for item in client.release_systems(draft)}
    free = next(s["id"] for s in client.systems() if s["id"] not in taken)
    return draft, free


def test_seeded_releases_have_systems_with_deployment_dates(client: PlutoraClient) -> None:
    complete = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Complete")
    )[0]["id"]
    systems = client.release_systems(complete)
    assert systems
    assert {s["deploymentStatus"] for s in systems} == {"Completed"}
    assert all(s["deploymentDates"] for s in systems)
    dates = client.deployment_dates(complete, systems[0]["systemId"])
    assert dates == sorted(dates, key=lambda d: d["startDate"])


def test_a_system_is_deployed_completed_rolled_back_and_rejected(client: PlutoraClient) -> None:
    release, system = _release_and_free_system(client)
    added = client.add_release_system(release, system)
    assert added["deploymentStatus"] == "NotStarted"
    # Completed needs a deployment date: the server's rule, checked before sending.
    with pytest.raises(BusinessRuleViolation, match="no deployment date"):
        client.set_deployment_status(release, system, "Completed")
    date = client.add_deployment_date(
        release, system, "2026-03-01T10:00", "2026-03-01T12:00", description="go-live"
    )
    assert date["startDate"] == "2026-03-01T10:00:00"
    assert client.set_deployment_status(release, system, "Completed") is None
    done = client.set_deployment_status(release, system, "completed", verify=True)  # again
    assert done is not None
    assert done["deploymentStatus"] == "Completed"
    back = client.set_deployment_status(release, system, "Rollback Pending", verify=True)
    assert back is not None
    assert back["deploymentStatus"] == "RollbackPending"
    client.set_deployment_status(release, system, "Rejected")
    assert client.release_systems(release)[-1]["deploymentStatus"] == "Rejected"

    moved = client.update_deployment_date(
        release, system, date["id"], {**date, "endDate": "2026-03-01T14:00"}, verify=True
    )
    assert moved is not None
    assert moved["endDate"] == "2026-03-01T14:00:00"
    client.delete_deployment_date(release, system, date["id"])
    assert client.deployment_dates(release, system) == []
    client.remove_release_system(release, system)
    with pytest.raises(NotFound, match="not in the release"):
        client.set_deployment_status(release, system, "Completed")
    assert len(client.created) == 0


def test_a_move_the_contract_does_not_allow_is_refused_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    release, system = _release_and_free_system(client)
    client.add_release_system(release, system)
    puts_before = _puts(control)
    with pytest.raises(BusinessRuleViolation) as refused:
        client.set_deployment_status(release, system, "RollbackPending")
    assert "cannot go from NotStarted to RollbackPending" in str(refused.value)
    assert "it may go to Completed, Rejected" in str(refused.value)
    with pytest.raises(ValueError, match="Completed, RollbackPending, Rejected"):
        client.set_deployment_status(release, system, "Done")
    assert _puts(control) == puts_before


def test_completed_without_a_deployment_date_is_refused_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    release, system = _release_and_free_system(client)
    client.add_release_system(release, system)
    assert client.deployment_dates(release, system) == []
    puts_before = _puts(control)
    with pytest.raises(BusinessRuleViolation) as refused:
        client.set_deployment_status(release, system, "Completed")
    assert "has no deployment date" in str(refused.value)
    assert "nothing was sent" in str(refused.value)
    assert _puts(control) == puts_before  # the simulator saw no PUT
    client.add_deployment_date(release, system, "2026-03-01T10:00", "2026-03-01T12:00")
    assert client.set_deployment_status(release, system, "Completed") is None
    assert _puts(control) == puts_before + 1


def _puts(control: Control) -> int:
    counters: dict[str, Any] = control("GET", "/counters").json()["requests"]
    return sum(sum(v.values()) for k, v in counters.items() if k.startswith("PUT "))


def test_an_ended_release_keeps_its_systems(client: PlutoraClient) -> None:
    complete = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Complete")
    )[0]["id"]
    system = client.release_systems(complete)[0]["systemId"]
    with pytest.raises(BusinessRuleViolation, match="systems cannot change"):
        client.set_deployment_status(complete, system, "RollbackPending")


def test_lost_answers_leave_one_system_one_date_and_the_status_set(
    client: PlutoraClient, control: Control
) -> None:
    release, system = _release_and_free_system(client)
    control.fault(path="/systems$", method="POST", kind="drop", stage="after", count=1)
    client.add_release_system(release, system)
    control.fault(path="/deploymentDates$", method="POST", kind="drop", stage="after", count=1)
    client.add_deployment_date(release, system, "2026-04-01", "2026-04-02")
    control.fault(path=f"/systems/{system}$", method="PUT", kind="drop", stage="after", count=1)
    client.set_deployment_status(release, system, "Completed", verify=True)
    assert control("GET", "/faults").json() == []
    ids = Counter(item["systemId"] for item in client.release_systems(release))
    assert ids[system] == 1
    assert len(client.deployment_dates(release, system)) == 1
    assert client.release_systems(release)[-1]["deploymentStatus"] == "Completed"

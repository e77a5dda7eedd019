"""Examples of planning a release from a pipeline or a test, to copy into your own repository:
phases and a gate added by name, activities tracked to Completed, a gate passed by completing
its criterion; everything added is removed again by ``plutora_cleanup``.

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set (the phase and gate names are your site's: see ``plutora.phase_names()``).
"""

from __future__ import annotations

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, where


@pytest.fixture
def release(plutora_cleanup: PlutoraClient) -> str:
    """A copy of a Draft release for the test (deleted when it ends, with its phases)."""
    draft = plutora_cleanup.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    copy = plutora_cleanup.copy_release(
        draft["id"], name="Planned by pytest", identifier="PYTEST-PLAN"
    )
    return str(copy["id"])


def test_a_release_s_phases_are_planned_and_a_gate_is_passed(
    plutora_cleanup: PlutoraClient, release: str
) -> None:
    plutora = plutora_cleanup
    plutora.add_release_phase(release, "SIT", "2026-03-02", "2026-03-13T17:00")
    plutora.add_release_gate(release, "Go/No-Go", "2026-03-16T09:00", "2026-03-16T10:00")
    plutora.add_release_phase(release, "UAT", "2026-03-17", "2026-03-27T17:00")
    assert [p["workItemName"] for p in plutora.release_phases(release)] == ["SIT", "UAT"]

    tests = plutora.add_release_activity(release, "System tests pass", "SIT", status="InProgress")
    plutora.set_activity_status(release, tests["id"], "Completed")
    approval = plutora.add_release_activity(release, "Go/No-Go approved", "Go/No-Go")
    assert approval["type"] == "Criteria"  # a criterion: it is on a gate
    passed = plutora.set_activity_status(release, approval["id"], "Completed", verify=True)
    assert passed is not None
    assert passed["status"] == "Completed"


def test_a_slipping_phase_is_moved_with_its_activity(
    plutora_cleanup: PlutoraClient, release: str
) -> None:
    plutora = plutora_cleanup
    plutora.add_release_phase(release, "SIT", "2026-03-02", "2026-03-13T17:00")
    tests = plutora.add_release_activity(release, "System tests pass", "SIT")
    moved = plutora.update_release_phase(
        release, "SIT", {"endDate": "2026-03-20T17:00"}, verify=True
    )
    assert moved is not None
    due = plutora.update_release_activity(
        release, tests["id"], {"endDate": moved["endDate"]}, verify=True
    )
    assert due is not None
    assert due["endDate"] == "2026-03-20T17:00:00"


def test_a_phase_with_work_on_it_is_not_removed(
    plutora_cleanup: PlutoraClient, release: str
) -> None:
    plutora = plutora_cleanup
    plutora.add_release_phase(release, "Build", "2026-02-02", "2026-02-27")
    task = plutora.add_release_activity(release, "Code complete", "Build")
    with pytest.raises(BusinessRuleViolation, match="has activities: Code complete"):
        plutora.remove_release_phase(release, "Build")  # refused before sending
    plutora.delete_release_activity(release, task["id"])
    plutora.remove_release_phase(release, "Build")
    assert plutora.release_phases(release) == []

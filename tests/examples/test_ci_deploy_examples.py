"""Examples of what a CI pipeline writes after a deploy, to copy into your own repository:
the deployed version on a layer, a health check with its log, an environment built for the
run and torn down by ``plutora_cleanup``.

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, SearchFilter, where


def test_a_deploy_records_its_version_and_posts_a_health_check_with_its_log(
    plutora: PlutoraClient, tmp_path: Path
) -> None:
    environment_id = plutora.id_of("environments", "UAT1")
    host = plutora.hosts(where("environmentID").equals(environment_id))[0]
    layer = plutora.call("GET", f"layers/{host['layers'][0]['id']}").json
    plutora.call("PUT", f"layers/{layer['id']}", json={**layer, "version": "5.0.7"})
    assert plutora.layer(layer["id"])["version"] == "5.0.7"

    log = tmp_path / "smoke.log"
    log.write_text("GET /health 200\nGET /login 200\n", encoding="utf-8")
    check = plutora.record_health_check(environment_id, "Online", "pytest smoke", log_file=log)
    assert check["logFileName"] == "smoke.log"
    current = {c["testName"]: c for c in plutora.current_health([environment_id])}
    assert current["pytest smoke"]["id"] == check["id"]


def test_an_environment_built_for_the_run_is_torn_down(plutora_cleanup: PlutoraClient) -> None:
    environment = plutora_cleanup.create_environment(
        {
            "name": "PYTEST-ENV",
            "usageWorkItemId": plutora_cleanup.lookup_id("UsedForWorkItem", "Dev"),
            "environmentStatusId": plutora_cleanup.lookup_id("EnvironmentStatus", "Active"),
        }
    )  # deleted when the test ends, with its hosts: plutora_cleanup
    host = plutora_cleanup.create_host({"name": "web-1", "environmentID": environment["id"]})
    read = plutora_cleanup.update_environment(
        environment["id"], {**environment, "description": "Built by pytest"}, verify=True
    )
    assert read is not None
    assert [h["id"] for h in read["hosts"]] == [host["id"]]


def test_a_health_of_five_is_refused_before_sending(plutora: PlutoraClient) -> None:
    with pytest.raises(ValueError, match="0 \\(Unknown\\), 1 \\(Online\\)"):
        plutora.record_health_check(plutora.id_of("environments", "UAT1"), 5, "smoke")


def test_a_release_system_s_deployment_is_marked_completed(plutora_cleanup: PlutoraClient) -> None:
    draft = plutora_cleanup.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    release = plutora_cleanup.copy_release(
        draft["id"], name="Deployed by pytest", identifier="PYTEST-DEPLOY"
    )["id"]  # deleted when the test ends, with its system and dates: plutora_cleanup
    system = plutora_cleanup.id_of("systems", "Billing Engine")
    plutora_cleanup.add_release_system(release, system)
    plutora_cleanup.add_deployment_date(release, system, "2026-03-01T22:00", "2026-03-01T23:30")
    done = plutora_cleanup.set_deployment_status(release, system, "Completed", verify=True)
    assert done is not None
    assert done["deploymentStatus"] == "Completed"


def test_a_tecr_moves_through_its_statuses(plutora: PlutoraClient) -> None:
    drafts = plutora.search_tecrs([SearchFilter("crStatus", "Equals", "Draft")]).items
    if not drafts:
        pytest.skip("no Draft TECR left on this site")
    for status in ("Submitted", "Approved"):
        plutora.set_tecr_status(drafts[0]["id"], status)
    done = plutora.set_tecr_status(drafts[0]["id"], "Completed", verify=True)
    assert done is not None
    assert done["crStatus"] == "Completed"
    with pytest.raises(
        BusinessRuleViolation, match="Completed is a final status: nothing changes it any more"
    ):
        plutora.set_tecr_status(drafts[0]["id"], "Draft")  # refused before sending


def test_a_change_is_raised_linked_to_a_release_and_updated(
    plutora_cleanup: PlutoraClient,
) -> None:
    lookup = plutora_cleanup.lookup_id
    change = plutora_cleanup.create_change(
        {
            "name": "Raised by pytest",
            "changeStatusId": lookup("ChangeStatus", "New"),
            "changePriorityId": lookup("ChangePriority", "High"),
            "changeTypeId": lookup("ChangeType", "Defect Fix"),
        }
    )  # deleted when the test ends: plutora_cleanup
    release = plutora_cleanup.releases(where("plutoraReleaseType").equals("Independent"))[0]
    plutora_cleanup.link_change_to_release(change["id"], release["id"], verify=True)
    current = plutora_cleanup.change(change["id"])
    updated = plutora_cleanup.update_change(
        change["id"], {**current, "description": "Fixed by pytest"}, verify=True
    )
    assert updated is not None
    assert updated["deliveryReleases"][0]["releaseId"] == release["id"]

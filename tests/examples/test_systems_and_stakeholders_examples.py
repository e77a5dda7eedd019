"""Examples of keeping Plutora's systems, organizations and stakeholders in step from a
pipeline, to copy into your own repository: a system registered for a new service and
retired, a team added to the organization tree, and the people a release or a system
answers to, with their RACI flags.

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set.
"""

from __future__ import annotations

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, where


def test_a_new_service_is_registered_as_a_system_and_retired(
    plutora_cleanup: PlutoraClient,
) -> None:
    top = plutora_cleanup.organization_tree()
    system = plutora_cleanup.create_system(
        {
            "name": "PYTEST-SYSTEM",
            "vendor": "In-house",
            "status": "Active",
            "organizationId": top["id"],
        }
    )  # deleted when the test ends: plutora_cleanup
    retired = plutora_cleanup.update_system(
        system["id"], {**system, "status": "Inactive"}, verify=True
    )
    assert retired is not None
    assert retired["status"] == "Inactive"


def test_a_team_joins_the_organization_tree(plutora: PlutoraClient) -> None:
    top = plutora.organization_tree()
    division = next(child for child in top["children"] if child["type"] == "Division")
    team = plutora.create_organization(
        {"name": "PYTEST-TEAM", "type": "Department", "parentId": division["id"]}
    )
    moved = plutora.update_organization(team["id"], {**team, "parentId": top["id"]}, verify=True)
    assert moved is not None
    assert team["id"] in [child["id"] for child in plutora.organization_tree()["children"]]


def test_the_tester_of_a_release_is_its_informed_stakeholder(
    plutora_cleanup: PlutoraClient,
) -> None:
    release = plutora_cleanup.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    me = plutora_cleanup.id_of("users", plutora_cleanup.current_user())
    added = plutora_cleanup.add_stakeholder(
        "release", release["id"], user_id=me, roles=["Tester"], informed=True
    )  # removed when the test ends: plutora_cleanup
    assert added["stakeholderRoles"] == "Tester"
    now = plutora_cleanup.update_stakeholder(
        "release", release["id"], me, {"consulted": True}, verify=True
    )
    assert now is not None
    assert (now["informed"], now["consulted"], now["accountable"]) == (True, True, False)


def test_a_release_owner_stays_accountable(plutora: PlutoraClient) -> None:
    release = plutora.release(plutora.releases(where("status").equals("Draft"))[0]["id"])
    with pytest.raises(BusinessRuleViolation, match="owns the release"):
        plutora.update_stakeholder(
            "release", release["id"], release["managerId"], {"accountable": False}
        )

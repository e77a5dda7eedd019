"""Systems (create, replace, delete) and organizations (create, replace, the tree) over real
HTTP against the simulator, with the rules checked before sending and the API's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    ChangeNotPersisted,
    NotFound,
    PlutoraClient,
    ValidationFailed,
)
from PlutoraLibrary.core.systems import walk
from tests.conftest import Control


def _posts(control: Control, route: str) -> int:
    counters: dict[str, Any] = control.counters()["requests"]
    return sum(sum(v.values()) for k, v in counters.items() if k.startswith(f"POST {route}"))


def test_a_system_is_created_changed_and_deleted(client: PlutoraClient) -> None:
    top = client.organization_tree()
    system = client.create_system(
        {"Name": "Ledger", "Vendor": "SAP", "Status": "Active", "OrganizationId": top["id"]}
    )  # the primer's spelling
    assert system["organization"] == top["name"]
    assert system["isAllowEdit"] is False
    assert [item.path for item in client.created.newest_first()] == [f"/systems/{system['id']}"]
    assert client.id_of("systems", "ledger") == system["id"]

    read = client.system(system["id"])
    assert client.update_system(system["id"], {**read, "status": "Inactive"}) is None
    changed = client.update_system(
        system["id"], {**read, "description": "General ledger", "status": "Inactive"}, verify=True
    )
    assert changed is not None
    assert (changed["status"], changed["description"]) == ("Inactive", "General ledger")
    assert [f["name"] for f in changed["additionalInformation"]]  # custom fields stay

    client.delete_system(system["id"])
    assert len(client.created) == 0
    with pytest.raises(NotFound):
        client.system(system["id"])


def test_what_a_system_lacks_is_named_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    before = _posts(control, "/plutora/api/systems")
    with pytest.raises(ValidationFailed) as refused:
        client.create_system({"name": "Ledger", "organizationId": client.organization_tree()["id"]})
    assert "'vendor' is required" in str(refused.value)
    assert "'status' is required" in str(refused.value)
    with pytest.raises(ValidationFailed, match="'colour' is not a field of this record"):
        client.create_system({"name": "L", "vendor": "V", "status": "Active", "colour": "red"})
    assert _posts(control, "/plutora/api/systems") == before


def test_the_api_refuses_a_taken_name_an_unknown_status_and_organization(
    client: PlutoraClient,
) -> None:
    top = client.organization_tree()["id"]
    base = {"vendor": "SAP", "status": "Active", "organizationId": top}
    with pytest.raises(BusinessRuleViolation, match="A system named 'Billing Engine' already"):
        client.create_system({**base, "name": "billing engine"})
    with pytest.raises(ValidationFailed, match="status"):
        client.create_system({**base, "name": "Ledger", "status": "Retired"})
    with pytest.raises(ValidationFailed, match="organizationId"):
        client.create_system(
            {**base, "name": "Ledger", "organizationId": "00000000-0000-4000-8000-000000000000"}
        )
    assert len(client.created) == 0


def test_a_system_in_use_is_not_deleted(client: PlutoraClient) -> None:
    full = (client.environment(e["id"]) for e in client.environments())
    linked = next(e["linkedSystemId"] for e in full if e.get("linkedSystemId"))
    with pytest.raises(BusinessRuleViolation, match="environments are linked to it"):
        client.delete_system(linked)
    assert client.system(linked)["id"]


def test_the_tree_holds_every_organization_once_under_the_top_company(
    client: PlutoraClient,
) -> None:
    tree = client.organization_tree()
    assert tree["type"] == "Company"
    placed = {node["id"]: parent for node, parent in walk(tree)}
    assert sorted(placed) == sorted(o["id"] for o in client.organizations())
    for node, parent in walk(tree):
        if node["type"] == "Department":
            assert parent is not None
            assert parent["type"] == "Division"
        names = [child["name"] for child in node["children"]]
        assert names == sorted(names)


def test_an_organization_is_created_renamed_and_moved(client: PlutoraClient) -> None:
    tree = client.organization_tree()
    division = tree["children"][0]
    team = client.create_organization(
        {"name": "Payments QA", "type": "Department", "parentId": division["id"]}
    )
    assert team == {"id": team["id"], "name": "Payments QA", "type": "Department"}
    assert len(client.created) == 0  # the API deletes no organization: nothing to clean up
    under = {n["id"]: p and p["id"] for n, p in walk(client.organization_tree())}
    assert under[team["id"]] == division["id"]

    system = client.create_system(
        {"name": "Ledger", "vendor": "SAP", "status": "Active", "organizationId": team["id"]}
    )
    moved = client.update_organization(
        team["id"], {**team, "name": "Payments QA Guild", "parentId": tree["id"]}, verify=True
    )
    assert moved == {**team, "name": "Payments QA Guild"}
    assert client.system(system["id"])["organization"] == "Payments QA Guild"
    under = {n["id"]: p and p["id"] for n, p in walk(client.organization_tree())}
    assert under[team["id"]] == tree["id"]


def test_the_tree_rules_are_the_apis_and_a_parent_is_asked_for_first(
    client: PlutoraClient, control: Control
) -> None:
    tree = client.organization_tree()
    division = tree["children"][0]
    before = _posts(control, "/plutora/api/organizations")
    with pytest.raises(ValidationFailed) as refused:
        client.create_organization({"name": "Orphans", "type": "Department"})
    assert "'parentId' is required" in str(refused.value)
    assert "Get Organization Tree" in str(refused.value)
    assert _posts(control, "/plutora/api/organizations") == before
    with pytest.raises(BusinessRuleViolation, match="Only the top organization is a Company"):
        client.create_organization({"name": "Sub", "type": "Company", "parentId": division["id"]})
    taken = division["children"][0]["name"] if division["children"] else division["name"]
    parent = division["id"] if division["children"] else tree["id"]
    with pytest.raises(BusinessRuleViolation, match="is already there"):
        client.create_organization(
            {"name": taken.upper(), "type": "Department", "parentId": parent}
        )
    with pytest.raises(BusinessRuleViolation, match="that organization is under it"):
        client.update_organization(
            division["id"], {**division, "parentId": division["children"][0]["id"]}
        )
    with pytest.raises(BusinessRuleViolation, match="is the top organization"):
        client.update_organization(tree["id"], {**tree, "parentId": division["id"]})


def test_a_move_someone_undid_is_reported_when_verified(
    client: PlutoraClient, control: Control
) -> None:
    tree = client.organization_tree()
    team = client.create_organization(
        {"name": "Payments QA", "type": "Department", "parentId": tree["children"][0]["id"]}
    )
    # The PUT is lost before the server takes it, and never repeated by the test: the tree
    # read back shows where the organization still is.
    control.fault(path="/organizations/[^/]+$", method="PUT", kind="status", status=204, count=1)
    with pytest.raises(ChangeNotPersisted, match="the organization tree shows it under"):
        client.update_organization(team["id"], {**team, "parentId": tree["id"]}, verify=True)


def test_a_deleted_system_stays_on_the_changes_it_impacted(client: PlutoraClient) -> None:
    """As with releases: the vendor removes a system "from the UI, but not the database"."""
    top = client.organization_tree()
    system = client.create_system(
        {"name": "Payments Hub", "vendor": "Acme", "status": "Active", "organizationId": top["id"]}
    )
    change = client.changes()[0]["id"]
    client.add_change_system(change, system["id"])
    client.delete_system(system["id"])
    with pytest.raises(NotFound):
        client.system(system["id"])
    assert system["id"].lower() in {s["systemId"].lower() for s in client.change_systems(change)}


def test_a_deleted_release_is_gone_from_its_changes(client: PlutoraClient) -> None:
    release = client.create_release(
        {
            "identifier": "R-GONE",
            "name": "Gone",
            "implementationDate": "2027-03-01T00:00:00",
            "releaseStatusTypeId": client.lookup_id("ReleaseStatusType", "Draft"),
            "plutoraReleaseType": "Independent",
        }
    )
    change = client.changes()[0]["id"]
    client.link_change_to_release(change, release["id"])
    assert [c["id"] for c in client.release_changes(release["id"])] == [change]
    client.delete_release(release["id"])
    delivered = client.change(change)["deliveryReleases"]
    assert release["id"].lower() not in {str(d["releaseId"]).lower() for d in delivered}


def test_a_partial_put_says_a_put_replaces_the_whole_record(client: PlutoraClient) -> None:
    system = client.systems()[0]
    with pytest.raises(ValidationFailed) as caught:
        client.update_system(system["id"], {"description": "x"})
    message = str(caught.value)
    assert "'name' is required" in message
    assert "A PUT replaces the whole record" in message

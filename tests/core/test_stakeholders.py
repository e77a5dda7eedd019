"""The stakeholders of releases, systems and changes over real HTTP against the simulator:
users and groups with roles and RACI flags, the owner of a release kept accountable, and the
rules checked before sending."""

from __future__ import annotations

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
from tests.conftest import Control

ME = "qa.lead@example.com"


def _writes(control: Control) -> int:
    counters: dict[str, Any] = control.counters()["requests"]
    return sum(
        sum(v.values())
        for k, v in counters.items()
        if k.split(" ")[0] in ("POST", "PUT", "DELETE") and "stakeholders" in k
    )


def _draft(client: PlutoraClient) -> dict[str, Any]:
    drafts = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )
    return client.release(drafts[0]["id"])


def test_a_release_owner_is_its_accountable_stakeholder(client: PlutoraClient) -> None:
    release = _draft(client)
    people = client.stakeholders("release", release["id"])
    owner = client.stakeholder("release", release["id"], release["managerId"])
    assert people[0] == owner
    assert (owner["user"], owner["accountable"]) == (release["manager"], True)
    assert owner["stakeholderRoles"] == "Release Manager"


def test_a_user_is_added_changed_and_removed(client: PlutoraClient) -> None:
    release = _draft(client)["id"]
    me = client.id_of("users", ME)
    added = client.add_stakeholder("release", release, user_id=me, roles="tester", informed=True)
    assert added["id"] == me
    assert (added["stakeholderRoles"], added["informed"], added["accountable"]) == (
        "Tester",
        True,
        False,
    )
    assert [item.label for item in client.created.newest_first()] == [
        f"stakeholder {added['user']}"
    ]
    assert client.update_stakeholder("release", release, me, {"consulted": True}) is None
    changed = client.update_stakeholder(
        "releases", release, me, {"roles": ["Developer", "Tester"], "responsible": True}, True
    )
    assert changed is not None
    assert changed["stakeholderRoles"] == "Developer, Tester"
    assert (changed["responsible"], changed["consulted"], changed["informed"]) == (True,) * 3
    client.remove_stakeholder("release", release, me)
    assert len(client.created) == 0
    with pytest.raises(NotFound, match="is not a stakeholder"):
        client.stakeholder("release", release, me)


def test_a_group_is_a_stakeholder_of_a_system(client: PlutoraClient) -> None:
    groups = {
        item["groupId"]: item["group"]
        for release in client.releases()[:8]
        for item in client.stakeholders("release", release["id"])
        if item["groupId"]
    }
    group, name = next(iter(groups.items()))
    system = client.id_of("systems", "Pricing")
    before = client.stakeholders("system", system)
    if any(s["id"] == group for s in before):
        client.remove_stakeholder("system", system, group)
    added = client.add_stakeholder("system", system, group_id=group, accountable=True)
    assert (added["group"], added["user"], added["userId"]) == (name, "", None)
    assert client.stakeholder("system", system, group)["accountable"] is True


def test_a_changes_stakeholders_are_the_changes_own_list(client: PlutoraClient) -> None:
    change = client.changes()[0]
    me = client.id_of("users", ME)
    client.add_stakeholder("change", change["id"], user_id=me, roles=["Tester"], consulted=True)
    listed = [
        {k: v for k, v in s.items() if k != "id"}
        for s in client.stakeholders("change", change["id"])
    ]
    assert client.change(change["id"])["stakeholders"] == listed
    assert listed[-1]["consulted"] is True


def test_what_the_contract_states_is_checked_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    release = _draft(client)
    me = client.id_of("users", ME)
    client.add_stakeholder("release", release["id"], user_id=me)
    before = _writes(control)
    with pytest.raises(BusinessRuleViolation, match="is already a stakeholder") as twice:
        client.add_stakeholder("release", release["id"], user_id=me)
    assert "Update Stakeholder" in str(twice.value)
    with pytest.raises(BusinessRuleViolation, match="owns the release") as owner:
        client.update_stakeholder(
            "release", release["id"], release["managerId"], {"accountable": False}
        )
    assert "change the release's owner" in str(owner.value)
    with pytest.raises(BusinessRuleViolation, match="owns the release"):
        client.remove_stakeholder("release", release["id"], release["managerId"])
    with pytest.raises(ValueError, match="give exactly one"):
        client.add_stakeholder("release", release["id"])
    with pytest.raises(ValueError, match="give exactly one"):
        client.add_stakeholder("release", release["id"], user_id=me, group_id=me)
    with pytest.raises(ValueError, match=r"of type release, system, change .*, not 'defect'"):
        client.stakeholders("defect", release["id"])
    with pytest.raises(ValueError, match="'owner' is not a stakeholder setting"):
        client.update_stakeholder("release", release["id"], me, {"owner": True})
    with pytest.raises(NameNotFound, match="StakeholderRole"):
        client.update_stakeholder("release", release["id"], me, {"roles": ["Astronaut"]})
    with pytest.raises(NotFound, match=r"\(its stakeholders: ") as missing:
        client.update_stakeholder("release", release["id"], release["id"], {"informed": True})
    assert "Add Stakeholder" in str(missing.value)
    # Found missing by the client from the list GET (200), not by a 404 of the server.
    assert "answered 200 without it: " in str(missing.value)
    assert "is not a stakeholder of the release" in str(missing.value)
    assert "nothing was sent" in str(missing.value)
    assert "404" not in str(missing.value)
    assert _writes(control) == before


def test_the_record_type_is_given_in_any_case_singular_or_plural(client: PlutoraClient) -> None:
    release = _draft(client)
    listed = client.stakeholders("release", release["id"])
    assert client.stakeholders("Releases", release["id"]) == listed
    assert client.stakeholders(" RELEASE ", release["id"]) == listed


def test_settings_are_named_in_any_case_and_flags_given_as_text(
    client: PlutoraClient, control: Control
) -> None:
    release = _draft(client)
    me = client.id_of("users", ME)
    added = client.add_stakeholder("release", release["id"], user_id=me, informed=True)
    assert (added["informed"], added["consulted"]) == (True, False)
    before = _writes(control)
    # As Robot passes **changes: text, and a name in another case. The owner stays accountable.
    for text in ("False", "false", " FALSE "):
        with pytest.raises(BusinessRuleViolation, match="owns the release"):
            client.update_stakeholder(
                "release", release["id"], release["managerId"], {"Accountable": text}
            )
    with pytest.raises(ValueError, match="the RACI flag 'consulted' is True or False, not 'yes'"):
        client.update_stakeholder("release", release["id"], me, {"CONSULTED": "yes"})
    assert _writes(control) == before
    changed = client.update_stakeholder(
        "release", release["id"], me, {"Consulted": "true", "INFORMED": "False"}, verify=True
    )
    assert changed is not None
    assert (changed["consulted"], changed["informed"]) == (True, False)
    # Still accountable when the text says so: nothing refused.
    client.update_stakeholder(
        "release", release["id"], release["managerId"], {"accountable": "True"}
    )


def test_the_api_refuses_what_the_client_does_not_check(client: PlutoraClient) -> None:
    release = _draft(client)
    path = f"/releases/{release['id']}/stakeholders"
    unknown_role = "00000000-0000-4000-8000-000000000000"
    me = client.id_of("users", ME)
    with pytest.raises(BusinessRuleViolation, match="Stakeholder role '00000000"):
        client.add_stakeholder("release", release["id"], user_id=me, roles=[unknown_role])
    with pytest.raises(ValidationFailed, match="userId"):
        client.add_stakeholder("release", release["id"], user_id=unknown_role)
    # The server's own rules, sent past the client's checks with the generic call.
    owner = release["managerId"]
    with pytest.raises(BusinessRuleViolation, match="Accountable stakeholder"):
        client.call("PUT", f"{path}/{owner}", json={"userId": owner, "accountable": False})
    with pytest.raises(BusinessRuleViolation, match="already a stakeholder"):
        client.call("POST", path, json={"userId": owner})
    with pytest.raises(ValidationFailed, match="does not match the stakeholder in the URL"):
        client.call("PUT", f"{path}/{owner}", json={"userId": me, "accountable": True})
    assert len(client.created) == 0


def test_seeded_systems_have_an_owner_and_a_reset_forgets_what_was_added(
    client: PlutoraClient, control: Control
) -> None:
    for system in client.systems():
        people = client.stakeholders("system", system["id"])
        assert any(p["accountable"] and p["userId"] for p in people), system["name"]
    tree = client.organization_tree()
    system = client.create_system(
        {"name": "Reset Me", "vendor": "V", "status": "Active", "organizationId": tree["id"]}
    )
    me = client.id_of("users", ME)
    release = _draft(client)["id"]
    client.add_stakeholder("release", release, user_id=me)
    client.create_organization({"name": "Reset Team", "type": "Division", "parentId": tree["id"]})
    assert control("POST", "/reset", json={}).status_code == 200
    assert me not in [s["id"] for s in client.stakeholders("release", release)]
    assert "Reset Me" not in [s["name"] for s in client.systems()]
    assert client.organization_tree() == tree
    with pytest.raises(NotFound):
        client.stakeholders("system", system["id"])

"""The systems a change impacts, comments on records and the site's users, over real HTTP
against the simulator: one source for a change's systems and comments, the checks made
before sending, the server's own refusals, and lost answers under injected faults."""

from __future__ import annotations

from collections import Counter

import pytest

from PlutoraLibrary.core import (
    AccessDenied,
    AccountInactive,
    BusinessRuleViolation,
    LoginRejected,
    NotFound,
    OutcomeUnknown,
    PlutoraClient,
    ValidationFailed,
)
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for


def _change_and_free_system(client: PlutoraClient) -> tuple[str, str]:
    change = client.changes()[0]
    taken = {s["systemId"] for s in change["systems"]}
    free = next(s["id"] for s in client.systems() if s["id"] not in taken)
    return change["id"], free


# -- change systems ---------------------------------------------------------------------------


def test_a_change_s_systems_are_the_change_s_own_systems(client: PlutoraClient) -> None:
    change_id, system_id = _change_and_free_system(client)
    listed = client.change_systems(change_id)
    shown = client.change(change_id)["systems"]
    assert [(s["systemId"], s["system"]) for s in listed] == [
        (s["systemId"], s["name"]) for s in shown
    ]
    added = client.add_change_system(change_id, system_id)
    assert added["systemId"] == system_id
    assert added["systemRoleType"] == "Impact"
    assert system_id in {s["systemId"] for s in client.change(change_id)["systems"]}
    assert [item.label for item in client.created.newest_first()] == [
        f"system {added['system']} of a change"
    ]
    client.remove_change_system(change_id, system_id)
    assert system_id not in {s["systemId"] for s in client.change_systems(change_id)}
    assert len(client.created) == 0


def test_a_system_already_on_the_change_is_refused_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    change_id = client.changes()[0]["id"]
    present = client.change_systems(change_id)[0]
    posts = _count(control, "POST")
    with pytest.raises(BusinessRuleViolation) as refused:
        client.add_change_system(change_id, present["systemId"])
    assert "already on the change" in str(refused.value)
    # Named by its name first, its id after.
    assert f"System {present['system']!r} ({present['systemId']}) is already" in str(refused.value)
    assert "nothing was sent" in str(refused.value)
    assert _count(control, "POST") == posts


def test_bad_change_system_inputs_name_the_cause(client: PlutoraClient) -> None:
    change_id, system_id = _change_and_free_system(client)
    with pytest.raises(ValueError, match="Impact or Dependency, not 'Sideways'"):
        client.add_change_system(change_id, system_id, role="Sideways")
    with pytest.raises(ValidationFailed, match="systemId"):
        client.add_change_system(change_id, "3f2a7c1e-0000-4000-8000-000000000000")
    with pytest.raises(NotFound, match="The change's systems are"):
        client.remove_change_system(change_id, system_id)
    with pytest.raises(NotFound):
        client.change_systems("3f2a7c1e-0000-4000-8000-000000000000")


def test_a_lost_answer_to_adding_a_system_adopts_the_one_added(
    client: PlutoraClient, control: Control
) -> None:
    change_id, system_id = _change_and_free_system(client)
    control.fault(path="/changes/[^/]+/systems$", method="POST", kind="drop", stage="after")
    added = client.add_change_system(change_id, system_id)
    assert added["system"]
    ids = Counter(s["systemId"] for s in client.change_systems(change_id))
    assert ids[system_id] == 1
    assert len(client.created) == 1


# -- comments ---------------------------------------------------------------------------------


def test_comments_and_replies_on_each_kind_of_record(client: PlutoraClient) -> None:
    records = {
        "Release": client.releases()[0]["id"],
        "change": client.changes()[0]["id"],
        "Environment": client.environments()[0]["id"],
        "systems": client.systems()[0]["id"],
        "tecr": client.tecrs()[0]["id"],
        "TEBR": client.call("GET", "/TEBRs").json[0]["id"],
    }
    me = client.user(client.id_of("users", client.current_user()))
    for kind, record_id in records.items():
        before = client.comments(kind, record_id)
        note = client.add_comment(kind, record_id, f"Deployed to SIT1 ({kind})")
        reply = client.add_comment(kind, record_id, "Thanks", reply_to=note["id"])
        assert note["userId"] == me["id"]
        assert note["user"] == f"{me['firstName']} {me['lastName']}"
        assert reply["parentId"] == note["id"]
        now = client.comments(kind, record_id)
        assert now == [*before, note, reply]  # oldest first
    # A change's comments are the change's own (GET /changes/{id} shows the same list).
    assert client.change(records["change"])["comments"] == client.comments(
        "Change", records["change"]
    )
    assert len(client.created) == 0  # comments have no DELETE: nothing to clean up


def test_a_change_written_back_keeps_its_comments(client: PlutoraClient) -> None:
    change = client.changes()[1]
    client.add_comment("Change", change["id"], "Keep me")
    read = client.change(change["id"])
    client.update_change(change["id"], {**read, "comments": []})
    assert [c["text"] for c in client.comments("Change", change["id"])][-1] == "Keep me"


def test_bad_comment_inputs_name_the_cause(client: PlutoraClient) -> None:
    release = client.releases()[0]["id"]
    with pytest.raises(ValueError, match="Release, Change, Environment, System, TECR, TEBR"):
        client.comments("Defect", release)
    with pytest.raises(ValidationFailed, match="'text' is required"):
        client.add_comment("Release", release, "")
    with pytest.raises(ValidationFailed, match="'text' is required"):
        client.add_comment("Release", release, "   ")
    with pytest.raises(ValidationFailed, match="not a comment on this Release"):
        client.add_comment("Release", release, "re", reply_to=client.changes()[0]["id"])
    with pytest.raises(ValidationFailed, match="text"):
        client.add_comment("Release", release, "x" * 4001)
    with pytest.raises(NotFound):
        client.comments("Release", "3f2a7c1e-0000-4000-8000-000000000000")


def test_the_server_refuses_an_unknown_type_and_a_foreign_parent(client: PlutoraClient) -> None:
    release = client.releases()[0]["id"]
    with pytest.raises(ValidationFailed, match="not a type of record with comments"):
        client.call("GET", f"/comments/Defect/{release}")
    other = client.add_comment("Release", client.releases()[1]["id"], "elsewhere")
    with pytest.raises(ValidationFailed, match="not a comment on this Release"):
        client.call(
            "POST", f"/comments/release/{release}", json={"text": "x", "parentId": other["id"]}
        )


def test_a_lost_answer_to_a_comment_adopts_the_one_posted(
    client: PlutoraClient, control: Control
) -> None:
    release = client.releases()[2]["id"]
    client.add_comment("Release", release, "Same words")  # one like it is there already
    control.fault(path="/comments/", method="POST", kind="drop", stage="after")
    adopted = client.add_comment("Release", release, "Same words")
    texts = Counter(c["text"] for c in client.comments("Release", release))
    assert texts["Same words"] == 2  # the one before, and this call's: never sent twice
    assert adopted["id"] in {c["id"] for c in client.comments("Release", release)}
    control.fault(path="/comments/", method="POST", kind="drop", stage="before")
    with pytest.raises(OutcomeUnknown, match="Nothing was sent twice"):
        client.add_comment("Release", release, "Lost on the way")
    assert "Lost on the way" not in {c["text"] for c in client.comments("Release", release)}


# -- users ------------------------------------------------------------------------------------


def test_users_have_roles_and_status_and_one_reads_as_in_the_list(client: PlutoraClient) -> None:
    users = client.users()
    assert {u["status"] for u in users} == {"Active"}
    assert all(u["roles"] for u in users)
    me = client.user(client.id_of("users", client.current_user()))
    assert "Administrator" in me["roles"]
    assert client.user(users[3]["id"]) == users[3]
    with pytest.raises(NotFound):
        client.user("3f2a7c1e-0000-4000-8000-000000000000")


def test_an_administrator_changes_roles_and_status(client: PlutoraClient) -> None:
    other = client.id_of("users", "devon.patel@example.com")
    changed = client.update_user(other, roles=["release manager", "Read Only"], verify=True)
    assert changed is not None
    assert changed["roles"] == ["Release Manager", "Read Only"]
    assert client.update_user(other, status="Inactive") is None
    assert client.user(other)["status"] == "Inactive"
    assert client.user(other)["roles"] == ["Release Manager", "Read Only"]  # a merge patch


def test_no_one_locks_themself_out(client: PlutoraClient, control: Control) -> None:
    me = client.id_of("users", client.current_user())
    patches = _count(control, "PATCH")
    with pytest.raises(BusinessRuleViolation, match="own user Inactive"):
        client.update_user(me, status="Inactive")
    with pytest.raises(BusinessRuleViolation, match="own Administrator role"):
        client.update_user(me, roles=["Read Only"])
    assert _count(control, "PATCH") == patches  # refused before sending
    # The server refuses it too (a client that does not check).
    with pytest.raises(BusinessRuleViolation, match="could not log in again"):
        client.call("PATCH", f"/users/{me}", json={"status": "Inactive"})
    assert client.update_user(me, roles=["Administrator", "Test Manager"]) is None


def test_bad_user_inputs_name_the_cause(client: PlutoraClient) -> None:
    other = client.id_of("users", "devon.patel@example.com")
    with pytest.raises(ValueError, match="roles or the status"):
        client.update_user(other)
    with pytest.raises(ValueError, match="role is one of Administrator"):
        client.update_user(other, roles=["Boss"])
    with pytest.raises(ValueError, match="at least one role"):
        client.update_user(other, roles=[])
    with pytest.raises(ValueError, match="status is one of Active, Inactive"):
        client.update_user(other, status="Asleep")
    with pytest.raises(ValidationFailed, match="roles"):
        client.call("PATCH", f"/users/{other}", json={"roles": []})


def test_only_an_administrator_changes_users_and_an_inactive_user_cannot_log_in(
    sim: PlutoraSimulator, client: PlutoraClient
) -> None:
    sim.add_user("devon.patel@example.com", "Devon-Password-1")
    devon = client.id_of("users", "devon.patel@example.com")
    client.update_user(devon, roles=["Test Manager"])
    with PlutoraClient(
        config_for(sim, username="devon.patel@example.com", password="Devon-Password-1")
    ) as not_admin:
        with pytest.raises(AccessDenied, match="Only an Administrator"):
            not_admin.update_user(client.id_of("users", "avery.chen@example.com"), status="Active")
        client.update_user(devon, status="Inactive")
        with pytest.raises(LoginRejected, match="inactive"):
            not_admin.users()  # the token issued before stops working
    with (
        PlutoraClient(
            config_for(sim, username="devon.patel@example.com", password="Devon-Password-1")
        ) as inactive,
        pytest.raises(AccountInactive, match="inactive") as refused,
    ):
        inactive.users()
    assert "sets it Active again" in str(refused.value)  # not "the password is wrong"
    assert isinstance(refused.value, LoginRejected)  # still a refused login: never retried
    back = client.update_user(devon, status="Active", verify=True)
    assert back is not None
    assert back["status"] == "Active"


def test_a_lost_answer_to_a_patch_is_read_back_never_sent_again(
    client: PlutoraClient, control: Control
) -> None:
    other = client.id_of("users", "casey.romero@example.com")
    control.fault(path="/users/", method="PATCH", kind="drop", stage="after")
    done = client.update_user(other, roles=["Contributor"], verify=True)
    assert done is not None
    assert done["roles"] == ["Contributor"]
    control.fault(path="/users/", method="PATCH", kind="drop", stage="before")
    patches = _count(control, "PATCH")
    with pytest.raises(OutcomeUnknown, match="never repeated"):
        client.update_user(other, roles=["Read Only"])
    assert _count(control, "PATCH") == patches  # the one attempt was dropped before counting
    assert client.user(other)["roles"] == ["Contributor"]


# -- lookups ----------------------------------------------------------------------------------


def test_every_lookup_type_the_public_sources_read_is_served(client: PlutoraClient) -> None:
    names = {t["name"] for t in client.lookup_types()}
    used = {
        "ReleaseType", "ReleaseStatusType", "ReleaseRiskLevel", "EnvironmentStatus",
        "UsedForWorkItem", "StackLayer", "EnvironmentMapConnectivityType", "ChangePriority",
        "ChangeStatus", "ChangeType", "ChangeDeliveryRisk", "ChangeTheme", "StakeholderRole",
        "SystemRoleDependencyType", "ChangeRequestStatus", "ChangeRequestType",
        "BookingRequestStatus", "BookingRequestType", "PIRCategory", "PIRItemStatus",
        "PIRItemSubCategory", "PIRItemType", "PIRTheme",
    }  # fmt: skip
    assert used <= names
    for name in used:
        assert client.lookup(name), name
    # The requests' statuses are the lookups' values, with the same ids.
    for tecr in client.tecrs():
        assert tecr["crStatusId"] == client.lookup_id("ChangeRequestStatus", tecr["crStatus"])
        assert tecr["crType"] in {v["value"] for v in client.lookup("ChangeRequestType")}
    for tebr in client.call("GET", "/TEBRs").json:
        assert tebr["statusID"] == client.lookup_id("BookingRequestStatus", tebr["status"])
    assert client.lookup_id("pirtheme", "quality") == client.lookup("PIRTheme")[0]["id"]


def _count(control: Control, method: str) -> int:
    routes = control.counters()["requests"].items()
    return sum(sum(statuses.values()) for key, statuses in routes if key.startswith(method))

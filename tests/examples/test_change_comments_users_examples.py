"""Examples of the change, comment and user housekeeping a pipeline or a QA lead scripts, to
copy into your own repository: the systems a change impacts, a note on the release after a
run, a reply, and a tester's roles.

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set. On a real site, mind what they leave: the API has no way to delete a comment,
so the note and its reply stay on the release (on the simulator a reset clears them); the
user example changes the roles and status of an active user other than you who is not an
Administrator (it needs an Administrator's login, and skips when the site has no such user)
and puts them back as they were.
"""

from __future__ import annotations

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, where


def test_a_change_is_marked_as_impacting_a_system_then_not(
    plutora_cleanup: PlutoraClient,
) -> None:
    change = plutora_cleanup.changes()[0]
    on_it = {s["systemId"] for s in plutora_cleanup.change_systems(change["id"])}
    system = next(s for s in plutora_cleanup.systems() if s["id"] not in on_it)
    added = plutora_cleanup.add_change_system(change["id"], system["id"])  # undone at the end
    assert added["system"] == system["name"]
    # The change itself shows it: one list, two ways to read it.
    assert system["id"] in {s["systemId"] for s in plutora_cleanup.change(change["id"])["systems"]}
    with pytest.raises(BusinessRuleViolation, match="already on the change"):
        plutora_cleanup.add_change_system(change["id"], system["id"])


def test_a_test_run_leaves_a_note_on_the_release_and_a_reply(plutora: PlutoraClient) -> None:
    release = plutora.releases(where("plutoraReleaseType").equals("Independent"))[0]
    note = plutora.add_comment("Release", release["id"], "Regression suite: 412 passed, 0 failed")
    reply = plutora.add_comment("Release", release["id"], "Thanks, go.", reply_to=note["id"])
    thread = [
        c
        for c in plutora.comments("Release", release["id"])
        if c["id"] in (note["id"], reply["id"])
    ]
    assert [c["text"] for c in thread] == ["Regression suite: 412 passed, 0 failed", "Thanks, go."]
    assert thread[1]["parentId"] == note["id"]


def test_a_tester_gets_a_role_and_is_then_set_inactive(plutora: PlutoraClient) -> None:
    me = plutora.current_user().casefold()
    others = (
        plutora.user(str(user["id"]))  # with its roles
        for user in plutora.users()
        if user.get("status") == "Active"
        and me not in (str(user.get("email")).casefold(), str(user.get("userName")).casefold())
    )
    before = next((u for u in others if "Administrator" not in (u.get("roles") or [])), None)
    if before is None:
        pytest.skip("The site has no active user other than you who is not an Administrator.")
    tester = str(before["id"])
    try:
        changed = plutora.update_user(tester, roles=["Test Manager"], verify=True)
        assert changed is not None
        assert changed["roles"] == ["Test Manager"]
        plutora.update_user(tester, status="Inactive")
        assert plutora.user(tester)["status"] == "Inactive"
    finally:  # leave the site as it was
        plutora.update_user(tester, roles=before["roles"], status=before["status"])


def test_no_one_deactivates_themself_by_accident(plutora: PlutoraClient) -> None:
    me = plutora.id_of("users", plutora.current_user())
    with pytest.raises(BusinessRuleViolation, match="own user Inactive"):
        plutora.update_user(me, status="Inactive")

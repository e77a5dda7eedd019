"""TECRs over real HTTP against the simulator: searching them, their linked changes, and their
status moves (the Octopus Deploy script's PUT), checked against the contract before sending,
with a lost answer under an injected fault."""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, SearchFilter
from tests.conftest import Control


def _in(client: PlutoraClient, status: str) -> dict[str, Any]:
    return client.search_tecrs([SearchFilter("crStatus", "Equals", status)]).items[0]


def test_tecrs_are_listed_searched_and_linked_to_changes(client: PlutoraClient) -> None:
    every = client.tecrs()
    approved = client.search_tecrs([SearchFilter("crStatus", "Equals", "Approved")])
    assert approved.total_count == len([t for t in every if t["crStatus"] == "Approved"]) > 0
    one = client.tecr(every[0]["id"])
    assert one["crStatusId"]
    linked = [c for t in every for c in client.tecr_linked_changes(t["id"])]
    assert linked, "no TECR is linked to a change"
    assert {"id", "changeId", "name"} <= set(linked[0])


def test_a_tecr_moves_from_draft_to_completed(client: PlutoraClient) -> None:
    draft = _in(client, "Draft")
    user = client.call("GET", "users").json[0]["id"]
    for status in ("Submitted", "Approved"):
        assert client.set_tecr_status(draft["id"], status, user_id=user) is None
    done = client.set_tecr_status(draft["id"], "completed", verify=True)
    assert done is not None
    assert (done["crStatus"], done["name"]) == ("Completed", draft["name"])
    again = client.set_tecr_status(draft["id"], "Completed", verify=True)  # no change: no error
    assert again is not None
    assert again["crStatusId"] == done["crStatusId"]


def test_the_login_account_is_a_user_found_by_name_for_a_status_move(
    client: PlutoraClient,
) -> None:
    me = client.current_user()
    users = client.call("GET", "users").json
    mine = [u for u in users if u["userName"] == me]
    assert len(mine) == 1, "the account GET /me answers is one of GET /users"
    assert mine[0]["email"] == me
    user_id = client.id_of("users", me)
    assert user_id == mine[0]["id"]
    draft = _in(client, "Draft")
    assert client.set_tecr_status(draft["id"], "Submitted", user_id=user_id) is None
    assert client.tecr(draft["id"])["crStatus"] == "Submitted"


def test_a_move_the_contract_does_not_allow_is_refused_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    draft = _in(client, "Draft")
    before = _puts(control)
    with pytest.raises(BusinessRuleViolation) as refused:
        client.set_tecr_status(draft["id"], "Completed")
    assert "cannot go from Draft to Completed" in str(refused.value)
    assert "it may go to Submitted" in str(refused.value)
    with pytest.raises(ValueError, match="Draft, Submitted, Approved, Rejected, Completed"):
        client.set_tecr_status(draft["id"], "Closed")
    assert _puts(control) == before


def test_the_server_refuses_a_stale_status_id(client: PlutoraClient) -> None:
    draft = _in(client, "Draft")
    body = {**draft, "crStatus": "Submitted"}  # the old crStatusId left in
    answer = client.call("PUT", f"TECRs/{draft['id']}", json=body, expected_status=400)
    assert "crStatusId is the id of Draft" in answer.text


def test_a_lost_answer_to_a_status_move_is_sent_again_safely(
    client: PlutoraClient, control: Control
) -> None:
    draft = _in(client, "Draft")
    control.fault(path="/TECRs/[^/]+$", method="PUT", kind="drop", stage="after", count=1)
    moved = client.set_tecr_status(draft["id"], "Submitted", verify=True)
    assert moved is not None
    assert moved["crStatus"] == "Submitted"
    assert control("GET", "/faults").json() == []


def _puts(control: Control) -> int:
    counters: dict[str, Any] = control("GET", "/counters").json()["requests"]
    return sum(sum(v.values()) for k, v in counters.items() if k.startswith("PUT "))

"""TEBRs and bookings over real HTTP against the simulator: searching TEBRs, their status
moves (the AWS CloudFormation scripts' PUT) checked against the contract before sending, the
bookings that follow them, the bookings list with ``filter=``, bad inputs, and a lost answer
under an injected fault."""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    NotFound,
    PlutoraClient,
    SearchFilter,
    ServerError,
    where,
)
from tests.conftest import Control


def _in(client: PlutoraClient, status: str) -> dict[str, Any]:
    return client.search_tebrs([SearchFilter("status", "Equals", status)]).items[0]


def test_tebrs_are_searched_and_their_bookings_are_on_seeded_environments(
    client: PlutoraClient,
) -> None:
    every = client.call("GET", "TEBRs").json
    approved = client.search_tebrs([SearchFilter("status", "Equals", "Approved")], page_size=2)
    assert approved.total_count == len([t for t in every if t["status"] == "Approved"]) > 0
    assert len(approved.items) <= 2
    environments = {e["id"] for e in client.environments()}
    for tebr in every:
        bookings = client.tebr_bookings(tebr["id"])
        assert bookings, f"{tebr['name']} asked for no booking"
        assert {b["environmentId"] for b in bookings} <= environments
        assert all(b["tebrId"] == tebr["id"] for b in bookings)
        assert all((b["startDate"], b["endDate"]) == (tebr["startDate"], tebr["endDate"])
                   for b in bookings)  # fmt: skip
    named = next(t for t in every if t["name"].startswith("TEBR-001"))
    first_env = named["name"].split()[1]
    by_id = {e["id"]: e["name"] for e in client.environments()}
    assert by_id[client.tebr_bookings(named["id"])[0]["environmentId"]] == first_env


def test_the_bookings_list_takes_a_filter_and_is_always_paged(client: PlutoraClient) -> None:
    page = client.call("GET", "Bookings").json
    assert (page["pageNum"], page["recordsPerPage"]) == (0, 100)  # as the notebook saw
    every = client.bookings()
    assert len(every) == page["totalCount"] > 0
    approved = client.bookings(where("status").equals("Approved"))
    assert approved
    assert {b["status"] for b in approved} == {"Approved"}
    moment = every[0]["startDate"]
    during = client.bookings(f"`startDate` <= `{moment}` and `endDate` >= `{moment}`")
    assert every[0]["id"] in {b["id"] for b in during}
    release_only = client.bookings(where("tebrId").has_no_value())
    assert release_only
    assert all(b["releaseId"] for b in release_only)
    assert client.booking_page(page_size=5).items == every[:5]
    with pytest.raises(ServerError, match="colour"):
        client.bookings("`colour` = `red`")


def test_a_tebr_moves_through_its_statuses_and_its_bookings_follow(
    client: PlutoraClient, sim: Any
) -> None:
    submitted = _in(client, "Submitted")
    assert {b["status"] for b in client.tebr_bookings(submitted["id"])} == {"Pending"}
    assert client.set_tebr_status(submitted["id"], "approved") is None
    bookings = client.tebr_bookings(submitted["id"])
    assert {b["status"] for b in bookings} == {"Approved"}
    me = client.id_of("users", client.current_user())
    assert {b["statusUpdaterId"] for b in bookings} == {me}
    assert all(b["timeStamp"] for b in bookings)
    done = client.set_tebr_status(
        submitted["id"], "Completed", verify=True, description='{"StackName": "Plutora-1"}'
    )
    assert done is not None
    assert (done["status"], done["description"]) == ("Completed", '{"StackName": "Plutora-1"}')
    again = client.set_tebr_status(submitted["id"], "Completed", verify=True)  # no change
    assert again is not None
    assert again["statusID"] == done["statusID"]
    client.set_tebr_status(submitted["id"], "Failed")  # the teardown failed
    assert {b["status"] for b in client.tebr_bookings(submitted["id"])} == {"Rejected"}


def test_a_move_the_contract_does_not_allow_is_refused_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    cancelled = _in(client, "Cancelled")
    before = _puts(control)
    with pytest.raises(BusinessRuleViolation) as refused:
        client.set_tebr_status(cancelled["id"], "Approved")
    assert "cannot go from Cancelled to Approved" in str(refused.value)
    assert "Cancelled is a final status: nothing changes it any more" in str(refused.value)
    assert "may go to" not in str(refused.value)
    with pytest.raises(ValueError, match="Submitted, Approved, Completed, Failed, Cancelled"):
        client.set_tebr_status(cancelled["id"], "Closed")
    assert _puts(control) == before
    with pytest.raises(NotFound):
        client.tebr_bookings("00000000-0000-4000-8000-000000000000")


def test_the_server_refuses_a_stale_status_id_and_a_move_it_does_not_allow(
    client: PlutoraClient,
) -> None:
    submitted = _in(client, "Submitted")
    body = {**submitted, "status": "Approved"}  # the old statusID left in
    answer = client.call("PUT", f"TEBRs/{submitted['id']}", json=body, expected_status=400)
    assert "statusID is the id of Submitted" in answer.text
    body = {**submitted, "status": "Completed", "statusID": None}
    answer = client.call("PUT", f"TEBRs/{submitted['id']}", json=body, expected_status=400)
    assert "cannot go from Submitted to Completed (from Submitted: Approved" in answer.text
    cancelled = _in(client, "Cancelled")
    body = {**cancelled, "status": "Approved", "statusID": None}
    answer = client.call("PUT", f"TEBRs/{cancelled['id']}", json=body, expected_status=400)
    assert "cannot go from Cancelled to Approved (Cancelled is final)" in answer.text


def test_a_lost_answer_to_a_status_move_is_sent_again_safely(
    client: PlutoraClient, control: Control
) -> None:
    submitted = _in(client, "Submitted")
    control.fault(path="/TEBRs/[^/]+$", method="PUT", kind="drop", stage="after", count=1)
    moved = client.set_tebr_status(submitted["id"], "Approved", verify=True)
    assert moved is not None
    assert moved["status"] == "Approved"
    assert control("GET", "/faults").json() == []
    assert {b["status"] for b in client.tebr_bookings(submitted["id"])} == {"Approved"}


def test_a_search_of_tebrs_runs_in_a_read_only_run(config: Any) -> None:
    from dataclasses import replace

    with PlutoraClient(replace(config, read_only=True)) as reader:
        assert reader.search_tebrs(page_size=1).total_count >= 1
        assert reader.bookings(where("status").equals("Pending")) is not None


def _puts(control: Control) -> int:
    counters: dict[str, Any] = control("GET", "/counters").json()["requests"]
    return sum(sum(v.values()) for k, v in counters.items() if k.startswith("PUT "))


def test_every_tebr_is_listed_as_the_search_pages_them(client: PlutoraClient) -> None:
    listed = client.tebrs()
    searched = client.search_tebrs(page_size=100).items
    assert listed
    assert {t["id"] for t in listed} == {t["id"] for t in searched}
    assert client.tebr(listed[0]["id"])["name"] == listed[0]["name"]

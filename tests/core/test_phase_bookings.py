"""An environment booked for a release's phase over real HTTP against the simulator: the
phase's dates, Approved at once in an auto-approving group (else Pending), shown in
``GET /Bookings``, never booked twice, and a lost answer recovered without a second POST."""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, NotFound, PlutoraClient, where
from tests.conftest import Control


def _posts(control: Control) -> int:
    counters: dict[str, Any] = control("GET", "/counters").json()["requests"]
    return sum(
        sum(v.values()) for k, v in counters.items() if "/environments/" in k and "POST" in k
    )


def _draft_with_phases(client: PlutoraClient) -> tuple[str, dict[str, Any]]:
    drafts = client.releases(where("status").equals("Draft"))
    for release in drafts:
        phases = client.release_phases(release["id"])
        if phases:
            return str(release["id"]), phases[0]
    raise AssertionError("no draft release with phases")


def test_a_phase_books_an_environment_for_its_dates(client: PlutoraClient) -> None:
    release, phase = _draft_with_phases(client)
    development = client.environment_groups(where("name").equals("Development"))[0]
    auto = client.environment(development["environmentIDs"][0])["name"]
    others = [e for e in client.environments() if e["id"] not in development["environmentIDs"]]

    approved = client.book_environment_for_phase(release, phase["workItemName"], auto)
    assert approved["status"] == "Approved"  # the group approves bookings on its own
    assert (approved["startDate"], approved["endDate"]) == (phase["startDate"], phase["endDate"])
    assert (approved["releaseId"], approved["phaseId"], approved["tebrId"]) == (
        release,
        phase["id"],
        None,
    )
    pending = client.book_environment_for_phase(release, phase["id"], others[0]["id"])
    assert pending["status"] == "Pending"

    listed = client.bookings(where("phaseId").equals(phase["id"]))
    assert {b["id"] for b in listed} >= {approved["id"], pending["id"]}
    with pytest.raises(BusinessRuleViolation, match="already booked for phase"):
        client.book_environment_for_phase(release, phase["id"], auto)


def test_a_phase_the_release_lacks_fails_before_sending(
    client: PlutoraClient, control: Control
) -> None:
    release, _ = _draft_with_phases(client)
    before = _posts(control)
    with pytest.raises(NotFound, match="no phase"):
        client.book_environment_for_phase(release, "Not A Phase", "SIT1")
    assert _posts(control) == before


def test_a_lost_answer_is_recovered_from_the_bookings_not_sent_again(
    client: PlutoraClient, control: Control
) -> None:
    release, phase = _draft_with_phases(client)
    environment = client.environments()[-1]
    control.fault(path="/environments/", method="POST", kind="drop", stage="after")
    before = _posts(control)
    booking = client.book_environment_for_phase(release, phase["id"], environment["name"])
    assert _posts(control) == before + 1  # one POST, the booking read back
    assert booking["phaseId"] == phase["id"]
    assert booking["environmentId"] == environment["id"]

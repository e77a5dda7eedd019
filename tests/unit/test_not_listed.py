"""A record the client finds missing from a list it read is a NotFound that says so: the list
answered 200, no 404 came, and (for a write) nothing was sent."""

from __future__ import annotations

from PlutoraLibrary.core import NotFound


def test_the_message_says_the_list_answered_200_without_it_and_nothing_was_sent() -> None:
    error = NotFound.not_listed(
        "/releases/r1/phases",
        "the release has no phase 'Nope' (its phases: Build, SIT)",
        "Add it first (add_release_phase / Add Phase To Release).",
    )
    assert str(error) == (
        "GET /releases/r1/phases answered 200 without it: the release has no phase 'Nope' "
        "(its phases: Build, SIT); nothing was sent. Add it first (add_release_phase / Add "
        "Phase To Release)."
    )
    assert isinstance(error, NotFound)
    assert (error.method, error.path, error.status, error.server_message) == (
        "GET",
        "/releases/r1/phases",
        200,
        "",
    )


def test_what_became_of_the_request_is_said_when_something_was_sent() -> None:
    error = NotFound.not_listed(
        "/releases/r1/systems/s1/deploymentDates",
        "the deployment date 'd1' is gone",
        "Read the dates again.",
        then="the PUT was sent and accepted",
    )
    assert "is gone; the PUT was sent and accepted. Read the dates again." in str(error)
    assert "nothing was sent" not in str(error)

"""Examples of what a provisioning or booking pipeline does with environment groups and
booking requests, to copy into your own repository: a group of the run's environments with
their connectivity (torn down by ``plutora_cleanup``), a TEBR moved through its statuses as
the AWS CloudFormation scripts do, and the bookings under way at a moment.

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set.
"""

from __future__ import annotations

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, SearchFilter, where


def test_the_run_s_environments_are_grouped_and_connected(plutora_cleanup: PlutoraClient) -> None:
    sit1 = plutora_cleanup.id_of("environments", "SIT1")
    sit2 = plutora_cleanup.id_of("environments", "SIT2")
    group = plutora_cleanup.create_environment_group(
        {"name": "PYTEST-GROUP", "environmentIDs": [sit1, sit2], "isAutoApproved": True}
    )  # deleted when the test ends, with its connectivities: plutora_cleanup
    https = plutora_cleanup.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
    link = plutora_cleanup.connect_environments(group["id"], sit1, sit2, https, "InAndOut")
    assert plutora_cleanup.environment_connectivities(group["id"]) == [link]


def test_an_approved_aws_booking_request_is_completed(plutora: PlutoraClient) -> None:
    approved = plutora.search_tebrs(
        [
            SearchFilter("status", "Equals", "Approved"),
            SearchFilter("type", "Equals", "AWS Environment"),
        ]
    ).items
    if not approved:  # on a real site there may be none waiting
        pytest.skip("no approved AWS Environment TEBR to complete")
    tebr = plutora.set_tebr_status(
        approved[0]["id"], "Completed", verify=True, description='{"StackName": "Plutora-pytest"}'
    )
    assert tebr is not None
    assert tebr["status"] == "Completed"
    assert {b["status"] for b in plutora.tebr_bookings(tebr["id"])} <= {"Approved"}


def test_a_cancelled_booking_request_cannot_be_approved(plutora: PlutoraClient) -> None:
    cancelled = plutora.search_tebrs([SearchFilter("status", "Equals", "Cancelled")]).items
    if not cancelled:
        pytest.skip("no cancelled TEBR")
    with pytest.raises(BusinessRuleViolation, match="cannot go from Cancelled to Approved"):
        plutora.set_tebr_status(cancelled[0]["id"], "Approved")  # refused before sending


def test_the_bookings_of_an_environment_are_listed(plutora: PlutoraClient) -> None:
    dev1 = plutora.id_of("environments", "DEV1")
    mine = plutora.bookings(where("environmentId").equals(dev1))
    assert all(b["environmentId"] == dev1 for b in mine)
    moment = "2026-01-01T09:00:00"
    now = plutora.bookings(f"`startDate` <= `{moment}` AND `endDate` >= `{moment}`")
    assert all(b["startDate"] <= moment <= b["endDate"] for b in now)

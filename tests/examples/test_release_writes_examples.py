"""Examples of a pipeline planning releases, to copy into your own repository: a release
created for the run with the changes it delivers, a release that depends on another, and
what the API refuses. Everything ``plutora_cleanup`` created is deleted when the test ends.

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set.
"""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary.core import BusinessRuleViolation, PlutoraClient, ValidationFailed


def _release(plutora: PlutoraClient, identifier: str, **fields: Any) -> dict[str, Any]:
    return plutora.create_release(
        {
            "identifier": identifier,
            "name": f"Pipeline release {identifier}",
            "implementationDate": "2027-03-31",
            "releaseStatusTypeId": plutora.lookup_id("ReleaseStatusType", "Draft"),
            "plutoraReleaseType": "Independent",
            **fields,
        }
    )


def test_a_release_is_planned_with_the_changes_it_delivers(
    plutora_cleanup: PlutoraClient,
) -> None:
    release = _release(plutora_cleanup, "PYTEST-R1", summary="Planned by the pipeline")
    change = plutora_cleanup.create_change(
        {
            "name": "PYTEST login fix",
            "changeStatusId": plutora_cleanup.lookup_id("ChangeStatus", "New"),
            "changePriorityId": plutora_cleanup.lookup_id("ChangePriority", "High"),
            "changeTypeId": plutora_cleanup.lookup_id("ChangeType", "Defect Fix"),
        }
    )
    plutora_cleanup.link_change_to_release(change["id"], release["id"])
    delivered = plutora_cleanup.release_changes(release["id"])
    assert [c["name"] for c in delivered] == ["PYTEST login fix"]

    moved = plutora_cleanup.update_release(
        release["id"], {**release, "implementationDate": "2027-04-30"}, verify=True
    )  # None without verify: the API answers 204
    assert moved is not None
    assert moved["implementationDate"].startswith("2027-04-30")


def test_a_release_depends_on_another(plutora_cleanup: PlutoraClient) -> None:
    platform = _release(plutora_cleanup, "PYTEST-PLATFORM")
    app = _release(plutora_cleanup, "PYTEST-APP")
    plutora_cleanup.link_items("release", app["id"], platform["id"], "Release", "Depends on")
    seen_from_platform = plutora_cleanup.linked_items("release", platform["id"])
    assert [(i["linkedItem"], i["linkType"]) for i in seen_from_platform] == [
        ("PYTEST-APP", "Is dependent on")
    ]


def test_what_the_api_refuses_is_refused_before_sending(plutora: PlutoraClient) -> None:
    with pytest.raises(BusinessRuleViolation, match="Enterprise releases cannot be created"):
        _release(plutora, "PYTEST-ENT", plutoraReleaseType="Enterprise")
    with pytest.raises(ValidationFailed, match="'implementationDate' is required"):
        plutora.create_release({"identifier": "PYTEST-X", "name": "No date"})

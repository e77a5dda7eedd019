"""Changes over real HTTP against the simulator: raised as JSON and as a form, linked to a
release, changed (verified), deleted; checked before sending; lost answers recovered."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from PlutoraLibrary.core import PlutoraClient, ValidationFailed, where
from PlutoraLibrary.core.writes import form_fields
from tests.conftest import Control


def _fields(client: PlutoraClient, name: str) -> dict[str, Any]:
    return {
        "Name": name,
        "changeStatusId": client.lookup_id("ChangeStatus", "New"),
        "changePriorityId": client.lookup_id("ChangePriority", "High"),
        "changeTypeId": client.lookup_id("ChangeType", "Defect Fix"),
        "systems": [{"systemId": client.systems()[0]["id"], "systemRoleType": "Impact"}],
    }


def _release(client: PlutoraClient) -> str:
    return client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]["id"]


def test_a_change_is_raised_linked_to_a_release_updated_and_deleted(
    client: PlutoraClient,
) -> None:
    change = client.create_change(_fields(client, "Login times out"))
    assert change["changeId"] > 0
    assert change["systems"][0]["systemRoleType"] == "Impact"
    release = _release(client)
    linked = client.link_change_to_release(change["id"], release, verify=True)
    assert linked is not None
    assert [d["releaseId"] for d in linked["deliveryReleases"]] == [release]
    assert client.link_change_to_release(change["id"], release, actual=True) is None  # replaced
    delivered = client.change(change["id"])["deliveryReleases"]
    assert [(d["targetRelease"], d["actualDeliveryRelease"]) for d in delivered] == [(True, True)]
    current = client.change(change["id"])
    updated = client.update_change(change["id"], {**current, "description": "Fixed"}, verify=True)
    assert updated is not None
    assert updated["description"] == "Fixed"
    client.delete_change(change["id"])
    assert client.changes(where("name").equals("Login times out")) == []


def test_a_change_raised_as_a_form_is_the_same_change(client: PlutoraClient) -> None:
    fields = _fields(client, "Raised as a form")
    assert ("systems[0][systemId]", fields["systems"][0]["systemId"]) in form_fields(fields)
    change = client.create_change(fields, form=True)
    assert change["name"] == "Raised as a form"
    assert change["systems"][0]["systemId"] == fields["systems"][0]["systemId"]


def test_a_change_is_checked_before_anything_is_sent(client: PlutoraClient) -> None:
    with pytest.raises(ValidationFailed, match="'changeTypeId' is required"):
        client.create_change({"name": "x", "changeStatusId": "a", "changePriorityId": "b"})
    with pytest.raises(ValidationFailed, match="'colour' is not a field"):
        client.create_change({**_fields(client, "x"), "colour": "red"})


def test_a_lost_answer_to_a_new_change_is_recovered_and_not_sent_twice(
    client: PlutoraClient, control: Control
) -> None:
    control.fault(path="/changes$", method="POST", kind="drop", stage="after", count=1)
    change = client.create_change(_fields(client, "Raised once"))
    assert change["name"] == "Raised once"
    control.fault(path="/deliveryReleases/", method="PUT", kind="drop", stage="after", count=1)
    client.link_change_to_release(change["id"], _release(client), verify=True)
    assert control("GET", "/faults").json() == []
    names = Counter(c["name"] for c in client.changes(where("name").equals("Raised once")))
    assert names == {"Raised once": 1}
    assert [item.label for item in client.created.newest_first()] == ["change Raised once"]

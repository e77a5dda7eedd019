"""Releases created from their fields, replaced (204) and deleted (200); the changes delivered
in a release (listed, added, taken out, one source with a change's deliveryReleases); items
linked to releases and changes with their mirror links. Over real HTTP against the simulator,
with bad inputs and lost answers under injected faults."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    NotFound,
    PlutoraClient,
    SearchFilter,
    ValidationFailed,
    where,
)
from tests.conftest import Control


def _fields(client: PlutoraClient, identifier: str, **more: Any) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "name": f"Release {identifier}",
        "implementationDate": "2027-01-31",
        "releaseStatusTypeId": client.lookup_id("ReleaseStatusType", "Draft"),
        "plutoraReleaseType": "Independent",
        **more,
    }


def _requests(control: Control, prefix: str) -> int:
    counters: dict[str, Any] = control("GET", "/counters").json()["requests"]
    return sum(sum(v.values()) for k, v in counters.items() if k.startswith(prefix))


def test_a_release_is_created_updated_and_deleted(client: PlutoraClient) -> None:
    release = client.create_release(_fields(client, "R-NEW-1", Summary="From CI"))
    assert release["identifier"] == "R-NEW-1"
    assert release["summary"] == "From CI"  # a field in any case
    assert release["releaseStatusType"] == "Draft"
    assert [item.label for item in client.created.newest_first()] == ["release R-NEW-1"]

    assert client.update_release(release["id"], {**release, "name": "Renamed"}) is None
    current = client.release(release["id"])
    assert current["name"] == "Renamed"
    read = client.update_release(
        release["id"], {**current, "summary": "Go-live", "location": "Sydney"}, verify=True
    )
    assert read is not None
    assert (read["summary"], read["location"]) == ("Go-live", "Sydney")
    assert read["name"] == "Renamed"  # the whole release as read was sent back

    client.delete_release(release["id"])
    with pytest.raises(NotFound):
        client.release(release["id"])
    assert len(client.created) == 0


def test_bad_releases_are_refused_with_the_cause(client: PlutoraClient, control: Control) -> None:
    posts = _requests(control, "POST /plutora/api/releases")
    with pytest.raises(ValidationFailed) as missing:
        client.create_release({"name": "No identifier"})
    assert "'identifier' is required" in str(missing.value)
    assert "Nothing was sent" in str(missing.value)
    with pytest.raises(ValidationFailed, match="'colour' is not a field"):
        client.create_release(_fields(client, "R-BAD", colour="red"))
    with pytest.raises(BusinessRuleViolation, match="Enterprise releases cannot be created"):
        client.create_release(_fields(client, "R-ENT", plutoraReleaseType="Enterprise"))
    assert _requests(control, "POST /plutora/api/releases") == posts  # nothing was sent
    client.create_release(_fields(client, "R-TWICE"))
    with pytest.raises(BusinessRuleViolation, match="Identifier 'r-twice' is already in use"):
        client.create_release(_fields(client, "r-twice"))
    release = client.releases(where("plutoraReleaseType").equals("Independent"))[0]
    full = client.release(release["id"])
    with pytest.raises(ValueError, match="not of"):
        client.update_release(release["id"], {**full, "id": client.releases()[1]["id"]})


def test_a_release_with_children_is_not_deleted(client: PlutoraClient) -> None:
    parent = client.create_release(_fields(client, "R-PARENT"))
    child = client.create_release(_fields(client, "R-CHILD", parentReleaseId=parent["id"]))
    assert child["parentRelease"] == "R-PARENT"
    with pytest.raises(BusinessRuleViolation, match="1 child release"):
        client.delete_release(parent["id"])
    client.delete_release(child["id"])
    client.delete_release(parent["id"])
    assert len(client.created) == 0


def test_a_lost_create_adopts_the_one_new_release_and_a_lost_update_is_kept(
    client: PlutoraClient, control: Control
) -> None:
    control.fault(path="/releases$", method="POST", kind="drop", stage="after", count=1)
    release = client.create_release(_fields(client, "R-LOST"))
    assert release["identifier"] == "R-LOST"
    found = client.search_releases([SearchFilter("identifier", "Equals", "R-LOST")]).items
    assert len(found) == 1
    assert [item.label for item in client.created.newest_first()] == ["release R-LOST"]
    control.fault(path=f"/releases/{release['id']}$", method="PUT", kind="drop", stage="after")
    read = client.update_release(release["id"], {**release, "summary": "kept"}, verify=True)
    assert read is not None
    assert read["summary"] == "kept"
    assert control("GET", "/faults").json() == []


# -- a release's changes -----------------------------------------------------------------------


def test_a_release_lists_adds_and_removes_its_changes(client: PlutoraClient) -> None:
    release = client.create_release(_fields(client, "R-CHG"))
    assert client.release_changes(release["id"]) == []
    change = client.changes()[0]
    client.link_change_to_release(change["id"], release["id"], verify=True)
    assert [c["id"] for c in client.release_changes(release["id"])] == [change["id"]]
    # One source: the change's deliveryReleases say the same.
    delivery = client.change(change["id"])["deliveryReleases"]
    assert release["id"] in [item["releaseId"] for item in delivery]
    other = client.changes()[1]
    client.link_change_to_release(other["id"], release["id"])
    assert [c["id"] for c in client.release_changes(release["id"])] == [change["id"], other["id"]]

    client.remove_change_from_release(change["id"], release["id"])
    assert [c["id"] for c in client.release_changes(release["id"])] == [other["id"]]
    assert release["id"] not in [
        item["releaseId"] for item in client.change(change["id"])["deliveryReleases"]
    ]
    with pytest.raises(NotFound) as missing:
        client.remove_change_from_release(change["id"], release["id"])
    assert "is not delivered in release 'R-CHG'" in str(missing.value)
    assert other["name"] in str(missing.value)  # the advice names the release's changes
    unknown = "6f1c0000-0000-4000-8000-000000000000"
    with pytest.raises(NotFound, match=f"Release '{unknown}' was not found"):
        client.remove_change_from_release(change["id"], unknown)


def test_seeded_releases_list_the_changes_delivered_in_them(client: PlutoraClient) -> None:
    change = next(c for c in client.changes() if c["deliveryReleases"])
    release_id = change["deliveryReleases"][0]["releaseId"]
    assert change["id"] in [c["id"] for c in client.release_changes(release_id)]
    with pytest.raises(NotFound):
        client.release_changes("6f1c0000-0000-4000-8000-000000000000")


def test_a_lost_unlink_answer_counts_as_done(client: PlutoraClient, control: Control) -> None:
    change = next(c for c in client.changes() if c["deliveryReleases"])
    release_id = change["deliveryReleases"][0]["releaseId"]
    control.fault(path="/deliveryReleases/", method="DELETE", kind="drop", stage="after")
    client.remove_change_from_release(change["id"], release_id)
    assert change["id"] not in [c["id"] for c in client.release_changes(release_id)]


# -- linked items ----------------------------------------------------------------------------


def test_releases_and_changes_are_linked_with_mirror_links(client: PlutoraClient) -> None:
    first = client.create_release(_fields(client, "R-LINK-1"))
    second = client.create_release(_fields(client, "R-LINK-2"))
    link = client.link_items("release", first["id"], second["id"], "release", "depends on")
    assert (link["linkedItem"], link["linkType"], link["linkedItemType"]) == (
        "R-LINK-2",
        "Depends on",
        "Release",
    )
    mirror = client.linked_items("releases", second["id"])
    assert [(m["linkedItemId"], m["linkType"]) for m in mirror] == [
        (first["id"], "Is dependent on")
    ]
    change = client.changes()[0]
    related = client.link_items("change", change["id"], first["id"], "Release", "Related to")
    assert related["linkedItem"] == "R-LINK-1"
    kinds = Counter(i["linkedItemType"] for i in client.linked_items("release", first["id"]))
    assert kinds == Counter({"Release": 1, "Change": 1})

    client.unlink_item("release", second["id"], mirror[0]["id"])  # either side: both go
    assert client.linked_items("release", second["id"]) == []
    assert [i["linkedItemType"] for i in client.linked_items("release", first["id"])] == ["Change"]


def test_bad_links_are_refused_before_sending(client: PlutoraClient, control: Control) -> None:
    release = client.create_release(_fields(client, "R-LINK-BAD"))
    other = client.releases()[0]["id"]
    client.link_items("release", release["id"], other)
    posts = _requests(control, "POST /plutora/api/releases/")
    with pytest.raises(BusinessRuleViolation, match="linked to itself") as itself:
        client.link_items("release", release["id"], release["id"])
    assert "cannot depend on itself; link it to another record" in str(itself.value)
    assert "unlink" not in str(itself.value)
    with pytest.raises(BusinessRuleViolation, match=r"linked to .* already") as again:
        client.link_items("release", release["id"], other, link_type="Related to")
    assert "to change a link's type, unlink it (unlink_item / Unlink Item)" in str(again.value)
    with pytest.raises(ValueError, match="Depends on, Is dependent on, Related to"):
        client.link_items("release", release["id"], other, link_type="Blocks")
    with pytest.raises(ValueError, match="Release, Change"):
        client.link_items("release", release["id"], other, linked_item_type="System")
    with pytest.raises(ValueError, match="Linked items belong to a record of type release, change"):
        client.linked_items("system", release["id"])
    assert _requests(control, "POST /plutora/api/releases/") == posts
    with pytest.raises(ValidationFailed) as unknown:  # the server's 400 names the field
        client.link_items("release", release["id"], "6f1c0000-0000-4000-8000-000000000000")
    assert "linkedItemId" in str(unknown.value)
    named = client.releases()[1]
    with pytest.raises(ValidationFailed) as other_type:  # a release's id sent as a Change
        client.link_items("release", release["id"], named["id"], "Change", "Related to")
    assert f"is the Release '{named['identifier']}', not a Change" in str(other_type.value)
    assert "send linkedItemType Release" in str(other_type.value)
    with pytest.raises(NotFound):
        client.unlink_item("release", release["id"], "6f1c0000-0000-4000-8000-000000000000")


def test_a_lost_link_answer_adopts_exactly_one_link(
    client: PlutoraClient, control: Control
) -> None:
    release = client.create_release(_fields(client, "R-LINK-LOST"))
    other = client.changes()[3]["id"]
    control.fault(path="/linkedItems$", method="POST", kind="drop", stage="after", count=1)
    link = client.link_items("release", release["id"], other, "Change", "Is dependent on")
    assert link["linkedItemId"] == other
    assert len(client.linked_items("release", release["id"])) == 1
    assert control("GET", "/faults").json() == []


def test_a_lost_unlink_answer_counts_as_done_and_both_sides_are_gone(
    client: PlutoraClient, control: Control
) -> None:
    release = client.create_release(_fields(client, "R-UNLINK-LOST"))
    other = client.create_release(_fields(client, "R-UNLINK-OTHER"))
    link = client.link_items("release", release["id"], other["id"])
    control.fault(path="/linkedItems/", method="DELETE", kind="drop", stage="after", count=1)
    client.unlink_item("release", release["id"], link["id"])
    assert control("GET", "/faults").json() == []
    assert client.linked_items("release", release["id"]) == []
    assert client.linked_items("release", other["id"]) == []


def test_any_user_of_the_site_may_own_a_release(client: PlutoraClient) -> None:
    me = client.id_of("users", client.current_user())  # a login account, not a seeded person
    release = client.create_release({**_fields(client, "R-OWNED"), "managerId": me})
    assert (release["managerId"], release["manager"]) == (me, "Qa Lead")
    owners = [s for s in client.stakeholders("release", release["id"]) if s.get("userId") == me]
    assert owners
    assert owners[0]["accountable"] is True

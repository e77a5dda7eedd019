"""Contract section 5: copying a release and its business rules; releases and changes CRUD."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import Api


def _find_release(plutora: Api, release_type: str, status: str) -> dict[str, Any]:
    expression = quote(
        f"`plutoraReleaseType` = `{release_type}` AND `releaseStatusType` = `{status}`"
    )
    summary = plutora.get(f"/releases?filter={expression}").json()[0]
    return plutora.get(f"/releases/{summary['id']}").json()


def _copy(source: dict[str, Any], suffix: str = "COPY") -> dict[str, Any]:
    return {
        **source,
        "name": f"{source['name']} {suffix}",
        "identifier": f"{source['identifier']}-{suffix}",
    }


def test_get_release_has_every_contract_field(plutora: Api) -> None:
    release = _find_release(plutora, "Integrated", "Active")
    assert set(release) == {
        "id", "identifier", "name", "summary", "releaseTypeId", "releaseType", "location",
        "releaseStatusTypeId", "releaseStatusType", "releaseRiskLevelId", "releaseRiskLevel",
        "implementationDate", "displayColor", "organizationId", "organization", "managerId",
        "manager", "parentReleaseId", "parentRelease", "plutoraReleaseType",
        "releaseProjectType", "lastModifiedDate", "additionalInformation",
    }  # fmt: skip


@pytest.mark.parametrize("release_type", ["Integrated", "Independent"])
def test_copying_a_release_answers_201_with_a_new_id(plutora: Api, release_type: str) -> None:
    source = _find_release(plutora, release_type, "Draft")
    answer = plutora.post("/releases", json=_copy(source))
    assert answer.status_code == 201, answer.text
    copy = answer.json()
    assert copy["id"] != source["id"]
    assert answer.headers["Location"].endswith(f"/releases/{copy['id']}")
    assert copy["name"] == source["name"] + " COPY"
    for unchanged in (
        "releaseStatusTypeId",
        "releaseTypeId",
        "plutoraReleaseType",
        "parentReleaseId",
        "implementationDate",
    ):
        assert copy[unchanged] == source[unchanged]
    assert copy["lastModifiedDate"] != source["lastModifiedDate"]
    assert plutora.get(f"/releases/{copy['id']}").json() == copy
    found = plutora.get(
        "/releases?filter=" + quote(f"`identifier` = `{copy['identifier']}`")
    ).json()
    assert [r["id"] for r in found] == [copy["id"]]


def test_read_only_fields_in_the_body_are_ignored(plutora: Api) -> None:
    source = _find_release(plutora, "Independent", "Active")
    body = {
        **_copy(source),
        "id": "11111111-1111-4111-8111-111111111111",
        "lastModifiedDate": "2001-01-01T00:00:00",
        "releaseStatusType": "Complete",
        "organization": "Someone Else",
    }
    copy = plutora.post("/releases", json=body).json()
    assert copy["id"] != body["id"]
    assert copy["releaseStatusType"] == source["releaseStatusType"]
    assert copy["organization"] == source["organization"]
    assert copy["lastModifiedDate"] != "2001-01-01T00:00:00"


@pytest.mark.parametrize("date", ["2001-02-03T00:00:00", "2099-12-31T00:00:00.1234567+10:00"])
def test_the_implementation_date_may_be_past_or_future(plutora: Api, date: str) -> None:
    source = _find_release(plutora, "Independent", "Draft")
    assert (
        plutora.post("/releases", json={**_copy(source), "implementationDate": date}).status_code
        == 201
    )


@pytest.mark.parametrize("status", ["Complete", "Cancelled"])
def test_an_end_state_release_cannot_be_posted(plutora: Api, status: str) -> None:
    source = _find_release(plutora, "Integrated", status)
    answer = plutora.post("/releases", json=_copy(source))
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "The request is invalid.",
        "modelState": {
            "internalServerValidationError": [f"Release Status '{status}' is an End State."]
        },
    }


def test_an_enterprise_release_cannot_be_posted(plutora: Api) -> None:
    source = _find_release(plutora, "Enterprise", "Draft")
    answer = plutora.post("/releases", json=_copy(source))
    assert answer.status_code == 400
    assert answer.json()["modelState"]["internalServerValidationError"] == [
        "Enterprise releases cannot be created through the API."
    ]


def test_every_broken_rule_is_reported(plutora: Api) -> None:
    source = _find_release(plutora, "Enterprise", "Complete")
    answer = plutora.post("/releases", json=source)  # same identifier, end state, Enterprise
    rules = answer.json()["modelState"]["internalServerValidationError"]
    assert rules == [
        "Release Status 'Complete' is an End State.",
        "Enterprise releases cannot be created through the API.",
        f"Identifier '{source['identifier']}' is already in use.",
    ]


def test_the_identifier_must_be_unique_ignoring_case(plutora: Api) -> None:
    source = _find_release(plutora, "Independent", "Draft")
    answer = plutora.post(
        "/releases", json={**_copy(source), "identifier": source["identifier"].lower()}
    )
    assert answer.status_code == 400
    assert "is already in use" in answer.json()["modelState"]["internalServerValidationError"][0]


def test_project_is_accepted_as_integrated(plutora: Api) -> None:
    source = _find_release(plutora, "Integrated", "Draft")
    copy = plutora.post("/releases", json={**_copy(source), "plutoraReleaseType": "Project"}).json()
    assert copy["plutoraReleaseType"] == "Integrated"


def test_missing_and_invalid_fields_are_all_listed(plutora: Api) -> None:
    body = {
        "identifier": "",
        "implementationDate": "next tuesday",
        "releaseStatusTypeId": "not-a-guid",
        "organizationId": "00000000-0000-4000-8000-000000000000",
        "plutoraReleaseType": "Huge",
    }
    answer = plutora.post("/releases", json=body)
    assert answer.status_code == 400
    state = answer.json()["modelState"]
    assert set(state) == {
        "release.identifier",
        "release.name",
        "release.implementationDate",
        "release.releaseStatusTypeId",
        "release.organizationId",
        "release.plutoraReleaseType",
    }
    assert state["release.name"] == ["The name field is required."]


@pytest.mark.parametrize("body", [[], "release", 42, None])
def test_a_body_that_is_not_an_object_is_a_400(plutora: Api, body: Any) -> None:
    answer = plutora.post("/releases", json=body)
    assert answer.status_code == 400
    assert answer.json()["message"] == "The request is invalid."


def test_put_replaces_a_release(plutora: Api) -> None:
    release = _find_release(plutora, "Integrated", "Active")
    complete = next(
        s for s in plutora.get("/lookupfields/ReleaseStatusType").json() if s["value"] == "Complete"
    )
    changed = {**release, "name": "Renamed", "releaseStatusTypeId": complete["id"]}
    answer = plutora.put(f"/releases/{release['id']}", json=changed)
    assert answer.status_code == 204, answer.text  # the vendor's own API tests: no body
    assert answer.content == b""
    after = plutora.get(f"/releases/{release['id']}").json()
    assert after["name"] == "Renamed"
    assert after["releaseStatusType"] == "Complete"  # closing a release is allowed
    assert after["lastModifiedDate"] != release["lastModifiedDate"]


def test_put_with_another_id_in_the_body_is_a_400(plutora: Api) -> None:
    release = _find_release(plutora, "Integrated", "Active")
    other = "00000000-0000-4000-8000-000000000000"
    assert (
        plutora.put(f"/releases/{release['id']}", json={**release, "id": other}).status_code == 400
    )


def test_put_on_an_unknown_release_is_a_404_when_the_body_is_good(plutora: Api) -> None:
    release = _find_release(plutora, "Integrated", "Active")
    unknown = "00000000-0000-4000-8000-000000000000"
    assert plutora.put(f"/releases/{unknown}", json={**release, "id": unknown}).status_code == 404
    without_id = {key: value for key, value in release.items() if key != "id"}
    assert plutora.put(f"/releases/{unknown}", json=without_id).status_code == 404
    # The body is judged first: another id in it, or a missing field, is a 400 (as the
    # vendor's Cypress suite sees on its QA hosts).
    assert plutora.put(f"/releases/{unknown}", json=release).status_code == 400
    partial = {"id": unknown, "identifier": "X-1", "name": "x"}
    assert plutora.put(f"/releases/{unknown}", json=partial).status_code == 400


def test_delete_removes_a_release(plutora: Api) -> None:
    copy = plutora.post(
        "/releases", json=_copy(_find_release(plutora, "Independent", "Draft"))
    ).json()
    deleted = plutora.delete(f"/releases/{copy['id']}")
    assert deleted.status_code == 200  # the vendor's own API tests ("should return 204!")
    assert deleted.content == b""
    assert plutora.get(f"/releases/{copy['id']}").status_code == 404
    assert plutora.delete(f"/releases/{copy['id']}").status_code == 404


def test_a_release_with_children_cannot_be_deleted(plutora: Api) -> None:
    item = plutora.get("/releases?filter=" + quote("`parentReleaseId` HasValue")).json()[0]
    child = plutora.get(f"/releases/{item['id']}").json()
    answer = plutora.delete(f"/releases/{child['parentReleaseId']}")
    assert answer.status_code == 400
    assert "child release" in answer.json()["modelState"]["internalServerValidationError"][0]


# -- changes ----------------------------------------------------------------------------------


def _lookup(plutora: Api, kind: str, value: str) -> str:
    return next(
        item["id"] for item in plutora.get(f"/lookupfields/{kind}").json() if item["value"] == value
    )


def test_a_change_has_every_contract_field(plutora: Api) -> None:
    change = plutora.get("/changes").json()[0]
    assert set(change) == {
        "id", "changeId", "name", "changePriorityId", "changePriority", "changeStatusId",
        "changeStatus", "businessValueScore", "raisedById", "raisedBy", "raisedDate",
        "organizationId", "organization", "changeTypeId", "changeType", "changeDeliveryRiskId",
        "changeDeliveryRisk", "expectedDeliveryDate", "changeThemeId", "changeTheme",
        "description", "descriptionSimple", "lastModifiedDate", "lastModifiedBy",
        "additionalInformation", "stakeholders", "systems", "deliveryReleases", "assignedToId",
        "comments",
    }  # fmt: skip
    assert plutora.get(f"/changes/{change['id']}").json() == change


def test_create_update_and_delete_a_change(plutora: Api) -> None:
    body = {
        "name": "Rotate signing keys",
        "changeStatusId": _lookup(plutora, "ChangeStatus", "New"),
        "changePriorityId": _lookup(plutora, "ChangePriority", "High"),
        "changeTypeId": _lookup(plutora, "ChangeType", "Tech Debt"),
        "businessValueScore": 40,
        "description": "<p>Rotate <b>keys</b></p>",
    }
    created = plutora.post("/changes", json=body)
    assert created.status_code == 201, created.text
    change = created.json()
    assert change["changeId"] == 301
    assert change["changePriority"] == "High"
    assert change["descriptionSimple"] == "Rotate keys"
    assert change["lastModifiedBy"] == "qa.lead@example.com"
    updated = plutora.put(f"/changes/{change['id']}", json={**change, "name": "Rotate all keys"})
    assert updated.status_code == 200  # a change's PUT answers the change, a release's 204
    assert updated.json()["changeId"] == 301
    assert plutora.get(f"/changes/{change['id']}").json()["name"] == "Rotate all keys"
    other = "00000000-0000-4000-8000-000000000000"
    assert plutora.put(f"/changes/{other}", json=change).status_code == 400  # another id
    assert plutora.put(f"/changes/{other}", json={**change, "id": other}).status_code == 404
    deleted = plutora.delete(f"/changes/{change['id']}")
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert plutora.get(f"/changes/{change['id']}").status_code == 404
    assert plutora.delete(f"/changes/{change['id']}").status_code == 200  # unknown: 200 too


def test_a_change_needs_its_required_fields(plutora: Api) -> None:
    answer = plutora.post("/changes", json={"businessValueScore": 500})
    assert answer.status_code == 400
    assert set(answer.json()["modelState"]) == {
        "change.name",
        "change.changePriorityId",
        "change.changeStatusId",
        "change.changeTypeId",
        "change.businessValueScore",
    }


def test_a_change_is_assigned_to_a_user_or_to_no_one(plutora: Api) -> None:
    body = {
        "name": "Assign me",
        "changeStatusId": _lookup(plutora, "ChangeStatus", "New"),
        "changePriorityId": _lookup(plutora, "ChangePriority", "High"),
        "changeTypeId": _lookup(plutora, "ChangeType", "Tech Debt"),
        "assignedToId": "6F1C0A52-0000-4000-8000-000000000001",
    }
    change = plutora.post("/changes", json=body).json()
    assert change["assignedToId"] == "6f1c0a52-0000-4000-8000-000000000001"
    cleared = plutora.put(f"/changes/{change['id']}", json={**change, "assignedToId": ""})
    assert cleared.json()["assignedToId"] is None


def _change_body(plutora: Api, **more: Any) -> dict[str, Any]:
    return {
        "name": "With sub-objects",
        "changeStatusId": _lookup(plutora, "ChangeStatus", "New"),
        "changePriorityId": _lookup(plutora, "ChangePriority", "High"),
        "changeTypeId": _lookup(plutora, "ChangeType", "Tech Debt"),
        **more,
    }


def test_a_changes_sub_objects_are_stored_as_the_contract_shapes_them(plutora: Api) -> None:
    # pullrequest-to-change.js sends stakeholders and systems copied from a GET answer;
    # jira-plutora.js and the vendor's Cypress suite send deliveryReleases {releaseId, …}.
    seeded = next(c for c in plutora.get("/changes").json() if c["stakeholders"] and c["systems"])
    stakeholder, system = seeded["stakeholders"][0], seeded["systems"][0]
    assert list(stakeholder) == [
        "userId", "user", "groupId", "group", "stakeholderRoleIds", "stakeholderRoles",
        "responsible", "accountable", "informed", "consulted",
    ]  # fmt: skip
    assert list(system) == ["systemId", "name", "systemRoleType"]
    release = plutora.get("/releases").json()[0]
    role = _lookup(plutora, "StakeholderRole", "Tester")
    body = _change_body(
        plutora,
        stakeholders=[
            {**stakeholder, "user": "ignored", "stakeholderRoleIds": [role.upper()], "extra": 1}
        ],
        systems=[{"systemId": system["systemId"], "systemRoleType": "Impact"}],
        deliveryReleases=[{"releaseId": release["id"], "targetRelease": True}],
    )
    created = plutora.post("/changes", json=body)
    assert created.status_code == 201, created.text
    change = plutora.get(f"/changes/{created.json()['id']}").json()
    assert change["stakeholders"] == [
        {**stakeholder, "stakeholderRoleIds": [role], "stakeholderRoles": "Tester"}
    ]
    assert change["systems"] == [system]  # the name from the systemId
    assert change["deliveryReleases"] == [
        {"releaseId": release["id"], "targetRelease": True, "actualDeliveryRelease": None}
    ]


@pytest.mark.parametrize(
    ("more", "key"),
    [
        ({"systems": [{"name": "CRM"}]}, "change.systems[0].systemId"),
        (
            {"systems": [{"systemId": "00000000-0000-4000-8000-000000000000"}]},
            "change.systems[0].systemId",
        ),
        ({"stakeholders": [{"responsible": "maybe"}]}, "change.stakeholders[0].responsible"),
        (
            {"stakeholders": [{"stakeholderRoleIds": ["00000000-0000-4000-8000-000000000000"]}]},
            "change.stakeholders[0].stakeholderRoleIds[0]",
        ),
        (
            {"deliveryReleases": [{"releaseId": "00000000-0000-4000-8000-000000000000"}]},
            "change.deliveryReleases[0].releaseId",
        ),
        ({"deliveryReleases": [{"targetRelease": True}]}, "change.deliveryReleases[0].releaseId"),
    ],
)
def test_a_changes_sub_objects_are_validated(plutora: Api, more: dict[str, Any], key: str) -> None:
    answer = plutora.post("/changes", json=_change_body(plutora, **more))
    assert answer.status_code == 400, answer.text
    assert list(answer.json()["modelState"]) == [key]


def test_a_form_encoded_release_is_created_like_a_json_one(plutora: Api) -> None:
    # The vendor's Cypress suite form-encodes every write.
    source = _find_release(plutora, "Independent", "Draft")
    form = {
        key: value
        for key, value in _copy(source, "FORM").items()
        if value is not None and not isinstance(value, list)
    }
    answer = plutora.post("/releases", data=form)
    assert answer.status_code == 201, answer.text
    assert answer.json()["identifier"] == f"{source['identifier']}-FORM"

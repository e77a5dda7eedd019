"""Replays of plutora/jira ``jiraReleaseToPlutoraReleaseWithChanges.py`` (commit c245d3e).

The script drives Plutora through plutora/restApiLibrary's ``plutora.api()`` (a fresh token
per call, ``content-type: application/json``, ``""`` as the body of a GET). Its Jira side is not
replayed: the replay stands for one Jira version, "AP 1.0", with one issue. The script's
company.plutora.com GUIDs (release type "Major", status "Draft", risk "Low", organization
"Hospitality") are replaced by the simulator's ids of the same names: tenant data, not protocol.
``POST releases/{id}/systems`` and ``PUT changes/{id}/deliveryReleases/{releaseId}`` are not
served by the simulator and are not replayed.
"""

from __future__ import annotations

from typing import Any

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.fidelity.test_rest_api_library import api, api_json, list_to_dict


def plutora_release(sim: PlutoraSimulator, name: str) -> dict[str, Any]:
    # plutoraRelease (l.75-93): *Id fields and their display names, an empty location and
    # additionalInformation, plutoraReleaseType Independent, releaseProjectType NotIsProject.
    def guid(kind: str, value: str) -> str:
        values = list_to_dict(api_json(sim, "GET", "lookupfields/" + kind), "value", "id")
        return str(values.get(value) or next(iter(values.values())))

    organization = api_json(sim, "GET", "organizations")[0]
    return {
        "identifier": name,
        "name": "Jira Version " + name,
        "summary": '<a href="https://jira.example/projects/AP/versions/10001">…</a>',
        "releaseTypeId": guid("ReleaseType", "Major"),
        "releaseType": "Major",
        "location": "",
        "releaseStatusTypeId": guid("ReleaseStatusType", "Draft"),
        "releaseStatusType": "Draft",
        "releaseRiskLevelId": guid("ReleaseRiskLevel", "Low"),
        "releaseRiskLevel": "Low",
        "implementationDate": "2018-12-31T00:00:00",
        "displayColor": "#ccffff",
        "organizationId": organization["id"],
        "organization": organization["name"],
        "plutoraReleaseType": "Independent",
        "releaseProjectType": "NotIsProject",
        "additionalInformation": [],
    }


def test_a_new_jira_version_becomes_a_release(sim: PlutoraSimulator) -> None:
    # l.65: existingReleases = listToDict(api("GET","releases"), "identifier", "id"); l.115-118:
    # a version not in it -> api('POST', "releases", data=plutoraRelease) and
    # createdRelease['id'].
    existing = list_to_dict(api_json(sim, "GET", "releases"), "identifier", "id")
    assert "AP 1.0" not in existing
    created = api_json(sim, "POST", "releases", plutora_release(sim, "AP 1.0"))
    assert created["id"]


def test_a_known_jira_version_updates_its_release_with_no_answer_body(
    sim: PlutoraSimulator,
) -> None:
    # l.110-114: a version already in existingReleases -> plutoraRelease["id"] = its id and
    # api('PUT', "releases/" + id, data=plutoraRelease); api() returns "" for an empty answer.
    created = api_json(sim, "POST", "releases", plutora_release(sim, "AP 1.1"))
    existing = list_to_dict(api_json(sim, "GET", "releases"), "identifier", "id")
    body = {**plutora_release(sim, "AP 1.1"), "id": existing["AP 1.1"]}
    assert body["id"] == created["id"]
    response = api(sim, "PUT", "releases/" + body["id"], body)
    assert response.status == 204, response.text
    assert response.body == b""


def test_changes_are_matched_by_name(sim: PlutoraSimulator) -> None:
    # l.131-135: existingChanges = listToDict(api("GET","changes"), "name", "id"), then
    # guidByPathAndName('changes', jiraName) (GET changes again, name -> id).
    changes = api_json(sim, "GET", "changes")
    by_name = list_to_dict(changes, "name", "id")
    name = changes[0]["name"]
    assert list_to_dict(api_json(sim, "GET", "changes"), "name", "id")[name] == by_name[name]

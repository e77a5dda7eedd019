"""Replays of plutora/restApiLibrary (the vendor's Python 2 library and samples, commit af5fe0a).

``plutora.py`` builds every URL as ``authUrl + "oauth/token"`` and ``baseUrl + api`` from
``credentials.cfg``, so pointing it at the simulator is a matter of two URLs
(``http://127.0.0.1:PORT/plutora/`` and ``http://127.0.0.1:PORT/plutora/api/``). Its ``api()``
fetches a new token for every call and sends ``data=json.dumps(data)`` with
``content-type: application/json``: on GET and DELETE that is the two-byte body ``""``. The
replays send exactly that. ``plutora_changes.py`` hard-codes the US hosts; only its exchanges
are replayed. Exchanges with routes the simulator does not serve (``GET users``, ``POST
systems``, ``POST environments``, ``POST hosts``, ``PUT layers/{id}``) are named, not replayed.
"""

from __future__ import annotations

import json
from typing import Any

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.fidelity.wire import (
    PASSWORD,
    PLUTORA_CLIENT,
    USERNAME,
    Answer,
    api_url,
    requests_form,
    send,
    token_url,
)


def get_access_token(sim: PlutoraSimulator) -> str:
    # plutora.py getAccessToken() (l.66-91): the payload is concatenated by hand, the user name
    # with '@' replaced by '%40' and a trailing '&'; headers content-type
    # application/x-www-form-urlencoded and cache-control: no-cache.
    client_id, client_secret = PLUTORA_CLIENT
    payload = "client_id=" + client_id + "&"
    payload += "client_secret=" + client_secret + "&"
    payload += "grant_type=" + "password&"
    payload += "username=" + USERNAME.replace("@", "%40") + "&"
    payload += "password=" + PASSWORD + "&"
    headers = {"content-type": "application/x-www-form-urlencoded", "cache-control": "no-cache"}
    response = send(token_url(sim), "POST", headers, payload)
    assert response.status == 200, response.text  # "if not response.ok: ... exit()"
    token: str = response.json()["access_token"]
    return token


def api(sim: PlutoraSimulator, verb: str, path: str, data: Any = "") -> Answer:
    # plutora.py api() (l.93-131): a fresh token, baseUrl + api, headers authorization: bearer,
    # content-type: application/json, cache-control: no-cache, body json.dumps(data).
    headers = {
        "authorization": "bearer " + get_access_token(sim),
        "content-type": "application/json",
        "cache-control": "no-cache",
    }
    return send(api_url(sim) + "/" + path, verb, headers, json.dumps(data))


def api_json(sim: PlutoraSimulator, verb: str, path: str, data: Any = "") -> Any:
    # "if response.text: responseJson = response.json() else: responseJson = ''"
    response = api(sim, verb, path, data)
    assert 200 <= response.status < 300, response.text  # "if not response.ok: print(...)"
    return response.json() if response.body else ""


def list_to_dict(items: list[dict[str, Any]], key: str, value: str) -> dict[Any, Any]:
    # plutora.py listToDict(): element[key] -> element[value] (KeyError if a field is missing).
    return {element[key]: element[value] for element in items}


def test_readme_get_me_answers_the_users_email(sim: PlutoraSimulator) -> None:
    # README.md: print plutora.api("GET", "me") -- a GET with the body '""'.
    assert api_json(sim, "GET", "me") == USERNAME


def test_api_samples_look_up_system_and_organization_guids(sim: PlutoraSimulator) -> None:
    # apiSamples.py examples 1-3 (l.9-33): GET systems (print system['name']), listToDict by
    # name; guidByPathAndName("organizations", api("GET", "organizations")[0]['name']).
    systems = api_json(sim, "GET", "systems")
    guids = list_to_dict(systems, "name", "id")
    assert guids[systems[0]["name"]]
    organizations = api_json(sim, "GET", "organizations")
    assert list_to_dict(api_json(sim, "GET", "organizations"), "name", "id")[
        organizations[0]["name"]
    ]


def test_get_component_id_walks_environment_hosts_and_layers(sim: PlutoraSimulator) -> None:
    # plutora.py getComponentId() (l.147-176): GET environments -> name/id, GET
    # environments/{id} -> hosts[].name, hosts[].layers[].stackLayer/componentName/id; then
    # apiSamples.py "Set a component version" (l.180-189): GET layers/{id}, set 'version'
    # (the PUT layers/{id} that follows is not served by the simulator).
    environments = list_to_dict(api_json(sim, "GET", "environments"), "name", "id")
    name, guid = next(iter(environments.items()))
    detail = api_json(sim, "GET", "environments/" + guid)
    host = detail["hosts"][0]
    layer = host["layers"][0]
    component_id = next(
        candidate["id"]
        for candidate in host["layers"]
        if candidate["stackLayer"] == layer["stackLayer"]
        and candidate["componentName"] == layer["componentName"]
    )
    layer_data = api_json(sim, "GET", "layers/" + component_id)
    assert layer_data["id"] == component_id
    assert "version" in layer_data
    assert name
    assert host["name"]


def test_export_environments_reads_every_id_field(sim: PlutoraSimulator) -> None:
    # exportObjects.py exportObjects(objectType="environments") (l.10-95): GET environments,
    # GET systems, GET lookupfields/UsedForWorkItem, EnvironmentStatus and StackLayer, then
    # GET environments/{id} each and a CSV row from the fields below (dict lookups: a missing
    # field or an id that is not in its lookup raises).
    objects = api_json(sim, "GET", "environments")
    systems = list_to_dict(api_json(sim, "GET", "systems"), "id", "name")
    use_for = list_to_dict(api_json(sim, "GET", "lookupfields/UsedForWorkItem"), "id", "value")
    statuses = list_to_dict(api_json(sim, "GET", "lookupfields/EnvironmentStatus"), "id", "value")
    list_to_dict(api_json(sim, "GET", "lookupfields/StackLayer"), "id", "value")
    for item in objects[:3]:
        response = api_json(sim, "GET", "environments/" + item["id"])
        row = {
            "name": response["name"],
            "description": response.get("description", ""),
            "url": response.get("url", ""),
            "vendor": response["vendor"],
            "linkedSystem": systems[response["linkedSystemId"]],
            "environmentMgr": response.get("environmentMgr", ""),
            "UsageWorkItem": use_for[response["usageWorkItemId"]],
            "EnvironmentStatus": statuses[response["environmentStatusId"]],
            "color": response["color"],
            "isSharedEnvironment": response["isSharedEnvironment"],
        }
        for host in response["hosts"]:
            for layer in host["layers"]:
                row.update(StackLayer=layer["stackLayer"], componentName=layer["componentName"])
                row["version"] = layer["version"] or ""
        assert row["name"]


def test_export_releases_resolves_each_id_through_its_lookup(sim: PlutoraSimulator) -> None:
    # exportObjects.py exportObjects(objectType="releases") (l.30-37, l.96-115): the lookups,
    # listToDict(objects, "id", "identifier") for parents, GET users (not served: skipped), then
    # GET releases/{id} each.
    objects = api_json(sim, "GET", "releases")
    organizations = list_to_dict(api_json(sim, "GET", "organizations"), "id", "name")
    release_types = list_to_dict(api_json(sim, "GET", "lookupfields/ReleaseType"), "id", "value")
    statuses = list_to_dict(api_json(sim, "GET", "lookupfields/ReleaseStatusType"), "id", "value")
    risks = list_to_dict(api_json(sim, "GET", "lookupfields/ReleaseRiskLevel"), "id", "value")
    parents = list_to_dict(objects, "id", "identifier")
    for item in objects[:3]:
        response = api_json(sim, "GET", "releases/" + item["id"])
        row = {
            "identifier": response["identifier"],
            "name": response["name"],
            "summary": response.get("summary", ""),
            "ReleaseType": release_types[response["releaseTypeId"]],
            "location": response["location"],
            "ReleaseStatusType": statuses[response["releaseStatusTypeId"]],
            "ReleaseRiskLevel": risks[response["releaseRiskLevelId"]],
            "implementationDate": response["implementationDate"],
            "displayColor": response["displayColor"],
            "organization": organizations[response["organizationId"]],
            "Manager": response["managerId"],
            "ParentRelease": parents.get(response["parentReleaseId"]),
            "plutoraReleaseType": response["plutoraReleaseType"],
            "releaseProjectType": response["releaseProjectType"],
        }
        assert row["identifier"] == item["identifier"]


def test_import_releases_updates_an_existing_one_and_gets_no_body(sim: PlutoraSimulator) -> None:
    # importObjects.py releases() (l.160-205): existing = listToDict(GET releases, "identifier",
    # "id"); for a known identifier GET releases/{id}, fill the row's blanks from it and PUT
    # releases/{id}; api() then returns "" for an empty answer.
    listing = api_json(sim, "GET", "releases")
    existing = list_to_dict(listing, "identifier", "id")
    row = next(item for item in listing if item["plutoraReleaseType"] == "Independent")
    current = api_json(sim, "GET", "releases/" + existing[row["identifier"]])
    release_data = {
        field: current[field]
        for field in (
            "identifier", "name", "summary", "releaseTypeId", "location", "releaseStatusTypeId",
            "releaseRiskLevelId", "implementationDate", "displayColor", "organizationId", "managerId",
            "parentReleaseId", "plutoraReleaseType", "releaseProjectType",
        )
    }  # fmt: skip
    release_data["summary"] = "Imported from CSV"
    release_data["location"] = release_data["location"] or "NA"
    release_data["id"] = current["id"]
    response = api(sim, "PUT", "releases/" + current["id"], release_data)
    assert response.status == 204, response.text
    assert response.body == b""


def test_import_releases_creates_a_new_one(sim: PlutoraSimulator) -> None:
    # importObjects.py releases() (l.206-211): POST releases, then releaseResponse['id'] and
    # releaseResponse['identifier'].
    organizations = list_to_dict(api_json(sim, "GET", "organizations"), "name", "id")
    release_types = list_to_dict(api_json(sim, "GET", "lookupfields/ReleaseType"), "value", "id")
    statuses = list_to_dict(api_json(sim, "GET", "lookupfields/ReleaseStatusType"), "value", "id")
    risks = list_to_dict(api_json(sim, "GET", "lookupfields/ReleaseRiskLevel"), "value", "id")
    release_data = {
        "identifier": "CSV-REL-1",
        "name": "Release from CSV",
        "summary": "",
        "releaseTypeId": next(iter(release_types.values())),
        "location": "NA",
        "releaseStatusTypeId": statuses["Draft"],
        "releaseRiskLevelId": next(iter(risks.values())),
        "implementationDate": "2026-12-31T00:00:00",
        "displayColor": "#ccffff",
        "organizationId": next(iter(organizations.values())),
        "managerId": None,  # managers come from GET users (not served)
        "parentReleaseId": None,
        "plutoraReleaseType": "Independent",
        "releaseProjectType": "NotIsProject",
    }
    created = api_json(sim, "POST", "releases", release_data)
    assert created["id"]
    assert created["identifier"] == "CSV-REL-1"


def test_primer_implementations_find_the_primers_lookup_values(sim: PlutoraSimulator) -> None:
    # primerImplementations.py (l.13-30): guidByPathAndName("lookupfields/UsedForWorkItem",
    # "Dev", "value"), (".../EnvironmentStatus", "Active"), (".../StackLayer", "Application"),
    # and (".../EnvironmentMapConnectivityType", "HTTPS") (l.150): the primer's own values
    # (pages 5, 12, 13, 26). The POSTs of systems, environments, hosts, layers,
    # environmentgroups and connectivities that follow are not served by the simulator.
    for kind, value in (
        ("UsedForWorkItem", "Dev"),
        ("EnvironmentStatus", "Active"),
        ("StackLayer", "Application"),
        ("EnvironmentMapConnectivityType", "HTTPS"),
    ):
        items = api_json(sim, "GET", "lookupfields/" + kind)
        assert list_to_dict(items, "value", "id")[value]


def test_plutora_changes_posts_a_form_encoded_change(sim: PlutoraSimulator) -> None:
    # plutora_changes.py (l.37-171): the token with requests.post(data=loginHash) (a form),
    # GET me, five GET lookupfields/<type> (value -> id), GET users (not served: the raiser is
    # taken from an existing change instead), GET organizations (name -> id), then
    # requests.post(changes, data=changeDict, headers={'Authorization': ...}): a form body
    # with PascalCase keys, and "if res.status_code == 201: print('Change created')".
    client_id, client_secret = PLUTORA_CLIENT
    login = {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "password",
        "username": USERNAME,
        "password": PASSWORD,
    }
    res = send(
        token_url(sim),
        "POST",
        {"Content-Type": "application/x-www-form-urlencoded"},
        requests_form(login),
    )
    assert res.status == 200, res.text
    auth_header = {"Authorization": "bearer {}".format(res.json()["access_token"])}
    assert send(api_url(sim) + "/me", "GET", auth_header).json() == USERNAME
    ids = {}
    for kind in (
        "ChangePriority",
        "ChangeStatus",
        "ChangeType",
        "ChangeDeliveryRisk",
        "ChangeTheme",
    ):
        response = send(api_url(sim) + "/lookupfields/" + kind, "GET", auth_header)
        assert response.status == 200
        ids[kind] = response.json()[0]["id"]
    organizations = send(api_url(sim) + "/organizations", "GET", auth_header).json()
    raiser = send(api_url(sim) + "/changes", "GET", auth_header).json()[0]["raisedById"]
    change = {
        "Name": "Change from XML",
        "ChangePriorityId": ids["ChangePriority"],
        "ChangeStatusId": ids["ChangeStatus"],
        "RaisedById": raiser,
        "OrganizationId": organizations[0]["id"],
        "ChangeTypeId": ids["ChangeType"],
        "ChangeDeliveryRiskId": ids["ChangeDeliveryRisk"],
        "ChangeThemeId": ids["ChangeTheme"],
    }
    headers = {**auth_header, "Content-Type": "application/x-www-form-urlencoded"}
    created = send(api_url(sim) + "/changes", "POST", headers, requests_form(change))
    assert created.status == 201, created.text

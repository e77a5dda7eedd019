"""Replays of jpsthecelt/plutoraGuiPy, jpsthecelt/plutoraPush and jpsthecelt/plutoraDump (2017).

``plutoraGuiPy.py`` (commit df41b90) logs in, copies a release or a change (``-c /releases/<id>``:
GET it, let the user edit it in the GUI, POST it) and deletes entities (``-x /releases/<id>``).
``plutoraDump.py`` (plutoraDump 86154c9) GETs any path with the login form still attached as a
body. The repositories also keep answers captured from a live tenant in 2017:
``plutoraGuiPy/maersk_releases.txt`` (31 release list items) and
``plutoraGuiPy/maersk_all_environments_env.txt`` (163 environment list items), and
``plutoraPush/get_release_proto.txt`` (the vendor help page's sample of ``GET /releases``);
the shape tests hold the simulator's lists to exactly those keys.
"""

from __future__ import annotations

import json

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.fidelity.wire import PASSWORD, PLUTORA_CLIENT, USERNAME, api_url, send, token_url

#: Keys of every item in maersk_releases.txt and get_release_proto.txt.
RELEASE_LIST_KEYS = {
    "id",
    "identifier",
    "name",
    "implementationDate",
    "displayColor",
    "plutoraReleaseType",
}
#: Keys of every item in maersk_all_environments_env.txt (and the primer, p.19).
ENVIRONMENT_LIST_KEYS = {"id", "name", "url", "linkedSystem", "usageWorkItem", "status", "color"}


def login_payload() -> str:
    # plutoraGuiPy.py getAuth() (l.213-242) and plutoraDump.py plutoraDump() (l.24-27): the
    # user name with '@' as '%40' (main, l.700) and a trailing '&=' (an empty pair).
    client_id, client_secret = PLUTORA_CLIENT
    payload = (
        "client_id="
        + client_id
        + "&client_secret="
        + client_secret
        + "&"
        + "grant_type=password&username="
    )
    return payload + USERNAME.replace("@", "%40") + "&password=" + PASSWORD + "&="


def auth_header(sim: PlutoraSimulator) -> dict[str, str]:
    # getAuth(): headers {'content-type': 'application/x-www-form-urlencoded'}; status 200 or
    # exit; then {'Authorization': 'bearer <token>', 'content-type': 'application/json'}.
    answer = send(
        token_url(sim),
        "POST",
        {"content-type": "application/x-www-form-urlencoded"},
        login_payload(),
    )
    assert answer.status == 200, answer.text
    return {
        "Authorization": "bearer {}".format(answer.json()["access_token"]),
        "content-type": "application/json",
    }


def test_plutora_dump_gets_with_the_login_form_as_body(sim: PlutoraSimulator) -> None:
    # plutoraDump.py (l.29-58): the token request also sends 'postman-token'; the GET of the
    # dump entity sends content-type x-www-form-urlencoded, the bearer token, cache-control and
    # postman-token, with data=payload (the login form) as its body; status must be 200.
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "cache-control": "no-cache",
        "postman-token": "bc355474-15d1-1f56-6e35-371b930eac6f",
    }
    token = send(token_url(sim), "POST", headers, login_payload())
    assert token.status == 200, token.text
    headers["authorization"] = "bearer " + token.json()["access_token"]
    answer = send(api_url(sim) + "/releases", "GET", headers, login_payload())
    assert answer.status == 200
    assert isinstance(answer.json(), list)


def test_release_list_items_have_the_captured_keys(sim: PlutoraSimulator) -> None:
    # plutoraGuiPy/maersk_releases.txt: pp.pprint(r.json()) of GET /releases on a live tenant.
    releases = send(api_url(sim) + "/releases", "GET", auth_header(sim)).json()
    assert {frozenset(item) for item in releases} == {frozenset(RELEASE_LIST_KEYS)}


def test_environment_list_items_have_the_captured_keys(sim: PlutoraSimulator) -> None:
    # plutoraGuiPy/maersk_all_environments_env.txt: GET /environments on a live tenant.
    environments = send(api_url(sim) + "/environments", "GET", auth_header(sim)).json()
    assert {frozenset(item) for item in environments} == {frozenset(ENVIRONMENT_LIST_KEYS)}


def test_copy_a_release_posts_the_edited_get_body(sim: PlutoraSimulator) -> None:
    # plutoraGuiPy.py main (l.760-775): getOrGetGuidFromValue(item2copy, 'raw_get') (GET
    # /releases/<id>, res.text), json.loads(..., object_pairs_hook=OrderedDict), the GUI's edits
    # (here: name and identifier, as the seed's copy steps ask), then
    # updateReleasePlutoraDB(is_copy=True) (l.365-412): POST /releases with the whole body,
    # "if r.status_code != 201: ... exit", r.json()['name'], r.json()['id'].
    header = auth_header(sim)
    listing = send(api_url(sim) + "/releases", "GET", header).json()
    source = next(item for item in listing if item["plutoraReleaseType"] == "Independent")
    raw = send(api_url(sim) + "/releases/" + source["id"], "GET", header)
    assert raw.status == 200
    fields = json.loads(raw.text)
    fields["name"] = fields["name"] + " (copy)"
    fields["identifier"] = "COPY-" + fields["identifier"][:40]
    fields["additionalInformation"] = []  # cleanseNullListAsString / 'OrderedDict' -> []
    statuses = send(api_url(sim) + "/lookupfields/ReleaseStatusType", "GET", header).json()
    open_status = next(item for item in statuses if item["value"] == "Draft")
    fields["releaseStatusTypeId"] = open_status["id"]  # the seed: not an end state
    created = send(api_url(sim) + "/releases", "POST", header, json.dumps(fields))
    assert created.status == 201, created.text
    assert created.json()["name"] == fields["name"]
    assert created.json()["id"] != source["id"]


def test_delete_entity_expects_200(sim: PlutoraSimulator) -> None:
    # plutoraGuiPy.py deleteEntity() (l.631-646): requests.delete(base + '/releases/<id>',
    # headers=auth_header); "if res.status_code != 200: return res.json()" (an error).
    header = auth_header(sim)
    statuses = send(api_url(sim) + "/lookupfields/ReleaseStatusType", "GET", header).json()
    types = send(api_url(sim) + "/lookupfields/ReleaseType", "GET", header).json()
    risks = send(api_url(sim) + "/lookupfields/ReleaseRiskLevel", "GET", header).json()
    organization = send(api_url(sim) + "/organizations", "GET", header).json()[0]
    body = {
        "identifier": "GUI-DEL-1",
        "name": "To be deleted",
        "summary": "",
        "releaseTypeId": types[0]["id"],
        "location": "",
        "releaseStatusTypeId": next(s for s in statuses if s["value"] == "Draft")["id"],
        "releaseRiskLevelId": risks[0]["id"],
        "implementationDate": "2017-01-09T03:17:38.9137257+00:00",  # post_release_proto.txt
        "displayColor": "#8FCD50",
        "organizationId": organization["id"],
        "plutoraReleaseType": "Independent",
        "releaseProjectType": "IsProject",
        "additionalInformation": [],
    }
    created = send(api_url(sim) + "/releases", "POST", header, json.dumps(body))
    assert created.status == 201, created.text
    answer = send(api_url(sim) + "/releases/" + created.json()["id"], "DELETE", header)
    assert answer.status == 200, answer.text


def test_copy_a_change_posts_the_get_body(sim: PlutoraSimulator) -> None:
    # plutoraGuiPy.py main (l.760-775) with -c /changes/<id>: GET it (raw_get, res.text),
    # json.loads(..., object_pairs_hook=OrderedDict), then updateChangesPlutoraDB(is_copy=True)
    # (l.445-477): stakeholders, additionalInformation, systems and comments read by key and
    # passed through cleanseNullListAsString ('OrderedDict' in additionalInformation -> []),
    # POST /changes with the whole body, "if r.status_code != 201: ... exit",
    # r.json()['name'], r.json()['id'].
    header = auth_header(sim)
    listing = send(api_url(sim) + "/changes", "GET", header).json()
    raw = send(api_url(sim) + "/changes/" + listing[0]["id"], "GET", header)
    assert raw.status == 200
    fields = json.loads(raw.text)
    for name in ("stakeholders", "additionalInformation", "systems", "comments"):
        assert name in fields, f"KeyError: {name!r}"  # updated_json_dict[name]
    created = send(api_url(sim) + "/changes", "POST", header, json.dumps(fields))
    assert created.status == 201, created.text
    assert created.json()["name"] == fields["name"]
    assert created.json()["id"] != fields["id"]

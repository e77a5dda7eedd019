"""Replays of plutora/NodeJS-Integration-scripts (the vendor's sample jobs, commit 3ac219e).

Each test sends what a script sends, request for request: the same method, path, headers
(``Content-Type`` included, however odd), body framing (Node's ``https.request`` without a
``Content-Length`` sends the body chunked) and body shape, against the simulator on loopback.
The scripts address the host root (``https://auapi.plutora.com/releases``); here the path sits
under the simulator's one-port prefix (``/plutora/api``), the only change besides credentials.
Where a script uses a tenant's own values (GUIDs, lookup names such as "Medium Priority"), the
replay substitutes the simulator's: that is data, not protocol.

Exchanges with endpoints the simulator does not serve (``/users``, ``/releases/{id}/stakeholders``,
``/releases/{id}/additionalInformation``, ``/changes/{id}/linkedChanges``, ``/TEBRs``, ``/TECRs``)
are named in comments and not replayed. ``CSV-proj-import.js`` does not parse as published
(``SyntaxError: Identifier 'customer' has already been declared`` in ``run``); its client
classes are replayed all the same, as its author ran them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.fidelity.wire import (
    PASSWORD,
    PLUTORA_CLIENT,
    USERNAME,
    Answer,
    api_url,
    node_escape,
    node_querystring,
    send,
    token_url,
)

REPO = "plutora/NodeJS-Integration-scripts"

#: The five scripts whose token request says ``x-www-form-urlencoded; charset=urf-8`` (sic).
URF8_SCRIPTS = [
    "pullrequest-to-change.js",
    "Connect to Plutora using parameters entered in the UI and GET a list of Releases.js",
    "aws_cloud_formation.js",
    "aws_cloud_formation_teardown.js",
    "deploy-octopus-package.js",
]


def urf8_token(sim: PlutoraSimulator) -> Answer:
    # pullrequest-to-change.js plutora.plutoraGetAccessToken() (l.49-92), and the same function
    # in the four other URF8_SCRIPTS: querystring.stringify({client_id, client_secret,
    # grant_type, username, password}), headers Content-Type 'x-www-form-urlencoded;
    # charset=urf-8' and Accept: application/json, no Content-Length -> a chunked body.
    client_id, client_secret = PLUTORA_CLIENT
    form = node_querystring(
        {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "password",
            "username": USERNAME,
            "password": PASSWORD,
        }
    )
    headers = {"Content-Type": "x-www-form-urlencoded; charset=urf-8", "Accept": "application/json"}
    return send(token_url(sim), "POST", headers, form, chunked=True)


def authenticator_token(sim: PlutoraSimulator) -> str:
    # CSV-proj-import.js Authenticator.postData()/authenticate() (l.1936, l.1973) and
    # jira-plutora.js Authenticator.authenticate() (l.3694): querystring.stringify({username,
    # password, grant_type, client_secret, client_id}) in that order, Content-Type
    # application/x-www-form-urlencoded with Content-Length.
    client_id, client_secret = PLUTORA_CLIENT
    form = node_querystring(
        {
            "username": USERNAME,
            "password": PASSWORD,
            "grant_type": "password",
            "client_secret": client_secret,
            "client_id": client_id,
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(form)),
    }
    answer = send(token_url(sim), "POST", headers, form)
    assert answer.status == 200, answer.text
    token: str = answer.json()["access_token"]  # the only field the script reads
    return token


def adapter_headers(token: str) -> dict[str, str]:
    # CSV-proj-import.js Authenticator.headers (l.1897) / jira-plutora.js (l.3614): every API
    # call, GET included, carries these two headers.
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def adapter_get(sim: PlutoraSimulator, token: str, path: str) -> Answer:
    # HttpsAdapter.get() -> makeRequest(options) with an empty payload: req.write("") on a GET
    # sends no body and no Content-Length.
    return send(api_url(sim) + path, "GET", adapter_headers(token))


def adapter_write(sim: PlutoraSimulator, token: str, method: str, path: str, body: str) -> Answer:
    # HttpsAdapter.post()/put() -> makeRequest(options, data): JSON.stringify(data) written
    # without a Content-Length, so Node frames it chunked.
    return send(api_url(sim) + path, method, adapter_headers(token), body, chunked=True)


def json_body(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))


def lookup_by_value(answer: Answer, *, exact: bool = False) -> dict[str, dict[str, Any]]:
    # getLookupFields(): _.keyBy(response, 'value') / data.reduce((m, o) => m[o.value] = o);
    # the scripts read .id and .value. ``exact``: the primer's item shape, nothing more.
    assert answer.status == 200, answer.text
    items = answer.json()
    assert isinstance(items, list)
    assert items
    for item in items:
        assert {"id", "value"} <= set(item), item
        if exact:
            assert set(item) == {"id", "value", "sortOrder", "type"}, item
    return {item["value"]: item for item in items}


# ---------------------------------------------------------------- the odd token request


@pytest.mark.parametrize("script", URF8_SCRIPTS)
def test_the_urf8_token_request_of_each_script_gets_a_token(
    sim: PlutoraSimulator, script: str
) -> None:
    # Each of URF8_SCRIPTS: plutoraGetAccessToken() / getBearerToken(), then
    # JSON.parse(body).access_token. The live token servers accept this request (the scripts
    # are the vendor's working samples), so the simulator must too.
    answer = urf8_token(sim)
    assert answer.status == 200, f"{REPO}/{script}: {answer.text}"
    assert answer.json()["access_token"]


def test_connect_script_lists_releases_with_only_a_bearer_header(sim: PlutoraSimulator) -> None:
    # "Connect to Plutora using parameters entered in the UI and GET a list of Releases.js":
    # getBearerToken() then makeRequest(token, "Releases"): GET '/' + 'Releases' with only
    # Authorization: bearer <token>, req.write("") and JSON.parse(body) printed.
    token = urf8_token(sim)
    assert token.status == 200, token.text
    answer = send(
        api_url(sim) + "/Releases",
        "GET",
        {"Authorization": "bearer " + token.json()["access_token"]},
    )
    assert answer.status == 200
    assert isinstance(answer.json(), list)


# ---------------------------------------------------------------- CSV-proj-import.js


def test_csv_import_loads_its_lookups_and_the_top_organization(sim: PlutoraSimulator) -> None:
    # CSV-proj-import.js Integration.loadLookupData() (l.366-394): getLookupFieldNodes of four
    # types (GET /lookupfields/:type each), then organizations() and users() through
    # aggregateJson() (l.1369): GET /organizations?pageNum=0&recordsPerPage=25.
    token = authenticator_token(sim)
    lookups = {
        kind: lookup_by_value(adapter_get(sim, token, f"/lookupfields/{kind}"), exact=True)
        for kind in ("ReleaseType", "ReleaseRiskLevel", "ReleaseStatusType", "StakeholderRole")
    }
    assert "Draft" in lookups["ReleaseStatusType"]  # keyOrFirst(ReleaseStatusType, "Draft")
    organizations = adapter_get(sim, token, "/organizations?pageNum=0&recordsPerPage=25")
    assert organizations.status == 200
    # The script (2019-02) still expected a plain array here; since April 2019 a request with
    # pageNum answers the page object of the "Filter And Paginate API Calls" help page.
    page = organizations.json()
    assert set(page) == {"resultSet", "returnCount", "totalCount", "pageNum", "recordsPerPage"}
    assert any(org["type"] == "Company" for org in page["resultSet"])  # _.find({type: "Company"})
    # Next: aggregateJson('/users') -> GET /users?pageNum=0&recordsPerPage=25 (no such route
    # in the simulator: not replayed).


def test_csv_import_finds_releases_by_identifier_with_a_lowercase_or(sim: PlutoraSimulator) -> None:
    # CSV-proj-import.js PlutoraClient.findReleasesByAttribute() (l.1462-1478): the filter
    # `identifier` Equals `<id>` joined by ' or ', querystring.escape()d, result keyed by
    # identifier.
    token = authenticator_token(sim)
    known = adapter_get(sim, token, "/releases").json()
    wanted = [known[0]["identifier"], known[1]["identifier"], "NOT-THERE-1"]
    expression = " or ".join(f"`identifier` Equals `{identifier}`" for identifier in wanted)
    answer = adapter_get(sim, token, f"/releases?filter={node_escape(expression)}")
    assert answer.status == 200, answer.text
    found = {release["identifier"] for release in answer.json()}
    assert found == set(wanted[:2])


def test_csv_import_reads_the_template_release_page(sim: PlutoraSimulator) -> None:
    # CSV-proj-import.js availableAdditionalInfoFieldsForRelease() (l.1480-1510): GET
    # /releases?pageNum=0&recordsPerPage=1, then GET /releases/{id}/additionalInformation of the
    # first (not served by the simulator). The script read results.length of a plain array
    # (pre-April 2019); the contract's answer is one page of one release list item.
    token = authenticator_token(sim)
    answer = adapter_get(sim, token, "/releases?pageNum=0&recordsPerPage=1")
    assert answer.status == 200
    page = answer.json()
    assert page["returnCount"] == 1
    assert page["recordsPerPage"] == 1
    assert page["pageNum"] == 0
    assert page["resultSet"][0]["id"]


def _csv_release(sim: PlutoraSimulator, token: str, identifier: str) -> dict[str, Any]:
    # Integration.mapItemToRelease() (l.649-700): the body of a new release.
    release_types = lookup_by_value(adapter_get(sim, token, "/lookupfields/ReleaseType"))
    statuses = lookup_by_value(adapter_get(sim, token, "/lookupfields/ReleaseStatusType"))
    risks = lookup_by_value(adapter_get(sim, token, "/lookupfields/ReleaseRiskLevel"))
    page = adapter_get(sim, token, "/organizations?pageNum=0&recordsPerPage=25").json()
    top = next(org for org in page["resultSet"] if org["type"] == "Company")
    planned = datetime(2026, 10, 1, tzinfo=timezone.utc)
    return {
        "displayColor": "#fff",
        "plutoraReleaseType": "Independent",
        "releaseProjectType": "IsProject",
        "identifier": identifier,
        "name": "(CSV IMPORT) Project Alpha",
        "summary": "",
        "additionalInformation": [],
        "implementationDate": planned.strftime("%Y-%m-%dT%H:%M:%S.000Z"),  # Date.toISOString()
        "organizationId": top["id"],
        # keyOrFirst(Lookup.ReleaseType, "Project") falls back to the first value when the
        # site has no "Project" type; likewise "Medium" for the risk level.
        "releaseTypeId": release_types.get("Project", next(iter(release_types.values())))["id"],
        "releaseStatusTypeId": statuses["Draft"]["id"],
        "releaseRiskLevelId": risks.get("Medium", next(iter(risks.values())))["id"],
    }


def test_csv_import_creates_a_release_and_reads_its_id(sim: PlutoraSimulator) -> None:
    # Integration.createRelease() (l.710) -> PlutoraClient.createRelease() (l.1400): POST
    # /releases with _.omit(release, '__pending', 'id'), then r.json() and release.id (used for
    # POST /releases/{id}/stakeholders, not served by the simulator).
    token = authenticator_token(sim)
    body = _csv_release(sim, token, "PPM-1001")
    answer = adapter_write(sim, token, "POST", "/releases", json_body(body))
    assert answer.status == 201, answer.text
    assert answer.json()["id"]


def test_csv_import_update_puts_the_list_item_merged_with_the_row_and_gets_204(
    sim: PlutoraSimulator,
) -> None:
    # Integration.updateRelease() (l.725) -> PlutoraClient.updateRelease() (l.1405-1412):
    # PUT /releases/{id} with {...existing list item (findReleasesByAttribute), ...mapped row};
    # the script ignores the answer: "// PUT returns 204 <No Content>".
    token = authenticator_token(sim)
    created = adapter_write(
        sim, token, "POST", "/releases", json_body(_csv_release(sim, token, "PPM-1002"))
    )
    assert created.status == 201, created.text
    expression = "`identifier` Equals `PPM-1002`"
    match = adapter_get(sim, token, f"/releases?filter={node_escape(expression)}").json()[0]
    body = {**match, **_csv_release(sim, token, "PPM-1002"), "id": match["id"]}
    body["name"] = "(CSV IMPORT) Project Alpha, replanned"
    answer = adapter_write(sim, token, "PUT", f"/releases/{match['id']}", json_body(body))
    assert answer.status == 204, answer.text
    assert answer.body == b""


# ---------------------------------------------------------------- jira-plutora.js


def test_jira_plutora_loads_its_nodes(sim: PlutoraSimulator) -> None:
    # jira-plutora.js Synchronizer.getNodes() (l.689-741): systems(), users() (GET /users: not
    # served, not replayed), me(), releases({full: true}) (GET /releases keyed by identifier,
    # then GET /releases/{id} five at a time: chunkRequests(size=5, delay=100)), organizations(),
    # organizationsTree() (GET /organizations/tree: not served) and nine lookup types.
    token = authenticator_token(sim)
    systems = adapter_get(sim, token, "/systems")
    assert systems.status == 200
    assert all("name" in system for system in systems.json())  # _.find(systems, {name: ...})
    me = adapter_get(sim, token, "/me")
    assert me.status == 200
    assert me.json() == USERNAME
    releases = adapter_get(sim, token, "/releases").json()
    assert len({release["identifier"] for release in releases}) == len(releases)  # keyJsonArray
    for release in releases[:5]:  # the first chunk of releaseById() calls
        detail = adapter_get(sim, token, f"/releases/{release['id']}")
        assert detail.status == 200
        assert {"lastModifiedDate", "organizationId", "name"} <= set(
            detail.json()
        )  # orderBy, org match
    organizations = adapter_get(sim, token, "/organizations").json()
    assert all("id" in org for org in organizations)  # mapResponse(response, 'id')
    for kind in (
        "ReleaseType",
        "ReleaseRiskLevel",
        "ReleaseStatusType",
        "SystemRoleDependencyType",
        "ChangeStatus",
        "ChangeType",
        "ChangePriority",
        "ChangeDeliveryRisk",
        "ChangeTheme",
    ):
        lookup_by_value(adapter_get(sim, token, f"/lookupfields/{kind}"))


def test_jira_plutora_loads_every_change_in_full(sim: PlutoraSimulator) -> None:
    # jira-plutora.js PlutoraClient.changes({full: true}) (l.2780-2802): GET /changes, then
    # changeById() (GET /changes/{id}) for each, in chunks of five.
    token = authenticator_token(sim)
    changes = adapter_get(sim, token, "/changes")
    assert changes.status == 200
    for change in changes.json()[:5]:
        detail = adapter_get(sim, token, f"/changes/{change['id']}")
        assert detail.status == 200
        assert detail.json()["id"] == change["id"]


def test_jira_plutora_pages_a_filter_until_an_empty_page(sim: PlutoraSimulator) -> None:
    # jira-plutora.js releasesFiltered(filters.modifiedSince(date)) (l.2974-2992):
    # POST /releases/filter {searchFilters, recordsPerPage: 50, pageNum: 0}, then
    # aggregateFilteredResultsSet() (l.2719-2735) posts pageNum + 1 until returnCount === 0 or
    # returnCount === totalCount, concatenating resultSet.
    token = authenticator_token(sim)
    since = {
        "direction": "ASC",
        "property": "lastModifiedDate",
        "value": "2018-10-01T00:00:00.000Z",  # __TESTING_DATE_FROM__ as Date.toISOString()
        "operator": "GreaterOrEqual",
    }
    body = {"searchFilters": [since], "recordsPerPage": 50, "pageNum": 0}
    first = adapter_write(sim, token, "POST", "/releases/filter", json_body(body))
    assert first.status == 200, first.text
    results = first.json()
    gathered = list(results["resultSet"])
    while not (results["returnCount"] == 0 or results["returnCount"] == results["totalCount"]):
        body = {**body, "pageNum": body["pageNum"] + 1}
        answer = adapter_write(sim, token, "POST", "/releases/filter", json_body(body))
        assert answer.status == 200, answer.text
        results = answer.json()
        gathered += results["resultSet"]
        assert body["pageNum"] < 20, "the script would page for ever"
    assert len(gathered) == first.json()["totalCount"]


def test_jira_plutora_latest_entity_filter_with_records_per_page_zero(
    sim: PlutoraSimulator,
) -> None:
    # jira-plutora.js PlutoraFilters.makeFindingLatest() (l.2602-2610) + latestEntityWhere()
    # (l.2737-2744): POST /releases/filter {searchFilters: [latest()], recordsPerPage: 0,
    # pageNum: 0} and _.first(json.resultSet). (Defined, though no code path calls it; the
    # "API User Stories" help page's request template also says recordsPerPage: 0.)
    token = authenticator_token(sim)
    latest = {
        "property": "lastModifiedDate",
        "direction": "DESC",
        "value": "1979-01-01T00:00:00.000Z",  # new Date('1979').toISOString()
        "operator": "GreaterThan",
    }
    body = {"searchFilters": [latest], "recordsPerPage": 0, "pageNum": 0}
    answer = adapter_write(sim, token, "POST", "/releases/filter", json_body(body))
    assert answer.status == 200, answer.text
    assert isinstance(answer.json()["resultSet"], list)


# ---------------------------------------------------------------- pullrequest-to-change.js


def _plutora_request(
    sim: PlutoraSimulator, token: str, method: str, apipath: str, data: str | None = None
) -> Answer:
    # pullrequest-to-change.js plutora.plutoraRequest() (l.94-154): path '/' + apipath, headers
    # Authorization: bearer, Content-Length (0 without data), Content-Type: application/json.
    body = data.encode("utf-8") if data else b""
    headers = {
        "Authorization": "bearer " + token,
        "Content-Length": str(len(body)),
        "Content-Type": "application/json",
    }
    return send(api_url(sim) + "/" + apipath, method, headers, body)


def test_pullrequest_to_change_creates_and_updates_a_change(sim: PlutoraSimulator) -> None:
    # pullrequest-to-change.js run() (l.700-730): the urf-8 token, getAllChanges() (l.368:
    # apipath '/changes', so the path is '//changes'), five lookups reduced by value, then
    # mapPullRequestsToChanges(): createNewChange() (POST changes) for a new pull request,
    # updateChange() (PUT changes/{id}) and getChangeByID() (GET changes/{id}) for a known one.
    issued = urf8_token(sim)
    assert issued.status == 200, issued.text
    token = issued.json()["access_token"]
    listing = _plutora_request(sim, token, "GET", "/changes")
    assert listing.status == 200, listing.text
    existing = listing.json()
    by_name = {change["name"]: change for change in existing}  # reduce by obj['name']
    assert by_name
    lookups = {
        kind: lookup_by_value(_plutora_request(sim, token, "GET", "lookupfields/" + kind))
        for kind in (
            "ChangeType",
            "ChangeDeliveryRisk",
            "ChangeTheme",
            "ChangePriority",
            "ChangeStatus",
        )
    }

    def first(kind: str) -> dict[str, Any]:
        # The script names its tenant's values ("Pull Request", "Medium Priority", "Draft"...);
        # the replay takes the simulator's first value of each type.
        return next(iter(lookups[kind].values()))

    known = _plutora_request(sim, token, "GET", f"changes/{existing[0]['id']}").json()
    additional = [
        {
            "id": "8e125ef5-7626-e811-a980-fc49c3e38ffc",
            "name": "JIRA ID",
            "type": "Change",
            "dataType": "FreeText",
            "text": "PLUT-42",
            "time": None,
            "date": None,
            "number": None,
            "decimal": None,
            "dateTime": None,
            "listItem": None,
            "multiListItem": None,
        }
    ]
    new_change = {  # newChangeInfo (l.500-600), tenant GUIDs replaced
        "id": None,
        "name": "PLUT-42 Add pull request sync",
        "changeId": None,
        "changePriorityId": first("ChangePriority")["id"],
        "changePriority": first("ChangePriority")["value"],
        "changeStatusId": first("ChangeStatus")["id"],
        "changeStatus": first("ChangeStatus")["value"],
        "businessValueScore": None,
        "raisedById": known["raisedById"],
        "raisedBy": known["raisedBy"],
        "raisedDate": "2019-03-01T10:00:00Z",  # pullRequest.created_at
        "organizationId": known["organizationId"],
        "organization": known["organization"],
        "changeTypeId": first("ChangeType")["id"],
        "changeType": first("ChangeType")["value"],
        "changeDeliveryRiskId": first("ChangeDeliveryRisk")["id"],
        "changeDeliveryRisk": first("ChangeDeliveryRisk")["value"],
        "expectedDeliveryDate": "2018-04-24T00:00:00",
        "changeThemeId": first("ChangeTheme")["id"],
        "changeTheme": first("ChangeTheme")["value"],
        "description": "Repository Name: c1 <br>User: octocat<br>",
        "descriptionSimple": "",
        "lastModifiedDate": None,
        "lastModifiedBy": None,
        "additionalInformation": additional,
        "stakeholders": [],
        "systems": [],
        "deliveryReleases": [],
        "comments": [],
    }
    created = _plutora_request(sim, token, "POST", "changes", json_body(new_change))
    assert created.status == 201, created.text
    assert created.json()["id"]  # createdChange.id -> PUT changes/{id}/linkedChanges (not served)

    update = {  # updateInfo (l.610-690) for a change whose name already exists
        "id": known["id"],
        "additionalInformation": additional,
        "stakeholders": [],
        "systems": [],
        "deliveryReleases": [],
        "comments": [],
        "name": known["name"],
        "changePriorityId": first("ChangePriority")["id"],
        "changeStatusId": first("ChangeStatus")["id"],
        "businessValueScore": None,
        "raisedById": known["raisedById"],
        "organizationId": known["organizationId"],
        "changeTypeId": first("ChangeType")["id"],
        "changeDeliveryRiskId": first("ChangeDeliveryRisk")["id"],
        "expectedDeliveryDate": None,
        "changeThemeId": first("ChangeTheme")["id"],
        "description": "Repository Name: c1 <br>",
    }
    updated = _plutora_request(sim, token, "PUT", f"changes/{known['id']}", json_body(update))
    # "if (body) {...} else resolve({}) // in the case PUT returns no response": either a 2xx
    # JSON body or none will do for this script.
    assert 200 <= updated.status < 300, updated.text
    if updated.body:
        updated.json()
    found = _plutora_request(sim, token, "GET", f"changes/{known['id']}")
    assert found.status == 200
    assert isinstance(found.json()["additionalInformation"], list)  # additionalInformation[0].text

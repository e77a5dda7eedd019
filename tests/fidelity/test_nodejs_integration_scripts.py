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
    body: dict[str, Any] = {"searchFilters": [since], "recordsPerPage": 50, "pageNum": 0}
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

#: The tenant's custom fields of a change as the script's two bodies list them (l.461-518 and
#: l.584-641, the same four items): id, name and dataType; every value but JIRA ID's text is
#: null. The simulator's site defines no custom fields of changes and keeps the items as sent,
#: so the tenant's field ids are sent as they are.
PR_CUSTOM_FIELDS = [
    ("8e125ef5-7626-e811-a980-fc49c3e38ffc", "JIRA ID", "FreeText"),
    ("a15b4092-a978-e811-a982-f2cb536a8f94", "LEAD TIME", "Number"),
    ("a35b4092-a978-e811-a982-f2cb536a8f94", "TOUCH TIME", "Number"),
    ("a25b4092-a978-e811-a982-f2cb536a8f94", "WAIT TIME", "Number"),
]
#: The lookup values the script names (changePriorities["Medium Priority"], changeStatuses
#: ["Draft"], pullRequestChangeType["Pull Request"], deliveryRisks['Low'], changeThemes
#: ["Competitiveness"]) and the simulator's value that stands for each on its site.
PR_LOOKUPS = {
    "ChangePriority": ("Medium Priority", "Medium"),
    "ChangeStatus": ("Draft", "New"),
    "ChangeType": ("Pull Request", "Enhancement"),
    "ChangeDeliveryRisk": ("Low", "Low"),
    "ChangeTheme": ("Competitiveness", "Customer Experience"),
}


def _plutora_request(
    sim: PlutoraSimulator, token: str, method: str, apipath: str, data: str | None = None
) -> Answer:
    # pullrequest-to-change.js plutora.plutoraRequest() (l.94-154): path '/' + apipath, headers
    # Authorization: bearer, Content-Length (Buffer.byteLength(data), or 0 without data),
    # Content-Type: application/json; req.write(data) or req.write('').
    body = data.encode("utf-8") if data else b""
    headers = {
        "Authorization": "bearer " + token,
        "Content-Length": str(len(body)),
        "Content-Type": "application/json",
    }
    return send(api_url(sim) + "/" + apipath, method, headers, body)


def _resolved(answer: Answer) -> Any:
    # plutoraRequest()'s 'end' handler: a body with a 2xx status is JSON.parse()d and resolved
    # (a body that is not JSON throws there, outside the promise, and ends the job); a body
    # with any other status is rejected; no body at all resolves {} ("in the case PUT returns
    # no response").
    if not answer.body:
        return {}
    assert 200 <= answer.status < 300, answer.text  # reject(body)
    return answer.json()


def _pull_request(title: str) -> dict[str, Any]:
    # What GET https://api.github.com/repos/plutora/c1/pulls (getPullRequests(), l.278) gives
    # for one pull request, reduced to the fields the script reads.
    return {
        "title": title,
        "body": "https://jira.example.com/browse/" + title.split(" ")[0],
        "created_at": "2019-03-01T10:00:00Z",
        "updated_at": "2019-03-02T11:30:00Z",
        "merge_commit_sha": "e5bd3914e2e596debea16f433f57875b5b90bcd6",
        "commits_url": "https://api.github.com/repos/plutora/c1/pulls/7/commits",
        "review_comments_url": "https://api.github.com/repos/plutora/c1/pulls/7/comments",
        "user": {"login": "octocat"},
        "base": {"repo": {"name": "c1"}},
    }


def _description(pull_request: dict[str, Any]) -> str:
    # mapPullRequestsToChanges(): the description lines joined with '' (l.425-434, l.572-580).
    return "".join(
        [
            f"Repository Name: {pull_request['base']['repo']['name']} <br>",
            f"User: {pull_request['user']['login']}<br>",
            f"Updated in GitHub at {pull_request['updated_at']} <br>",
            f"Commit ID: {pull_request['merge_commit_sha']} <br>",
            f"View Commits at {pull_request['commits_url']} <br>",
            f"View comments at {pull_request['review_comments_url']} <br>",
            f"JIRA link: {pull_request['body']} <br>",
        ]
    )


def _pr_tenant(sim: PlutoraSimulator) -> dict[str, Any]:
    # The tenant's records the script names by GUID, taken from the simulator's own site (its
    # catalogue, not through the API: the script sends no request for them).
    catalogue = sim.state.catalogue
    people = list(catalogue.people.values())
    role = catalogue.lookup_value("StakeholderRole", "Release Manager")
    system = next(system for system in catalogue.systems if system["name"] == "Identity Service")
    organization = next(org for org in catalogue.organizations if org["type"] == "Division")
    return {
        "raisedBy": people[0],  # "Boba Fett", 89982734-…
        "organization": organization,  # "Mobile and Online Banking", 3c31ad6f-…
        "stakeholder": {  # "Richard Winslow" as "Release Manager" (l.519-534)
            "userId": people[1]["id"],
            "user": people[1]["name"],
            "groupId": None,
            "group": "",
            "stakeholderRoleIds": [role["id"]],
            "stakeholderRoles": role["value"],
            "responsible": False,
            "accountable": False,
            "informed": False,
            "consulted": False,
        },
        "system": {  # "Authorization Server", f0cb0cb4-… (l.535-541)
            "systemId": system["id"],
            "name": system["name"],
            "systemRoleType": "Impact",
        },
    }


def _pr_additional_information(jira_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": field_id,
            "name": name,
            "type": "Change",
            "dataType": data_type,
            "text": jira_id if name == "JIRA ID" else None,  # `${JIRAid}`
            "time": None,
            "date": None,
            "number": None,
            "decimal": None,
            "dateTime": None,
            "listItem": None,
            "multiListItem": None,
        }
        for field_id, name, data_type in PR_CUSTOM_FIELDS
    ]


def test_pullrequest_to_change_creates_and_updates_changes(sim: PlutoraSimulator) -> None:
    # pullrequest-to-change.js run() (l.705-732): the urf-8 token, getPullRequests() (GitHub,
    # two pull requests here: one whose title no change has, one titled as an existing change),
    # getAllChanges() (l.368: apipath '/changes', so the path is '//changes', reduced by name
    # and by id), the five lookups reduced by value, then mapPullRequestsToChanges() (l.410).
    issued = urf8_token(sim)
    assert issued.status == 200, issued.text
    token = issued.json()["access_token"]
    listing = _plutora_request(sim, token, "GET", "/changes")
    assert listing.status == 200, listing.text
    existing = _resolved(listing)
    assert isinstance(existing, list)  # allExistingChangesName.reduce(...)
    by_name = {change["name"]: change for change in existing}  # map[obj['name']] = obj
    assert all(change["id"] for change in existing)  # map[obj['id']] = obj
    lookups: dict[str, dict[str, dict[str, Any]]] = {}
    for kind in (
        "ChangeType",
        "ChangeDeliveryRisk",
        "ChangeTheme",
        "ChangePriority",
        "ChangeStatus",
    ):
        answer = _plutora_request(sim, token, "GET", "lookupfields/" + kind)
        lookups[kind] = lookup_by_value(answer)  # data.reduce((map, obj) => map[obj.value] = obj)

    def pick(kind: str) -> dict[str, Any]:
        _tenant_value, site_value = PR_LOOKUPS[kind]
        return lookups[kind][site_value]  # e.g. changePriorities["Medium Priority"].id

    tenant = _pr_tenant(sim)
    known_change = existing[0]
    pull_requests = [
        _pull_request("PLUT-42 Sync pull requests to changes"),
        _pull_request(known_change["name"]),
    ]
    assert pull_requests[0]["title"] not in by_name
    for pull_request in pull_requests:  # asyncForEach(pullRequests, ...)
        jira_id = pull_request["title"].split(" ")[0]  # let JIRAid = title.split(' ')[0]
        if pull_request["title"] not in by_name:
            new_change_info = {  # newChangeInfo (l.436-544)
                "id": None,
                "name": pull_request["title"],
                "changeId": None,
                "changePriorityId": pick("ChangePriority")["id"],
                "changePriority": pick("ChangePriority")["value"],
                "changeStatusId": pick("ChangeStatus")["id"],
                "changeStatus": pick("ChangeStatus")["value"],
                "businessValueScore": None,
                "raisedById": tenant["raisedBy"]["id"],
                "raisedBy": tenant["raisedBy"]["name"],
                "raisedDate": pull_request["created_at"],
                "organizationId": tenant["organization"]["id"],
                "organization": tenant["organization"]["name"],
                "changeTypeId": pick("ChangeType")["id"],
                "changeType": pick("ChangeType")["value"],
                "changeDeliveryRiskId": pick("ChangeDeliveryRisk")["id"],
                "changeDeliveryRisk": pick("ChangeDeliveryRisk")["value"],
                "expectedDeliveryDate": "2018-04-24T00:00:00",
                "changeThemeId": pick("ChangeTheme")["id"],
                "changeTheme": pick("ChangeTheme")["value"],
                "description": _description(pull_request),
                "descriptionSimple": "",
                "lastModifiedDate": None,
                "lastModifiedBy": None,
                "additionalInformation": _pr_additional_information(jira_id),
                "stakeholders": [tenant["stakeholder"]],
                "systems": [tenant["system"]],
                "deliveryReleases": [],
                "comments": [],
            }
            answer = _plutora_request(sim, token, "POST", "changes", json_body(new_change_info))
            assert answer.status == 201, answer.text
            created = _resolved(answer)  # createdChange
            # updateChangesLinkedChanges(createdChange.id, …): PUT changes/{id}/linkedChanges
            # (not served by the simulator, not replayed) needs the new change's id.
            assert created["id"]
        else:
            change_id = by_name[pull_request["title"]]["id"]
            update_info = {  # updateInfo (l.582-678)
                "id": change_id,
                "additionalInformation": _pr_additional_information(jira_id),
                "stakeholders": [tenant["stakeholder"]],
                "systems": [tenant["system"]],
                "deliveryReleases": [],
                "comments": [],
                "name": pull_request["title"],
                "changePriorityId": pick("ChangePriority")["id"],
                "changeStatusId": pick("ChangeStatus")["id"],
                "businessValueScore": None,
                "raisedById": tenant["raisedBy"]["id"],
                "organizationId": tenant["organization"]["id"],
                "changeTypeId": pick("ChangeType")["id"],
                "changeDeliveryRiskId": pick("ChangeDeliveryRisk")["id"],
                "expectedDeliveryDate": None,
                "changeThemeId": pick("ChangeTheme")["id"],
                "description": _description(pull_request),
            }
            # updateChange() (l.352-365) catches a rejection and only logs it, so a refused PUT
            # would go unnoticed by the job: the replay requires the 2xx the live site gave.
            answer = _plutora_request(
                sim, token, "PUT", f"changes/{change_id}", json_body(update_info)
            )
            assert 200 <= answer.status < 300, answer.text
            _resolved(answer)
            # getChangeByID() (l.310-320), then `if (JIRAid ===
            # foundChange.additionalInformation[0].text)` decides whether the linked changes
            # are updated (PUT changes/{id}/linkedChanges with foundChange.id: not served).
            found_answer = _plutora_request(sim, token, "GET", f"changes/{change_id}")
            assert found_answer.status == 200, found_answer.text
            found = _resolved(found_answer)
            assert found["additionalInformation"][0]["text"] == jira_id
            assert found["id"] == change_id

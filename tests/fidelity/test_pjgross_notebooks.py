"""Replays of pjgross/plutora's notebooks (commit 8aa9acbc, run in 2025 with their outputs saved).

``dockerhealthcheck.ipynb`` and ``CurrentBookingsExport.ipynb`` use ``requests`` with the
restApiLibrary token function, then call the API (hard-coded ``https://ukapi.plutora.com``)
with the headers ``accept: application/json``, ``Plutora-Info: script.name=swagger`` and
``Authorization: bearer``. Their saved outputs are evidence of the live API in 2025: a filter
on an environment's ``status`` without ``pageNum`` answers a plain array. ``GET /Bookings`` and
``POST /environmentHealthCheck`` (multipart) are not served by the simulator and not replayed.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.fidelity.test_rest_api_library import get_access_token
from tests.fidelity.wire import Answer, api_url, send


def notebook_get(sim: PlutoraSimulator, token: str, path: str) -> Answer:
    headers = {
        "accept": "application/json",
        "Plutora-Info": "script.name=swagger",
        "Authorization": f"bearer {token}",
    }
    return send(api_url(sim) + path, "GET", headers)


def test_dockerhealthcheck_filters_environments_on_status(sim: PlutoraSimulator) -> None:
    # dockerhealthcheck.ipynb get_plutora_environments_with_custom_filter(token,
    # '`status` = `Active - Auto`'): requests.get(url, params={'filter': ...}) (urlencode: spaces
    # as '+'), response.json() iterated as a list; then get_environment_details() per id and
    # get_automation_host_versions(): hosts[].name == 'Automation' -> layers[].componentName,
    # version. The tenant's status 'Active - Auto' is replaced by the first listed one.
    token = get_access_token(sim)
    listing = notebook_get(sim, token, "/environments").json()
    status = listing[0]["status"]
    answer = notebook_get(
        sim, token, "/environments?" + urlencode({"filter": f"`status` = `{status}`"})
    )
    assert answer.status == 200, answer.text
    environments = answer.json()
    assert isinstance(environments, list)
    assert environments
    assert all(env["status"] == status for env in environments)
    for env in environments[:2]:
        detail = notebook_get(sim, token, f"/environments/{env.get('id')}").json()
        for host in detail.get("hosts", []):
            for layer in host.get("layers", []):
                assert "componentName" in layer
                assert "version" in layer


def test_bookings_export_looks_up_names_by_id_filter(sim: PlutoraSimulator) -> None:
    # CurrentBookingsExport.ipynb get_release_name() / get_environment_name(): filter
    # `id` = `<guid>` quote()d into the URL, releases[0].get('name') of a plain array.
    token = get_access_token(sim)
    release = notebook_get(sim, token, "/releases").json()[0]
    environment = notebook_get(sim, token, "/environments").json()[0]
    for path, record in (("/releases", release), ("/environments", environment)):
        expression = "`id` = `" + record["id"] + "`"
        answer = notebook_get(sim, token, f"{path}?filter={quote(expression)}")
        assert answer.status == 200, answer.text
        found = answer.json()
        assert len(found) == 1
        assert found[0].get("name") == record["name"]

"""Replay of plutora/ZendeskJob ``zendeskJob.php`` (commit fd61696): the Plutora Test side.

The job reads Plutora Test defect display ids from Zendesk tickets, logs in to the Plutora Test
token server and reads each defect's status. PHP's curl sends ``CURLOPT_POSTFIELDS`` as given
(the user name's ``@`` unencoded) with curl's default ``Content-Type:
application/x-www-form-urlencoded``; the replay sends the same bytes. The Zendesk calls are
not replayed; the display ids come from the simulator instead.
"""

from __future__ import annotations

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.fidelity.wire import PASSWORD, PLUTORA_TEST_CLIENT, USERNAME, api_url, send, token_url


def access_token(sim: PlutoraSimulator) -> str:
    # accessStryka() (l.69-104): POST https://oauthps.plutora.com/oauth/token with
    # "client_id=$client_id&client_secret=$client_secret&grant_type=$grant_type&username=
    # $username&password=$password" and "cache-control: no-cache"; $arr['access_token'].
    client_id, client_secret = PLUTORA_TEST_CLIENT
    fields = (
        f"client_id={client_id}&client_secret={client_secret}&grant_type=password"
        f"&username={USERNAME}&password={PASSWORD}"
    )
    headers = {"cache-control": "no-cache", "Content-Type": "application/x-www-form-urlencoded"}
    answer = send(token_url(sim, "plutora-test"), "POST", headers, fields)
    assert answer.status == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def defect_by_display_id(sim: PlutoraSimulator, token: str, display_id: str):  # type: ignore[no-untyped-def]
    # l.110-125: GET https://apips.plutora.com/defects/GetByDisplayId/<id> with headers
    # "authorization: bearer $access_token", "cache-control: no-cache",
    # "content-type: application/json".
    headers = {
        "authorization": f"bearer {token}",
        "cache-control": "no-cache",
        "content-type": "application/json",
    }
    return send(
        api_url(sim, "plutora-test") + "/defects/GetByDisplayId/" + display_id, "GET", headers
    )


def test_the_job_reads_a_defects_status_by_display_id(sim: PlutoraSimulator) -> None:
    token = access_token(sim)
    search = send(
        api_url(sim, "plutora-test") + "/defects/search",
        "POST",
        {"authorization": f"bearer {token}", "content-type": "application/json"},
        '{"SearchFilters": [], "PageNum": 0, "RecordsPerPage": 3}',
    )
    assert search.status == 200, search.text
    for defect in search.json()["Data"]["ResultSet"]:
        answer = defect_by_display_id(sim, token, defect["DisplayId"])
        assert answer.status == 200  # "if ($err or $res_code !== 200) ... bad url on"
        status = answer.json()["Data"][0]["Status"]["Value"]  # $arr2['Data'][0]['Status']['Value']
        assert isinstance(status, str)
        assert status


def test_an_unknown_display_id_is_not_a_200(sim: PlutoraSimulator) -> None:
    # The job prints "bad url on - <id>" for any answer but 200 and goes on.
    answer = defect_by_display_id(sim, access_token(sim), "DEF-999999")
    assert answer.status != 200

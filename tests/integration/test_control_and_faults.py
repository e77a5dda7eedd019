"""The /_sim control API: reset, clock, users, faults of every kind, counters."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from typing import Any
from urllib.parse import quote

import pytest
import requests

from PlutoraLibrary.simulator import PlutoraSimulator
from PlutoraLibrary.simulator.control_client import SimulatorControl
from PlutoraLibrary.simulator.state import Fault
from tests.conftest import Api, Control


def _copyable(plutora: Api) -> dict[str, object]:
    expression = quote("`plutoraReleaseType` = `Independent` AND `releaseStatusType` = `Draft`")
    summary = plutora.get(f"/releases?filter={expression}").json()[0]
    return plutora.get(f"/releases/{summary['id']}").json()


def test_reset_restores_the_seeded_data_and_keeps_tokens(plutora: Api, control: Control) -> None:
    before = plutora.get("/releases").json()
    release = _copyable(plutora)
    copy = {**release, "identifier": "RESET-ME", "name": "Reset me"}
    assert plutora.post("/releases", json=copy).status_code == 201
    assert control("POST", "/reset").status_code == 200
    assert plutora.get("/releases").json() == before  # the same token still works
    control("POST", "/reset", json={"tokens": True})
    assert plutora.get("/releases").status_code == 401


def test_the_clock_moves_forward_only(control: Control) -> None:
    assert control("GET", "/clock").json()["offsetSeconds"] == 0
    moved = control("POST", "/clock/advance", json={"seconds": 3600}).json()
    assert moved["offsetSeconds"] == 3600
    assert control("POST", "/clock/advance", json={"seconds": -5}).status_code == 400
    assert control("POST", "/clock/advance", json={"seconds": "soon"}).status_code == 400


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_status_fault_answers_without_processing(
    plutora: Api, control: Control, status: int
) -> None:
    plutora.token  # noqa: B018 - log in before the fault
    control.fault(path="/releases$", kind="status", status=status, count=2)
    for _ in range(2):
        assert plutora.get("/releases").status_code == status
    assert plutora.get("/releases").status_code == 200
    assert control.counters()["faultsApplied"] == 2


def test_a_fault_can_send_a_proxy_html_page(plutora: Api, control: Control) -> None:
    control.fault(
        path="releases", kind="status", status=502, body="<html><body>Bad Gateway</body></html>"
    )
    answer = plutora.get("/releases")
    assert answer.status_code == 502
    assert answer.headers["Content-Type"].startswith("text/html")


def test_a_fault_matches_only_its_method(plutora: Api, control: Control) -> None:
    control.fault(path="/releases/filter", kind="status", status=503, method="POST")
    assert plutora.get("/releases").status_code == 200
    assert plutora.post("/releases/filter", json={}).status_code == 503


def test_a_rate_limit_fault_sends_retry_after(plutora: Api, control: Control) -> None:
    control.fault(path="/me", kind="rate_limit", retryAfter=7)
    answer = plutora.get("/me")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json() == {"message": "API request limit exceeded."}
    assert control.counters()["rateLimited"] == {"(injected)": 1}


def test_a_fault_for_one_user_spares_every_other_user(
    plutora: Api, sim: PlutoraSimulator, control: Control
) -> None:
    sim.add_user("other@example.com", "Other-Password-1")
    other = Api(sim, "plutora")
    other_login = other.login(username="other@example.com", password="Other-Password-1")
    other._token = other_login.json()["access_token"]
    control.fault(path="/me$", kind="status", status=403, count=5, user="OTHER@example.com")
    control.fault(path="/oauth/token", kind="status", status=503, user="other@example.com")
    assert plutora.get("/me").status_code == 200
    assert plutora.login().status_code == 200  # the login fault waits for its own user
    denied = other.get("/me")
    assert denied.status_code == 403
    assert denied.json() == {"message": "Authorization has been denied for this request."}
    assert other.login(username="other@example.com", password="x").status_code == 503
    assert [f["user"] for f in control("GET", "/faults").json()] == ["other@example.com"]


def test_tokens_of_one_user_can_be_expired(
    plutora: Api, sim: PlutoraSimulator, control: Control
) -> None:
    sim.add_user("other@example.com", "Other-Password-1")
    other = Api(sim, "plutora")
    other._token = other.login(username="other@example.com", password="Other-Password-1").json()[
        "access_token"
    ]
    plutora.token  # noqa: B018 - log in
    assert control("POST", "/tokens/expire", json={"user": "other@example.com"}).json() == {
        "expired": 1
    }
    assert other.get("/me").status_code == 401
    assert plutora.get("/me").status_code == 200
    assert control("POST", "/tokens/expire", json={"user": 7}).status_code == 400
    grants = control.counters()["tokenGrantsByUser"]
    assert grants == {"plutora:other@example.com": 1, "plutora:qa.lead@example.com": 1}


def test_a_fault_on_the_token_server(plutora: Api, control: Control) -> None:
    control.fault(path="/oauth/token", kind="status", status=503)
    assert plutora.login().status_code == 503
    assert plutora.login().status_code == 200


def test_a_delay_fault_passes_a_read_timeout(plutora: Api, control: Control) -> None:
    plutora.token  # noqa: B018
    control.fault(path="/me", kind="delay", seconds=1.0)
    with pytest.raises(requests.ReadTimeout):
        plutora.get("/me", timeout=0.3)
    assert plutora.get("/me").status_code == 200


def test_a_dropped_connection_before_processing(plutora: Api, control: Control) -> None:
    plutora.token  # noqa: B018
    control.fault(path="/releases$", kind="drop", method="POST")
    release = _copyable(plutora)
    with pytest.raises(requests.ConnectionError):
        plutora.post("/releases", json={**release, "identifier": "DROP-1"})
    found = plutora.get("/releases?filter=" + quote("`identifier` = `DROP-1`")).json()
    assert found == []  # never processed


def test_a_dropped_connection_after_processing_leaves_the_copy(
    plutora: Api, control: Control
) -> None:
    plutora.token  # noqa: B018
    control.fault(path="/releases$", kind="drop", method="POST", stage="after")
    release = _copyable(plutora)
    with pytest.raises(requests.ConnectionError):
        plutora.post("/releases", json={**release, "identifier": "DROP-2"})
    found = plutora.get("/releases?filter=" + quote("`identifier` = `DROP-2`")).json()
    assert len(found) == 1  # processed, answer lost: the ambiguous case clients must handle


def test_a_slow_answer_after_processing(plutora: Api, control: Control) -> None:
    plutora.token  # noqa: B018
    control.fault(path="/releases$", kind="delay", seconds=1.0, stage="after", method="POST")
    release = _copyable(plutora)
    with pytest.raises(requests.ReadTimeout):
        plutora.post("/releases", json={**release, "identifier": "SLOW-1"}, timeout=0.3)
    time.sleep(0.1)
    assert len(plutora.get("/releases?filter=" + quote("`identifier` = `SLOW-1`")).json()) == 1


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status"},
        {"path": "(", "kind": "status"},
        {"path": "x", "kind": "explode"},
        {"path": "x", "kind": "status", "status": 600},
        {"path": "x", "kind": "status", "count": 0},
        {"path": "x", "kind": "delay", "seconds": -1},
        {"path": "x", "kind": "drop", "stage": "during"},
    ],
)
def test_a_bad_fault_is_refused_with_the_reason(control: Control, fault: dict[str, object]) -> None:
    answer = control("POST", "/faults", json=fault)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Fault not added:")
    assert control("GET", "/faults").json() == []


def test_faults_can_be_listed_and_cleared(control: Control) -> None:
    control.fault(path="/me", kind="status", count=3)
    assert control("GET", "/faults").json()[0]["remaining"] == 3
    assert control("DELETE", "/faults").status_code == 204
    assert control("GET", "/faults").json() == []


def test_one_fault_can_be_removed_by_its_id_and_ids_are_never_reused(
    plutora: Api, control: Control, sim: PlutoraSimulator
) -> None:
    first = control("POST", "/faults", json={"path": "/me", "kind": "status", "count": 2}).json()
    second = control("POST", "/faults", json={"path": "/me", "kind": "status"}).json()
    assert second["id"] > first["id"] > 0
    assert control("DELETE", f"/faults/{first['id']}").status_code == 204
    assert [fault["id"] for fault in control("GET", "/faults").json()] == [second["id"]]
    assert plutora.get("/me").status_code == 503  # the second fault, used up by this request
    for gone in (first["id"], second["id"], 999999, "x"):
        answer = control("DELETE", f"/faults/{gone}")
        assert answer.status_code == 404
        assert "used up or removed" in answer.json()["message"]
    control("POST", "/reset")
    third = control("POST", "/faults", json={"path": "/me", "kind": "status"}).json()
    assert third["id"] > second["id"]  # a stale id from before the reset matches nothing
    remote = SimulatorControl(sim.urls.base)
    assert remote.remove_fault(third["id"]) is True
    assert remote.remove_fault(third["id"]) is False
    remote.close()


def test_requests_are_counted_per_route_and_status(plutora: Api, control: Control) -> None:
    plutora.get("/releases")
    release_id = plutora.get("/releases").json()[0]["id"]
    plutora.get(f"/releases/{release_id}")
    plutora.get("/releases/00000000-0000-4000-8000-000000000000")
    plutora.get("/me", auth=False)
    requests_by_route = control.counters()["requests"]
    assert requests_by_route["GET /plutora/api/releases"] == {"200": 2}
    assert requests_by_route["GET /plutora/api/releases/{id}"] == {"200": 1, "404": 1}
    assert requests_by_route["GET /plutora/api/me"] == {"401": 1}
    assert requests_by_route["POST /plutora/oauth/token"] == {"200": 1}
    control("POST", "/counters/reset")
    assert control.counters()["requestsTotal"] == 0


def test_issued_tokens_are_listed_for_secret_scans(plutora: Api, control: Control) -> None:
    grant = plutora.login().json()
    assert control("GET", "/tokens/issued").json() == [
        grant["access_token"],
        grant["refresh_token"],
    ]


def test_the_control_api_rejects_bad_input(control: Control) -> None:
    assert control("POST", "/users", json={"username": "x"}).status_code == 400
    assert (
        control(
            "POST", "/users", json={"username": "x", "password": "y", "product": "jira"}
        ).status_code
        == 400
    )
    assert control("POST", "/users/unlock", json={}).status_code == 400
    json_type = {"Content-Type": "application/json"}
    assert control("POST", "/reset", data=b"{", headers=json_type).status_code == 400
    assert control("POST", "/reset", data=b"{").status_code == 415  # not declared as JSON
    assert control("GET", "/nothing").status_code == 404
    assert control("DELETE", "/clock").status_code == 405


def test_in_process_controls_match_the_http_ones(sim: PlutoraSimulator) -> None:
    api = Api(sim, "plutora")
    sim.add_user("temp@example.com", "pw")
    assert api.login(username="temp@example.com", password="pw").status_code == 200
    sim.update_settings(rateLimit=1)
    assert sim.counters()["tokenGrants"] == {"sim-plutora-client": 1}
    sim.expire_tokens()
    sim.reset()
    assert sim.state.settings.rate_limit == 26000


def test_stopping_while_a_slow_answer_is_pending_is_quick_and_quiet() -> None:
    simulator = PlutoraSimulator().start()
    api = Api(simulator, "plutora")
    api.token  # noqa: B018 - log in before the fault
    simulator.state.add_fault(
        Fault(pattern=re.compile("/me$"), kind="delay", remaining=1, seconds=30.0)
    )
    caller = threading.Thread(target=lambda: _ignore_errors(lambda: api.get("/me", timeout=0.3)))
    caller.start()
    caller.join(timeout=10)  # the client gave up; the handler is still inside its 30 s delay
    loop = simulator._loop  # to look for tasks left behind
    assert loop is not None
    started = time.monotonic()
    simulator.stop()
    assert time.monotonic() - started < 5
    # Nothing left pending (a pending task complains "Task was destroyed" when collected).
    assert [task for task in asyncio.all_tasks(loop) if not task.done()] == []


def _ignore_errors(call: Any) -> None:
    with contextlib.suppress(requests.RequestException):
        call()

"""The simulator under attack (issue 11, items 12 and 13): absurd bodies and clock moves get
its documented 400s, a delayed write is applied after its client gave up, and the control API
is no tool for another web page (media type, Host, Origin) nor a password-guessing oracle."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from PlutoraLibrary.simulator import DEMO_USERS, PlutoraSimulator, SimulatorConfig, UserAccount
from PlutoraLibrary.simulator.config import MAX_SECONDS
from tests.conftest import PLUTORA_KEY, Api, Control
from tests.integration.test_control_and_faults import _copyable

DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_FORM = "a" + "[b]" * 100_000 + "=1"
JSON_HEADERS = {"Content-Type": "application/json"}
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
BODIES = [(DEEP_JSON, JSON_HEADERS), (DEEP_FORM, FORM_HEADERS)]


# -- bodies nested 100k deep ----------------------------------------------------------------


@pytest.mark.parametrize(("body", "headers"), BODIES, ids=["json", "form"])
def test_a_deeply_nested_body_gets_the_plutora_apis_400(
    plutora: Api, body: str, headers: dict[str, str]
) -> None:
    answer = plutora.post("/releases", data=body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {
        "message": "The request is invalid.",
        "modelState": {"body": ["The body is nested deeper than 256 levels."]},
    }


def test_a_deeply_nested_body_gets_the_plutora_test_apis_400(plutora_test: Api) -> None:
    answer = plutora_test.post("/defects/search", data=DEEP_JSON, headers=JSON_HEADERS)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {
        "Status": "Fail",
        "Messages": ["The body is nested deeper than 256 levels."],
        "Data": None,
    }


def test_nesting_up_to_the_limit_is_still_parsed(plutora: Api) -> None:
    """256 levels is a body like any other: the handler judges it (here: not an object)."""
    body = "[" * 256 + "]" * 256
    answer = plutora.post("/releases/filter", data=body, headers=JSON_HEADERS)
    assert answer.status_code == 400, answer.text
    assert "nested deeper" not in answer.text


@pytest.mark.parametrize("product", ["plutora", "plutora-test"])
@pytest.mark.parametrize(("body", "headers"), BODIES, ids=["json", "form"])
def test_a_deeply_nested_body_gets_the_token_servers_400(
    sim: PlutoraSimulator, product: str, body: str, headers: dict[str, str]
) -> None:
    api = Api(sim, product)
    answer = requests.post(api.token_url, data=body, headers=headers, timeout=10)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] in ("unsupported_grant_type", "invalid_request")


def test_a_deeply_nested_login_form_is_still_a_login(sim: PlutoraSimulator) -> None:
    api = Api(sim, "plutora")
    form = "&".join(
        [
            "grant_type=password",
            "client_id=sim-plutora-client",
            "client_secret=sim-plutora-secret",
            "username=qa.lead%40example.com",
            "password=Sim-Password-1",
            DEEP_FORM,
        ]
    )
    answer = requests.post(api.token_url, data=form, headers=FORM_HEADERS, timeout=10)
    assert answer.status_code == 200, answer.text


def test_a_deeply_nested_body_gets_the_control_apis_400(control: Control) -> None:
    answer = control("POST", "/reset", data=DEEP_JSON, headers=JSON_HEADERS)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"message": "The body is nested deeper than 256 levels."}


# -- the clock ----------------------------------------------------------------------------------


def test_the_clock_cannot_be_pushed_to_infinity(plutora: Api, control: Control) -> None:
    plutora.token  # noqa: B018 - log in before
    for _ in range(2):
        answer = control("POST", "/clock/advance", json={"seconds": 1e308})
        assert answer.status_code == 400, answer.text
        assert "315360000 (10 years)" in answer.json()["message"]
    assert control("GET", "/clock").status_code == 200
    assert control("GET", "/clock").json()["offsetSeconds"] == 0
    assert plutora.get("/me").status_code == 200  # nothing moved
    fresh = Api(plutora.sim, "plutora")
    assert fresh.get("/me").status_code == 200  # a new token is still valid


def test_the_clock_moves_at_most_ten_years_in_total(control: Control) -> None:
    assert control("POST", "/clock/advance", json={"seconds": MAX_SECONDS}).status_code == 200
    answer = control("POST", "/clock/advance", json={"seconds": 1})
    assert answer.status_code == 400
    assert "POST /_sim/reset" in answer.json()["message"]
    assert control("GET", "/clock").json()["offsetSeconds"] == MAX_SECONDS
    assert control("POST", "/reset").status_code == 200
    assert control("POST", "/clock/advance", json={"seconds": 60}).status_code == 200


@pytest.mark.parametrize("raw", ['{"seconds": Infinity}', '{"seconds": NaN}', '{"seconds": 1e400}'])
def test_the_clock_refuses_numbers_that_are_not_finite(control: Control, raw: str) -> None:
    answer = control("POST", "/clock/advance", data=raw, headers=JSON_HEADERS)
    assert answer.status_code == 400, answer.text


@pytest.mark.parametrize(
    "settings",
    [
        {"rateWindowSeconds": 1e308},
        {"tokenLifetimePlutora": 10**400},
        {"tokenLifetimePlutoraTest": 10**12},
        {"rateLimit": 10**30},
    ],
)
def test_settings_refuse_spans_the_clock_cannot_hold(
    control: Control, settings: dict[str, Any]
) -> None:
    answer = control("PUT", "/settings", json=settings)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith("Settings not changed:")


def test_an_infinite_rate_window_in_the_settings_file_is_refused() -> None:
    from PlutoraLibrary.simulator import SimulatorConfigError

    with pytest.raises(SimulatorConfigError, match="rate_window_seconds must be"):
        SimulatorConfig(rate_window_seconds=float("inf"))


# -- a delayed write is applied even when the client gave up ------------------------------------


def _eventually(check: Any, seconds: float = 5.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_delayed_post_is_applied_after_the_client_timed_out(
    plutora: Api, control: Control
) -> None:
    copy = {**_copyable(plutora), "identifier": "LATE-COPY", "name": "Applied late"}
    control.fault(path="/releases$", method="POST", kind="delay", seconds=1.0)
    with pytest.raises(requests.ReadTimeout):
        plutora.post("/releases", json=copy, timeout=0.3)

    def copied() -> list[str]:
        listed = plutora.get("/releases").json()
        return [r["identifier"] for r in listed if r["identifier"] == "LATE-COPY"]

    assert _eventually(copied) == ["LATE-COPY"]
    assert control.counters()["requests"]["POST /plutora/api/releases"] == {"201": 1}


def test_a_delayed_patch_persists_after_the_client_timed_out(
    plutora_test: Api, control: Control
) -> None:
    defect = plutora_test.post("/defects/search", json={"RecordsPerPage": 1}).json()["Data"][
        "ResultSet"
    ][0]
    control.fault(path="/defects/", method="PATCH", kind="delay", seconds=1.0)
    with pytest.raises(requests.ReadTimeout):
        plutora_test.patch(
            f"/defects/{defect['Id']}", json={"Description": "patched late"}, timeout=0.3
        )

    def described() -> bool:
        read = plutora_test.get(f"/defects/{defect['Id']}").json()["Data"]
        return bool(read["Description"] == "patched late")

    assert _eventually(described)


def test_a_delayed_write_whose_client_waits_is_answered_as_before(
    plutora: Api, control: Control
) -> None:
    copy = {**_copyable(plutora), "identifier": "SLOW-COPY", "name": "Slow"}
    control.fault(path="/releases$", method="POST", kind="delay", seconds=0.3)
    started = time.monotonic()
    answer = plutora.post("/releases", json=copy)
    assert answer.status_code == 201
    assert time.monotonic() - started >= 0.3


# -- the control API is no tool for other web pages ---------------------------------------------


@pytest.mark.parametrize(
    "media", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"]
)
def test_the_control_api_takes_json_bodies_only(control: Control, media: str) -> None:
    answer = control("POST", "/reset", data='{"tokens": true}', headers={"Content-Type": media})
    assert answer.status_code == 415, answer.text
    assert "Content-Type: application/json" in answer.json()["message"]


def test_a_body_without_a_media_type_is_refused_too(control: Control) -> None:
    request = requests.Request("POST", control.base + "/reset", data=b'{"tokens": true}')
    prepared = request.prepare()
    prepared.headers.pop("Content-Type", None)
    answer = control.session.send(prepared, timeout=10)
    assert answer.status_code == 415, answer.text


def test_calls_without_a_body_still_work(control: Control) -> None:
    assert control("POST", "/counters/reset").status_code == 204
    assert control("POST", "/reset").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example"])
def test_a_foreign_host_header_is_refused_on_the_control_api(
    sim: PlutoraSimulator, control: Control, host: str
) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1."""
    headers = {"Host": host.format(port=sim.port)}
    answer = control("POST", "/reset", json={"tokens": True}, headers=headers)
    assert answer.status_code == 403, answer.text
    assert "DNS rebinding" in answer.json()["message"]
    assert control("GET", "/tokens/issued", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "10.1.2.3:80"]
)
def test_the_simulators_own_names_are_accepted(
    sim: PlutoraSimulator, control: Control, host: str
) -> None:
    answer = control("GET", "/clock", headers={"Host": host.format(port=sim.port)})
    assert answer.status_code == 200, answer.text


def test_swagger_checks_the_host_but_the_apis_do_not(sim: PlutoraSimulator, plutora: Api) -> None:
    """A real Plutora does not judge Host; the simulator's own pages do."""
    foreign = {"Host": "evil.example"}
    assert requests.get(sim.urls.swagger_url, headers=foreign, timeout=10).status_code == 403
    docs = f"{sim.urls.plutora_api_url}/swagger/docs/v1"
    assert requests.get(docs, headers=foreign, timeout=10).status_code == 403
    assert requests.get(docs, timeout=10).status_code == 200
    assert plutora.get("/me", headers=foreign).status_code == 200
    login = requests.post(
        plutora.token_url,
        data={**PLUTORA_KEY, "grant_type": "password", **_demo_login()},
        headers=foreign,
        timeout=10,
    )
    assert login.status_code == 200


def test_an_allowed_host_name_is_accepted() -> None:
    with PlutoraSimulator(allowed_hosts=("plutora-sim",)) as simulator:
        control = Control(simulator)
        assert control("GET", "/clock", headers={"Host": "plutora-sim:8080"}).status_code == 200
        assert control("GET", "/clock", headers={"Host": "other-name"}).status_code == 403


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "https://evil.example:443"])
def test_a_cross_site_browser_call_is_refused(control: Control, origin: str) -> None:
    answer = control("POST", "/counters/reset", headers={"Origin": origin})
    assert answer.status_code == 403, answer.text
    assert "another site" in answer.json()["message"]


def test_a_call_from_the_simulators_own_origin_is_accepted(
    sim: PlutoraSimulator, control: Control
) -> None:
    answer = control("POST", "/counters/reset", headers={"Origin": sim.urls.base})
    assert answer.status_code == 204


# -- no password-guessing oracle for the caller's own credentials --------------------------------

REAL = UserAccount("me@corp.example", "My-Real-Password-1", "plutora")


@pytest.fixture
def accepting_sim() -> Iterator[PlutoraSimulator]:
    """A simulator set up as `Start Plutora Simulator` or --plutora-sim does with the user's
    own credentials (see PlutoraLibrary.simulator_target.accepting)."""
    config = SimulatorConfig().with_changes(users=(*DEMO_USERS, REAL))
    with PlutoraSimulator(config) as simulator:
        yield simulator


def _demo_login() -> dict[str, str]:
    return {"username": "qa.lead@example.com", "password": "Sim-Password-1"}


def _guess(api: Api, password: str) -> requests.Response:
    return api.login(username=REAL.username, password=password)


def test_the_users_own_account_cannot_be_unlocked(accepting_sim: PlutoraSimulator) -> None:
    api, control = Api(accepting_sim, "plutora"), Control(accepting_sim)
    for attempt in range(5):
        assert _guess(api, f"guess-{attempt}").status_code == 400
    assert "locked" in _guess(api, REAL.password).json()["error_description"]
    answer = control("POST", "/users/unlock", json={"username": REAL.username})
    assert answer.status_code == 403, answer.text
    message = answer.json()["message"]
    assert "simulator's own settings" in message
    assert "throw-away user" in message
    assert "locked" in _guess(api, REAL.password).json()["error_description"]


def test_a_reset_keeps_the_users_own_failed_logins(accepting_sim: PlutoraSimulator) -> None:
    """Four guesses, a reset, four more: the fifth failure still locks."""
    api, control = Api(accepting_sim, "plutora"), Control(accepting_sim)
    for attempt in range(4):
        assert _guess(api, f"guess-{attempt}").status_code == 400
    assert control("POST", "/reset", json={"tokens": True}).status_code == 200
    assert _guess(api, "guess-4").status_code == 400
    assert "locked" in _guess(api, REAL.password).json()["error_description"]
    assert control("GET", "").json()["lockedUsers"] == [f"plutora:{REAL.username}"]


def test_the_users_own_account_cannot_be_replaced(accepting_sim: PlutoraSimulator) -> None:
    """Replacing it would clear its count (and a reset would bring the real password back)."""
    control = Control(accepting_sim)
    body = {"username": REAL.username.upper(), "password": "x", "product": "plutora"}
    answer = control("POST", "/users", json=body)
    assert answer.status_code == 403, answer.text
    assert (
        Api(accepting_sim, "plutora")
        .login(username=REAL.username, password=REAL.password)
        .status_code
        == 200
    )


def test_demo_and_added_users_are_still_unlocked(accepting_sim: PlutoraSimulator) -> None:
    api, control = Api(accepting_sim, "plutora"), Control(accepting_sim)
    added = {"username": "temp@example.com", "password": "Temp-1", "product": "plutora"}
    assert control("POST", "/users", json=added).status_code == 201
    for username in ("temp@example.com", "qa.lead@example.com"):
        for attempt in range(5):
            api.login(username=username, password=f"wrong-{attempt}")
        unlocked = control("POST", "/users/unlock", json={"username": username})
        assert unlocked.status_code == 200, unlocked.text
        assert unlocked.json()["wasLocked"] is True
    assert api.login(username="temp@example.com", password="Temp-1").status_code == 200
    assert api.login().status_code == 200


def test_the_same_rule_holds_in_process(accepting_sim: PlutoraSimulator) -> None:
    from PlutoraLibrary.simulator.state import ProtectedUser

    with pytest.raises(ProtectedUser):
        accepting_sim.unlock_user(REAL.username)
    assert accepting_sim.unlock_user("qa.lead@example.com") is False


def test_the_library_and_plugin_configuration_protects_the_users_own_account() -> None:
    """`accepting` (used by Start Plutora Simulator and --plutora-sim) gives such a setup."""
    from PlutoraLibrary.core import PlutoraConfig
    from PlutoraLibrary.simulator_target import accepting

    own = PlutoraConfig.from_env(
        {
            "PLUTORA_AUTH_URL": "http://127.0.0.1:9/oauth/token",
            "PLUTORA_API_URL": "http://127.0.0.1:9/api",
            "PLUTORA_CLIENT_ID": "my-client",
            "PLUTORA_CLIENT_SECRET": "my-secret",
            "PLUTORA_USERNAME": REAL.username,
            "PLUTORA_PASSWORD": REAL.password,
        }
    )
    with PlutoraSimulator(accepting(SimulatorConfig(), own)) as simulator:
        answer = Control(simulator)("POST", "/users/unlock", json={"username": REAL.username})
        assert answer.status_code == 403

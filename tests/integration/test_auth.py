"""Contract section 2: token servers, tokens, lock-out, whitelist, rate limit, /me."""

from __future__ import annotations

import pytest

from PlutoraLibrary.simulator import ApiKey, PlutoraSimulator, SimulatorConfig
from PlutoraLibrary.simulator.config import DEMO_API_KEYS, DEMO_USERS
from tests.conftest import PLUTORA_KEY, USER, Api, Control

DENIED = {"message": "Authorization has been denied for this request."}


@pytest.mark.parametrize(("product", "lifetime"), [("plutora", 12000), ("plutora-test", 82800)])
def test_password_grant_answers_a_bearer_token(
    sim: PlutoraSimulator, product: str, lifetime: int
) -> None:
    answer = Api(sim, product).login()
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == lifetime
    assert body["access_token"] != body["refresh_token"]
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"


def test_wrong_client_secret_is_invalid_grant(plutora: Api) -> None:
    answer = plutora.login(client_secret="not-the-secret")
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "The client_id or client_secret is incorrect.",
    }


def test_unknown_client_id_is_invalid_grant(plutora: Api) -> None:
    assert plutora.login(client_id="nobody").json()["error"] == "invalid_grant"


def test_a_plutora_test_key_is_not_valid_on_the_plutora_token_server(plutora: Api) -> None:
    answer = plutora.login(
        client_id="sim-plutora-test-client", client_secret="sim-plutora-test-secret"
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("overrides", [{"password": "wrong"}, {"username": "nobody@example.com"}])
def test_wrong_username_or_password_is_a_validation_error(
    plutora: Api, overrides: dict[str, str]
) -> None:
    answer = plutora.login(**overrides)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "validation_error",
        "error_description": "Login failed, you have 5 attempts to login",
    }


def test_five_consecutive_failures_lock_the_user_until_unlocked(
    plutora: Api, control: Control
) -> None:
    for _ in range(5):
        assert plutora.login(password="wrong").json()["error"] == "validation_error"
    locked = plutora.login()
    assert locked.status_code == 400
    assert locked.json() == {
        "error": "validation_error",
        "error_description": "Your account is locked. Please contact your administrator.",
    }
    assert control("GET", "").json()["lockedUsers"] == ["plutora:qa.lead@example.com"]
    # The lock is per product: the same user on Plutora Test is not locked.
    assert Api(plutora.sim, "plutora-test").login().status_code == 200
    unlocked = control("POST", "/users/unlock", json={"username": USER["username"]})
    assert unlocked.json() == {"username": USER["username"], "wasLocked": True}
    assert plutora.login().status_code == 200


def test_a_successful_login_resets_the_failure_count(plutora: Api) -> None:
    for _ in range(4):
        plutora.login(password="wrong")
    assert plutora.login().status_code == 200
    for _ in range(4):
        plutora.login(password="wrong")
    assert plutora.login().status_code == 200


def test_a_throw_away_user_can_be_added_and_locked(plutora: Api, control: Control) -> None:
    added = control(
        "POST",
        "/users",
        json={"username": "temp@example.com", "password": "pw", "product": "plutora"},
    )
    assert added.status_code == 201
    assert plutora.login(username="temp@example.com", password="pw").status_code == 200
    for _ in range(5):
        plutora.login(username="temp@example.com", password="bad")
    assert "locked" in plutora.login(username="temp@example.com", password="pw").text
    assert plutora.login().status_code == 200  # the demo user is untouched


def test_a_json_token_request_is_an_unsupported_grant_type(plutora: Api) -> None:
    body = {**PLUTORA_KEY, **USER, "grant_type": "password"}
    answer = plutora.session.post(plutora.token_url, json=body, timeout=10)
    assert answer.status_code == 400
    assert answer.json() == {"error": "unsupported_grant_type"}


def test_another_grant_type_is_unsupported(plutora: Api) -> None:
    answer = plutora.login(grant_type="client_credentials")
    assert answer.status_code == 400
    assert answer.json() == {"error": "unsupported_grant_type"}


def test_get_on_the_token_server_is_not_allowed(plutora: Api) -> None:
    answer = plutora.session.get(plutora.token_url, timeout=10)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"


@pytest.mark.parametrize("product", ["plutora", "plutora-test"])
def test_me_answers_the_users_email_as_a_bare_json_string(
    sim: PlutoraSimulator, product: str
) -> None:
    answer = Api(sim, product).get("/me")
    assert answer.status_code == 200
    assert answer.text == '"qa.lead@example.com"'


@pytest.mark.parametrize(
    "header",
    [None, "", "bearer", "bearer ", "Basic abc", "bearer not-a-token", "token abc"],
)
def test_missing_malformed_or_unknown_tokens_are_denied(plutora: Api, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    answer = plutora.get("/releases", auth=False, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == DENIED


def test_the_scheme_is_case_insensitive(plutora: Api) -> None:
    assert (
        plutora.get("/me", headers={"Authorization": f"Bearer {plutora.token}"}).status_code == 200
    )


def test_a_token_works_only_on_its_own_products_api(plutora: Api, plutora_test: Api) -> None:
    assert (
        plutora.get("/me", headers={"Authorization": f"bearer {plutora_test.token}"}).status_code
        == 401
    )
    assert (
        plutora_test.get("/me", headers={"Authorization": f"bearer {plutora.token}"}).status_code
        == 401
    )


def test_a_token_lives_exactly_expires_in_seconds(plutora: Api, sim: PlutoraSimulator) -> None:
    token = plutora.token
    sim.advance_clock(11990)
    assert plutora.get("/me").status_code == 200
    sim.advance_clock(20)
    answer = plutora.get("/me", headers={"Authorization": f"bearer {token}"})
    assert answer.status_code == 401
    assert answer.json() == DENIED


def test_expiring_every_token_denies_them_until_a_new_login(plutora: Api, control: Control) -> None:
    assert plutora.get("/me").status_code == 200
    assert control("POST", "/tokens/expire").json()["expired"] >= 1
    assert plutora.get("/me").status_code == 401
    fresh = plutora.login().json()["access_token"]
    assert plutora.get("/me", headers={"Authorization": f"bearer {fresh}"}).status_code == 200


def test_the_ip_whitelist_applies_to_the_api_and_the_token_server(
    plutora: Api, control: Control
) -> None:
    token = plutora.token
    control.settings(ipWhitelist=["10.0.0.0/8", "192.168.1.7"])
    answer = plutora.get("/me", headers={"Authorization": f"bearer {token}"})
    assert answer.status_code == 403
    assert answer.json() == DENIED
    assert plutora.login().status_code == 403
    assert control("GET", "/settings").status_code == 200  # the control API stays reachable
    control.settings(ipWhitelist=["127.0.0.1"])
    assert plutora.get("/me").status_code == 200
    control.settings(ipWhitelist=["127.0.0.0/8"])
    assert plutora.get("/me").status_code == 200
    control.settings(ipWhitelist=[])
    assert plutora.login().status_code == 200


def test_a_whitelist_from_the_configuration_applies_from_the_start() -> None:
    with PlutoraSimulator(SimulatorConfig(ip_whitelist=("10.1.2.3",))) as sim:
        assert Api(sim, "plutora").login().status_code == 403


def test_a_bad_whitelist_entry_is_refused_and_changes_nothing(control: Control) -> None:
    answer = control("PUT", "/settings", json={"ipWhitelist": ["10.0.0/8"], "rateLimit": 5})
    assert answer.status_code == 400
    assert "'10.0.0/8' is neither an IP address nor a CIDR range" in answer.json()["message"]
    assert control("GET", "/settings").json()["rateLimit"] == 26000


def test_the_rate_limit_answers_429_with_retry_after_per_client_id(control: Control) -> None:
    second_key = ApiKey("second-key", "second-secret", "plutora")
    config = SimulatorConfig(api_keys=(*DEMO_API_KEYS, second_key), users=DEMO_USERS)
    with PlutoraSimulator(config.with_changes(rate_limit=5, rate_window_seconds=60)) as sim:
        first = Api(sim, "plutora")
        for _ in range(5):
            assert first.get("/me").status_code == 200
        limited = first.get("/me")
        assert limited.status_code == 429
        assert limited.json() == {"message": "API request limit exceeded."}
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        other = Api(sim, "plutora")
        other_token = other.login(client_id="second-key", client_secret="second-secret").json()
        headers = {"Authorization": f"bearer {other_token['access_token']}"}
        assert other.get("/me", headers=headers).status_code == 200
        assert sim.counters()["rateLimited"] == {"sim-plutora-client": 1}
        sim.advance_clock(61)
        assert first.get("/me").status_code == 200


def test_the_default_rate_limit_is_26000_an_hour(control: Control) -> None:
    settings = control("GET", "/settings").json()
    assert settings["rateLimit"] == 26000
    assert settings["rateWindowSeconds"] == 3600


def test_token_grants_and_login_attempts_are_counted(plutora: Api, control: Control) -> None:
    plutora.login()
    plutora.login(password="wrong")
    plutora.login(client_secret="wrong")
    counters = control.counters()
    assert counters["tokenGrants"] == {"sim-plutora-client": 1}
    assert counters["loginAttempts"] == {"plutora:qa.lead@example.com": 2}
    assert counters["tokenDenials"] == {"sim-plutora-client": 2}

"""Tokens, retries, 429s, dropped connections and lost answers, against the simulator."""

from __future__ import annotations

import logging
import os
import stat
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary.core import (
    AccountLocked,
    InvalidClient,
    LoginRejected,
    OutcomeUnknown,
    PlutoraClient,
    PlutoraConfig,
    PlutoraTestClient,
    Product,
    RateLimited,
    ServerError,
    TransportError,
    where,
)
from PlutoraLibrary.core.transport import Transport, retry_after
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for


def _copyable(client: PlutoraClient) -> dict[str, Any]:
    return client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]


def _grants(sim: PlutoraSimulator) -> int:
    return int(sim.counters()["tokenGrantsTotal"])


def test_a_token_that_expires_mid_run_is_renewed(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    assert client.current_user()
    sim.advance_clock(12001)  # the server's clock: the client still believes its token valid
    assert client.current_user() == "qa.lead@example.com"
    assert _grants(sim) == 2
    assert sim.counters()["requests"]["GET /plutora/api/me"] == {"200": 2, "401": 1}


def test_a_401_on_a_valid_looking_token_is_replayed_once(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    client.current_user()
    sim.expire_tokens()
    assert len(client.releases()) == 260
    assert _grants(sim) == 2


def test_a_token_is_renewed_shortly_before_it_expires(sim: PlutoraSimulator) -> None:
    sim.update_settings(tokenLifetimePlutora=100)  # less than the 120 s refresh margin
    now = [1_000_000.0]
    with PlutoraClient(config_for(sim)) as client:
        client.transport.tokens.clock = lambda: now[0]
        client.current_user()
        now[0] += 40  # 60 s left: more than half the lifetime, so no renewal yet
        client.current_user()
        assert _grants(sim) == 1
        now[0] += 15  # 45 s left: less than half the lifetime (the capped margin)
        client.current_user()
    assert _grants(sim) == 2  # renewed before use, never a 401
    assert "401" not in sim.counters()["requests"]["GET /plutora/api/me"]


def test_a_token_shorter_lived_than_the_margin_is_not_renewed_on_every_call(
    sim: PlutoraSimulator,
) -> None:
    # Defect: a 60 s token and the 120 s margin made every call log in again (10 calls, 10).
    sim.update_settings(tokenLifetimePlutora=60)
    with PlutoraClient(config_for(sim)) as client:
        for _ in range(10):
            client.current_user()
    assert _grants(sim) == 1


def test_one_renewal_at_a_time_however_many_threads_ask(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    barrier = threading.Barrier(8)

    def call(_: int) -> str:
        barrier.wait()
        return client.current_user()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(call, range(8))) == {"qa.lead@example.com"}
    assert _grants(sim) == 1


def test_429_waits_for_retry_after_whatever_the_method(
    sim: PlutoraSimulator, control: Control
) -> None:
    config = config_for(sim)
    slept: list[float] = []
    with PlutoraClient(
        config, transport=Transport(config, Product.PLUTORA, sleep=slept.append)
    ) as client:
        client.current_user()
        control.fault(path="/releases$", kind="rate_limit", retryAfter=2, count=2, method="POST")
        copy = client.copy_release(_copyable(client)["id"], name="after 429", identifier="R429")
    assert slept == [2.0, 2.0]
    assert copy["identifier"] == "R429"
    assert len(client.releases(where("identifier").equals("R429"))) == 1


def test_a_retry_after_longer_than_allowed_raises_rate_limited(
    sim: PlutoraSimulator, control: Control
) -> None:
    config = config_for(sim, max_retry_wait=5)
    with PlutoraClient(
        config, transport=Transport(config, Product.PLUTORA, sleep=lambda s: None)
    ) as client:
        client.current_user()
        control.fault(path="/me", kind="rate_limit", retryAfter=3600)
        with pytest.raises(RateLimited) as caught:
            client.current_user()
    assert caught.value.retry_after == 3600
    assert "wait 3600 s" in str(caught.value)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_reads_are_retried_on_502_503_504(
    client: PlutoraClient, control: Control, status: int
) -> None:
    client.current_user()
    control.fault(path="/releases$", kind="status", status=status, count=2)
    assert len(client.releases()) == 260


def test_reads_give_up_after_the_retries_with_the_servers_words(
    sim: PlutoraSimulator, control: Control
) -> None:
    with PlutoraClient(config_for(sim, retries=1)) as client:
        client.current_user()
        control.fault(
            path="/releases$",
            kind="status",
            status=503,
            count=5,
            body="<html><title>Down</title>Maintenance</html>",
        )
        with pytest.raises(ServerError) as caught:
            client.releases()
    assert "GET /plutora/api/releases answered 503: not JSON (text/html" in str(caught.value)
    assert "Maintenance" in str(caught.value)


def test_reads_are_retried_on_dropped_connections(client: PlutoraClient, control: Control) -> None:
    client.current_user()
    control.fault(path="/releases$", kind="drop", count=2)
    assert len(client.releases()) == 260


def test_a_post_is_not_resent_after_a_503(
    client: PlutoraClient, control: Control, sim: PlutoraSimulator
) -> None:
    source = _copyable(client)
    control.fault(path="/changes/filter", kind="status", status=503, method="POST")
    with pytest.raises(ServerError):
        client.search_changes()
    assert control.counters()["faultsApplied"] == 1
    assert (
        client.copy_release(source["id"], name="fine", identifier="AFTER-503")["identifier"]
        == "AFTER-503"
    )


def test_a_read_timeout_on_the_copy_post_leaves_exactly_one_copy(
    sim: PlutoraSimulator, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    with PlutoraClient(config_for(sim, read_timeout=0.5)) as client:
        source = _copyable(client)
        control.fault(path="/releases$", kind="delay", seconds=1.5, stage="after", method="POST")
        with caplog.at_level(logging.INFO, logger="PlutoraLibrary"):
            copy = client.copy_release(source["id"], name="slow", identifier="SLOW-COPY")
        assert copy["identifier"] == "SLOW-COPY"
        assert len(client.releases(where("identifier").equals("SLOW-COPY"))) == 1
    assert sim.counters()["requests"]["POST /plutora/api/releases"] == {"201": 1}
    assert "the copy 'SLOW-COPY' exists" in caplog.text


def test_a_connection_dropped_after_the_copy_post_leaves_exactly_one_copy(
    client: PlutoraClient, control: Control
) -> None:
    source = _copyable(client)
    control.fault(path="/releases$", kind="drop", stage="after", method="POST")
    assert (
        client.copy_release(source["id"], name="dropped", identifier="DROP-COPY")["identifier"]
        == "DROP-COPY"
    )
    assert len(client.releases(where("identifier").equals("DROP-COPY"))) == 1


def test_a_lost_post_that_was_never_applied_is_reported_not_resent(
    client: PlutoraClient, control: Control, sim: PlutoraSimulator
) -> None:
    source = _copyable(client)
    control.fault(path="/releases$", kind="drop", stage="before", method="POST")
    with pytest.raises(
        OutcomeUnknown,
        match=r"no release with identifier 'NEVER-1' exists yet\. Nothing was sent twice",
    ):
        client.copy_release(source["id"], name="never", identifier="NEVER-1")
    assert "POST /plutora/api/releases" not in sim.counters()["requests"]


def test_a_lost_patch_answer_is_checked_by_reading_back(
    test_client: PlutoraTestClient, control: Control
) -> None:
    defect = test_client.search_defects().items[0]
    control.fault(path="/defects/", kind="drop", stage="after", method="PATCH")
    assert (
        test_client.patch_defect(defect["Id"], {"Name": "Applied anyway"})["Name"]
        == "Applied anyway"
    )
    other = test_client.search_defects().items[1]
    control.fault(path="/defects/", kind="drop", stage="before", method="PATCH")
    with pytest.raises(OutcomeUnknown):
        test_client.patch_defect(other["Id"], {"Name": "Never applied"})
    assert test_client.defect(other["Id"])["Name"] == other["Name"]


def test_no_answer_at_all_is_a_transport_error(sim: PlutoraSimulator) -> None:
    config = config_for(sim, connect_timeout=0.5, retries=0)
    sim.stop()
    with (
        PlutoraClient(config) as client,
        pytest.raises(TransportError, match=r"got no answer|with no answer"),
    ):
        client.current_user()


def test_a_refused_connection_and_an_unknown_host_say_so_and_name_the_host(
    sim: PlutoraSimulator,
) -> None:
    from dataclasses import replace

    config = config_for(sim, retries=0)
    cases = {
        "http://127.0.0.1:1/plutora/api": "The connection to 127.0.0.1:1 was refused",
        "http://no-such-host.invalid/plutora/api": (
            "The host name in no-such-host.invalid was not found (DNS)"
        ),
    }
    for api_url, said in cases.items():
        wrong = replace(config, plutora=replace(config.plutora, api_url=api_url))
        with PlutoraClient(wrong) as client, pytest.raises(TransportError) as raised:
            client.current_user()
        message = str(raised.value)
        assert "could not connect" in message
        assert said in message
        assert "timed out" not in message  # urllib3 files both under ConnectTimeoutError
    refused = replace(config, plutora=replace(config.plutora, token_url="http://127.0.0.1:1/t"))
    with PlutoraClient(refused) as client, pytest.raises(TransportError) as raised:
        client.current_user()
    assert "The connection to 127.0.0.1:1 was refused" in str(raised.value)


# -- logins: never retried, never locking ---------------------------------------------------------


def test_a_wrong_password_is_never_retried_and_never_locks(sim: PlutoraSimulator) -> None:
    with PlutoraClient(config_for(sim, password="wrong-password")) as client:
        for _ in range(10):
            with pytest.raises(LoginRejected, match="Login failed, you have 5 attempts to login"):
                client.current_user()
    assert sim.counters()["loginAttempts"] == {"plutora:qa.lead@example.com": 1}
    assert not sim.state.is_locked("qa.lead@example.com", "plutora")


def test_a_wrong_client_secret_is_invalid_client(sim: PlutoraSimulator) -> None:
    with (
        PlutoraClient(config_for(sim, client_secret="not-it")) as client,
        pytest.raises(InvalidClient) as caught,
    ):
        client.current_user()
    assert "The client_id or client_secret is incorrect." in str(caught.value)
    assert "separate keys" in str(caught.value)


def test_a_locked_account_is_its_own_error(sim: PlutoraSimulator) -> None:
    sim.add_user("locked@example.com", "right", "plutora-test")
    for n in range(5):
        with (
            PlutoraTestClient(
                config_for(sim, test_username="locked@example.com", test_password=f"bad-{n}")
            ) as bad,
            pytest.raises(LoginRejected),
        ):
            bad.current_user()
    with (
        PlutoraTestClient(
            config_for(sim, test_username="locked@example.com", test_password="right")
        ) as client,
        pytest.raises(AccountLocked, match="administrator must unlock"),
    ):
        client.current_user()


# -- sharing across processes ------------------------------------------------------------------------


def _one_process(job: tuple[dict[str, Any], int]) -> str:
    options, _ = job
    config = PlutoraConfig.from_env({}, **options)
    with PlutoraClient(config) as client:
        return client.current_user()


def _options(sim: PlutoraSimulator, folder: Path) -> dict[str, Any]:
    urls = sim.urls
    return {
        "client_id": "sim-plutora-client",
        "client_secret": "sim-plutora-secret",
        "username": "qa.lead@example.com",
        "password": "Sim-Password-1",
        "auth_url": urls.plutora_token_url,
        "api_url": urls.plutora_api_url,
        "token_cache_dir": str(folder),
    }


def test_processes_of_a_run_share_one_token(sim: PlutoraSimulator, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    with ProcessPoolExecutor(max_workers=4) as pool:
        users = list(pool.map(_one_process, [(_options(sim, folder), n) for n in range(8)]))
    assert users == ["qa.lead@example.com"] * 8
    assert _grants(sim) == 1
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    token_files = list(folder.glob("token-*.sealed"))
    assert len(token_files) == 1
    assert stat.S_IMODE(os.stat(token_files[0]).st_mode) == 0o600
    content = token_files[0].read_text()
    for secret in ("Sim-Password-1", "sim-plutora-secret", *sim.issued_tokens()):
        assert secret not in content  # the token itself is sealed too


def test_a_shared_token_file_opens_only_with_the_same_credentials(
    sim: PlutoraSimulator, tmp_path: Path
) -> None:
    from PlutoraLibrary.core import PlutoraClient, PlutoraConfig

    folder = tmp_path / "run"
    options = _options(sim, folder)
    with PlutoraClient(PlutoraConfig.from_env({}, **options)) as first:
        first.current_user()
    sim.add_user("qa.lead@example.com", "Another-Password-2", product="plutora")
    other = {**options, "password": "Another-Password-2"}
    with PlutoraClient(PlutoraConfig.from_env({}, **other)) as second:
        second.current_user()  # cannot open the first one's file: logs in, replaces it
    assert _grants(sim) == 2
    with PlutoraClient(PlutoraConfig.from_env({}, **other)) as third:
        third.current_user()  # opens the replaced file
    assert _grants(sim) == 2


def test_the_shared_rate_limit_keeps_429s_from_the_tests(
    sim: PlutoraSimulator, tmp_path: Path
) -> None:
    sim.update_settings(rateLimit=6, rateWindowSeconds=2)
    options = {**_options(sim, tmp_path / "limited"), "rate_limit": 6, "rate_window_seconds": 2}
    with ProcessPoolExecutor(max_workers=2) as pool:
        users = list(pool.map(_one_process, [(options, n) for n in range(10)]))
    assert len(users) == 10
    assert sim.counters()["rateLimited"] == {}


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("7") == 7.0
    assert retry_after(None) is None
    assert retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_a_token_server_outside_the_whitelist_is_access_denied(
    sim: PlutoraSimulator, control: Control
) -> None:
    from PlutoraLibrary.core import AccessDenied

    control.settings(ipWhitelist=["10.0.0.0/8"])
    with PlutoraClient(config_for(sim)) as client, pytest.raises(AccessDenied, match="whitelist"):
        client.current_user()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("", "an empty body"),
        ("<html><title>Sign in to the proxy</title></html>", "not JSON (text/html"),
    ],
)
def test_a_page_instead_of_json_is_named_as_such(
    client: PlutoraClient, control: Control, body: str, said: str
) -> None:
    from PlutoraLibrary.core import UnexpectedResponse

    client.current_user()
    control.fault(path="/me$", kind="status", status=200, body=body)
    with pytest.raises(UnexpectedResponse) as caught:
        client.current_user()
    assert said in str(caught.value)
    assert "a proxy, firewall or wrong URL" in str(caught.value)

"""Clear errors over real HTTP (issue 11, items 5, 9-11, 14): the simulator on loopback
answers, drops or delays; the library's message must say what happened and what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from PlutoraLibrary.core import (
    ConfigurationError,
    OutcomeUnknown,
    PlutoraClient,
    PlutoraConfig,
    RateLimited,
    TransportError,
    where,
)
from PlutoraLibrary.core.errors import NotFound, ServerError
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import PLUTORA_KEY, USER, Control

PLUTORA = [sys.executable, "-m", "PlutoraLibrary.cli"]


def _env(sim: PlutoraSimulator, **changes: str) -> dict[str, str]:
    urls = sim.urls
    return {
        "PLUTORA_AUTH_URL": urls.plutora_token_url,
        "PLUTORA_API_URL": urls.plutora_api_url,
        "PLUTORA_CLIENT_ID": PLUTORA_KEY["client_id"],
        "PLUTORA_CLIENT_SECRET": PLUTORA_KEY["client_secret"],
        "PLUTORA_USERNAME": USER["username"],
        "PLUTORA_PASSWORD": USER["password"],
        "PLUTORA_RATE_LIMIT": "0",
        **changes,
    }


def _client(sim: PlutoraSimulator, **changes: str) -> PlutoraClient:
    return PlutoraClient(PlutoraConfig.from_env(_env(sim, **changes)))


def _copyable(client: PlutoraClient) -> dict[str, object]:
    # List items carry no status; the filter picks a release whose copy the server accepts.
    return client.releases(
        where("plutoraReleaseType").is_within(["Integrated", "Independent"])
        & where("releaseStatusType").equals("Draft")
    )[0]


# -- item 5 and 11: 429 ----------------------------------------------------------------------


def test_after_five_honoured_429_waits_the_error_says_so_and_its_body_is_masked(
    sim: PlutoraSimulator, control: Control
) -> None:
    with _client(sim) as client:
        client.current_user()  # logged in: the secret is known to the masking
        control.fault(path="/me$", kind="rate_limit", retryAfter=0, count=6)
        with pytest.raises(RateLimited) as caught:
            client.current_user()
    text = str(caught.value)
    assert "waited 5 times as asked (0 s in all)" in text
    assert "at most 5 waits per call" in text
    assert "longer than allowed" not in text
    assert caught.value.waits == 5


def test_the_body_of_a_rate_limited_answer_is_masked(
    sim: PlutoraSimulator, control: Control
) -> None:
    echo = {"message": "Slow down", "client_secret": "x-1", "echo": PLUTORA_KEY["client_secret"]}
    with _client(sim) as client:
        client.current_user()
        control.fault(path="/me$", kind="status", status=429, body=echo)
        with pytest.raises(RateLimited) as caught:
            client.current_user()
    body = caught.value.body
    assert body["client_secret"] == "***"
    assert PLUTORA_KEY["client_secret"] not in str(body)
    assert "the answer gave no usable Retry-After" in str(caught.value)


# -- item 11: timeouts, TLS, wrong URLs, ids ------------------------------------------------


def test_a_get_read_timeout_says_it_timed_out_and_names_read_timeout(
    sim: PlutoraSimulator, control: Control
) -> None:
    with _client(sim, PLUTORA_READ_TIMEOUT="0.3", PLUTORA_RETRIES="0") as client:
        client.current_user()
        control.fault(path="/me$", kind="delay", seconds=2, count=5)
        with pytest.raises(TransportError) as caught:
            client.current_user()
    text = str(caught.value)
    assert "timed out waiting for the answer (read_timeout of 0.3 s)" in text
    assert "ConnectionError" not in text


def test_https_to_a_plain_http_port_says_the_url_is_probably_http(sim: PlutoraSimulator) -> None:
    urls = sim.urls
    https = {
        "PLUTORA_API_URL": urls.plutora_api_url.replace("http://", "https://"),
        "PLUTORA_RETRIES": "0",
    }
    with _client(sim, **https) as client:
        client.transport.tokens.token()  # the token URL is right: only the API's is https
        with pytest.raises(TransportError, match="the URL is probably http, not https"):
            client.current_user()
    token_https = {"PLUTORA_AUTH_URL": urls.plutora_token_url.replace("http://", "https://")}
    with _client(sim, **token_https) as client, pytest.raises(TransportError) as caught:
        client.current_user()
    assert "the URL is probably http, not https" in str(caught.value)
    assert "token server" in str(caught.value)


@pytest.mark.parametrize("call", ["current_user", "releases"])
def test_a_404_on_a_path_every_site_has_blames_the_api_url(
    sim: PlutoraSimulator, call: str
) -> None:
    wrong = sim.urls.plutora_api_url + "/v2"
    with _client(sim, PLUTORA_API_URL=wrong) as client, pytest.raises(NotFound) as caught:
        getattr(client, call)()
    text = str(caught.value)
    assert "Check the id" not in text
    assert "exists on every site, so the API URL" in text
    assert "PLUTORA_API_URL" in text


def test_a_missing_record_still_advises_checking_the_id(sim: PlutoraSimulator) -> None:
    with _client(sim) as client, pytest.raises(NotFound, match="Check the id"):
        client.release("00000000-0000-0000-0000-000000000000")


@pytest.mark.parametrize(
    "bad", [None, "None", "", "x" * 200_000], ids=["None", "text None", "empty", "200k"]
)
def test_an_id_that_cannot_be_one_is_refused_and_nothing_is_sent(
    sim: PlutoraSimulator, control: Control, bad: str | None
) -> None:
    with _client(sim) as client:
        client.current_user()
        control("POST", "/counters/reset")
        with pytest.raises(ValueError, match="nothing was sent") as caught:
            client.release(bad)  # type: ignore[arg-type]
    assert "Correct the fields" not in str(caught.value)
    requests_seen = control.counters()["requests"]
    assert not any("releases" in route for route in requests_seen), requests_seen


# -- item 9: copy recovery -------------------------------------------------------------------


def test_a_lost_copy_with_a_backtick_in_its_identifier_is_recovered(
    sim: PlutoraSimulator, control: Control
) -> None:
    with _client(sim) as client:
        source = _copyable(client)
        control.fault(path="/releases$", method="POST", kind="drop", stage="after")
        copy = client.copy_release(str(source["id"]), name="Tick copy", identifier="R`TICK-1")
    assert copy["identifier"] == "R`TICK-1"
    posts = control.counters()["requests"]["POST /plutora/api/releases"]
    assert sum(posts.values()) == 1, posts  # sent once (its answer dropped), never again


def test_when_the_recovery_lookup_fails_the_outcome_stays_unknown(
    sim: PlutoraSimulator, control: Control
) -> None:
    with _client(sim) as client:
        source = _copyable(client)
        control.fault(path="/releases$", method="POST", kind="drop", stage="after")
        control.fault(path="/releases/filter$", method="POST", kind="status", status=500)
        with pytest.raises(OutcomeUnknown) as caught:
            client.copy_release(str(source["id"]), name="Lost copy", identifier="R-LOST-1")
    text = str(caught.value)
    assert "the answer was lost, so the outcome is unknown" in text
    assert "Looking it up by identifier failed too" in text
    assert isinstance(caught.value.__cause__, ServerError)


# -- item 10: settings that cannot work ------------------------------------------------------


def test_a_token_folder_that_cannot_be_created_is_a_configuration_error(
    sim: PlutoraSimulator,
) -> None:
    # /proc/x passes the checks before use for root and fails in use; for others, before.
    with pytest.raises(ConfigurationError) as caught:
        _client(sim, PLUTORA_TOKEN_CACHE_DIR="/proc/plutora-tokens").current_user()
    (problem,) = caught.value.problems
    assert problem.startswith("token_cache_dir (PLUTORA_TOKEN_CACHE_DIR) '/proc/plutora-tokens'")
    assert "Give a folder this user can write" in problem or "give a folder" in problem


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    return subprocess.run(
        [*PLUTORA, *command],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("PLUTORA_READ_TIMEOUT", "nan", "read_timeout (PLUTORA_READ_TIMEOUT) must be a finite"),
        ("PLUTORA_RATE_WINDOW", "inf", "rate_window_seconds (PLUTORA_RATE_WINDOW) must be a fin"),
        ("PLUTORA_VERIFY_TLS", "/missing/ca.pem", "names a CA bundle '/missing/ca.pem' that does"),
        ("PLUTORA_TOKEN_CACHE_DIR", __file__, "(PLUTORA_TOKEN_CACHE_DIR) " + repr(__file__)),
        (
            "PLUTORA_TOKEN_CACHE_DIR",
            "/proc/plutora-x",
            "(PLUTORA_TOKEN_CACHE_DIR) '/proc/plutora-x'",
        ),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["token"]])
def test_the_cli_names_a_bad_setting_in_one_line_and_exits_2(
    sim: PlutoraSimulator, command: list[str], setting: str, value: str, expected: str
) -> None:
    if command == ["token"] and value == "/proc/plutora-x" and os.geteuid() == 0:
        pytest.skip("plutora token shares no folder: a folder failing only in use is not used")
    result = _run(command, _env(sim, **{setting: value}))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert [line for line in result.stderr.splitlines() if expected in line]
    assert result.stdout == ""


def test_check_without_validation_reports_an_answer_of_the_wrong_shape(
    sim: PlutoraSimulator, control: Control
) -> None:
    control.fault(path="/releases$", method="GET", kind="status", status=200, body={"items": []})
    control.fault(path="/defects/search$", kind="status", status=200, body={"Data": {}}, count=1)
    env = _env(sim)
    env.update(
        {
            "PLUTORA_TEST_AUTH_URL": sim.urls.plutora_test_token_url,
            "PLUTORA_TEST_API_URL": sim.urls.plutora_test_api_url,
            "PLUTORA_TEST_CLIENT_ID": "sim-plutora-test-client",
            "PLUTORA_TEST_CLIENT_SECRET": "sim-plutora-test-secret",
            "PLUTORA_TEST_USERNAME": USER["username"],
            "PLUTORA_TEST_PASSWORD": USER["password"],
        }
    )
    result = _run(["check", "--no-validate"], env)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "KeyError" not in result.stdout
    releases = next(line for line in result.stdout.splitlines() if "releases (page of 5)" in line)
    assert "FAIL" in releases
    assert "$.resultSet" in releases
    defects = next(line for line in result.stdout.splitlines() if "defects (search, 5)" in line)
    assert "FAIL" in defects
    assert "$.Data.ResultSet" in defects


# -- item 11 and 14 through Robot ------------------------------------------------------------


def _robot(tmp_path: Path, sim: PlutoraSimulator, suite: str) -> ElementTree.Element:
    (tmp_path / "suite.robot").write_text(suite, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(_env(sim))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    subprocess.run(
        [sys.executable, "-m", "robot", "--outputdir", str(tmp_path), "--loglevel", "TRACE",
         "--console", "none", str(tmp_path / "suite.robot")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return ElementTree.parse(tmp_path / "output.xml").getroot()  # noqa: S314 (our own file)


def test_get_release_with_none_fails_before_sending(
    tmp_path: Path, sim: PlutoraSimulator, control: Control
) -> None:
    root = _robot(
        tmp_path,
        sim,
        "*** Settings ***\nLibrary    PlutoraLibrary\n\n*** Test Cases ***\nNone Id\n"
        "    Get Current User\n    Get Release    ${None}\n",
    )
    status = root.find(".//test/status")
    assert status is not None
    assert status.get("status") == "FAIL"
    assert "No id was given (None), so nothing was sent" in (status.text or "")
    routes = control.counters()["requests"]
    assert not any("/releases/" in route for route in routes), routes


def test_a_literal_secret_is_accepted_with_one_warning_per_argument(
    tmp_path: Path, sim: PlutoraSimulator
) -> None:
    suite = (
        "*** Settings ***\n"
        f"Library    PlutoraLibrary    password={USER['password']}\n\n"
        "*** Variables ***\n"
        "${PASSWORD: Secret}    %{PLUTORA_PASSWORD}\n\n"
        "*** Test Cases ***\n"
        "Literal\n"
        f"    Use Plutora User    {USER['username']}    {USER['password']}\n"
        f"    Use Plutora User    {USER['username']}    {USER['password']}\n"
        f"    Get Token    password={USER['password']}\n"
        "    Get Current User\n"
        "Secret\n"
        f"    Use Plutora User    {USER['username']}    ${{PASSWORD}}\n"
        "    Get Token    password=${PASSWORD}\n"
    )
    root = _robot(tmp_path, sim, suite)
    for test in root.iter("test"):
        status = test.find("status")
        assert status is not None
        assert status.get("status") == "PASS", (test.get("name"), status.text)
    warnings = [m.text or "" for m in root.iter("msg") if m.get("level") == "WARN"]
    warnings = list(dict.fromkeys(warnings))  # Robot repeats a warning under <errors>
    assert len(warnings) == 3, warnings
    assert any("password argument of the PlutoraLibrary import" in w for w in warnings)
    assert any("password argument of Use Plutora User" in w for w in warnings)
    assert any("password argument of Get Token" in w for w in warnings)
    for warning in warnings:
        assert "${PASSWORD: Secret}    %{PLUTORA_PASSWORD}" in warning
        assert USER["password"] not in warning


def test_the_pytest_option_read_timeout_nan_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "test_uses_config.py").write_text(
        "def test_config(plutora_config):\n    pass\n", encoding="utf-8"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    clean["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout's plugin
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--plutora-read-timeout", "nan", "test_uses_config.py"],
        cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "read_timeout (--plutora-read-timeout) must be a finite number, not 'nan'" in output

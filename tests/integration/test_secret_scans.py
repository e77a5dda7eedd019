"""Secret scans of every artifact, on the paths that leaked:

- a token server whose ``error_description`` echoes the client secret and the password
  (its words reached output.xml, log.html, report.html, Allure results, the console and
  ``plutora check``: 14 hits in 10 files);
- ``pytest -l --tb=long`` on a failed login (the login form sat in locals of the login code
  and of requests/urllib3 frames below it);
- pytest's assertion diffs of credentials and tokens (``client_secret: 'x' != 'y'``,
  ``where 40 = len('<the token>')``).

Each scan looks for the distinctive secrets, their URL-encoded forms and every token the
simulator issued: 0 hits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import requests

from tests.conftest import running_plutora_sim

pytestmark = pytest.mark.slow

CLIENT = "scan-client"
SECRET = "Scan-Secret-4b1e-x&y"
USER = "scan.user@example.com"
PASSWORD = "Scan-Password-93d0 z"
SETTINGS = f"""
[[api_keys]]
client_id = "{CLIENT}"
client_secret = "{SECRET}"
product = "plutora"

[[users]]
username = "{USER}"
password = "{PASSWORD}"
product = "plutora"
"""
ECHO = {
    "error": "invalid_grant",
    "error_description": (
        f"The client_secret {SECRET} (form: {quote_plus(SECRET)}) or the password {PASSWORD} "
        f"(form: {quote_plus(PASSWORD)}) is incorrect.."
    ),
}


def _echoing(urls: dict[str, str]) -> None:
    """Make the Plutora token server refuse every login, echoing the secrets."""
    answer = requests.post(
        urls["control_url"] + "/faults",
        json={"path": "/plutora/oauth/token", "kind": "status", "status": 400, "body": ECHO,
              "count": 1000},
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text


def _environment(urls: dict[str, str], tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(
        PLUTORA_AUTH_URL=urls["plutora_token_url"],
        PLUTORA_API_URL=urls["plutora_api_url"],
        PLUTORA_CLIENT_ID=CLIENT,
        PLUTORA_CLIENT_SECRET=SECRET,
        PLUTORA_USERNAME=USER,
        PLUTORA_PASSWORD=PASSWORD,
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def _needles(urls: dict[str, str]) -> list[str]:
    issued = requests.get(urls["control_url"] + "/tokens/issued", timeout=10).json()
    return [SECRET, PASSWORD, quote_plus(SECRET), quote_plus(PASSWORD), *issued]


def _hits(texts: dict[str, str], needles: list[str]) -> list[str]:
    return [
        f"{name}: {needle!r}"
        for name, text in texts.items()
        for needle in needles
        if needle in text
    ]


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path): path.read_text(encoding="utf-8", errors="replace")
        for path in folder.rglob("*")
        if path.is_file()
    }


ROBOT_SUITE = """*** Settings ***
Library    PlutoraLibrary


*** Test Cases ***
Refused And Expected
    ${message}    Run Keyword And Expect Error    InvalidClient: *    Get Current User
    Log    ${message}    level=WARN

Refused And Failing
    Get Current User
"""


def test_a_token_server_echoing_secrets_leaks_into_no_robot_artifact(tmp_path: Path) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        _echoing(urls)
        (tmp_path / "suite.robot").write_text(ROBOT_SUITE, encoding="utf-8")
        out = tmp_path / "out"
        result = subprocess.run(
            [
                sys.executable, "-m", "robot", "--outputdir", str(out), "--loglevel", "TRACE",
                "--xunit", "xunit.xml", "--listener", f"allure_robotframework:{out / 'allure'}",
                str(tmp_path / "suite.robot"),
            ],
            env=_environment(urls, tmp_path), capture_output=True, text=True, timeout=300,
            check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout  # the second test fails, as it should
        texts = _files(out) | {"stdout": result.stdout, "stderr": result.stderr}
        assert any("allure" in name for name in texts)
        assert "is incorrect" in texts[str(out / "output.xml")]  # the server's words are there
        assert _hits(texts, _needles(urls)) == []


def test_plutora_check_shows_no_echoed_secret(tmp_path: Path) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        _echoing(urls)
        result = subprocess.run(
            [sys.executable, "-m", "PlutoraLibrary.cli", "check"],
            env=_environment(urls, tmp_path), capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout + result.stderr
        assert "is incorrect" in result.stdout
        hits = _hits({"stdout": result.stdout, "stderr": result.stderr}, _needles(urls))
        assert hits == []


def test_recordings_hold_no_secret_echoed_or_issued(tmp_path: Path) -> None:
    """``plutora record`` while the token server echoes the secrets (refused), then while it
    logs in and an API answer echoes them (status 500, a body with the secret and the
    password in text, under secret keys, and URL-encoded): every recording, 0 hits."""
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        _echoing(urls)
        refused = tmp_path / "refused.ndjson"
        result = subprocess.run(
            [sys.executable, "-m", "PlutoraLibrary.cli", "record", str(refused)],
            env=_environment(urls, tmp_path), capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout + result.stderr
        assert "is incorrect" in refused.read_text(encoding="utf-8")  # the server's words
        requests.delete(urls["control_url"] + "/faults", timeout=10)
        answer = requests.post(
            urls["control_url"] + "/faults",
            json={"path": "/plutora/api/releases$", "kind": "status", "status": 500,
                  "body": {**ECHO, "password": PASSWORD, "token": SECRET}, "count": 1},
            timeout=10,
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        echoed = tmp_path / "echoed.ndjson"
        second = subprocess.run(
            [sys.executable, "-m", "PlutoraLibrary.cli", "record", str(echoed), "--pseudonymise"],
            env=_environment(urls, tmp_path), capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        texts = {str(p): p.read_text(encoding="utf-8") for p in (refused, echoed)}
        texts |= {"stdout": result.stdout + second.stdout, "stderr": result.stderr + second.stderr}
        assert '"status":500' in texts[str(echoed)], second.stdout + second.stderr
        assert _hits(texts, _needles(urls)) == []
        assert USER not in texts[str(echoed)]  # pseudonymised


FAILED_LOGINS = """
import pytest
from PlutoraLibrary.core import InvalidClient, PlutoraClient


def test_fails_on_login(plutora):
    plutora.current_user()


def test_reads_the_error(plutora_config):
    with PlutoraClient(plutora_config) as client:
        with pytest.raises(InvalidClient) as caught:
            client.current_user()
    error = caught.value
    assert (error.error, error.description, error.note) == ("x", "y", "z")
"""

ASSERTION_DIFFS = """
from PlutoraLibrary.core import Credentials


def test_credentials_differ(plutora_config):
    mine = plutora_config.plutora.credentials
    assert mine == Credentials(mine.client_id, "Another-Secret", mine.username, "Another-Pw")


def test_token_length(plutora_token):
    assert len(plutora_token.value) < 10


def test_token_text(plutora_token):
    assert plutora_token.value == "not-the-token"


def test_secret_text(plutora_config):
    assert plutora_config.plutora.credentials.password.startswith("Zzz")
"""


@pytest.mark.parametrize(
    ("module", "echo", "failed", "trace"),
    [
        (FAILED_LOGINS, True, 2, "--tb=long"),
        # Every frame, the library's own too (hidden otherwise): none holds a secret.
        (FAILED_LOGINS, True, 2, "--fulltrace"),
        (ASSERTION_DIFFS, False, 4, "--tb=long"),
    ],
    ids=["failed-logins", "failed-logins-fulltrace", "assertion-diffs"],
)
def test_pytest_long_tracebacks_with_locals_show_no_secret(
    tmp_path: Path, module: str, echo: bool, failed: int, trace: str
) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        if echo:
            _echoing(urls)
        tests = tmp_path / "their_tests"
        tests.mkdir()
        (tests / "test_it.py").write_text(module, encoding="utf-8")
        junit = tmp_path / "junit.xml"
        result = subprocess.run(
            [
                sys.executable, "-m", "pytest", "-l", trace, "-vv", "--log-level=DEBUG",
                "-p", "no:cacheprovider", f"--junitxml={junit}",
                f"--alluredir={tmp_path / 'allure'}", str(tests),
            ],
            env=_environment(urls, tmp_path), cwd=tmp_path, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert f"{failed} failed" in result.stdout, result.stdout[-3000:]
        texts = {"stdout": result.stdout, "stderr": result.stderr, "junit": junit.read_text()}
        texts |= _files(tmp_path / "allure") | _files(tmp_path / "tmp")
        assert "test_it.py" in result.stdout
        assert _hits(texts, _needles(urls)) == []


# -- Plutora Test beyond defects (issue 19) ----------------------------------------------------

TEST_CLIENT = "scan-test-client"
TEST_SECRET = "Scan-Test-Secret-7c2a-p&q"
TEST_PASSWORD = "Scan-Test-Password-51e9 w"
TEST_SETTINGS = f"""
[[api_keys]]
client_id = "{TEST_CLIENT}"
client_secret = "{TEST_SECRET}"
product = "plutora-test"

[[users]]
username = "{USER}"
password = "{TEST_PASSWORD}"
product = "plutora-test"
"""
TEST_NEEDLES = [TEST_SECRET, TEST_PASSWORD, quote_plus(TEST_SECRET), quote_plus(TEST_PASSWORD)]
ITEMS_SUITE = """*** Settings ***
Library    PlutoraLibrary    check_links=True    test_ui_url=https://ui.example/test

*** Test Cases ***
Items Are Searched, Read And Bulk-Updated
    [Tags]    tms:TC-0012    issue:DEF-0042    requirement:REQ-0003
    Search Requirements    Status    IsWithin    Testing,Review
    Search Test Cases    Type    Equals    Automated    execution_summary=True
    Search Test Plans
    Search Category Settings
    Get Requirement    REQ-0003
    Get Test Case    TC-0012
    Get Test Plan    TP-003
    Bulk Update Defects    Status    Equals    Open    Priority=High    dry_run=True
    Bulk Update Requirements    Status    Equals    Review    Status=Approved    verify=True
    Evaluate    requests.post("%{SIM_CONTROL}/faults", json={"path": "/BulkUpdateSearch", "kind": "drop", "stage": "after", "method": "POST"}, timeout=10)
    Bulk Update Test Cases    Status    Equals    Draft    Priority=Low

A Lost Bulk Update Never Applied Fails
    Evaluate    requests.post("%{SIM_CONTROL}/faults", json={"path": "/BulkUpdateSearch", "kind": "drop", "stage": "before", "method": "POST"}, timeout=10)
    Bulk Update Defects    Status    Equals    New    Priority=Low

An Unknown Item Fails
    [Tags]    tms:TC-9999
    No Operation
"""
ITEMS_PYTEST = """
import os

import pytest
import requests
from PlutoraLibrary.core import SearchFilter


def fault(**fault):
    requests.post(os.environ["SIM_CONTROL"] + "/faults", json=fault, timeout=10)


@pytest.mark.plutora(test_case="TC-0012", defect="DEF-0042")
def test_items(plutora_test):
    plutora_test.search_requirements()
    plutora_test.search_test_cases(execution_summary=True)
    plutora_test.bulk_update_defects([SearchFilter("Status", "Equals", "Open")], {"Priority": "High"}, verify=True)
    fault(path="/BulkUpdateSearch", kind="status", status=502, stage="after", method="POST")
    plutora_test.bulk_update_test_cases([SearchFilter("Status", "Equals", "Ready")], {"Priority": "Low"})
    fault(path="/BulkUpdateSearch", kind="drop", stage="before", method="POST")
    plutora_test.bulk_update_requirements([SearchFilter("Status", "Equals", "Draft")], {"Priority": "Low"})


@pytest.mark.plutora(test_case="TC-9999")
def test_unknown_item():
    pass
"""


def _test_environment(urls: dict[str, str], tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(
        SIM_CONTROL=urls["control_url"],
        PLUTORA_TEST_AUTH_URL=urls["plutora_test_token_url"],
        PLUTORA_TEST_API_URL=urls["plutora_test_api_url"],
        PLUTORA_TEST_CLIENT_ID=TEST_CLIENT,
        PLUTORA_TEST_CLIENT_SECRET=TEST_SECRET,
        PLUTORA_TEST_USERNAME=USER,
        PLUTORA_TEST_PASSWORD=TEST_PASSWORD,
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def test_the_plutora_test_items_and_bulk_updates_leak_into_no_artifact(tmp_path: Path) -> None:
    with running_plutora_sim(tmp_path, TEST_SETTINGS) as urls:
        env = _test_environment(urls, tmp_path)
        (tmp_path / "items.robot").write_text(ITEMS_SUITE, encoding="utf-8")
        out = tmp_path / "out"
        robot = subprocess.run(
            [
                sys.executable, "-m", "robot", "--outputdir", str(out), "--loglevel", "TRACE",
                "--listener", f"allure_robotframework:{out / 'allure'}",
                str(tmp_path / "items.robot"),
            ],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert "3 tests, 1 passed, 2 failed" in robot.stdout, robot.stdout[-3000:]
        assert "BulkUpdateIncomplete" in robot.stdout
        links = subprocess.run(
            [sys.executable, "-m", "PlutoraLibrary.cli", "links", str(out / "output.xml")],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        tests = tmp_path / "their_tests"
        tests.mkdir()
        (tests / "test_items.py").write_text(ITEMS_PYTEST, encoding="utf-8")
        pytest_run = subprocess.run(
            [
                sys.executable, "-m", "pytest", "-l", "--tb=long", "-vv", "--log-level=DEBUG",
                "-p", "no:cacheprovider", "--plutora-check-links",
                f"--alluredir={tmp_path / 'allure'}", str(tests),
            ],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert "1 failed" in pytest_run.stdout, pytest_run.stdout[-3000:]
        assert "1 error" in pytest_run.stdout, pytest_run.stdout[-3000:]
        texts = _files(out) | _files(tmp_path / "allure") | _files(tmp_path / "tmp")
        for name, run in (("robot", robot), ("links", links), ("pytest", pytest_run)):
            texts |= {f"{name} stdout": run.stdout, f"{name} stderr": run.stderr}
        assert _hits(texts, [*TEST_NEEDLES, *_needles(urls)]) == []


BODY_KEY = "Body-Key-5c2e-q&w"
# Secret-looking values sent in queries, JSON and forms, read from the environment: Robot's
# own TRACE lines and assignments show arguments as given (a suite's secrets are Secrets); the
# scan is of what the library logs and reports.
GENERIC_SUITE = """*** Settings ***
Library    PlutoraLibrary


*** Test Cases ***
Generic Calls Of Every Kind
    ${systems}    Call Plutora API    GET    systems    params={'apiKey': '%{BODY_KEY}'}
    ${hosts}    Call Plutora API    GET    hosts
    VAR    ${id}    ${hosts.json}[0][layers][0][id]
    Call Plutora API    PUT    layers/${id}
    ...    json={'componentName': 'x', 'version': '1.2.3', 'password': '%{BODY_KEY}'}
    Call Plutora API    PUT    layers/${id}    data={'client_secret': '%{BODY_KEY}'}
    ...    expected_status=415
    Call Plutora API    POST    releases/filter    json={'searchFilters': [], 'token': '%{BODY_KEY}'}
    Log    ${systems}

A Failing Generic Call
    Call Plutora API    GET    releases/missing    params={'access_token': '%{BODY_KEY}'}
"""
GENERIC_PYTEST = """
import os

def test_generic_call_fails(plutora):
    answer = plutora.call("GET", "systems", params={"apiKey": os.environ["BODY_KEY"]})
    token = plutora.transport.tokens.token()
    assert answer.status == 404, (answer, token)
"""


def test_generic_calls_leak_no_secret_into_robot_or_pytest_artifacts(tmp_path: Path) -> None:
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        (tmp_path / "suite.robot").write_text(GENERIC_SUITE, encoding="utf-8")
        out = tmp_path / "out"
        env = _environment(urls, tmp_path) | {"BODY_KEY": BODY_KEY}
        result = subprocess.run(
            [
                sys.executable, "-m", "robot", "--outputdir", str(out), "--loglevel", "DEBUG",
                "--listener", f"allure_robotframework:{out / 'allure'}",
                str(tmp_path / "suite.robot"),
            ],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout  # the failing call fails, as it should
        assert "2 tests, 1 passed, 1 failed" in result.stdout, result.stdout
        texts = _files(out) | {"stdout": result.stdout, "stderr": result.stderr}
        assert "NotFound" in texts[str(out / "output.xml")]
        assert "apiKey=***" in texts[str(out / "output.xml")]  # the request line, masked
        tests = tmp_path / "their_tests"
        tests.mkdir()
        (tests / "test_it.py").write_text(GENERIC_PYTEST, encoding="utf-8")
        run = subprocess.run(
            [
                sys.executable, "-m", "pytest", "-l", "--tb=long", "-vv", "--log-level=DEBUG",
                "-p", "no:cacheprovider", f"--alluredir={tmp_path / 'allure'}", str(tests),
            ],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert "1 failed" in run.stdout, run.stdout[-3000:]
        texts |= {"pytest stdout": run.stdout, "pytest stderr": run.stderr}
        texts |= _files(tmp_path / "allure")
        assert _hits(texts, [*_needles(urls), BODY_KEY, quote_plus(BODY_KEY)]) == []


HEALTH_SUITE = """*** Settings ***
Library    PlutoraLibrary


*** Test Cases ***
A Health Check Log Holding Secrets
    ${id}    Get Id By Name    environments    UAT1
    ${check}    Post Health Check    ${id}    Issue    scan smoke    log_file=%{SMOKE_LOG}
    Should Be Equal    ${check}[logFileName]    smoke.log
"""


def test_a_health_check_log_holding_secrets_is_masked_in_every_artifact(tmp_path: Path) -> None:
    # The log file (multipart, sent with the call) is in the Robot log and attached to Allure,
    # masked like any body: the configured secrets never appear.
    with running_plutora_sim(tmp_path, SETTINGS) as urls:
        (tmp_path / "suite.robot").write_text(HEALTH_SUITE, encoding="utf-8")
        out = tmp_path / "out"
        log = tmp_path / "smoke.log"  # written by the pipeline, outside Robot's log
        log.write_text(f"GET /health 200\nlogin with {SECRET} and {PASSWORD}\n", encoding="utf-8")
        env = _environment(urls, tmp_path) | {"SMOKE_LOG": str(log)}
        result = subprocess.run(
            [
                sys.executable, "-m", "robot", "--outputdir", str(out), "--loglevel", "TRACE",
                "--listener", f"allure_robotframework:{out / 'allure'}", str(tmp_path / "suite.robot"),
            ],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout
        texts = _files(out) | {"stdout": result.stdout, "stderr": result.stderr}
        attachments = [t for name, t in texts.items() if "allure" in name and "GET /health" in t]
        assert any("login with *** and ***" in text for text in attachments), sorted(texts)
        assert "GET /health 200" in texts[str(out / "output.xml")]
        assert _hits(texts, _needles(urls)) == []


def test_a_redis_password_in_an_import_argument_is_refused_without_robot_echoing_it(
    tmp_path: Path,
) -> None:
    """Failing the import would make Robot print the arguments as given: the library imports,
    says why in an error (the URL masked), and every call to the API fails with it."""
    suite = tmp_path / "redis_url.robot"
    suite.write_text(
        "*** Settings ***\n"
        "Library    PlutoraLibrary    shared_state_url=%{REDIS_URL}\n\n"
        "*** Test Cases ***\n"
        "Uses The Api\n"
        "    Start Plutora Simulator\n"
        "    Get Lookup Fields\n",
        encoding="utf-8",
    )
    env = {**os.environ, "REDIS_URL": "redis://:R3dis-Import-Pw@127.0.0.1:6399/0"}
    result = subprocess.run(
        [sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"),
         "--loglevel", "TRACE", str(suite)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert "carries a password" in result.stdout + result.stderr
    for name in ("output.xml", "log.html", "report.html"):
        assert "R3dis-Import-Pw" not in (tmp_path / "out" / name).read_text(encoding="utf-8")
    assert "R3dis-Import-Pw" not in result.stdout + result.stderr

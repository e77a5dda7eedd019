"""The Robot keyword library: documentation, libdoc, no secret in any Robot or Allure output,
and the acceptance suite in parallel under pabot."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient
from tests.conftest import running_plutora_sim

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "PLUTORA_CLIENT_SECRET": "Zebra-Client-Secret-91f3",
    "PLUTORA_PASSWORD": "Zebra-Password-73c2",
    "PLUTORA_TEST_CLIENT_SECRET": "Zebra-Test-Secret-55ab",
    "PLUTORA_TEST_PASSWORD": "Zebra-Test-Password-19de",
}


def test_every_keyword_and_the_library_are_documented_with_an_example() -> None:
    from robot.libdocpkg import LibraryDocumentation

    library = LibraryDocumentation("PlutoraLibrary")
    assert library.doc.strip()
    assert len(library.keywords) >= 30
    for keyword in library.keywords:
        assert keyword.doc.strip(), f"{keyword.name} has no documentation"
        assert "|" in keyword.doc, f"{keyword.name} has no example table"
        assert keyword.tags, f"{keyword.name} has no libdoc tag"


def test_libdoc_builds_the_html_without_warnings_and_the_published_page_is_current(
    tmp_path: Path,
) -> None:
    output = tmp_path / "PlutoraLibrary.html"
    result = subprocess.run(
        [sys.executable, "docs/libdoc.py", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning
    fresh = output.read_text(encoding="utf-8")
    assert "Search Defects" in fresh
    # The published page is the keywords' as they are (libdoc's generation time aside); the
    # test never rewrites it, so that a run leaves the work tree as it was.
    docs = ROOT / "docs" / "PlutoraLibrary.html"
    stamp = re.compile(r'"generated": *"[^"]*"')
    published = stamp.sub("", docs.read_text(encoding="utf-8")) if docs.exists() else ""
    if published != stamp.sub("", fresh):
        pytest.fail(
            "docs/PlutoraLibrary.html is stale: the keywords' documentation changed. "
            "Regenerate it with `python docs/libdoc.py` and commit it."
        )


def test_importing_the_library_does_no_network_io() -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise AssertionError('network I/O at import')\n"
        "socket.socket.connect = refuse\n"
        "from PlutoraLibrary import PlutoraLibrary\n"
        "PlutoraLibrary(region='us', client_id='x', client_secret='y', username='u', password='p')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def shared_simulator(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``plutora sim`` accepting distinctive fake secrets, in its own process."""
    lines = []
    for prefix, product in (("PLUTORA_", "plutora"), ("PLUTORA_TEST_", "plutora-test")):
        lines += [
            "[[api_keys]]",
            f'client_id = "zz-{product}"',
            f'client_secret = "{SECRETS[prefix + "CLIENT_SECRET"]}"',
            f'product = "{product}"',
        ]
        lines += [
            "[[users]]",
            f'username = "zebra.{product}@example.com"',
            f'password = "{SECRETS[prefix + "PASSWORD"]}"',
            f'product = "{product}"',
        ]
    with running_plutora_sim(tmp_path, "\n".join(lines) + "\n") as urls:
        yield urls


def _environment(urls: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env.update(SECRETS)
    env.update(
        {
            "PLUTORA_SIMULATOR_URL": urls["base"],
            "PLUTORA_CLIENT_ID": "zz-plutora",
            "PLUTORA_USERNAME": "zebra.plutora@example.com",
            "PLUTORA_TEST_CLIENT_ID": "zz-plutora-test",
            "PLUTORA_TEST_USERNAME": "zebra.plutora-test@example.com",
        }
    )
    return env


def _scan(folder: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            hits += [f"{path.name}: {needle[:6]}…" for needle in needles if needle in text]
    return hits


def test_no_secret_or_token_in_any_robot_or_allure_output(
    shared_simulator: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "results"
    command = [
        sys.executable, "-m", "robot", "--outputdir", str(out), "--xunit", "xunit.xml", "--loglevel", "TRACE",
        "--listener", f"allure_robotframework:{out / 'allure'}", "--console", "dotted", "acceptance",
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=_environment(shared_simulator),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    issued = requests.get(shared_simulator["control_url"] + "/tokens/issued", timeout=10).json()
    assert len(issued) >= 4
    produced = {path.name for path in out.iterdir()}
    assert {"output.xml", "log.html", "report.html", "xunit.xml", "allure"} <= produced
    assert list((out / "allure").glob("*-result.json"))
    needles = [*SECRETS.values(), *issued]
    assert _scan(out, needles) == []
    assert not [n for n in needles if n in result.stdout + result.stderr]


def test_the_acceptance_suite_passes_under_pabot_with_4_processes(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pabot.pabot",
        "--command",
        sys.executable,
        "-m",
        "robot",
        "--end-command",
        "--processes",
        "4",
        "--testlevelsplit",
        "--outputdir",
        str(tmp_path),
        "acceptance",
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 failed" in result.stdout


def test_a_pabot_run_under_faults_shares_one_grant_loses_nothing_and_leaks_nothing(
    shared_simulator: dict[str, str], tmp_path: Path
) -> None:
    """The whole acceptance suite (help-page flows, failure paths, the resilience suite's
    injected faults) in 4 pabot processes against one simulator, with distinctive secrets."""
    env = _environment(shared_simulator)
    tokens = tmp_path / "tokens"
    env["PLUTORA_TOKEN_CACHE_DIR"] = str(tokens)
    out = tmp_path / "out"
    robot = [sys.executable, "-m", "robot"]
    command = [
        sys.executable, "-m", "pabot.pabot", "--command", *robot, "--end-command", "--processes", "4",
        "--testlevelsplit", "--outputdir", str(out), "--xunit", "xunit.xml", "--loglevel", "TRACE",
        "--listener", f"allure_robotframework:{out / 'allure'}", "acceptance",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 failed" in result.stdout
    control = shared_simulator["control_url"]
    counters = requests.get(control + "/counters", timeout=10).json()
    issued = requests.get(control + "/tokens/issued", timeout=10).json()

    # One grant per product for the configured users, shared by the 4 processes; the failure
    # paths and the resilience suite use throw-away users of their own.
    grants = counters["tokenGrantsByUser"]
    assert grants["plutora:zebra.plutora@example.com"] == 1, grants
    assert grants["plutora-test:zebra.plutora-test@example.com"] == 1, grants
    # A refused login is never sent again, in the resilience suite's process.
    assert counters["loginAttempts"]["plutora:refused.login@example.com"] == 1

    # Afterwards, the data: every copy exists exactly once, every patch is there.
    config = PlutoraConfig.from_env(
        {},
        client_id="zz-plutora",
        client_secret=SECRETS["PLUTORA_CLIENT_SECRET"],
        username="zebra.plutora@example.com",
        password=SECRETS["PLUTORA_PASSWORD"],
        auth_url=shared_simulator["plutora_token_url"],
        api_url=shared_simulator["plutora_api_url"],
        test_client_id="zz-plutora-test",
        test_client_secret=SECRETS["PLUTORA_TEST_CLIENT_SECRET"],
        test_username="zebra.plutora-test@example.com",
        test_password=SECRETS["PLUTORA_TEST_PASSWORD"],
        test_auth_url=shared_simulator["plutora_test_token_url"],
        test_api_url=shared_simulator["plutora_test_api_url"],
    )
    with PlutoraClient(config) as plutora, PlutoraTestClient(config) as plutora_test:
        identifiers = Counter(release["identifier"] for release in plutora.releases())
        defects = list(plutora_test.iter_defects())
    copies = {key: n for key, n in identifiers.items() if key.startswith(("ACC-", "RES-"))}
    assert sorted(key.rsplit("-", 1)[0] for key in copies) == [
        "ACC-COPY", "ACC-DROP", "RES-DROP", "RES-SLOW",
    ]  # fmt: skip
    assert set(copies.values()) == {1}, f"a release was copied twice: {copies}"
    patched = [d for d in defects if str(d.get("Description", "")).startswith("Resilience patch")]
    assert len(patched) == 2, "a patch the library reported was lost"

    # No secret and no token issued in any artifact, console output or token file left.
    produced = {path.name for path in out.iterdir()}
    assert {"output.xml", "log.html", "report.html", "xunit.xml", "allure"} <= produced
    assert list(tokens.iterdir()), "the processes shared no token folder"
    needles = [*SECRETS.values(), *issued]
    assert len(issued) >= 8
    assert _scan(out, needles) == []
    assert _scan(tokens, needles) == []
    assert not [n for n in needles if n in result.stdout + result.stderr]


def test_every_call_is_logged_at_info_masked_and_cut_and_whole_at_debug(tmp_path: Path) -> None:
    suite = tmp_path / "logged.robot"
    suite.write_text(
        "*** Settings ***\nLibrary    PlutoraLibrary    log_body_limit=200\n\n"
        "*** Test Cases ***\nLogged\n    Start Plutora Simulator\n    Get Token\n"
        "    ${releases}    Get Releases\n    Get Release    ${releases}[0][id]\n"
        "    [Teardown]    Close Plutora Connections\n",
        encoding="utf-8",
    )
    for level in ("INFO", "DEBUG"):
        out = tmp_path / level
        command = [sys.executable, "-m", "robot", "--outputdir", str(out), "--loglevel", level, "--console", "none", str(suite)]  # fmt: skip
        subprocess.run(command, cwd=ROOT, check=True, timeout=120, env=_clean_environment())
        root = ElementTree.parse(out / "output.xml").getroot()  # noqa: S314 - our own output
        messages = [(m.get("level"), m.text or "") for m in root.iter("msg")]
        info = [text for lvl, text in messages if lvl == "INFO" and "/plutora/" in text]
        login = next(text for text in info if text.startswith("POST /plutora/oauth/token → 200"))
        assert '"access_token": "***"' in login
        assert "password=***" in login
        listing = next(text for text in info if text.startswith("GET /plutora/api/releases → 200"))
        assert "more characters)" in listing  # cut to log_body_limit
        assert any(text.startswith("GET /plutora/api/releases/") for text in info)
        debug = [text for lvl, text in messages if lvl == "DEBUG" and "/plutora/" in text]
        if level == "INFO":
            assert debug == []
        else:  # the whole body, once more, at DEBUG
            whole = next(text for text in debug if text.startswith("GET /plutora/api/releases →"))
            assert "more characters)" not in whole
            assert len(whole) > len(listing)


def _clean_environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}


FAULT_SUITE = """\
*** Settings ***
Library           PlutoraLibrary
Suite Setup       Suite Start


*** Test Cases ***
Leaves Two Of Three Faults Unused
    Inject Fault    /me$    status=403    count=3
    Run Keyword And Expect Error    AccessDenied: *    Get Current User
    Set Simulator Settings    rateLimit=12345
    Set Simulator Settings    rateLimit=54321    rateWindowSeconds=60

Is Not Hit By The Faults Of The Test Before
    ${user}    Get Current User
    Should Be Equal    ${user}    qa.lead@example.com
    Run Keyword And Expect Error    AccessDenied: *    Get Lookup Fields
    ${settings}    Set Simulator Settings
    Should Be Equal As Integers    ${settings}[rateLimit]    26000
    Should Be Equal As Integers    ${settings}[tokenLifetimePlutora]    999

Still Meets The Suite's Fault
    Run Keyword And Expect Error    AccessDenied: *    Get Lookup Fields


*** Keywords ***
Suite Start
    Use Plutora Simulator    # the one at PLUTORA_SIMULATOR_URL
    Inject Fault    /lookupfields$    status=403    count=5
    Set Simulator Settings    tokenLifetimePlutora=999
"""


def test_faults_and_settings_end_with_their_test_or_suite_and_the_log_says_so(
    tmp_path: Path,
) -> None:
    suite = tmp_path / "faults.robot"
    suite.write_text(FAULT_SUITE, encoding="utf-8")
    with running_plutora_sim(tmp_path) as urls:
        # A fault of another process (or of the user) that this run must leave alone.
        other = {"path": "/other$", "kind": "status"}
        assert requests.post(f"{urls['control_url']}/faults", json=other, timeout=10).ok
        env = _clean_environment() | {"PLUTORA_SIMULATOR_URL": urls["base"]}
        command = [sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), "--console", "none", str(suite)]  # fmt: skip
        result = subprocess.run(command, cwd=ROOT, timeout=120, env=env, capture_output=True)
        left = requests.get(f"{urls['control_url']}/faults", timeout=10).json()
        settings = requests.get(f"{urls['control_url']}/settings", timeout=10).json()
    assert result.returncode == 0, result.stdout.decode()
    assert [fault["path"] for fault in left] == ["/other$"]
    assert (settings["rateLimit"], settings["rateWindowSeconds"]) == (26000, 3600)
    assert settings["tokenLifetimePlutora"] == 12000
    root = ElementTree.parse(tmp_path / "out" / "output.xml").getroot()  # noqa: S314 - our own
    said = [
        (m.get("level"), m.text or "")
        for m in root.iter("msg")
        if (m.text or "").startswith("End of")
    ]
    # In the test's log: what it set, undone from one stack, the latest change first (the
    # settings, then the unused fault). The suite's log is closed by then: its unused fault is
    # among the run's warnings.
    assert said[:3] == [
        (
            "INFO",
            "End of the test: Put the simulator settings back: rateLimit=12345, rateWindowSeconds=3600.0.",
        ),
        ("INFO", "End of the test: Put the simulator settings back: rateLimit=26000."),
        (
            "INFO",
            "End of the test: Removed an injected fault no request used, so that it cannot hit "
            "what runs next: status 403 on any method /me$ (before, count 3).",
        ),
    ]
    warning = (
        "WARN",
        "End of the suite: Removed an injected fault no request used, so that it cannot hit "
        "what runs next: status 403 on any method /lookupfields$ (before, count 5).",
    )
    assert said[3:] == [warning]
    assert warning in [(m.get("level"), m.text) for m in root.iterfind("errors/msg")]

"""``plutora sim``: prints its URLs and credentials, serves, stops cleanly; bad settings exit 2."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

PLUTORA = [sys.executable, "-m", "PlutoraLibrary.cli"]


def _start(*args: str, ready_file: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [*PLUTORA, "sim", "--port", "0", "--ready-file", str(ready_file), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not ready_file.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the simulator did not become ready"
        time.sleep(0.02)
    return process


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_plutora_sim_prints_urls_serves_and_stops(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    ready = tmp_path / "ready.json"
    process = _start("--seed", "3", ready_file=ready)
    try:
        urls = json.loads(ready.read_text())
        assert requests.get(urls["swagger_url"], timeout=5).status_code == 200
        form = {
            "client_id": "sim-plutora-client",
            "client_secret": "sim-plutora-secret",
            "grant_type": "password",
            "username": "qa.lead@example.com",
            "password": "Sim-Password-1",
        }
        assert requests.post(urls["plutora_token_url"], data=form, timeout=5).status_code == 200
    finally:
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    for key in (
        "plutora_token_url",
        "plutora_api_url",
        "plutora_test_token_url",
        "plutora_test_api_url",
    ):
        assert urls[key] in out
    assert "(seed 3)" in out
    assert "client_secret=sim-plutora-secret" in out
    assert "password=Sim-Password-1" in out
    assert "Plutora simulator stopped." in out


def test_secrets_from_a_settings_file_are_not_printed(tmp_path: Path) -> None:
    settings = tmp_path / "sim.toml"
    settings.write_text(
        '[[api_keys]]\nclient_id = "ci-key"\nclient_secret = "ci-secret-XYZ"\nproduct = "plutora"\n'
        '[[users]]\nusername = "ci@example.com"\npassword = "ci-password-XYZ"\nproduct = "plutora"\n',
        encoding="utf-8",
    )
    ready = tmp_path / "ready.json"
    process = _start("--config", str(settings), ready_file=ready)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=15)
    assert "ci-key" in out
    assert "ci-secret-XYZ" not in out
    assert "ci-password-XYZ" not in out


def test_a_bad_settings_file_exits_2_with_every_problem(tmp_path: Path) -> None:
    settings = tmp_path / "bad.toml"
    settings.write_text('colour = "red"\nip_whitelist = ["nope"]\n', encoding="utf-8")
    result = subprocess.run(
        [*PLUTORA, "sim", "--config", str(settings)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown setting(s) colour" in result.stderr
    assert "'nope' is neither an IP address nor a CIDR range" in result.stderr


def test_a_busy_port_exits_2_and_says_what_to_do() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*PLUTORA, "sim", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 2
    assert "cannot listen on" in result.stderr
    assert "0 picks a free one" in result.stderr


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_help_pages_manual_flow_works_with_curl(tmp_path: Path) -> None:
    """Token, /me, list releases, get one, POST a copy (201), and an end-state copy (400)."""
    ready = tmp_path / "ready.json"
    process = _start(ready_file=ready)
    try:
        urls = json.loads(ready.read_text())

        def curl(*args: str) -> tuple[int, str]:
            result = subprocess.run(
                ["curl", "-s", "-w", "\n%{http_code}", *args],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            )
            body, _, status = result.stdout.rpartition("\n")
            return int(status), body

        status, body = curl(
            "-X", "POST", urls["plutora_token_url"],
            "-H", "Content-Type: application/x-www-form-urlencoded",
            "-d", "client_id=sim-plutora-client", "-d", "client_secret=sim-plutora-secret",
            "-d", "grant_type=password", "-d", "username=qa.lead@example.com", "-d", "password=Sim-Password-1",
        )  # fmt: skip
        assert status == 200
        auth = f"Authorization: bearer {json.loads(body)['access_token']}"
        assert curl("-H", auth, urls["plutora_api_url"] + "/me") == (200, '"qa.lead@example.com"')

        def independent(status: str) -> dict[str, Any]:
            # List items carry no status: the filter finds them, as on a real site.
            expression = f"`plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `{status}`"
            query = "?filter=" + quote(expression)
            code, body = curl("-H", auth, urls["plutora_api_url"] + "/releases" + query)
            assert code == 200
            return dict(json.loads(body)[0])

        source = independent("Draft")
        status, body = curl("-H", auth, f"{urls['plutora_api_url']}/releases/{source['id']}")
        release = json.loads(body)
        copy = {
            **release,
            "name": release["name"] + " Copy",
            "identifier": release["identifier"] + "-C",
        }
        json_type = "Content-Type: application/json"
        status, body = curl(
            "-H",
            auth,
            "-H",
            json_type,
            "-d",
            json.dumps(copy),
            urls["plutora_api_url"] + "/releases",
        )
        assert status == 201
        assert json.loads(body)["name"].endswith(" Copy")
        ended = independent("Complete")
        _, body = curl("-H", auth, f"{urls['plutora_api_url']}/releases/{ended['id']}")
        ended_copy = {**json.loads(body), "identifier": "ENDED-COPY"}
        status, body = curl(
            "-H",
            auth,
            "-H",
            json_type,
            "-d",
            json.dumps(ended_copy),
            urls["plutora_api_url"] + "/releases",
        )
        assert status == 400
        assert json.loads(body)["modelState"]["internalServerValidationError"] == [
            "Release Status 'Complete' is an End State."
        ]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


def test_the_console_script_is_installed() -> None:
    script = shutil.which(
        "plutora", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    )
    assert script is not None, "pip install -e . should install the plutora command"
    result = subprocess.run(
        [script, "sim", "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0
    assert "--seed" in result.stdout

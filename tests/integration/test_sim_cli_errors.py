"""``plutora sim`` with options it cannot use: one line on stderr naming the option, what is
wrong with the value and the fix, exit code 2, never a traceback (issue 11, item 10); a loud
warning when it listens beyond loopback (item 13); ``Use Plutora Simulator`` refuses a value
that is not a simulator address (item 11)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_keyword_library import ROOT, _clean_environment

PLUTORA = [sys.executable, "-m", "PlutoraLibrary.cli", "sim"]


def _refused(*args: str) -> str:
    """Run ``plutora sim`` with ``args``; assert exit 2 with one line; return that line."""
    result = subprocess.run(
        [*PLUTORA, *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("plutora sim: ")
    return lines[0]


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_a_port_out_of_range(port: str) -> None:
    line = _refused("--port", port)
    assert f"--port {port} is not a port" in line
    assert "from 1 to 65535, or 0 to pick a free one" in line


def test_a_ready_file_in_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "x"
    line = _refused("--port", "0", "--ready-file", str(target))
    assert f"--ready-file {target}" in line
    assert f"the folder {target.parent} does not exist; create it first" in line


def test_a_ready_file_that_is_a_folder(tmp_path: Path) -> None:
    line = _refused("--port", "0", "--ready-file", str(tmp_path))
    assert f"--ready-file {tmp_path} is a folder: name a file in it" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_ready_file_in_a_folder_the_user_cannot_write(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    line = _refused("--port", "0", "--ready-file", str(locked / "ready.json"))
    assert "you may not write in the folder" in line


def test_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _refused("--port", str(port))
    assert f"cannot listen on 127.0.0.1:{port}" in line
    assert "Choose another --port (0 picks a free one)" in line


def test_a_host_that_is_not_an_address_of_this_machine() -> None:
    """192.0.2.1 is a documentation address: never this machine's (and no traffic is sent)."""
    line = _refused("--host", "192.0.2.1", "--port", "0")
    assert "cannot listen on 192.0.2.1:0" in line
    assert "Give --host an address of this machine" in line


def test_a_missing_settings_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    line = _refused("--config", str(missing))
    assert f"--config {missing}:" in line
    assert "No such file or directory; check the path" in line


def test_a_settings_file_that_is_not_toml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("seed = = 7\n", encoding="utf-8")
    line = _refused("--config", str(bad))
    assert f"--config {bad}:" in line
    assert "is not valid TOML" in line


def test_a_settings_file_that_is_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    line = _refused("--config", str(bad))
    assert "is not UTF-8 text: save it as UTF-8" in line


def test_a_settings_file_that_is_a_folder(tmp_path: Path) -> None:
    line = _refused("--config", str(tmp_path))
    assert f"--config {tmp_path}:" in line
    assert "Is a directory" in line


def _serve(tmp_path: Path, *args: str) -> tuple[str, str]:
    """Start ``plutora sim`` with ``args``, wait until ready, stop it; its stdout and stderr."""
    ready = tmp_path / "ready.json"
    process = subprocess.Popen(
        [*PLUTORA, "--port", "0", "--ready-file", str(ready), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "plutora sim did not become ready"
        time.sleep(0.02)
    json.loads(ready.read_text(encoding="utf-8"))
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    return out, err


def test_listening_beyond_loopback_warns_loudly(tmp_path: Path) -> None:
    _, err = _serve(tmp_path, "--host", "0.0.0.0")  # noqa: S104 - the point of the test
    assert "WARNING: --host 0.0.0.0 listens on 0.0.0.0, which is not a loopback address" in err
    assert "reset the data, change settings and read every issued token" in err


def test_loopback_does_not_warn(tmp_path: Path) -> None:
    _, err = _serve(tmp_path, "--host", "127.0.0.1")
    assert "WARNING" not in err


# -- Use Plutora Simulator -----------------------------------------------------------------------

ADDRESS_SUITE = """\
*** Settings ***
Library    PlutoraLibrary

*** Test Cases ***
Not A URL
    Run Keyword And Expect Error
    ...    ValueError: Use Plutora Simulator needs the simulator's address, and 'not a url' cannot be one: it is not an http:// or https:// URL. Give the URL 'plutora sim' printed, e.g. http://127.0.0.1:8080.
    ...    Use Plutora Simulator    not a url

No Host
    Run Keyword And Expect Error    *'http://' cannot be one: it names no host*
    ...    Use Plutora Simulator    http://

A Bad Port
    Run Keyword And Expect Error    *its port is not a number from 1 to 65535*
    ...    Use Plutora Simulator    http://127.0.0.1:99999

User Info Is Never Shown
    Run Keyword And Expect Error    *'http://***@127.0.0.1:8080' cannot be one*
    ...    Use Plutora Simulator    http://admin:Hidden-Pw-1@127.0.0.1:8080

An API URL Is Not The Base Address
    Run Keyword And Expect Error    *not its base address: give 'http://127.0.0.1:8080'*
    ...    Use Plutora Simulator    http://127.0.0.1:8080/plutora/api

A Good Address Is Taken As It Is
    ${urls}    Use Plutora Simulator    http://127.0.0.1:8080/
    Should Be Equal    ${urls}[control_url]    http://127.0.0.1:8080/_sim
"""


def test_use_plutora_simulator_refuses_what_is_not_an_address(tmp_path: Path) -> None:
    suite = tmp_path / "address.robot"
    suite.write_text(ADDRESS_SUITE, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "robot", "--outputdir", str(out), "--console", "none", str(suite)]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, timeout=120, env=_clean_environment(), capture_output=True
    )
    assert result.returncode == 0, (out / "output.xml").read_text(encoding="utf-8")[-3000:]

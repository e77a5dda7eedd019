"""Every call ends within its deadline: a trickling server (a tiny stub on loopback) cannot
hold a call past it, and a frozen login-lock holder cannot hold the other processes.

Before the deadline, ``read_timeout`` bounded each socket read only: a server sending a byte
every 1.5 s made a GET with ``read_timeout=2`` take 30 s, and a trickling login held the token
lock for a minute while other processes waited for ever.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from PlutoraLibrary.core import (
    DeadlineExceeded,
    LoginLockTimeout,
    OutcomeUnknown,
    PlutoraClient,
    PlutoraConfig,
)
from PlutoraLibrary.core import auth as auth_module
from PlutoraLibrary.core.refusals import record_name
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.core.conftest import config_for

MARGIN = 1.5  # seconds allowed past a deadline (thread wake-up, teardown; a loaded CI host)
TOKEN = json.dumps(
    {"access_token": "stub-access-token-1", "token_type": "bearer", "expires_in": 3600}
).encode()


class _Trickler(socketserver.BaseRequestHandler):
    """Answers at once on the paths in ``server.fast`` (a token), else sends the status line
    and headers, then the body a byte at a time (or the headers themselves so, when asked)."""

    server: _TrickleServer

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode()
        self.server.paths.append(path)
        fast = any(path.startswith(prefix) for prefix in self.server.fast)
        body = TOKEN if fast else b'{"id": "' + b"x" * 500 + b'"}'
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        try:
            if fast:
                self.request.sendall(head + body)
                return
            if not self.server.trickle_headers:
                self.request.sendall(head)
                head = b""
            for byte in head + body:
                self.request.sendall(bytes([byte]))
                time.sleep(self.server.interval)
        except OSError:
            return  # the client cut the connection: what a deadline does


class _TrickleServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Trickler)
        self.fast: tuple[str, ...] = ("/oauth/token",)
        self.trickle_headers = False
        self.interval = 0.3
        self.paths: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def trickler() -> Iterator[_TrickleServer]:
    server = _TrickleServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _config(server: _TrickleServer, **options: object) -> PlutoraConfig:
    settings: dict[str, object] = {
        "auth_url": server.base + "/oauth/token",
        "api_url": server.base + "/api",
        "client_id": "stub-client",
        "client_secret": "stub-secret",
        "username": "qa@example.com",
        "password": "stub-password",
        "read_timeout": 1,
        "deadline_seconds": 2,
        "rate_limit": 0,
    }
    return PlutoraConfig.from_env({}, **{**settings, **options})


def _timed(call: object) -> tuple[float, BaseException]:
    started = time.monotonic()
    try:
        call()  # type: ignore[operator]
    except Exception as error:
        return time.monotonic() - started, error
    raise AssertionError("the call did not fail")


def test_a_trickling_answer_ends_at_the_deadline(trickler: _TrickleServer) -> None:
    with PlutoraClient(_config(trickler)) as client:
        took, error = _timed(lambda: client.release("abc"))
    assert isinstance(error, DeadlineExceeded)
    assert took < 2 + MARGIN, took
    assert "deadline of 2 s" in str(error)
    assert "deadline_seconds" in str(error)


def test_trickled_headers_end_at_the_deadline_and_retries_stay_inside_it(
    trickler: _TrickleServer,
) -> None:
    trickler.trickle_headers = True
    trickler.interval = 0.2
    with PlutoraClient(_config(trickler, retries=3)) as client:
        took, error = _timed(lambda: client.release("abc"))
    assert isinstance(error, DeadlineExceeded), error
    assert took < 2 + MARGIN, took


def test_a_trickling_login_ends_at_the_deadline(trickler: _TrickleServer) -> None:
    trickler.fast = ()
    with PlutoraClient(_config(trickler)) as client:
        took, error = _timed(client.current_user)
    assert isinstance(error, DeadlineExceeded), error
    assert took < 2 + MARGIN, took
    assert "token server" in str(error)
    assert "not retried" in str(error)
    assert trickler.paths == ["/oauth/token"]  # one login, not retried


def test_a_trickling_answer_to_a_write_is_an_unknown_outcome(trickler: _TrickleServer) -> None:
    with PlutoraClient(_config(trickler)) as client:
        client.transport.tokens.token()
        # The stub answers one request per connection: drop the login's, which it closed, so
        # that the POST goes out on a fresh one (a POST on a stale one is never re-sent).
        client.transport.session.close()
        took, error = _timed(lambda: client.transport.call("POST", "/releases", json_body={}))
    assert isinstance(error, OutcomeUnknown), error
    assert took < 2 + MARGIN, took
    assert "may have applied it" in str(error)
    assert trickler.paths.count("/api/releases") == 1  # never sent twice


def test_the_default_deadline_is_a_small_multiple_of_the_read_timeout() -> None:
    assert PlutoraConfig.from_env({}).call_deadline == 140  # 4 x (5 + 30)
    assert PlutoraConfig.from_env({"PLUTORA_READ_TIMEOUT": "5"}).call_deadline == 40
    assert PlutoraConfig.from_env({"PLUTORA_DEADLINE": "7"}).call_deadline == 7
    assert PlutoraConfig.from_env({"PLUTORA_DEADLINE": "7"}).lock_timeout == 7
    assert PlutoraConfig.from_env({"PLUTORA_TOKEN_LOCK_TIMEOUT": "3"}).lock_timeout == 3


def test_the_watchdog_costs_no_thread_per_request(trickler: _TrickleServer) -> None:
    from PlutoraLibrary.core.deadline import WATCHDOG

    trickler.fast = ("/oauth/token", "/api/me")
    with PlutoraClient(_config(trickler)) as client:
        client.transport.call("GET", "/me")
        watchdog = WATCHDOG._thread
        for _ in range(20):
            assert client.transport.call("GET", "/me")["token_type"] == "bearer"
        # The stub server starts a thread per connection; the client starts none per request.
        ours = [t for t in threading.enumerate() if t.name.startswith("plutora-deadline")]
        assert ours == [watchdog]
    assert WATCHDOG._thread is watchdog
    assert trickler.paths.count("/api/me") == 21


def test_a_trickling_tls_handshake_is_cut_at_the_deadline(trickler: _TrickleServer) -> None:
    # A server that answers the TLS ClientHello with a record header and then a byte at a
    # time: the handshake happens before the request is sent, each byte restarts the socket
    # timeout, and only the deadline ends it.
    silent = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def trickle(connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            connection.recv(65536)  # the ClientHello
            # A 16 KB handshake record holding a 12 KB ServerHello, sent a byte at a time.
            connection.sendall(b"\x16\x03\x03\x40\x00" + b"\x02\x00\x30\x00")
            for _ in range(200):
                connection.sendall(b"\x00")
                time.sleep(0.3)

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = silent.accept()
                accepted.append(connection)
                threading.Thread(target=trickle, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        port = silent.getsockname()[1]
        api = f"https://127.0.0.1:{port}/api"
        config = _config(trickler, read_timeout=30, retries=2, api_url=api)
        with PlutoraClient(config) as client:
            took, error = _timed(lambda: client.release("abc"))
    finally:
        silent.close()
        for connection in accepted:
            connection.close()
    assert isinstance(error, DeadlineExceeded), error
    assert took < 2 + MARGIN, took


# -- the login lock ---------------------------------------------------------------------------

HOLDER = """
import sys, time, warnings
from filelock import SoftFileLock
warnings.simplefilter("ignore")
lock = SoftFileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def _lock_path(sim: PlutoraSimulator, folder: Path) -> Path:
    who = record_name(sim.urls.plutora_token_url, "sim-plutora-client", "qa.lead@example.com")
    return folder / f"login-{who}.lock"


def _hold(path: Path) -> subprocess.Popen[str]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def _attempts(sim: PlutoraSimulator) -> int:
    return sum(sim.counters()["loginAttempts"].values())


def test_a_frozen_lock_holder_makes_a_waiter_fail_in_time_without_a_login(
    sim: PlutoraSimulator, tmp_path: Path
) -> None:
    holder = _hold(_lock_path(sim, tmp_path))
    holder.send_signal(signal.SIGSTOP)
    try:
        config = config_for(sim, run_state_dir=str(tmp_path), token_lock_timeout=1)
        with PlutoraClient(config) as client:
            took, error = _timed(client.current_user)
    finally:
        holder.send_signal(signal.SIGCONT)
        holder.kill()
        holder.wait()
    assert isinstance(error, LoginLockTimeout), error
    assert took < 1 + MARGIN, took
    message = str(error)
    assert f"process {holder.pid}" in message
    assert "Waited 1 s" in message
    assert "No login was sent" in message
    assert _attempts(sim) == 0


def test_a_holder_that_died_is_taken_over_at_once(sim: PlutoraSimulator, tmp_path: Path) -> None:
    holder = _hold(_lock_path(sim, tmp_path))
    holder.kill()
    holder.wait()
    config = config_for(sim, run_state_dir=str(tmp_path), token_lock_timeout=5)
    started = time.monotonic()
    with PlutoraClient(config) as client:
        assert client.current_user() == "qa.lead@example.com"
    assert time.monotonic() - started < 2
    assert _attempts(sim) == 1


def test_a_holder_past_its_lease_is_taken_over(
    sim: PlutoraSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lease is the longest a login can take (its deadline) plus a margin; shortened here.
    monkeypatch.setattr(auth_module, "_LEASE_MARGIN_SECONDS", 0.5)
    holder = _hold(_lock_path(sim, tmp_path))
    holder.send_signal(signal.SIGSTOP)
    try:
        # Lease 4.5 s; the holder has held it 3 s when the waiter comes, which takes it over
        # after about 1.5 s more and still has 2.5 s of its deadline to log in.
        config = config_for(
            sim, run_state_dir=str(tmp_path), deadline_seconds=4, token_lock_timeout=3.9
        )
        time.sleep(3.0)
        with PlutoraClient(config) as client:
            assert client.current_user() == "qa.lead@example.com"
    finally:
        holder.send_signal(signal.SIGCONT)
        holder.kill()
        holder.wait()
    assert _attempts(sim) == 1


def test_a_deadline_cuts_a_slow_simulator_answer_too(sim: PlutoraSimulator) -> None:
    from tests.conftest import Control

    Control(sim).fault(path="/me$", kind="delay", seconds=5, stage="after", count=1)
    with PlutoraClient(config_for(sim, read_timeout=10, deadline_seconds=1, retries=0)) as c:
        took, error = _timed(c.current_user)
    assert isinstance(error, DeadlineExceeded), error
    assert took < 1 + MARGIN, took


def test_a_socket_shut_down_by_the_watchdog_is_not_reused(trickler: _TrickleServer) -> None:
    with PlutoraClient(_config(trickler)) as client:
        _timed(lambda: client.release("abc"))
        trickler.fast = ("/oauth/token", "/api/me")
        assert client.transport.call("GET", "/me")["token_type"] == "bearer"  # a fresh one

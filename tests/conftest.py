"""Fixtures for the project's own tests: a fresh simulator per test and a small HTTP helper.

The helper is deliberately plain ``requests`` (not the library's client): these tests judge
the simulator against the contract, over real HTTP on loopback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from PlutoraLibrary.core.refusals import forget_process_refusals
from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig

# The examples are for users to copy; they run (under --plutora-sim, through the plugin) in
# tests/plugin/test_plugin.py, away from this conftest's simulator-judging fixtures.
collect_ignore = ["examples"]

PLUTORA_KEY = {"client_id": "sim-plutora-client", "client_secret": "sim-plutora-secret"}
TEST_KEY = {"client_id": "sim-plutora-test-client", "client_secret": "sim-plutora-test-secret"}
USER = {"username": "qa.lead@example.com", "password": "Sim-Password-1"}
#: The simulator's demo Plutora key and user as the environment variables the library reads.
SIM_CREDENTIALS = {
    "PLUTORA_CLIENT_ID": PLUTORA_KEY["client_id"],
    "PLUTORA_CLIENT_SECRET": PLUTORA_KEY["client_secret"],
    "PLUTORA_USERNAME": USER["username"],
    "PLUTORA_PASSWORD": USER["password"],
}


class Api:
    """One product's API on a running simulator, with a token obtained on first use."""

    def __init__(self, sim: PlutoraSimulator, product: str) -> None:
        self.sim = sim
        self.product = product
        self.session = requests.Session()
        self._token: str | None = None

    @property
    def token_url(self) -> str:
        urls = self.sim.urls
        return urls.plutora_token_url if self.product == "plutora" else urls.plutora_test_token_url

    @property
    def base(self) -> str:
        urls = self.sim.urls
        return urls.plutora_api_url if self.product == "plutora" else urls.plutora_test_api_url

    def login(self, **overrides: str) -> requests.Response:
        key = PLUTORA_KEY if self.product == "plutora" else TEST_KEY
        form = {**key, "grant_type": "password", **USER, **overrides}
        return self.session.post(self.token_url, data=form, timeout=10)

    @property
    def token(self) -> str:
        if self._token is None:
            answer = self.login()
            assert answer.status_code == 200, answer.text
            self._token = answer.json()["access_token"]
        return self._token

    def call(self, method: str, path: str, auth: bool = True, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            headers.setdefault("Authorization", f"bearer {self.token}")
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, **kwargs)


class Control:
    """The simulator's ``/_sim`` control API over HTTP."""

    def __init__(self, sim: PlutoraSimulator) -> None:
        self.base = sim.urls.control_url
        self.session = requests.Session()

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.base + path, **kwargs)

    def fault(self, **fault: Any) -> None:
        answer = self("POST", "/faults", json=fault)
        assert answer.status_code == 201, answer.text

    def settings(self, **settings: Any) -> None:
        answer = self("PUT", "/settings", json=settings)
        assert answer.status_code == 200, answer.text

    def counters(self) -> dict[str, Any]:
        return self("GET", "/counters").json()


@pytest.fixture(scope="session")
def redis_server_binary() -> str:
    """The path of ``redis-server`` (tests/shared_state): installed with apt-get when missing
    and running as root; else the test is skipped with the reason, failed under CI=true."""
    from tests.shared_state.redis_server import redis_server_binary as find

    return find()


@pytest.fixture(scope="session")
def redis_server_if_any() -> str | None:
    """``redis-server``'s path (installed when root with apt-get), or None: for tests that
    also judge a run without Redis (the benchmarks); under CI=true a missing one fails."""
    from tests.shared_state.redis_server import find_or_install

    found, reason = find_or_install()
    if found is None and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true needs Redis: {reason}", pytrace=False)
    return found


@pytest.fixture(autouse=True)
def _no_refusal_from_an_earlier_test() -> Iterator[None]:
    """A refused login is remembered by the whole process; a later test may get a simulator
    on the same port with the same users, which must not inherit it."""
    yield
    forget_process_refusals()


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """Override in a module to start the simulator with other settings."""
    return SimulatorConfig()


@pytest.fixture
def sim(sim_config: SimulatorConfig) -> Iterator[PlutoraSimulator]:
    """A fresh simulator per test: no state leaks between tests."""
    with PlutoraSimulator(sim_config) as simulator:
        yield simulator


@pytest.fixture
def plutora(sim: PlutoraSimulator) -> Api:
    return Api(sim, "plutora")


@pytest.fixture
def plutora_test(sim: PlutoraSimulator) -> Api:
    return Api(sim, "plutora-test")


@pytest.fixture
def control(sim: PlutoraSimulator) -> Control:
    return Control(sim)


@contextmanager
def running_plutora_sim(
    folder: Path,
    settings: str = "",
    *,
    command: Sequence[str] = (sys.executable, "-m", "PlutoraLibrary.cli"),
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[dict[str, str]]:
    """``plutora sim`` in its own process with a TOML ``settings`` text (written to
    ``folder``), as a real site would run apart from the tests; yields its URLs and stops it
    (Ctrl+C) afterwards. ``command`` runs ``plutora`` (another installation's:
    ``[bin / "plutora"]``, with its ``cwd`` and ``env``).
    """
    config, ready = folder / "sim.toml", folder / "sim-ready.json"
    config.write_text(settings, encoding="utf-8")
    process = subprocess.Popen(
        [*command, "sim", "--port", "0", "--config", str(config), "--ready-file", str(ready)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "plutora sim did not become ready"
            time.sleep(0.02)
        yield json.loads(ready.read_text(encoding="utf-8"))
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)

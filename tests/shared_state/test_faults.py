"""Redis failing, each with a clear outcome and none a hang: unreachable at start, a wrong
password, ``rediss://`` to a plain server, a slow server, a server stopped mid-run and
restarted. A login fails closed while Redis is away (the site sees no attempt); the rate limit
falls back to this host's with one warning; both recover. Passwords never show."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from PlutoraLibrary.core import (
    ConfigurationError,
    PlutoraClient,
    PlutoraConfig,
    SharedStateUnavailable,
)
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for

from .redis_server import PASSWORD, RedisServer, free_port


def _shared(sim: PlutoraSimulator, url: str, run_id: str, **options: object) -> PlutoraConfig:
    return config_for(sim, shared_state_url=url, run_id=run_id, shared_state_timeout=0.5,
                      **options)  # fmt: skip


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def warned() -> Iterator[list[str]]:
    """The library's warnings, read at its own logger (whatever handlers an earlier test in
    this process gave it, e.g. the Robot log's, and whether it propagates)."""
    kept = _Kept()
    logger = logging.getLogger("PlutoraLibrary")
    logger.addHandler(kept)
    yield kept.messages
    logger.removeHandler(kept)


def test_unreachable_at_start_names_the_masked_url_and_the_cause(
    sim: PlutoraSimulator, run_id: str
) -> None:
    url = f"redis://ci-user@127.0.0.1:{free_port()}/0"
    config = _shared(sim, url, run_id, shared_state_password="Not-Shown-1")
    started = time.monotonic()
    with pytest.raises(SharedStateUnavailable) as caught:
        PlutoraClient(config)
    assert time.monotonic() - started < 3
    message = str(caught.value)
    assert f"redis://***@127.0.0.1:{url.rsplit(':', 1)[1]}" in message
    assert "ConnectionError" in message
    assert "refused" in message.lower()
    assert "leave the setting out" in message
    assert "Not-Shown-1" not in message + repr(config)


def test_a_password_in_the_url_comes_from_the_environment_only_and_never_shows(
    tmp_path: Path, sim: PlutoraSimulator, run_id: str
) -> None:
    with RedisServer(tmp_path / "redis", password=PASSWORD) as server:
        url = f"redis://:{PASSWORD}@127.0.0.1:{server.port}/0"
        with pytest.raises(ConfigurationError) as caught:
            config_for(sim, shared_state_url=url)
        assert PASSWORD not in str(caught.value)
        assert "PLUTORA_SHARED_STATE_PASSWORD" in str(caught.value)

        config = PlutoraConfig.from_env({"PLUTORA_SHARED_STATE_URL": url, "PLUTORA_RUN_ID": run_id})
        assert PASSWORD not in repr(config)
        assert config.shared_state_url == f"redis://127.0.0.1:{server.port}/0"
        urls = sim.urls
        config = config_for(sim).with_options(
            shared_state_url=config.shared_state_url,
            shared_state_password=config.shared_state_password,
            run_id=run_id,
        )
        with PlutoraClient(config) as client:
            assert client.current_user() == "qa.lead@example.com"
        assert urls.plutora_api_url


def test_a_wrong_redis_password_is_a_clear_error_without_the_password(
    tmp_path: Path, sim: PlutoraSimulator, run_id: str
) -> None:
    with RedisServer(tmp_path / "redis", password=PASSWORD) as server:
        config = _shared(sim, server.url, run_id, shared_state_password="Wrong-Redis-Pass-1")
        with pytest.raises(SharedStateUnavailable) as caught:
            PlutoraClient(config)
        message = str(caught.value)
        assert "refused the password" in message
        assert "PLUTORA_SHARED_STATE_PASSWORD" in message
        assert "Wrong-Redis-Pass-1" not in message
        config = _shared(sim, server.url, run_id)  # none at all
        with pytest.raises(SharedStateUnavailable, match="password"):
            PlutoraClient(config)


def test_rediss_to_a_plain_server_fails_at_once_saying_tls(
    sim: PlutoraSimulator, redis_server: RedisServer, run_id: str
) -> None:
    url = redis_server.url.replace("redis://", "rediss://")
    started = time.monotonic()
    with pytest.raises(SharedStateUnavailable) as caught:
        PlutoraClient(_shared(sim, url, run_id))
    assert time.monotonic() - started < 3, "a TLS handshake with a plain server hung"
    message = str(caught.value)
    assert "rediss://127.0.0.1" in message
    assert "no answer within 0.5 s" in message or "TLS handshake failed" in message, message
    assert "use redis://" in message or "redis:// talks plain TCP" in message, message


def test_a_slow_redis_falls_back_and_fails_logins_closed_then_recovers(
    own_redis: RedisServer, run_id: str, warned: list[str]
) -> None:
    from PlutoraLibrary.simulator import SimulatorConfig

    with PlutoraSimulator(SimulatorConfig()) as sim:
        config = _shared(sim, own_redis.url, run_id, rate_limit=1000)
        with PlutoraClient(config) as client:
            client.current_user()  # logged in: a token in hand
            sleeper = threading.Thread(
                target=lambda: redis.Redis(port=own_redis.port).execute_command("DEBUG", "SLEEP", 2)
            )
            sleeper.start()
            time.sleep(0.1)
            started = time.monotonic()
            for _ in range(5):
                client.current_user()  # this host's limit; one warning
            assert time.monotonic() - started < 2
            other = config.with_options(refusal_memory_seconds=60)  # another login
            with pytest.raises(SharedStateUnavailable, match="No login was sent") as caught:
                PlutoraClient(other).current_user()
            assert "no answer within 0.5 s" in str(caught.value)
            sleeper.join()
            time.sleep(2.1)
            client.current_user()
            with PlutoraClient(other) as again:
                assert again.current_user() == "qa.lead@example.com"
        assert len([w for w in warned if "kept by this host alone" in w]) == 1, warned
        assert any("answers again" in w for w in warned), warned


def test_redis_stopped_mid_run_and_restarted(
    own_redis: RedisServer, run_id: str, warned: list[str]
) -> None:
    from PlutoraLibrary.simulator import SimulatorConfig

    with PlutoraSimulator(SimulatorConfig()) as sim:
        control = Control(sim)
        config = _shared(sim, own_redis.url, run_id, rate_limit=1000)
        with PlutoraClient(config) as client:
            client.current_user()
            own_redis.stop()
            started = time.monotonic()
            for _ in range(20):
                client.current_user()
            assert time.monotonic() - started < 5
            attempts = control.counters()["tokenGrantsTotal"]
            with pytest.raises(SharedStateUnavailable, match="No login was sent"):
                PlutoraClient(config).current_user()  # a new login: fails closed, nothing sent
            assert control.counters()["tokenGrantsTotal"] == attempts
            assert control.counters()["loginAttempts"] == {"plutora:qa.lead@example.com": 1}
            own_redis.start()
            time.sleep(2.1)
            for _ in range(3):
                client.current_user()
            with PlutoraClient(config) as again:  # the new login goes through now
                assert again.current_user() == "qa.lead@example.com"
        assert len([w for w in warned if "kept by this host alone" in w]) == 1, warned
        assert any("answers again" in w for w in warned), warned

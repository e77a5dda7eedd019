"""While Redis hangs, one thread at a time asks it again (the probe); the others keep this
host's rate limit instead of each waiting out the timeout. The "hung Redis" is a real socket on
loopback that accepts connections and never answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from PlutoraLibrary.core import shared_state
from PlutoraLibrary.core.shared_state import RedisGate, SharedState


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections into its backlog and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


class CountedState(SharedState):
    """A SharedState that counts the Redis calls it makes (the honest unit: the real client)."""

    calls = 0

    def call(self, what: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        type(self).calls += 1
        return super().call(what, function, *args, **kwargs)


def test_one_thread_probes_a_hung_redis_and_each_failed_probe_doubles_the_interval(
    silent_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shared_state, "_RETRY_SECONDS", 0.2)
    monkeypatch.setattr(shared_state, "_RETRY_MAX_SECONDS", 0.5)
    CountedState.calls = 0
    state = CountedState(f"redis://127.0.0.1:{silent_port}/0", None, timeout=0.3)
    config = SimpleNamespace(rate_window_seconds=10.0, rate_limit=1000)
    gate = RedisGate(state, config, "probe-test", local=lambda: None)  # type: ignore[arg-type]

    assert gate.acquire(time.monotonic() + 5)  # times out, falls back to this host's gate
    assert CountedState.calls == 1
    assert not state.should_retry()  # too soon after the failure

    time.sleep(0.25)  # the retry interval has passed: the next eight ask at once
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(gate.acquire(time.monotonic() + 5)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8  # every caller got its slot (this host's gate)
    assert CountedState.calls == 2  # one probe, not eight
    assert state._retry_after == pytest.approx(0.4)  # the failed probe doubled the interval

    time.sleep(0.45)
    assert gate.acquire(time.monotonic() + 5)
    assert CountedState.calls == 3
    assert state._retry_after == pytest.approx(0.5)  # doubled, capped


def test_a_probe_that_raises_something_else_lets_the_next_thread_probe(
    silent_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shared_state, "_RETRY_SECONDS", 0.05)
    state = SharedState(f"redis://127.0.0.1:{silent_port}/0", None, timeout=0.2)
    config = SimpleNamespace(rate_window_seconds=10.0, rate_limit=1000)
    gate = RedisGate(state, config, "probe-raise", local=lambda: None)  # type: ignore[arg-type]
    assert gate.acquire(time.monotonic() + 5)
    time.sleep(0.1)

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a bug in the script call")

    monkeypatch.setattr(state, "call", broken)
    with pytest.raises(RuntimeError):
        gate.acquire(time.monotonic() + 5)
    assert state.should_retry()  # the probe ended: the next thread may ask
    state.probe_ended()

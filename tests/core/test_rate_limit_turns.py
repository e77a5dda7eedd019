"""The shared rate limit's wait queue: first come, first served; dead waiters dropped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PlutoraLibrary.core import PlutoraConfig
from PlutoraLibrary.core.ratelimit import SlotGate, WaitQueue


def test_waiters_are_served_in_the_order_they_came(tmp_path: Path) -> None:
    queue = WaitQueue(tmp_path / "rate.queue")
    assert not queue.busy()
    first, second, third = queue.join(), queue.join(), queue.join()
    assert queue.busy()
    assert [queue.first(t) for t in (first, second, third)] == [True, False, False]
    queue.leave(first)
    assert queue.first(second)
    queue.leave(second)
    queue.leave(third)
    assert not queue.busy()  # the file is gone once nobody waits


def test_a_waiter_whose_process_died_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "rate.queue"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)  # fmt: skip
    path.write_text(f'["{int(dead.stdout)}:1:0"]', encoding="utf-8")
    queue = WaitQueue(path)
    mine = queue.join()
    assert queue.first(mine)  # the dead process's ticket no longer blocks the queue
    queue.leave(mine)


def test_a_gate_gives_up_at_its_deadline_when_the_limit_stays_used_up(tmp_path: Path) -> None:
    config = PlutoraConfig.from_env(
        {}, rate_limit=2, rate_window_seconds=60, token_cache_dir=str(tmp_path / "run")
    )
    gate = SlotGate.for_config(config, "client/with odd:chars")
    assert gate is not None
    assert gate.acquire(time.monotonic() + 1)
    assert gate.acquire(time.monotonic() + 1)
    started = time.monotonic()
    assert not gate.acquire(time.monotonic() + 0.3)
    assert 0.25 < time.monotonic() - started < 2
    assert not (tmp_path / "run" / "rate-client_with_odd_chars.queue").exists()
    assert stat_mode(tmp_path / "run") == 0o700


def test_one_process_waits_for_the_next_slot_up_to_the_deadline() -> None:
    gate = SlotGate.for_config(
        PlutoraConfig.from_env({}, rate_limit=2, rate_window_seconds=0.5), "x"
    )
    assert gate is not None
    assert gate.acquire(time.monotonic() + 1)
    assert gate.acquire(time.monotonic() + 1)
    started = time.monotonic()
    assert gate.acquire(time.monotonic() + 5)  # the window (0.6 s with the margin) passes
    assert 0.4 < time.monotonic() - started < 3


def test_no_gate_when_the_limit_is_off() -> None:
    assert SlotGate.for_config(PlutoraConfig.from_env({}, rate_limit=0), "x") is None


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_a_client_side_refusal_says_nothing_was_sent() -> None:
    from PlutoraLibrary.core import RateLimited

    error = RateLimited.client_side("GET", "/me", 12)
    assert str(error).startswith("GET /me was not sent. The client-side rate limit")
    assert "12 s (max_retry_wait)" in str(error)
    assert (error.status, error.retry_after) == (429, 12)
    server = RateLimited("GET", "/me", "API request limit exceeded.", 30, None)
    assert str(server).startswith("GET /me answered 429: API request limit exceeded")
    assert "the server asks to wait 30 s" in str(server)

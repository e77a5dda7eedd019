"""The client-side rate limit: pyrate-limiter's sliding window, shared by the processes of a
run through a SQLite bucket, with first-come-first-served turns among the processes waiting.

Why turns: when the limit is used up, the window's slots free together; whichever process
polls first then takes them all back to back (a loopback call takes a millisecond), and the
others can wait past ``max_retry_wait``. pyrate-limiter's own blocking wait is no fairer.
So a process that finds no free slot, or finds others already waiting, queues; only the
oldest waiter asks the limiter. The queue is a small JSON file beside the bucket, changed under
a file lock; tickets of processes that died are dropped.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .config import PlutoraConfig, ProductConfig

if TYPE_CHECKING:  # pyrate-limiter and filelock load with the first gate (an import costs ~30 ms)
    from pyrate_limiter import AbstractBucket, Limiter, Rate

    from .shared_state import Gate

#: A slot counts from when it is taken here, the server counts from when its handler sees the
#: request: later by the transit time and by pauses of a loaded server (delays over 0.1 s
#: earned one 429 in two loaded full test runs), so the window is a little longer.
_MARGIN_SECONDS = 0.2
_tickets = itertools.count()


class SlotGate:
    """Hands out rate-limit slots; ``acquire`` returns False when none came before ``deadline``.

    Example::

        gate = SlotGate.for_config(config, "my-client-id")
        if gate is not None and not gate.acquire(time.monotonic() + 60):
            raise RuntimeError("rate limit stayed used up")
    """

    def __init__(self, limiter: Limiter, queue: WaitQueue | None) -> None:
        self.limiter = limiter
        self.queue = queue

    @classmethod
    def for_config(
        cls, config: PlutoraConfig, client_id: str, product: ProductConfig | None = None
    ) -> Gate | None:
        """The gate for ``client_id``: in memory for one process, shared through
        ``token_cache_dir`` by every process of a run on this machine, or through
        ``shared_state_url`` by every machine (this host's gate while Redis is away); None
        when off."""
        if config.rate_limit <= 0:
            return None
        if config.shared_state_url:  # docs/adr/0009-shared-state-on-redis.md
            from .shared_state import SharedState

            state = SharedState.for_config(config)
            assert state is not None
            alone = config.with_options(shared_state_url=None)  # this host's, while Redis is away
            product = product or config.plutora
            return state.rate_gate(
                config, product, client_id, lambda: cls.for_config(alone, client_id)
            )
        from pyrate_limiter import Duration, Limiter, Rate

        window = config.rate_window_seconds
        window += max(_MARGIN_SECONDS, 0.01 * window)
        rate = Rate(config.rate_limit, int(window * Duration.SECOND))
        if not config.token_cache_dir:
            # The bucket given, not a rate: pyrate-limiter logs "Initializing default bucket" at
            # INFO for a rate alone (noise in every Robot log at INFO).
            return cls(Limiter(compact_bucket([rate])), None)
        folder = Path(config.token_cache_dir)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = "".join(ch if ch.isalnum() else "_" for ch in client_id)[:64]
        from pyrate_limiter.buckets.sqlite_bucket import SQLiteBucket

        bucket = SQLiteBucket.init_from_file(
            [rate],
            table=f"rate_{name}",
            db_path=str(folder / "rate-limit.sqlite"),
            use_file_lock=True,
        )
        return cls(Limiter(bucket), WaitQueue(folder / f"rate-{name}.queue"))

    def acquire(self, deadline: float) -> bool:
        """Take one slot, waiting (in turn with other processes) until ``deadline`` at most."""
        if self.queue is None:  # one process: the limiter's own wait, up to the deadline
            return self._try(deadline, float("inf"))
        if not self.queue.busy() and self._try(deadline, 0.0):
            return True
        ticket = self.queue.join()
        try:
            while time.monotonic() < deadline:
                if self.queue.first(ticket):
                    if self._try(deadline, 0.25):
                        return True
                else:
                    time.sleep(random.uniform(0.005, 0.02))
            return False
        finally:
            self.queue.leave(ticket)

    def _try(self, deadline: float, longest: float) -> bool:
        wait = max(0.0, min(deadline - time.monotonic(), longest))
        # Always blocking with a timeout: pyrate-limiter passes blocking=False to the file lock
        # as a timeout, which filelock 4 refuses.
        return bool(self.limiter.try_acquire("api", blocking=True, timeout=wait))


def compact_bucket(rates: list[Rate]) -> AbstractBucket:
    """pyrate-limiter's sliding-window log in memory, 8 bytes per request taken.

    pyrate-limiter's ``InMemoryBucket`` keeps a ``RateItem`` object (about 130 bytes) per request
    for the whole window: over an hour's window, iterating 100,000 records grew the client by a
    third of a page. This bucket keeps the same log as a C array of millisecond timestamps and
    answers exactly as ``InMemoryBucket`` does (a property test compares the two).

    Example::

        from pyrate_limiter import Duration, Limiter, Rate

        limiter = Limiter(compact_bucket([Rate(2, Duration.SECOND)]))
        assert limiter.try_acquire("api", blocking=False)
    """
    from ._compact_bucket import CompactBucket

    return CompactBucket(rates)


class WaitQueue:
    """First come, first served among waiting processes (and threads), in a shared file.

    Example::

        queue = WaitQueue(Path("/tmp/run/rate.queue"))
        ticket = queue.join()
        while not queue.first(ticket):
            time.sleep(0.01)
        queue.leave(ticket)
    """

    def __init__(self, path: Path) -> None:
        from filelock import FileLock

        self.path = path
        self._lock = FileLock(str(path) + ".lock", thread_local=False)
        self._thread_lock = threading.Lock()

    def busy(self) -> bool:
        """Whether anyone waits (a cheap check: the file exists only while someone does)."""
        return self.path.exists()

    def join(self) -> str:
        """Queue at the back; returns the ticket."""
        ticket = f"{os.getpid()}:{threading.get_ident()}:{next(_tickets)}"
        with self._locked() as waiting:
            waiting.append(ticket)
        return ticket

    def first(self, ticket: str) -> bool:
        """Whether ``ticket`` is at the front (tickets of dead processes are dropped first)."""
        with self._locked() as waiting:
            waiting[:] = [t for t in waiting if _alive(int(t.split(":", 1)[0]))]
            if ticket not in waiting:  # dropped by mistake (pid reuse): queue again
                waiting.append(ticket)
            return waiting[0] == ticket

    def leave(self, ticket: str) -> None:
        """Leave the queue, whether served or given up."""
        with self._locked() as waiting:
            if ticket in waiting:
                waiting.remove(ticket)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[str]]:
        with self._thread_lock, self._lock:
            try:
                waiting = list(json.loads(self.path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                waiting = []
            before = list(waiting)
            yield waiting
            if waiting == before:
                return
            if not waiting:
                self.path.unlink(missing_ok=True)
                return
            partial = self.path.with_name(self.path.name + f".{os.getpid()}.partial")
            partial.write_text(json.dumps(waiting), encoding="utf-8")
            partial.replace(self.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True

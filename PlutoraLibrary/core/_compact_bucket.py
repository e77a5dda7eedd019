"""A pyrate-limiter bucket holding its sliding-window log as an ``array`` of timestamps.

Loaded with the first rate-limit gate (pyrate-limiter's import is deferred until then); see
:func:`PlutoraLibrary.core.ratelimit.compact_bucket`.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left

from pyrate_limiter import AbstractBucket, Rate, RateItem

#: Dropped timestamps are cut from the front of the array once this many have gathered (and
#: they are at least half of it), so a leak costs O(1) amortised.
_COMPACT_AFTER = 4096


class CompactBucket(AbstractBucket):
    """The same admissions as ``InMemoryBucket``, at 8 bytes per request in the window.

    Timestamps (milliseconds of the bucket's clock) are kept ascending in a C ``array``; the
    live ones start at ``_start``. A request of weight *w* is admitted when, for every rate,
    fewer than ``limit - w + 1`` requests fall in ``[now - interval, now]``.

    Example::

        from pyrate_limiter import Duration, Limiter, Rate

        bucket = CompactBucket([Rate(100, Duration.MINUTE)])
        limiter = Limiter(bucket)
        assert limiter.try_acquire("api", blocking=False)
        assert bucket.count() == 1
    """

    is_async = False

    def __init__(self, rates: list[Rate]) -> None:
        super().__init__()
        self.rates = sorted(rates, key=lambda rate: rate.interval)
        self.failing_rate: Rate | None = None
        self._stamps = array("q")
        self._start = 0
        self._lock = threading.RLock()

    def put(self, item: RateItem) -> bool:
        """Admit ``item`` (append its timestamp ``weight`` times) or record the failing rate."""
        with self._lock:
            self.failing_rate = None
            if item.weight == 0:
                return True
            stamps = self._stamps
            live = len(stamps) - self._start
            for rate in self.rates:
                if live + item.weight <= rate.limit:
                    continue  # fits even if every live stamp is in this rate's window
                first = bisect_left(stamps, item.timestamp - rate.interval, self._start)
                if rate.limit - (len(stamps) - first) < item.weight:
                    self.failing_rate = rate
                    return False
            stamps.extend([item.timestamp] * item.weight)
            return True

    def leak(self, current_timestamp: int | None = None) -> int:
        """Forget the timestamps outside every rate's window; returns how many were dropped."""
        if current_timestamp is None:
            raise ValueError("leak() needs the current timestamp of the bucket's clock")
        with self._lock:
            bound = current_timestamp - max(rate.interval for rate in self.rates)
            first = bisect_left(self._stamps, bound, self._start)
            dropped = first - self._start
            self._start = first
            if self._start >= _COMPACT_AFTER and 2 * self._start >= len(self._stamps):
                del self._stamps[: self._start]
                self._start = 0
            return dropped

    def flush(self) -> None:
        """Forget every timestamp and the last failing rate."""
        with self._lock:
            self._stamps = array("q")
            self._start = 0
            self.failing_rate = None

    def count(self) -> int:
        """How many timestamps are held (some may be outside the windows until the next leak)."""
        with self._lock:
            return len(self._stamps) - self._start

    def peek(self, index: int) -> RateItem | None:
        """The ``index``-th newest item (0 is the newest), or None beyond the oldest."""
        with self._lock:
            if not 0 <= index < len(self._stamps) - self._start:
                return None
            return RateItem("api", self._stamps[-1 - index])

"""The simulator's movable clock: real time plus an offset that only grows."""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone

from ..config import MAX_SECONDS


class Clock:
    """Seconds since the epoch on the simulator's clock. Tokens, rate windows and
    ``lastModifiedDate`` all read it, so moving it forward moves all of them.

    Example::

        clock = Clock()
        clock.advance(3600)
        clock.now() - time.time()  # about 3600
    """

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, real time plus any advance."""
        return time.time() + self.offset

    def moment(self) -> datetime:
        """The clock's time as an aware UTC datetime. Example: ``clock.moment().year``."""
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (finite, at most ten years per call and in total:
        past that, dates no longer fit the platform's clock); returns the new offset.

        Raises ``ValueError`` naming the limit. Example: ``clock.advance(12001)``.
        """
        if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SECONDS:
            raise ValueError(
                f"seconds must be a finite number from 0 to {MAX_SECONDS:.0f} (10 years), "
                f"not {seconds!r}"
            )
        if self.offset + seconds > MAX_SECONDS:
            raise ValueError(
                f"the clock is already {self.offset:.0f} s ahead, and {seconds:.0f} s "
                f"more would put it over the limit of {MAX_SECONDS:.0f} s (10 years) ahead "
                "of real time; a reset (POST /_sim/reset) brings it back"
            )
        self.offset += seconds
        return self.offset

    def reset(self) -> None:
        """Back to real time."""
        self.offset = 0.0

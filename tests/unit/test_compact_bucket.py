"""The compact rate-limit bucket answers exactly as pyrate-limiter's InMemoryBucket."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyrate_limiter import Duration, InMemoryBucket, Limiter, Rate, RateItem

from PlutoraLibrary.core._compact_bucket import CompactBucket
from PlutoraLibrary.core.ratelimit import compact_bucket


def _by_interval(rates: list[Rate]) -> list[Rate]:
    return sorted(rates, key=lambda rate: rate.interval)


RATES = st.lists(
    st.builds(Rate, st.integers(1, 6), st.integers(1, 50)),
    min_size=1,
    max_size=3,
    unique_by=lambda rate: rate.interval,
).filter(
    # pyrate-limiter refuses rate lists whose limits do not grow with their intervals
    lambda rates: all(
        a.limit < b.limit and a.limit / a.interval > b.limit / b.interval
        for a, b in zip(
            _by_interval(rates), _by_interval(rates)[1:], strict=False
        )  # pairs of neighbours
    )
)
STEPS = st.lists(
    st.tuples(st.integers(0, 15), st.integers(0, 3), st.booleans()), min_size=1, max_size=120
)


@settings(max_examples=300, deadline=None)
@given(rates=RATES, steps=STEPS)
def test_same_admissions_waits_and_leaks_as_in_memory_bucket(
    rates: list[Rate], steps: list[tuple[int, int, bool]]
) -> None:
    compact, reference = CompactBucket(list(rates)), InMemoryBucket(list(rates))
    now = 0
    for advance, weight, leak in steps:
        now += advance
        if leak:
            assert compact.leak(now) == reference.leak(now)
        item = RateItem("api", now, weight)
        admitted = compact.put(item)
        assert admitted == reference.put(RateItem("api", now, weight))
        assert compact.failing_rate == reference.failing_rate
        assert compact.count() == reference.count()
        if not admitted:
            assert compact.waiting(item) == reference.waiting(RateItem("api", now, weight))
        for index in range(compact.count() + 1):
            ours, theirs = compact.peek(index), reference.peek(index)
            assert (ours and ours.timestamp) == (theirs and theirs.timestamp)


def test_a_leak_compacts_the_array_and_keeps_the_window() -> None:
    bucket = CompactBucket([Rate(100_000, 1000)])
    for stamp in range(10_000):
        assert bucket.put(RateItem("api", stamp))
    assert bucket.leak(10_000) == 9_000  # stamps 0..8999 are older than 10,000 - 1,000
    assert bucket.count() == 1_000
    assert len(bucket._stamps) == 1_000  # the dropped part was cut, not only skipped
    assert bucket.peek(0) is not None
    assert bucket.peek(0).timestamp == 9_999


def test_memory_per_request_is_a_timestamp() -> None:
    limiter = Limiter(compact_bucket([Rate(26_000, Duration.HOUR)]))
    limiter.try_acquire("api", blocking=False)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(1_000):
        assert limiter.try_acquire("api", blocking=False)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 1_000 * 16, f"{grown} bytes for 1,000 requests"  # InMemoryBucket: ~130,000


def test_leak_needs_a_timestamp() -> None:
    with pytest.raises(ValueError, match="current timestamp"):
        CompactBucket([Rate(1, 1000)]).leak()

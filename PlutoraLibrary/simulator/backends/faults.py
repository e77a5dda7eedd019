"""Faults injected through the control API into the next matching requests."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .counters import Counters

FaultKind = Literal["status", "rate_limit", "delay", "drop"]
FAULT_KINDS: tuple[str, ...] = ("status", "rate_limit", "delay", "drop")


@dataclass
class Fault:
    """A fault injected into the next ``remaining`` requests whose path matches ``pattern``.

    ``stage`` "before": the fault comes first; a status, rate limit or drop means the request
    never reaches the API (nothing is processed), a delay holds it and then processes it, even
    when the client gave up meanwhile; "after": the API processes it, then the answer is
    replaced, delayed or dropped.
    """

    pattern: re.Pattern[str]
    kind: FaultKind
    remaining: int
    method: str | None = None
    status: int = 503
    retry_after: int = 1
    seconds: float = 0.0
    stage: Literal["before", "after"] = "before"
    body: Any = None
    #: Only requests of this user (lower case): its token's owner, or the login's username.
    user: str | None = None
    #: Given when queued; never reused, not even after a reset (so a stale id matches nothing).
    id: int = 0

    def describe(self) -> dict[str, Any]:
        """The fault as the control API shows it."""
        return {
            "id": self.id,
            "path": self.pattern.pattern,
            "method": self.method,
            "user": self.user,
            "kind": self.kind,
            "remaining": self.remaining,
            "status": self.status,
            "retryAfter": self.retry_after,
            "seconds": self.seconds,
            "stage": self.stage,
        }


class FaultsBackend:
    """The queue of injected faults, tried in the order they were added.

    Example::

        faults = FaultsBackend(Counters())
        faults.add(Fault(re.compile("/me$"), "status", remaining=1))
        faults.take("GET", "/plutora/api/me").status  # 503; the queue is empty again
    """

    def __init__(self, counters: Counters) -> None:
        self.counters = counters
        self.queued: list[Fault] = []
        self._ids = itertools.count(1)

    def __iter__(self) -> Iterator[Fault]:
        return iter(self.queued)

    def reset(self) -> None:
        """Forget every queued fault (ids go on counting)."""
        self.queued.clear()

    def add(self, fault: Fault) -> None:
        """Queue a fault, giving it its id."""
        fault.id = next(self._ids)
        self.queued.append(fault)

    def remove(self, fault_id: int) -> bool:
        """Forget one queued fault; False if none has that id (used up, removed, reset)."""
        for fault in self.queued:
            if fault.id == fault_id:
                self.queued.remove(fault)
                return True
        return False

    def for_users(self) -> bool:
        """Whether a queued fault is scoped to a user (then requests must say whose they are)."""
        return any(fault.user for fault in self.queued)

    def take(self, method: str, path: str, user: str | None = None) -> Fault | None:
        """The first queued fault matching this request (of ``user``), counted down by one;
        a copy, so that the caller holds it after the queue has let it go."""
        for fault in self.queued:
            if fault.method and fault.method != method:
                continue
            if fault.user and fault.user != (user or "").lower():
                continue
            if not fault.pattern.search(path):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self.queued.remove(fault)
            self.counters.faults_applied += 1
            return copy.copy(fault)
        return None

"""What the simulator counts for tests and benchmarks (read through ``/_sim/counters``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any


class Counters:
    """Token grants, denials, logins, 429s, requests per route and status, faults applied.

    Backends count into one shared instance; :meth:`reset` clears it in place, so every
    backend keeps counting into the same object. Example::

        counters = Counters()
        counters.count_request("GET /plutora/api/me", 200)
        counters.describe()["requests"]  # {"GET /plutora/api/me": {"200": 1}}
    """

    def __init__(self) -> None:
        self.token_grants: Counter[str] = Counter()
        self.token_grants_by_user: Counter[str] = Counter()
        self.token_denials: Counter[str] = Counter()
        self.login_attempts: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self.requests: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.faults_applied = 0

    def reset(self) -> None:
        """Start counting afresh."""
        for counter in (
            self.token_grants,
            self.token_grants_by_user,
            self.token_denials,
            self.login_attempts,
            self.rate_limited,
        ):
            counter.clear()
        self.requests.clear()
        self.faults_applied = 0

    def count_request(self, route: str, status: int) -> None:
        """One answered request under its route template (``GET /plutora/api/me``)."""
        self.requests[route][str(status)] += 1

    def describe(self) -> dict[str, Any]:
        """The counters as the control API shows them."""
        return {
            "tokenGrants": dict(self.token_grants),
            "tokenGrantsTotal": sum(self.token_grants.values()),
            "tokenGrantsByUser": dict(self.token_grants_by_user),
            "tokenDenials": dict(self.token_denials),
            "loginAttempts": dict(self.login_attempts),
            "rateLimited": dict(self.rate_limited),
            "rateLimitedTotal": sum(self.rate_limited.values()),
            "requests": {route: dict(statuses) for route, statuses in self.requests.items()},
            "requestsTotal": sum(sum(c.values()) for c in self.requests.values()),
            "faultsApplied": self.faults_applied,
        }

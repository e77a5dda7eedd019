"""Everything the simulator remembers, behind one lock.

The HTTP layer runs every handler on one event loop, and in-process callers (tests, the Robot
library) go through the same lock, so no update is ever lost or half applied, however many
clients or processes call at once.
"""

from __future__ import annotations

import copy
import ipaddress
import itertools
import math
import re
import secrets
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Literal

from .config import (
    DEMO_USERS,
    MAX_RATE_LIMIT,
    MAX_SECONDS,
    PRODUCTS,
    Product,
    SimulatorConfig,
    UserAccount,
    whitelist_problems,
)
from .seed import SeedData, build_seed

FaultKind = Literal["status", "rate_limit", "delay", "drop"]
FAULT_KINDS: tuple[str, ...] = ("status", "rate_limit", "delay", "drop")


@dataclass
class TokenGrant:
    """One issued token: who it belongs to and until when (simulator clock) it is valid."""

    access_token: str
    refresh_token: str
    product: Product
    client_id: str
    username: str
    expires_at: float

    def __repr__(self) -> str:
        return f"TokenGrant(product={self.product!r}, client_id={self.client_id!r}, ***)"


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


@dataclass
class Settings:
    """The part of the configuration the control API can change while running."""

    ip_whitelist: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
    rate_limit: int
    rate_window_seconds: float
    token_lifetime: dict[str, int]
    change_display_names: str

    @classmethod
    def from_config(cls, config: SimulatorConfig) -> Settings:
        return cls(
            ip_whitelist=[ipaddress.ip_network(e, strict=False) for e in config.ip_whitelist],
            rate_limit=config.rate_limit,
            rate_window_seconds=float(config.rate_window_seconds),
            token_lifetime={
                "plutora": config.token_lifetime_plutora,
                "plutora-test": config.token_lifetime_plutora_test,
            },
            change_display_names=config.change_display_names,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "ipWhitelist": [str(network) for network in self.ip_whitelist],
            "rateLimit": self.rate_limit,
            "rateWindowSeconds": self.rate_window_seconds,
            "tokenLifetimePlutora": self.token_lifetime["plutora"],
            "tokenLifetimePlutoraTest": self.token_lifetime["plutora-test"],
            "changeDisplayNames": self.change_display_names,
        }


@dataclass
class Counters:
    """What the simulator counts for tests and benchmarks (read through ``/_sim/counters``)."""

    token_grants: Counter[str] = field(default_factory=Counter)
    token_grants_by_user: Counter[str] = field(default_factory=Counter)
    token_denials: Counter[str] = field(default_factory=Counter)
    login_attempts: Counter[str] = field(default_factory=Counter)
    rate_limited: Counter[str] = field(default_factory=Counter)
    requests: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    faults_applied: int = 0

    def describe(self) -> dict[str, Any]:
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


class LoginRejected(Exception):
    """A token request the token server refuses; ``error`` and ``description`` are its body."""

    def __init__(self, error: str, description: str | None) -> None:
        super().__init__(error)
        self.error = error
        self.description = description


class ProtectedUser(PermissionError):
    """A control call refused for a user of the simulator's own settings (see ``unlock_user``)."""


class SimulatorState:
    """The simulated site: data, users, tokens, limits, faults and counters.

    Every public method takes ``self.lock``; HTTP handlers run with it held.
    Example::

        state = SimulatorState(SimulatorConfig(seed=3))
        grant = state.grant_token("plutora", "sim-plutora-client", "sim-plutora-secret",
                                  "qa.lead@example.com", "Sim-Password-1")
    """

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.clock_offset = 0.0
        self.tokens: dict[str, TokenGrant] = {}
        self.issued_tokens: list[str] = []
        self._fault_ids = itertools.count(1)
        # Users of the simulator's own settings (a settings file, or the credentials of the
        # library or plugin that started it: possibly a real account). The control API may
        # not unlock or replace them, and a reset keeps their failed logins and lock, so that
        # the token server is never an unlimited password-guessing oracle for them.
        self.protected_users = frozenset(
            (user.product, user.username.lower()) for user in config.users if user not in DEMO_USERS
        )
        self._fresh(config)

    def _fresh(self, config: SimulatorConfig) -> None:
        self.data: SeedData = build_seed(config.seed, config.defect_count)
        self.settings = Settings.from_config(config)
        self.api_keys = {key.client_id: key for key in config.api_keys}
        self.users: dict[tuple[str, str], UserAccount] = {
            (user.product, user.username.lower()): user for user in config.users
        }
        self.failed_logins: Counter[tuple[str, str]] = Counter()
        self.locked: set[tuple[str, str]] = set()
        self.request_log: dict[str, deque[float]] = defaultdict(deque)
        self.faults: list[Fault] = []
        self.counters = Counters()

    # -- clock ------------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the epoch on the simulator's clock (real time plus any advance)."""
        return time.time() + self.clock_offset

    def advance_clock(self, seconds: float) -> float:
        """Move the clock forward (tokens expire, rate windows pass); returns the offset.

        At most ten years per call and in total (past that, dates no longer fit the platform's
        clock and every token would read as expired). Example: ``state.advance_clock(12001)``.
        """
        if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SECONDS:
            raise ValueError(
                f"seconds must be a finite number from 0 to {MAX_SECONDS:.0f} (10 years), "
                f"not {seconds!r}"
            )
        with self.lock:
            if self.clock_offset + seconds > MAX_SECONDS:
                raise ValueError(
                    f"the clock is already {self.clock_offset:.0f} s ahead, and {seconds:.0f} s "
                    f"more would put it over the limit of {MAX_SECONDS:.0f} s (10 years) ahead "
                    "of real time; a reset (POST /_sim/reset) brings it back"
                )
            self.clock_offset += seconds
            return self.clock_offset

    # -- resetting --------------------------------------------------------------------------

    def reset(self, tokens: bool = False) -> None:
        """Back to the seeded site: data, locks, limits, faults, counters, clock and settings.

        Issued tokens stay valid unless ``tokens`` is true, so that other processes of a
        parallel run keep working.
        """
        with self.lock:
            protected = self.protected_users
            failed = {key: n for key, n in self.failed_logins.items() if key in protected}
            locked = self.locked & protected
            self._fresh(self.config)
            self.failed_logins.update(failed)
            self.locked |= locked
            self.clock_offset = 0.0
            if tokens:
                self.tokens.clear()

    # -- logins and tokens ------------------------------------------------------------------

    def grant_token(
        self,
        product: Product,
        client_id: str | None,
        client_secret: str | None,
        username: str | None,
        password: str | None,
    ) -> TokenGrant:
        """Run the password grant, or raise :class:`LoginRejected` with the server's body."""
        with self.lock:
            key = self.api_keys.get(client_id or "")
            if key is None or key.product != product or key.client_secret != client_secret:
                self.counters.token_denials[client_id or "(none)"] += 1
                raise LoginRejected("invalid_grant", "The client_id or client_secret is incorrect.")
            account_key = (product, (username or "").lower())
            self.counters.login_attempts[f"{product}:{account_key[1]}"] += 1
            if account_key in self.locked:
                self.counters.token_denials[key.client_id] += 1
                raise LoginRejected(
                    "validation_error",
                    "Your account is locked. Please contact your administrator.",
                )
            user = self.users.get(account_key)
            if user is None or user.password != password:
                self.counters.token_denials[key.client_id] += 1
                if user is not None:
                    self.failed_logins[account_key] += 1
                    if self.failed_logins[account_key] >= self.config.lock_after_failed_logins:
                        self.locked.add(account_key)
                raise LoginRejected(
                    "validation_error", "Login failed, you have 5 attempts to login"
                )
            self.failed_logins.pop(account_key, None)
            grant = TokenGrant(
                access_token=secrets.token_urlsafe(32),
                refresh_token=secrets.token_urlsafe(32),
                product=product,
                client_id=key.client_id,
                username=user.username,
                expires_at=self.now() + self.settings.token_lifetime[product],
            )
            self.tokens[grant.access_token] = grant
            self.issued_tokens.extend((grant.access_token, grant.refresh_token))
            self.counters.token_grants[key.client_id] += 1
            self.counters.token_grants_by_user[f"{product}:{account_key[1]}"] += 1
            return grant

    def authenticate(self, product: Product, authorization: str | None) -> TokenGrant | None:
        """The grant behind an ``Authorization: bearer …`` header, if valid for ``product``."""
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        with self.lock:
            grant = self.tokens.get(token.strip())
            if grant is None or grant.product != product or grant.expires_at <= self.now():
                return None
            return grant

    def expire_tokens(self, user: str | None = None) -> int:
        """Make every issued token (of ``user`` only, if given) expired now; returns how many."""
        with self.lock:
            moment = self.now()
            expired = 0
            for grant in self.tokens.values():
                if user is None or grant.username.lower() == user.lower():
                    grant.expires_at = min(grant.expires_at, moment)
                    expired += 1
            return expired

    def token_owner(self, authorization: str | None) -> str | None:
        """The user a bearer token was issued to (valid or not), for user-scoped faults."""
        _, _, token = (authorization or "").strip().partition(" ")
        with self.lock:
            grant = self.tokens.get(token.strip())
            return grant.username.lower() if grant is not None else None

    def faults_for_users(self) -> bool:
        """Whether a queued fault is scoped to a user (then requests must say whose they are)."""
        return any(fault.user for fault in self.faults)

    def add_user(self, account: UserAccount) -> None:
        """Add (or replace) a user, e.g. a throw-away user for lock tests.

        A user of the simulator's own settings cannot be replaced (:class:`ProtectedUser`).
        Example: ``state.add_user(UserAccount("temp@example.com", "pw", "plutora"))``.
        """
        if account.product not in PRODUCTS:
            raise ValueError(f"product must be one of {', '.join(PRODUCTS)}")
        key = (account.product, account.username.lower())
        self._refuse_protected(key, "replaced")
        with self.lock:
            self.users[key] = account
            self.failed_logins.pop(key, None)
            self.locked.discard(key)

    def unlock_user(self, username: str, product: Product | None = None) -> bool:
        """Unlock a user (of one product or both); returns whether it was locked.

        Only demo users and users added through :meth:`add_user` can be unlocked; a user of
        the simulator's own settings raises :class:`ProtectedUser` (it may hold real
        credentials). Example: ``state.unlock_user("temp@example.com")``.
        """
        products = (product,) if product else PRODUCTS
        for name in products:
            self._refuse_protected((name, username.lower()), "unlocked")
        with self.lock:
            was_locked = False
            for name in products:
                key = (name, username.lower())
                was_locked |= key in self.locked
                self.locked.discard(key)
                self.failed_logins.pop(key, None)
            return was_locked

    def _refuse_protected(self, key: tuple[str, str], change: str) -> None:
        if key in self.protected_users:
            product, username = key
            raise ProtectedUser(
                f"The {product} user {username!r} comes from the simulator's own settings "
                f"(a settings file, or the credentials the library or plugin was given), so it "
                f"cannot be {change} through the control API: it may be a real account, and "
                "unlocking it would let anyone guess its password without limit. Restart the "
                "simulator to clear its lock, or run lock tests with a throw-away user "
                "(POST /_sim/users, 'Add Simulator User')."
            )

    def is_locked(self, username: str, product: Product) -> bool:
        """Whether a user is locked out of a product."""
        with self.lock:
            return (product, username.lower()) in self.locked

    # -- whitelist and rate limit --------------------------------------------------------------

    def ip_allowed(self, address: str | None) -> bool:
        """Whether ``address`` is on the whitelist (an empty whitelist allows everyone)."""
        whitelist = self.settings.ip_whitelist
        if not whitelist:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        return any(ip in network for network in whitelist)

    def take_rate_slot(self, client_id: str) -> int | None:
        """Count one request of ``client_id``; return None, or the seconds to wait if over."""
        with self.lock:
            moment = self.now()
            window = self.settings.rate_window_seconds
            log = self.request_log[client_id]
            while log and log[0] <= moment - window:
                log.popleft()
            if len(log) >= self.settings.rate_limit:
                self.counters.rate_limited[client_id] += 1
                return max(1, math.ceil(log[0] + window - moment))
            log.append(moment)
            return None

    def update_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change run-time settings (whitelist, limits, lifetimes, display names) at once.

        Every problem is reported together in one ``ValueError``; nothing changes then.
        """
        known = {
            "ipWhitelist",
            "rateLimit",
            "rateWindowSeconds",
            "tokenLifetimePlutora",
            "tokenLifetimePlutoraTest",
            "changeDisplayNames",
        }
        problems = [f"unknown setting '{name}'" for name in changes if name not in known]
        whitelist = changes.get("ipWhitelist")
        if whitelist is not None:
            if not isinstance(whitelist, list):
                problems.append("ipWhitelist must be a list of addresses and CIDR ranges")
            else:
                problems.extend(whitelist_problems([str(item) for item in whitelist]))
        for name, most in (
            ("rateLimit", MAX_RATE_LIMIT),
            ("tokenLifetimePlutora", MAX_SECONDS),
            ("tokenLifetimePlutoraTest", MAX_SECONDS),
        ):
            value = changes.get(name)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most
            ):
                problems.append(f"{name} must be a whole number of at least 1, at most {most:.0f}")
        window = changes.get("rateWindowSeconds")
        if window is not None and (
            not isinstance(window, (int, float))
            or isinstance(window, bool)
            or not 0 < window <= MAX_SECONDS  # NaN fails this too
        ):
            problems.append(
                f"rateWindowSeconds must be a number of seconds above 0, at most {MAX_SECONDS:.0f}"
            )
        if changes.get("changeDisplayNames") not in (None, "classic", "named"):
            problems.append("changeDisplayNames must be 'classic' or 'named'")
        if problems:
            raise ValueError("; ".join(problems))
        with self.lock:
            settings = self.settings
            if whitelist is not None:
                settings.ip_whitelist = [
                    ipaddress.ip_network(str(item), strict=False) for item in whitelist
                ]
            if "rateLimit" in changes:
                settings.rate_limit = changes["rateLimit"]
            if "rateWindowSeconds" in changes:
                settings.rate_window_seconds = float(changes["rateWindowSeconds"])
            if "tokenLifetimePlutora" in changes:
                settings.token_lifetime["plutora"] = changes["tokenLifetimePlutora"]
            if "tokenLifetimePlutoraTest" in changes:
                settings.token_lifetime["plutora-test"] = changes["tokenLifetimePlutoraTest"]
            if "changeDisplayNames" in changes:
                settings.change_display_names = changes["changeDisplayNames"]
            return settings.describe()

    # -- faults -----------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault (giving it its id); faults are tried in the order they were added."""
        with self.lock:
            fault.id = next(self._fault_ids)
            self.faults.append(fault)

    def remove_fault(self, fault_id: int) -> bool:
        """Forget one queued fault; False if none has that id (used up, removed, reset)."""
        with self.lock:
            for fault in self.faults:
                if fault.id == fault_id:
                    self.faults.remove(fault)
                    return True
        return False

    def clear_faults(self) -> None:
        """Forget every fault still queued."""
        with self.lock:
            self.faults.clear()

    def take_fault(self, method: str, path: str, user: str | None = None) -> Fault | None:
        """The first queued fault matching this request (of ``user``), counted down by one."""
        if not self.faults:  # the common case: no lock, no scan
            return None
        with self.lock:
            for fault in self.faults:
                if fault.method and fault.method != method:
                    continue
                if fault.user and fault.user != (user or "").lower():
                    continue
                if not fault.pattern.search(path):
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                self.counters.faults_applied += 1
                return copy.copy(fault)
        return None

    # -- counters ---------------------------------------------------------------------------

    def count_injected_429(self) -> None:
        """Count a 429 sent by an injected fault (under the client id ``(injected)``)."""
        with self.lock:
            self.counters.rate_limited["(injected)"] += 1

    def count_request(self, route: str, status: int) -> None:
        """Record one answered request under its route template and status."""
        with self.lock:
            self.counters.requests[route][str(status)] += 1

    def reset_counters(self) -> None:
        """Start counting afresh."""
        with self.lock:
            self.counters = Counters()

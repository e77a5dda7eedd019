"""The token servers' backend: API keys, users, issued tokens and lock-outs."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..config import DEMO_USERS, PRODUCTS, Product, SimulatorConfig, UserAccount
from .clock import Clock
from .counters import Counters
from .settings import Settings


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


class LoginRejected(Exception):
    """A token request the token server refuses; ``error`` and ``description`` are its body."""

    def __init__(self, error: str, description: str | None) -> None:
        super().__init__(error)
        self.error = error
        self.description = description


class ProtectedUser(PermissionError):
    """A control call refused for a user of the simulator's own settings (see
    :meth:`AuthBackend.unlock_user`)."""


class AuthBackend:
    """Password grants, bearer tokens, failed logins and locks, per product.

    Example::

        auth = AuthBackend(SimulatorConfig(), settings, Clock(), Counters())
        grant = auth.grant_token("plutora", "sim-plutora-client", "sim-plutora-secret",
                                 "qa.lead@example.com", "Sim-Password-1")
        auth.authenticate("plutora", f"bearer {grant.access_token}") is grant  # True
    """

    def __init__(
        self, config: SimulatorConfig, settings: Settings, clock: Clock, counters: Counters
    ) -> None:
        self.config = config
        self.settings = settings
        self.clock = clock
        self.counters = counters
        self.tokens: dict[str, TokenGrant] = {}
        self.issued_tokens: list[str] = []
        # Users of the simulator's own settings (a settings file, or the credentials of the
        # library or plugin that started it: possibly a real account). The control API may
        # not unlock or replace them, and a reset keeps their failed logins and lock, so that
        # the token server is never an unlimited password-guessing oracle for them.
        self.protected_users = frozenset(
            (user.product, user.username.lower()) for user in config.users if user not in DEMO_USERS
        )
        self.api_keys = {key.client_id: key for key in config.api_keys}
        self.users: dict[tuple[str, str], UserAccount] = {}
        self.failed_logins: Counter[tuple[str, str]] = Counter()
        self.locked: set[tuple[str, str]] = set()
        #: Whether a Plutora user is Inactive (set by the state: the users backend knows).
        self.inactive: Callable[[str], bool] = lambda _username: False
        self.reset(tokens=True)

    def reset(self, tokens: bool = False) -> None:
        """Back to the configured keys and users; locks and failed logins cleared except those
        of protected users. Issued tokens stay valid unless ``tokens`` is true."""
        protected = self.protected_users
        failed = {key: n for key, n in self.failed_logins.items() if key in protected}
        locked = self.locked & protected
        self.api_keys = {key.client_id: key for key in self.config.api_keys}
        self.users = {(user.product, user.username.lower()): user for user in self.config.users}
        self.failed_logins = Counter(failed)
        self.locked = set(locked)
        if tokens:
            self.tokens.clear()

    def grant_token(
        self,
        product: Product,
        client_id: str | None,
        client_secret: str | None,
        username: str | None,
        password: str | None,
    ) -> TokenGrant:
        """Run the password grant, or raise :class:`LoginRejected` with the server's body."""
        key = self.api_keys.get(client_id or "")
        if key is None or key.product != product or key.client_secret != client_secret:
            self.counters.token_denials[client_id or "(none)"] += 1
            raise LoginRejected("invalid_grant", "The client_id or client_secret is incorrect.")
        account_key = (product, (username or "").lower())
        self.counters.login_attempts[f"{product}:{account_key[1]}"] += 1
        if account_key in self.locked:
            self.counters.token_denials[key.client_id] += 1
            raise LoginRejected(
                "validation_error", "Your account is locked. Please contact your administrator."
            )
        user = self.users.get(account_key)
        if user is None or user.password != password:
            self.counters.token_denials[key.client_id] += 1
            if user is not None:
                self.failed_logins[account_key] += 1
                if self.failed_logins[account_key] >= self.config.lock_after_failed_logins:
                    self.locked.add(account_key)
            raise LoginRejected("validation_error", "Login failed, you have 5 attempts to login")
        self.failed_logins.pop(account_key, None)
        if product == "plutora" and self.inactive(user.username):
            self.counters.token_denials[key.client_id] += 1
            raise LoginRejected(
                "validation_error", "Your user is inactive. Please contact your administrator."
            )
        grant = TokenGrant(
            access_token=secrets.token_urlsafe(32),
            refresh_token=secrets.token_urlsafe(32),
            product=product,
            client_id=key.client_id,
            username=user.username,
            expires_at=self.clock.now() + self.settings.token_lifetime[product],
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
        if scheme.lower() != "bearer":
            return None
        grant = self.tokens.get(token.strip())
        if grant is None or grant.product != product or grant.expires_at <= self.clock.now():
            return None
        if product == "plutora" and self.inactive(grant.username):
            return None
        return grant

    def expire_tokens(self, user: str | None = None) -> int:
        """Make every issued token (of ``user`` only, if given) expired now; returns how many."""
        moment = self.clock.now()
        expired = 0
        for grant in self.tokens.values():
            if user is None or grant.username.lower() == user.lower():
                grant.expires_at = min(grant.expires_at, moment)
                expired += 1
        return expired

    def token_owner(self, authorization: str | None) -> str | None:
        """The user a bearer token was issued to (valid or not), for user-scoped faults."""
        _, _, token = (authorization or "").strip().partition(" ")
        grant = self.tokens.get(token.strip())
        return grant.username.lower() if grant is not None else None

    def add_user(self, account: UserAccount) -> None:
        """Add (or replace) a user, e.g. a throw-away user for lock tests; a user of the
        simulator's own settings cannot be replaced (:class:`ProtectedUser`)."""
        if account.product not in PRODUCTS:
            raise ValueError(f"product must be one of {', '.join(PRODUCTS)}")
        key = (account.product, account.username.lower())
        self._refuse_protected(key, "replaced")
        self.users[key] = account
        self.failed_logins.pop(key, None)
        self.locked.discard(key)

    def unlock_user(self, username: str, product: Product | None = None) -> bool:
        """Unlock a user (of one product or both); returns whether it was locked. A user of
        the simulator's own settings raises :class:`ProtectedUser` (it may hold real
        credentials)."""
        products = (product,) if product else PRODUCTS
        for name in products:
            self._refuse_protected((name, username.lower()), "unlocked")
        was_locked = False
        for name in products:
            key = (name, username.lower())
            was_locked |= key in self.locked
            self.locked.discard(key)
            self.failed_logins.pop(key, None)
        return was_locked

    def is_locked(self, username: str, product: Product) -> bool:
        """Whether a user is locked out of a product."""
        return (product, username.lower()) in self.locked

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

"""Tokens: the password grant, renewal before expiry, one renewal at a time, sharing across
the processes of a run, and never a retried login.

Rules this module keeps:

- ``expires_in`` is read from every answer; a token is renewed ``refresh_margin_seconds``
  before it runs out.
- One renewal at a time, however many threads ask (a lock held across the login); with a
  shared folder, one per machine (a file lock held across the login), so N processes of a run
  cause one grant per token lifetime.
- A rejected login (``invalid_grant``, ``validation_error``, locked account) raises at once and
  is remembered: later calls raise the same error without asking the server again, because
  five failed logins lock a real account.
- Whatever is written to disk is the access token and its expiry, encrypted (Fernet) with a
  key derived from the client secret and the password, in an owner-only file; never a password
  or a client secret. A file left behind opens only for someone who could log in anyway.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from filelock import FileLock

from .config import Credentials, ProductConfig
from .errors import (
    AccessDenied,
    AccountLocked,
    AuthenticationError,
    InvalidClient,
    LoginRejected,
    TransportError,
    UnexpectedResponse,
)
from .reporting import SECRETS, Reporter, mask_url

Clock = Callable[[], float]


class Token:
    """An access token. ``str``, ``repr`` and f-strings never show its value; ``value`` does.

    Example::

        token = provider.token()
        headers = {"Authorization": f"bearer {token.value}"}
    """

    __slots__ = ("_value", "expires_at", "product")

    def __init__(self, value: str, expires_at: float, product: str) -> None:
        self._value = value
        self.expires_at = expires_at
        self.product = product

    @property
    def value(self) -> str:
        """The secret itself: put it in a header, never in a log."""
        return self._value

    def seconds_left(self, now: float | None = None) -> float:
        """Seconds until the token expires."""
        return self.expires_at - (time.time() if now is None else now)

    def __repr__(self) -> str:
        return f"Token(product={self.product!r}, value='***', expires_at={self.expires_at:.0f})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:  # pickling (xdist) keeps the value: it is needed to call
        return (Token, (self._value, self.expires_at, self.product))


class BearerAuth(requests.auth.AuthBase):
    """Sends a :class:`Token` as ``Authorization: bearer …``; its repr never shows the value.

    Giving requests an ``auth`` object also keeps it from reading ``~/.netrc``, whose Basic
    credentials for the API host would otherwise replace the token (and cost a file look-up
    on every request).

    Example::

        session.get(url, auth=BearerAuth(provider.token()))
    """

    __slots__ = ("token",)

    def __init__(self, token: Token | None) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.token is not None:
            request.headers["Authorization"] = f"bearer {self.token.value}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)" if self.token is not None else "BearerAuth(None)"


#: For the token request: no ``Authorization`` header, and no ``~/.netrc`` credentials sent.
NO_AUTH = BearerAuth(None)


@dataclass(frozen=True)
class _Rejection:
    kind: type[AuthenticationError]
    status: int
    error: str | None
    description: str | None


class TokenProvider:
    """Hands out a valid token for one product, logging in only when it must.

    Example::

        provider = TokenProvider(config.plutora, session, timeout=(5, 30))
        token = provider.token()          # logs in once
        provider.invalidate(token)        # after a 401: the next call logs in again
    """

    def __init__(
        self,
        product: ProductConfig,
        session: requests.Session,
        timeout: tuple[float, float],
        shared_dir: str | None = None,
        refresh_margin: float = 120.0,
        reporter: Reporter | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.product = product
        self.session = session
        self.timeout = timeout
        self.refresh_margin = refresh_margin
        self.reporter = reporter or Reporter()
        self.clock = clock
        # Errors and reprs show the token URL masked (a URL may carry user:password@).
        self._shown_url = mask_url(product.token_url)
        self._token: Token | None = None
        self._rejection: _Rejection | None = None
        self._lock = threading.Lock()
        self.logins = 0  # grants this provider obtained itself (for tests and reports)
        self._cache_file: Path | None = None
        self._file_lock: FileLock | None = None
        self._cipher: Fernet | None = None
        if shared_dir and product.credentials is not None:
            self._cipher = _cache_cipher(product.credentials)
            self._cache_file = _cache_path(Path(shared_dir), product)
            self._file_lock = FileLock(str(self._cache_file) + ".lock", thread_local=False)

    def __repr__(self) -> str:
        return f"TokenProvider({self.product.product.value}, {self._shown_url})"

    def token(self) -> Token:
        """A token valid for at least the refresh margin; logs in only when needed."""
        token = self._token
        if token is not None and self._fresh(token):
            return token
        with self._lock:
            token = self._token
            if token is not None and self._fresh(token):
                return token
            self._raise_if_rejected()
            if self._file_lock is None:
                self._token = self._login()
            else:
                with self._file_lock:
                    self._token = self._read_shared() or self._login_and_share()
            return self._token

    def invalidate(self, token: Token) -> None:
        """Forget ``token`` after the API refused it (a 401); the next call logs in again.

        Only the token that failed is dropped: if another thread already renewed it, the
        renewed one stays, so a burst of 401s causes one login, not one each.
        """
        with self._lock:
            if self._token == token:
                self._token = None
            if self._file_lock is not None and self._cache_file is not None:
                with self._file_lock:
                    shared = self._read_shared(accept_stale=True)
                    if shared == token:
                        self._cache_file.unlink(missing_ok=True)

    def _fresh(self, token: Token) -> bool:
        return token.expires_at - self.refresh_margin > self.clock()

    def _raise_if_rejected(self) -> None:
        rejection = self._rejection
        if rejection is not None:
            raise rejection.kind(
                self.product.product.label,
                self._shown_url,
                rejection.status,
                rejection.error,
                rejection.description,
            )

    # -- login -----------------------------------------------------------------------------------

    def _login(self) -> Token:
        credentials = self.product.require_credentials()
        SECRETS.add(credentials.client_secret, credentials.password)
        form = {
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "grant_type": "password",
            "username": credentials.username,
            "password": credentials.password,
        }
        url = self.product.token_url
        started = time.perf_counter()
        try:
            with self.reporter.step("POST", url):
                # Never retried: a failed login counts towards the lock-out.
                answer = self.session.post(
                    url, data=form, auth=NO_AUTH, timeout=self.timeout, allow_redirects=False
                )
                self._report(url, started, answer)
        except requests.RequestException as error:
            self._report(url, started, None, error)
            raise TransportError(
                f"POST {self._shown_url} (the {self.product.product.label} token server) "
                "got no answer: "
                f"{type(error).__name__}. Check the token URL, the network and the proxy settings; "
                "the login was not retried."
            ) from None
        self.logins += 1
        return self._token_from(answer)

    def _report(
        self,
        url: str,
        started: float,
        answer: requests.Response | None,
        error: Exception | None = None,
    ) -> None:
        self.reporter.record(
            "POST",
            url,
            answer.status_code if answer is not None else None,
            (time.perf_counter() - started) * 1000,
            {"Content-Type": "application/x-www-form-urlencoded"},
            "client_id=***&client_secret=***&grant_type=password&username=***&password=***",
            "application/x-www-form-urlencoded",
            answer.content if answer is not None else None,
            answer.headers.get("Content-Type") if answer is not None else None,
            type(error).__name__ if error else None,
        )

    def _token_from(self, answer: requests.Response) -> Token:
        title, url = self.product.product.label, self._shown_url
        try:
            body = answer.json()
        except ValueError:
            body = None
        if answer.status_code == 200 and isinstance(body, dict):
            value, lifetime = body.get("access_token"), body.get("expires_in")
            if isinstance(value, str) and value and isinstance(lifetime, (int, float)):
                SECRETS.add(value, body.get("refresh_token"))
                return Token(value, self.clock() + float(lifetime), self.product.product.value)
        if answer.status_code in (400, 401) and isinstance(body, dict) and "error" in body:
            error, description = body.get("error"), body.get("error_description")
            kind: type[AuthenticationError]
            if error == "invalid_grant" or error == "invalid_client":
                kind = InvalidClient
            elif isinstance(description, str) and "locked" in description.lower():
                kind = AccountLocked
            elif error == "validation_error":
                kind = LoginRejected
            else:
                kind = AuthenticationError
            self._rejection = _Rejection(kind, answer.status_code, error, description)
            raise kind(title, url, answer.status_code, error, description)
        message = body.get("message", "") if isinstance(body, dict) else answer.text[:200]
        if answer.status_code == 403:
            raise AccessDenied("POST", url, 403, SECRETS.scrub(str(message)))
        raise UnexpectedResponse(
            "POST",
            url,
            answer.status_code,
            SECRETS.scrub(str(message)),
            advice=f"The {title} token server did not answer with a token. Check "
            f"{self.product.product.env_prefix}AUTH_URL; the login was not retried.",
        )

    # -- sharing across processes ---------------------------------------------------------------

    def _read_shared(self, accept_stale: bool = False) -> Token | None:
        assert self._cache_file is not None
        assert self._cipher is not None
        try:
            data = json.loads(self._cipher.decrypt(self._cache_file.read_bytes()))
            token = Token(
                str(data["access_token"]), float(data["expires_at"]), self.product.product.value
            )
        except (OSError, ValueError, KeyError, TypeError, InvalidToken):
            return None  # none yet, or written under other credentials: log in and replace it
        SECRETS.add(token.value)
        return token if accept_stale or self._fresh(token) else None

    def _login_and_share(self) -> Token:
        assert self._cache_file is not None
        assert self._cipher is not None
        token = self._login()
        data = json.dumps({"access_token": token.value, "expires_at": token.expires_at})
        sealed = self._cipher.encrypt(data.encode())
        partial = self._cache_file.with_name(self._cache_file.name + f".{os.getpid()}.partial")
        with contextlib.suppress(OSError):  # sharing is an optimisation; the token is good
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(sealed)
            partial.replace(self._cache_file)
        return token


def _cache_path(folder: Path, product: ProductConfig) -> Path:
    """The shared token file of one product, key and user (owner-only folder)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    credentials = product.credentials
    who = f"{product.token_url}|{credentials.client_id if credentials else ''}|"
    who += credentials.username if credentials else ""
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    return folder / f"token-{product.product.value}-{digest}.sealed"


def _cache_cipher(credentials: Credentials) -> Fernet:
    """The cipher of a shared token file: its key is derived (HKDF-SHA256) from the client
    secret and the password, which never touch the disk."""
    material = "\0".join((credentials.client_secret, credentials.password)).encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"robotframework-plutora token cache"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))

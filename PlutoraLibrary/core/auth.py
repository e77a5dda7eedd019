"""Tokens: the password grant, renewal before expiry, one renewal at a time, sharing across
the processes of a run, and never a retried login.

Rules this module keeps:

- ``expires_in`` is read from every answer; a token is renewed ``refresh_margin_seconds``
  before it runs out, but never earlier than half its lifetime (a short-lived token is not
  renewed on every call).
- One login at a time, however many threads ask (a lock held across the login); with a state
  folder shared by the run's processes (:attr:`PlutoraConfig.state_dir`), one per machine: a
  lock file held across the login. A waiter waits at most ``token_lock_timeout`` and then
  fails without a login of its own, unless the holder is provably gone (its process no longer
  exists on this host, or it held the lock longer than a login can take).
- A rejected login (``invalid_grant``, ``validation_error``, locked account) raises at once and
  is remembered in the run's shared state (:mod:`.refusals`): any process of the run that would
  log in with the same credentials raises the same error without asking the server again,
  because five failed logins lock a real account.
- Whatever is written to disk is the access token and its expiry, encrypted (Fernet) with a
  key derived from the client secret and the password, in an owner-only file; never a password
  or a client secret. A file left behind opens only for someone who could log in anyway.
- No frame that a traceback shows holds the login form: it is built and sent in a function
  that never raises, and the errors are raised from frames without it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, quote_plus

import requests

from .calls import CallRecord, finish_call, start_call
from .config import Credentials, PlutoraConfig, ProductConfig
from .deadline import WATCHDOG, Deadline, Watch
from .errors import (
    AccessDenied,
    AccountInactive,
    AccountLocked,
    AuthenticationError,
    DeadlineExceeded,
    InvalidClient,
    LoginLockTimeout,
    LoginRejected,
    PlutoraError,
    SharedStateUnavailable,
    TransportError,
    UnexpectedResponse,
    connection_hint,
    hide_library_frames,
)
from .refusals import PROCESS_REFUSALS, LoginIdentity, Refusal, RefusalMemory
from .reporting import SECRETS, mask_url
from .secret import SecretText

if TYPE_CHECKING:  # cryptography and filelock load when a folder is shared (most runs: never)
    from cryptography.fernet import Fernet
    from filelock import SoftFileLock

    from .shared_state import RedisLoginLock, SharedState

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

Clock = Callable[[], float]
#: The kinds of refusal, by name (records store the name).
_KINDS: dict[str, type[AuthenticationError]] = {
    kind.__name__: kind
    for kind in (AuthenticationError, InvalidClient, LoginRejected, AccountInactive, AccountLocked)
}
#: A lock holder is taken over once it held the lock this much longer than a login can take.
_LEASE_MARGIN_SECONDS = 10.0


class Token:
    """An access token. ``str``, ``repr`` and f-strings never show it; ``value`` is the text,
    as a :class:`SecretText` (a ``str`` whose repr is masked, so pytest's assertion
    explanations do not show it either).

    Example::

        token = provider.token()
        headers = {"Authorization": f"bearer {token.value}"}
    """

    __slots__ = ("_value", "expires_at", "lifetime", "product")

    def __init__(
        self, value: str, expires_at: float, product: str, lifetime: float | None = None
    ) -> None:
        self._value = SecretText(value)
        self.expires_at = expires_at
        self.product = product
        #: Seconds the token server gave it (``expires_in``); None when not known.
        self.lifetime = lifetime

    @property
    def value(self) -> SecretText:
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
        return (Token, (str(self._value), self.expires_at, self.product, self.lifetime))


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


_FORM = "application/x-www-form-urlencoded"


def _record_login(call: CallRecord, started: float, answer: _Answer) -> None:
    """The login's request (every field of the form masked) and answer, into its record."""
    call.set_request(
        {"Content-Type": _FORM},
        "client_id=***&client_secret=***&grant_type=password&username=***&password=***",
        _FORM,
    )
    elapsed = (time.perf_counter() - started) * 1000
    response = answer.response
    if response is None:
        call.failed(answer.failure or "no answer", elapsed)
    else:
        call.answered(
            response.status_code,
            elapsed,
            response.content,
            response.headers.get("Content-Type"),
            response.headers,
        )


@dataclass(frozen=True)
class _Answer:
    """What a login exchange left behind: the answer or the failure's name, never the form."""

    response: requests.Response | None
    failure: str | None = None
    #: Advice for the failure (e.g. https to a plain-http port), from :func:`connection_hint`.
    hint: str = ""
    cut_off: bool = False


class TokenProvider:
    """Hands out a valid token for one product, logging in only when it must.

    Example::

        provider = TokenProvider.for_config(config, config.plutora, session)
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
        body_limit: int = 1000,
        clock: Clock = time.time,
        *,
        state_dir: str | None = None,
        deadline_seconds: float | None = None,
        lock_timeout: float | None = None,
        refusal_memory_seconds: float = 3600.0,
        shared_state: SharedState | None = None,
        share_tokens: bool = False,
    ) -> None:
        """``shared_dir``: share tokens (and refusals) with the run's processes through this
        folder; ``state_dir``: share only refusals and the login lock (tokens stay in this
        process); ``shared_state``: share refusals and the login lock with every machine
        through Redis (and tokens with ``share_tokens``; else through ``shared_dir``)."""
        self.product = product
        self.session = session
        self.timeout = timeout
        self.refresh_margin = refresh_margin
        self.body_limit = body_limit  # of the login's record (log_body_limit)
        self.clock = clock
        self.deadline_seconds = deadline_seconds or 4 * timeout[1]
        self.lock_timeout = self.deadline_seconds if lock_timeout is None else lock_timeout
        self.refusal_memory_seconds = refusal_memory_seconds
        # Errors and reprs show the token URL masked (a URL may carry user:password@).
        self._shown_url = mask_url(product.token_url)
        self._token: Token | None = None
        # One login at a time per user in this process, whichever provider asks.
        self._lock = _process_lock(
            f"{product.token_url}|{credentials.client_id}|{credentials.username.lower()}"
            if (credentials := product.credentials) is not None
            else f"provider-{id(self)}"
        )
        self.logins = 0  # grants this provider obtained itself (for tests and reports)
        credentials = product.credentials
        self._identity = (
            LoginIdentity(product.token_url, credentials) if credentials is not None else None
        )
        folder = shared_dir or state_dir
        self._memory: RefusalMemory | None = None
        self._file_lock: SoftFileLock | None = None
        self._redis_lock: RedisLoginLock | None = None
        self._shelf: TokenShelf | None = None
        self._cipher: Fernet | None = None
        if shared_state is not None and self._identity is not None:
            assert credentials is not None
            from .shared_state import RedisLoginLock, RedisRefusalStore, RedisTokenShelf

            self._memory = RefusalMemory(
                RedisRefusalStore(shared_state, product), refusal_memory_seconds
            )
            self._redis_lock = RedisLoginLock(
                shared_state,
                product,
                self._identity.who,
                lease=self.deadline_seconds + _LEASE_MARGIN_SECONDS,
            )
            if share_tokens:
                self._shelf = RedisTokenShelf(shared_state, product, _cache_name(product))
            elif shared_dir:
                self._shelf = FileShelf(_cache_path(Path(shared_dir), product))
            if self._shelf is not None:
                self._cipher = _cache_cipher(credentials)
        elif folder and self._identity is not None:
            assert credentials is not None
            self._memory = RefusalMemory.for_folder(folder, refusal_memory_seconds)
            lock_path = Path(folder) / f"login-{self._identity.who}.lock"
            from filelock import SoftFileLock

            with warnings.catch_warnings():  # a lease is what we want: see _LEASE_MARGIN_SECONDS
                warnings.simplefilter("ignore")
                self._file_lock = SoftFileLock(
                    str(lock_path),
                    thread_local=False,
                    lifetime=self.deadline_seconds + _LEASE_MARGIN_SECONDS,
                    poll_interval=0.02,
                )
            if shared_dir:
                self._cipher = _cache_cipher(credentials)
                self._shelf = FileShelf(_cache_path(Path(shared_dir), product))

    @classmethod
    def for_config(
        cls,
        config: PlutoraConfig,
        product: ProductConfig,
        session: requests.Session,
    ) -> TokenProvider:
        """The provider of ``product`` with the timeouts, deadline, lock wait, refusal memory
        and shared folders of ``config``, and its shared Redis (checked now: a
        :class:`SharedStateUnavailable` when it cannot be used).

        Example: ``TokenProvider.for_config(config, config.plutora, new_session(config))``
        """
        return cls(
            product,
            session,
            (config.connect_timeout, config.read_timeout),
            shared_dir=config.token_cache_dir,
            refresh_margin=config.refresh_margin_seconds,
            body_limit=config.log_body_limit,
            state_dir=config.state_dir,
            deadline_seconds=config.call_deadline,
            lock_timeout=config.lock_timeout,
            refusal_memory_seconds=config.refusal_memory_seconds,
            shared_state=_shared_state(config),
            share_tokens=config.share_tokens,
        )

    def __repr__(self) -> str:
        return f"TokenProvider({self.product.product.value}, {self._shown_url})"

    def token(self, deadline: Deadline | None = None) -> Token:
        """A token valid for at least the refresh margin; logs in only when needed, within
        ``deadline`` (a new one of ``deadline_seconds`` when not given)."""
        token = self._token
        if token is not None and self._fresh(token):
            return token
        deadline = deadline or Deadline(self.deadline_seconds)
        with self._thread_turn(deadline):
            token = self._token
            if token is not None and self._fresh(token):
                return token
            self._raise_if_refused(PROCESS_REFUSALS)
            if self._file_lock is None and self._redis_lock is None:
                self._token = self._login(deadline)
            else:
                with self._login_lock(deadline):
                    self._token = self._read_shared() or self._login_once(deadline)
            return self._token

    def invalidate(self, token: Token, deadline: Deadline | None = None) -> None:
        """Forget ``token`` after the API refused it (a 401); the next call logs in again.
        Waits for the lock within ``deadline`` (the call's; a new one when not given).

        Only the token that failed is dropped: if another thread already renewed it, the
        renewed one stays, so a burst of 401s causes one login, not one each.
        """
        deadline = deadline or Deadline(self.deadline_seconds)
        with self._thread_turn(deadline):
            if self._token == token:
                self._token = None
            if self._shelf is not None:
                with self._login_lock(deadline):
                    shared = self._read_shared(accept_stale=True)
                    if shared == token:
                        self._shelf.delete()

    def _fresh(self, token: Token) -> bool:
        margin = self.refresh_margin
        if token.lifetime is not None:
            margin = min(margin, token.lifetime / 2)
        return token.expires_at - margin > self.clock()

    # -- waiting for a turn -------------------------------------------------------------------

    @contextlib.contextmanager
    def _thread_turn(self, deadline: Deadline) -> Iterator[None]:
        wait = min(self.lock_timeout, deadline.remaining())
        if not self._lock.acquire(timeout=wait):
            raise self._lock_timeout(wait, deadline, None)
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _login_lock(self, deadline: Deadline) -> Iterator[None]:
        wait = min(self.lock_timeout, deadline.remaining())
        if self._redis_lock is not None:  # every machine's: fails closed when Redis is away
            if not self._redis_lock.acquire(wait):
                owner = self._redis_lock.owner()
                holder = f"{owner.rsplit(':', 2)[0]} (host:process)" if owner else "another"
                raise self._lock_timeout(wait, deadline, f"{holder} of the run")
            try:
                yield
            finally:
                self._redis_lock.release()
            return
        assert self._file_lock is not None
        from filelock import Timeout as LockTimeout

        try:
            self._file_lock.acquire(timeout=wait)
        except LockTimeout:
            raise self._lock_timeout(wait, deadline, self._holder()) from None
        try:
            yield
        finally:
            self._file_lock.release()

    def _holder(self) -> str:
        assert self._file_lock is not None
        with contextlib.suppress(Exception):
            pid = self._file_lock.pid
            if pid:
                return f"process {pid} on this host"
        return "another process of the run"

    def _lock_timeout(
        self, waited: float, deadline: Deadline, holder: str | None
    ) -> LoginLockTimeout:
        """``holder``: the other process holding the lock file; None: a thread of this one."""
        title = self.product.product.label
        if deadline.passed():
            longer = "To wait longer, raise deadline_seconds (PLUTORA_DEADLINE): the call's "
            longer += "deadline ended the wait."
        else:
            longer = "To wait longer, raise token_lock_timeout (PLUTORA_TOKEN_LOCK_TIMEOUT)."
        if holder is None:
            return LoginLockTimeout(
                f"Waited {waited:g} s for another thread of this process to finish logging in "
                f"to {title} as the same user. No login was sent: a second login could be a "
                f"second attempt of a wrong password. {longer}"
            )
        lease = self.deadline_seconds + _LEASE_MARGIN_SECONDS
        lock = self._redis_lock or self._file_lock
        where = f" ({lock.lock_file})" if lock is not None else ""
        return LoginLockTimeout(
            f"Waited {waited:g} s for the {title} login lock{where}, held by {holder}, which "
            "is logging in as the same user. No login was sent: a second login could be a "
            "second attempt of a wrong password. If that process hangs, end it: the lock is "
            f"taken over once its holder is gone or has held it {lease:g} s. {longer}"
        )

    # -- refusals -------------------------------------------------------------------------------

    def _raise_if_refused(self, memory: RefusalMemory | None) -> None:
        if memory is None or self._identity is None:
            return
        refusal = memory.recall(self._identity)
        if refusal is None:
            return
        if memory is PROCESS_REFUSALS and self._memory is not None:
            # Another process may have forgotten it (an unlock, or other credentials that
            # worked): the shared record decides, this process's copy only saves the hash.
            if self._memory.store.load(self._identity.who) is None:
                PROCESS_REFUSALS.forget(self._identity)
                return
        elif memory is not PROCESS_REFUSALS:  # later calls of this process: no slow hash
            PROCESS_REFUSALS.remember(self._identity, refusal)
        raise _KINDS.get(refusal.kind, AuthenticationError)(
            self.product.product.label,
            self._shown_url,
            refusal.status,
            refusal.error,
            refusal.description,
            note=refusal.note(),
        )

    def _remember(self, refusal: Refusal) -> None:
        if self._identity is None:
            return
        if self._memory is None:
            PROCESS_REFUSALS.remember(self._identity, refusal)
            return
        PROCESS_REFUSALS.remember(self._identity, replace(refusal, where=self._memory.store.where))
        # The error itself matters more than its record.
        with contextlib.suppress(OSError, SharedStateUnavailable):
            self._memory.remember(self._identity, refusal)

    # -- login -----------------------------------------------------------------------------------

    def _login_once(self, deadline: Deadline) -> Token:
        """Log in unless a process of the run was refused these credentials already."""
        self._raise_if_refused(self._memory)
        token = self._login(deadline)
        if self._shelf is not None:
            self._share(token)
        return token

    def _login(self, deadline: Deadline) -> Token:
        """Log in once; the login is a call of its own for the observers (kind "login")."""
        call = start_call("POST", self.product.token_url, self.body_limit, kind="login")
        if call is None:
            return self._logged_in(deadline, None)
        try:
            token = self._logged_in(deadline, call)
        except BaseException as error:
            finish_call(call, error)
            raise
        finish_call(call)
        return token

    def _logged_in(self, deadline: Deadline, call: CallRecord | None) -> Token:
        credentials = self.product.require_credentials()
        _register_secrets(credentials)
        title = self.product.product.label
        if deadline.passed():
            raise DeadlineExceeded(
                f"POST {self._shown_url} (the {title} token server) was not sent: the call's "
                f"deadline of {deadline.seconds:g} s passed while waiting for the login lock. "
                "Raise deadline_seconds (PLUTORA_DEADLINE)."
            )
        answer = self._send_login(credentials, deadline, call)
        if answer.response is None:
            if answer.cut_off:
                raise DeadlineExceeded(
                    f"POST {self._shown_url} (the {title} token server) did not answer within "
                    f"the deadline of {deadline.seconds:g} s (deadline_seconds, PLUTORA_DEADLINE; "
                    "read_timeout bounds one socket read only). The login was not retried. "
                    "Check the token URL, the network and the proxy."
                )
            advice = answer.hint or "Check the token URL, the network and the proxy settings."
            raise TransportError(
                f"POST {self._shown_url} (the {title} token server) got no answer: "
                f"{answer.failure}. {advice} The login was not retried."
            )
        self.logins += 1
        token = self._token_from(answer.response)
        if self._identity is not None:
            PROCESS_REFUSALS.forget(self._identity)
            if self._memory is not None:
                with contextlib.suppress(SharedStateUnavailable):  # the token is good
                    self._memory.forget(self._identity)
        return token

    def _send_login(
        self, credentials: Credentials, deadline: Deadline, call: CallRecord | None
    ) -> _Answer:
        """Send the login once. Never raises a transport error: a traceback through this frame
        would show the form, and frames of requests below it too."""
        url = self.product.token_url
        form = {
            "client_id": credentials.client_id,
            "client_secret": str(credentials.client_secret),
            "grant_type": "password",
            "username": credentials.username,
            "password": str(credentials.password),
        }
        started = time.perf_counter()
        watch: Watch | None = None
        answer: _Answer
        try:
            with WATCHDOG.watch(deadline) as watch:
                # Never retried: a failed login counts towards the lock-out.
                response = self.session.post(
                    url,
                    data=form,
                    auth=NO_AUTH,
                    timeout=deadline.timeouts(*self.timeout),
                    allow_redirects=False,
                )
            answer = _Answer(response)
        except requests.RequestException as error:
            answer = _Answer(
                None,
                type(error).__name__,
                cut_off=watch is not None and watch.tripped,
                hint=connection_hint(self._shown_url, error),
            )
        finally:
            form.clear()
        if call is not None:
            _record_login(call, started, answer)
        return answer

    def _token_from(self, answer: requests.Response) -> Token:
        # Raised here, from a frame that holds neither the answer's words nor the token: a
        # refusal may echo the secrets, and tracebacks with locals show every frame's.
        outcome = self._read_answer(answer)
        if isinstance(outcome, Token):
            return outcome
        raise outcome

    def _read_answer(self, answer: requests.Response) -> Token | PlutoraError:
        """The token in the answer, or the error it stands for (returned, not raised)."""
        title, url = self.product.product.label, self._shown_url
        try:
            body = answer.json()
        except ValueError:
            body = None
        if answer.status_code == 200 and isinstance(body, dict):
            value, lifetime = body.get("access_token"), body.get("expires_in")
            if isinstance(value, str) and value and isinstance(lifetime, (int, float)):
                SECRETS.add(value, body.get("refresh_token"))
                return Token(
                    value,
                    self.clock() + float(lifetime),
                    self.product.product.value,
                    lifetime=float(lifetime),
                )
        if answer.status_code in (400, 401) and isinstance(body, dict) and "error" in body:
            error, description = _text(body.get("error")), _text(body.get("error_description"))
            kind: type[AuthenticationError]
            if error in ("invalid_grant", "invalid_client"):
                kind = InvalidClient
            elif description and "locked" in description.lower():
                kind = AccountLocked
            elif description and "inactive" in description.lower():
                kind = AccountInactive
            elif error == "validation_error":
                kind = LoginRejected
            else:
                kind = AuthenticationError
            refusal = Refusal.now(
                kind.__name__, answer.status_code, error, description, self.refusal_memory_seconds
            )
            self._remember(refusal)
            return kind(title, url, answer.status_code, error, description)
        message = body.get("message", "") if isinstance(body, dict) else answer.text[:200]
        if answer.status_code == 403:
            return AccessDenied("POST", url, 403, SECRETS.scrub(str(message)))
        return UnexpectedResponse(
            "POST",
            url,
            answer.status_code,
            SECRETS.scrub(str(message)),
            advice=_unexpected_login_advice(
                answer.status_code, title, self.product.product.env_prefix
            ),
        )

    # -- sharing across processes ---------------------------------------------------------------

    def _read_shared(self, accept_stale: bool = False) -> Token | None:
        if self._shelf is None or self._cipher is None:
            return None
        from cryptography.fernet import InvalidToken  # loaded with the cipher

        sealed = self._shelf.read()  # Redis away: SharedStateUnavailable (no login either)
        if sealed is None:
            return None
        try:
            data = json.loads(self._cipher.decrypt(sealed))
            lifetime = data.get("lifetime")
            token = Token(
                str(data["access_token"]),
                float(data["expires_at"]),
                self.product.product.value,
                lifetime=float(lifetime) if lifetime is not None else None,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, InvalidToken):
            return None  # none yet, or written under other credentials: log in and replace it
        SECRETS.add(token.value)
        return token if accept_stale or self._fresh(token) else None

    def _share(self, token: Token) -> None:
        assert self._shelf is not None
        assert self._cipher is not None
        data = json.dumps(
            {
                "access_token": str(token.value),
                "expires_at": token.expires_at,
                "lifetime": token.lifetime,
            }
        )
        sealed = self._cipher.encrypt(data.encode())
        # Sharing is an optimisation; the token is good.
        with contextlib.suppress(OSError, SharedStateUnavailable):
            self._shelf.write(sealed, token.seconds_left(self.clock()))


class TokenShelf(Protocol):
    """Where a sealed token is shared: a file (:class:`FileShelf`) or Redis
    (:class:`.shared_state.RedisTokenShelf`)."""

    def read(self) -> bytes | None:
        """The sealed token, or None."""

    def write(self, sealed: bytes, seconds: float) -> None:
        """Share the sealed token, good for ``seconds``."""

    def delete(self) -> None:
        """Drop the shared token."""


class FileShelf:
    """A sealed token in an owner-only file. Example: ``FileShelf(Path("/tmp/run/t.sealed"))``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> bytes | None:
        """The file's bytes, or None when there is none."""
        try:
            return self.path.read_bytes()
        except OSError:
            return None

    def write(self, sealed: bytes, seconds: float) -> None:
        """Replace the file at once (written aside, then renamed)."""
        partial = self.path.with_name(self.path.name + f".{os.getpid()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(sealed)
        partial.replace(self.path)

    def delete(self) -> None:
        """Remove the file."""
        self.path.unlink(missing_ok=True)


def _shared_state(config: PlutoraConfig) -> SharedState | None:
    """The run's Redis when ``shared_state_url`` is set (checked: raises when unusable)."""
    if not config.shared_state_url:
        return None
    from .shared_state import SharedState

    return SharedState.for_config(config)


_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()


def _process_lock(who: str) -> threading.Lock:
    """The lock that lets one thread of this process log in as ``who`` at a time."""
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(who, threading.Lock())


def _forget_process_locks() -> None:
    # A lock held by another thread at a fork would stay held for ever in the child.
    global _PROCESS_LOCKS_GUARD
    _PROCESS_LOCKS.clear()
    _PROCESS_LOCKS_GUARD = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_process_locks)


def _text(value: Any) -> str | None:
    """A server-supplied field as text, scrubbed of every known secret."""
    if value is None:
        return None
    return SECRETS.scrub(value if isinstance(value, str) else json.dumps(value))


def _register_secrets(credentials: Credentials) -> None:
    """Known secrets, also as a token server may echo them: form- and URL-encoded."""
    for value in (str(credentials.client_secret), str(credentials.password)):
        SECRETS.add(value, quote_plus(value), quote(value, safe=""))


def _unexpected_login_advice(status: int, title: str, prefix: str) -> str:
    """Advice for a token server's answer that is neither a token nor a refusal."""
    if status == 429 or status >= 500:
        return (
            f"The {title} token server is busy or limiting requests ({status}); the login was "
            "not retried (it counts towards the lock-out). Try again later."
        )
    return (
        f"The {title} token server did not answer with a token. Check {prefix}AUTH_URL; the "
        "login was not retried."
    )


def _cache_path(folder: Path, product: ProductConfig) -> Path:
    """The shared token file of one product, key and user (owner-only folder)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    return folder / f"{_cache_name(product)}.sealed"


def _cache_name(product: ProductConfig) -> str:
    """The shared token's name for one product, key and user (a hash: no secret)."""
    credentials = product.credentials
    who = f"{product.token_url}|{credentials.client_id if credentials else ''}|"
    who += credentials.username if credentials else ""
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    return f"token-{product.product.value}-{digest}"


def _cache_cipher(credentials: Credentials) -> Fernet:
    """The cipher of a shared token file: its key is derived (HKDF-SHA256) from the client
    secret and the password, which never touch the disk."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = "\0".join((credentials.client_secret, credentials.password)).encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"robotframework-plutora token cache"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))

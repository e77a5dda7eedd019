"""A total deadline per call, which a socket's read timeout is not.

``read_timeout`` bounds each socket read: a server (or proxy) that trickles a byte every
second keeps a request alive for ever. Here a call gets one :class:`Deadline` for all of its
work (attempts, backoffs, the login; a wait a 429 asks for moves it on), and every HTTP
request sent under it is watched: when the deadline passes, one watchdog thread shuts the
request's socket down, the blocked read returns, and urllib3 retries no more
(:class:`DeadlineRetry`).

Cost on the hot path: a set insertion and removal under an uncontended lock per request; the
watchdog thread sleeps until the earliest deadline of the requests in flight.

Example::

    deadline = Deadline(30)
    with WATCHDOG.watch(deadline) as watch:
        response = session.get(url, timeout=deadline.timeouts(5, 30))
    if watch.tripped: ...   # the socket was shut down at the deadline
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from requests.adapters import HTTPAdapter
from urllib3 import poolmanager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from .errors import hide_library_frames

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

_INFINITY = float("inf")


class Deadline:
    """The moment (on the monotonic clock) by which one call must be over.

    Example::

        deadline = Deadline(120)
        if deadline.remaining() < wait: ...   # a wait that would outlast the call
    """

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (0 once passed)."""
        return max(0.0, self.at - time.monotonic())

    def extend(self, seconds: float) -> None:
        """Move the deadline on by ``seconds``: for a wait the server or the rate limit asked
        for, which has bounds of its own (``max_retry_wait``)."""
        self.at += seconds

    def passed(self) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() >= self.at

    def timeouts(self, connect: float, read: float) -> tuple[float, float]:
        """requests' ``(connect, read)`` timeouts, neither reaching past the deadline.

        Example: ``session.get(url, timeout=deadline.timeouts(5, 30))``
        """
        left = max(0.001, self.at - time.monotonic())
        return (min(connect, left), min(read, left))

    def __repr__(self) -> str:
        return f"Deadline({self.seconds:g} s, {self.remaining():.1f} s left)"


class Retried(NamedTuple):
    """An attempt that urllib3 retried (a 502/503/504 or a dropped connection of a read), as
    :class:`DeadlineRetry` saw it: when it began and ended (``time.perf_counter``), its status
    or the exception's class name, and its body (unmasked: the transport masks it)."""

    started: float
    ended: float
    status: int | None
    failure: str | None
    body: bytes
    content_type: str | None
    #: The seconds urllib3 backed off after it, before the next attempt.
    backoff: float = 0.0


class Watch:
    """One request under a deadline: the connection it uses, whether it was cut off, and (when
    ``retried`` is a list) the attempts urllib3 retried, for the call's record."""

    __slots__ = ("at", "attempt_started", "connection", "retried", "tripped")

    def __init__(self, at: float) -> None:
        self.at = at
        self.connection: Any = None
        self.tripped = False
        self.retried: list[Retried] | None = None
        self.attempt_started = 0.0

    def trip(self) -> None:
        """Cut the request off: shut its socket down so that a blocked connect, TLS handshake
        or read returns. Called with the watchdog's lock held."""
        self.tripped = True
        connection = self.connection
        # Only while the connection is still this request's: back in the pool (or taken by
        # another thread's request) it is left alone.
        if connection is None or getattr(connection, "_plutora_watch", None) is not self:
            return
        sock = getattr(connection, "sock", None)  # urllib3 sets it before the TLS handshake
        if sock is not None:
            # The plain socket's shutdown, also under TLS: no SSL state is touched.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


_local = threading.local()


def current_watch() -> Watch | None:
    """The watch of the request this thread is sending, if any."""
    return getattr(_local, "watch", None)


class Watchdog:
    """One daemon thread that cuts off requests whose deadline passed.

    Example: ``with WATCHDOG.watch(Deadline(5)) as watch: session.get(url)``
    """

    def __init__(self) -> None:
        self._active: set[Watch] = set()
        self._condition = threading.Condition()
        self._next_wake = _INFINITY
        self._thread: threading.Thread | None = None

    @contextmanager
    def watch(self, deadline: Deadline) -> Iterator[Watch]:
        """Watch the requests this thread sends inside the block."""
        watch = Watch(deadline.at)
        with self._condition:
            self._active.add(watch)
            if self._thread is None:
                self._start()
            if watch.at < self._next_wake:
                self._condition.notify()
        previous = getattr(_local, "watch", None)
        _local.watch = watch
        try:
            yield watch
        finally:
            _local.watch = previous
            with self._condition:
                self._active.discard(watch)
                connection, watch.connection = watch.connection, None
                if connection is not None and connection._plutora_watch is watch:
                    connection._plutora_watch = None

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="plutora-deadline", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._condition:
            while True:
                now = time.monotonic()
                earliest = _INFINITY
                for watch in list(self._active):
                    if watch.at <= now:
                        self._active.discard(watch)
                        watch.trip()
                    elif watch.at < earliest:
                        earliest = watch.at
                self._next_wake = earliest
                self._condition.wait(None if earliest == _INFINITY else earliest - now)

    def _after_fork(self) -> None:
        # The thread does not survive a fork; the child starts its own when it needs one.
        self._condition = threading.Condition()
        self._active = set()
        self._next_wake = _INFINITY
        self._thread = None


#: The process's watchdog.
WATCHDOG = Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=WATCHDOG._after_fork)


class DeadlineRetry(Retry):
    """urllib3's retry that stops once the call's deadline passed, never backs off past it,
    and notes every attempt it retries in the current watch (when the call is recorded), so
    that a read retried after two 503s shows three attempts, not one.

    Example: ``DeadlineRetry(total=3, allowed_methods={"GET"})``.
    """

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        # Only once urllib3 decided to retry: an exhausted retry's answer (or error) reaches
        # the transport, which records it as the last attempt.
        watch = current_watch()
        if watch is not None and watch.retried is not None:
            watch.retried.append(_retried(watch, response, error))
        return retry

    def sleep(self, response: Any = None) -> None:
        started = time.perf_counter()
        super().sleep(response)
        watch = current_watch()
        if watch is not None:
            watch.attempt_started = time.perf_counter()  # the next attempt begins now
            if watch.retried:  # the wait shows in the call's record, between the attempts
                backoff = watch.attempt_started - started
                watch.retried[-1] = watch.retried[-1]._replace(backoff=backoff)

    def is_exhausted(self) -> bool:
        watch = current_watch()
        if watch is not None and (watch.tripped or time.monotonic() >= watch.at):
            return True
        return bool(super().is_exhausted())

    def get_backoff_time(self) -> float:
        backoff = float(super().get_backoff_time())
        watch = current_watch()
        if watch is not None:
            backoff = max(0.0, min(backoff, watch.at - time.monotonic()))
        return backoff


def _retried(watch: Watch, response: Any, error: Exception | None) -> Retried:
    ended = time.perf_counter()
    if response is None:
        return Retried(watch.attempt_started, ended, None, type(error).__name__, b"", None)
    try:
        body = bytes(response.data or b"")  # urllib3 drains it next anyway
    except Exception:  # a body cut off: the status is what matters
        body = b""
    kind = response.headers.get("Content-Type")
    return Retried(watch.attempt_started, ended, response.status, None, body, kind)


def _not_our_retry(record: logging.LogRecord) -> bool:
    """urllib3's "Retrying (Retry(total=2, …)) after connection broken" warning is left out for
    requests of this library (sent under a watch): their retries are the library's business,
    shown as attempts in the call's record; a warning would land in Robot's Execution Errors."""
    return not (current_watch() is not None and str(record.msg).startswith("Retrying ("))


logging.getLogger("urllib3.connectionpool").addFilter(_not_our_retry)


def _claim(connection: Any, stage: str) -> None:
    """Make ``connection`` the current watch's, or refuse to go on once it was cut off."""
    watch = current_watch()
    if watch is None:
        return
    connection._plutora_watch = watch
    watch.connection = connection
    if watch.tripped:
        raise NewConnectionError(connection, f"the call's deadline passed before {stage}")


class _Claiming:
    """Connections that a call claims when it connects and when it sends (see :func:`_claim`)."""

    _plutora_watch: Watch | None = None

    def connect(self) -> None:
        _claim(self, "connecting")
        super().connect()  # type: ignore[misc]

    def request(self, *args: Any, **kwargs: Any) -> None:
        _claim(self, "sending")
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Claiming, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Claiming, HTTPSConnection):
    pass


class _Releasing:
    """Pools that release a connection from its call's watch when it comes back."""

    def _put_conn(self, conn: Any) -> None:
        # Under the watchdog's lock: once back in the pool, no watch may cut it.
        if conn is not None and conn._plutora_watch is not None:
            with WATCHDOG._condition:
                conn._plutora_watch = None
        super()._put_conn(conn)  # type: ignore[misc]


class _WatchedHTTPPool(_Releasing, HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(_Releasing, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connections a :class:`Watchdog` can cut off (proxies too).

    Example: ``session.mount("https://", WatchedAdapter(max_retries=DeadlineRetry(3)))``
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # A SOCKS manager has pools of its own: keep them (its requests are then bounded by
        # the clipped timeouts only, not cut off at the deadline).
        if manager.pool_classes_by_scheme is poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager

"""One record per API call, handed to observers once its outcome is known.

A call is everything one client method does over HTTP: the attempts (urllib3's retries of a
read included), the waits a 429 or the client-side rate limit asked for, a token renewed after
a 401, a login it needed, and the outcome after the answer was classified *and validated*:
success, an error answer, a schema mismatch, or no answer. The transport builds a
:class:`CallRecord` only when an observer wants one (:meth:`CallObservers.detail`), so an
unobserved call costs a check of the observers and nothing more; then the clients finish it
after validation, and every observer gets it once.

Everything in a record is masked already: the URL, the headers, the bodies, the error's
words. A renewal says that a token was renewed, never which.

Observers: the core's :class:`LoggingObserver` (the ``PlutoraLibrary.http`` logger, on by
default), the Robot log (``PlutoraLibrary.keywords.robot_logging``) and Allure
(``PlutoraLibrary.allure_report``), which live with their adapters: the core imports neither.

Example::

    from PlutoraLibrary.core.calls import OBSERVERS, CallObserver, CallRecord, Detail

    class Printer(CallObserver):
        def wants(self) -> Detail:
            return Detail.CUT

        def finished(self, call: CallRecord) -> None:
            print(call.summary())

    with OBSERVERS.observing(Printer()):
        client.release(release_id)   # GET /plutora/api/releases/… → 200 (9 ms)
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any
from urllib.parse import urlsplit

from .errors import PlutoraError, SchemaMismatch, TransportError
from .reporting import (
    SECRETS,
    Part,
    mask_body,
    mask_body_cut,
    mask_headers,
    mask_url,
    multipart_parts,
    truncate,
)

log = logging.getLogger("PlutoraLibrary.http")


class Detail(IntEnum):
    """How much of a call an observer wants: nothing, bodies cut to ``log_body_limit`` (masked
    only that far), or whole bodies (masked whole). Example: ``Detail.CUT < Detail.WHOLE``."""

    NONE = 0
    CUT = 1
    WHOLE = 2


class Outcome(str, Enum):
    """How a call ended. Example: ``call.outcome is Outcome.ERROR_ANSWER`` for a 404.

    - ``SUCCESS``: answered, parsed and (when validation is on) valid;
    - ``ERROR_ANSWER``: a typed error that is not about the transport (``ApiError``, a refused
      login, also one remembered from an earlier call, ``UnexpectedResponse``, the client-side
      rate limit running out). ``ChangeNotPersisted`` is not a call's outcome: it is raised
      after the PATCH's call succeeded and the read-back (a call of its own) disagreed;
    - ``SCHEMA_MISMATCH``: answered, but not in the contract's shape (``SchemaMismatch``);
    - ``NO_ANSWER``: no (whole) answer: ``TransportError`` and its kinds (deadline, lost
      answer, login lock);
    - ``BROKEN``: anything else raised during the call (a bug, an interrupt).
    """

    SUCCESS = "success"
    ERROR_ANSWER = "error answer"
    SCHEMA_MISMATCH = "schema mismatch"
    NO_ANSWER = "no answer"
    BROKEN = "broken"


@dataclass(slots=True)
class Attempt:
    """One request sent (or tried) and its answer, masked. ``failure`` names the exception
    when no answer came. Example: ``Attempt(503, 12.0).label()`` → ``'503 (12 ms)'``."""

    status: int | None
    elapsed_ms: float
    response_body: str = ""
    #: The body's whole length when ``response_body`` is only its start (else None).
    response_size: int | None = None
    response_type: str = ""
    failure: str | None = None
    #: The answer's headers that matter to a reader (:data:`KEPT_HEADERS`), masked.
    response_headers: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        """``503 (12 ms)`` or ``no answer: ReadTimeout (30000 ms)``."""
        said = str(self.status) if self.status is not None else f"no answer: {self.failure}"
        return f"{said} ({self.elapsed_ms:.0f} ms)"


@dataclass(slots=True)
class Wait:
    """A deliberate wait before the next attempt: how long and why.

    Example: ``Wait(2.0, "Retry-After: 2").label()`` → ``'waited 2 s (Retry-After: 2)'``
    """

    seconds: float
    reason: str

    def label(self) -> str:
        """``waited 2 s (Retry-After: 2)``."""
        return f"waited {round(self.seconds, 2):g} s ({self.reason})"


@dataclass(slots=True)
class Renewal:
    """A token renewed during the call (never its value).

    Example: ``Renewal("after 401").label()`` → ``'token renewed after 401'``
    """

    reason: str

    def label(self) -> str:
        """``token renewed after 401``."""
        return f"token renewed {self.reason}"


@dataclass(slots=True)
class Login:
    """A login the call needed; its own record was handed to the observers before.

    Example: ``Login(login_record).label()`` → ``'logged in: POST /oauth/token → 200 (30 ms)'``
    """

    call: CallRecord

    def label(self) -> str:
        """``logged in: POST /plutora/oauth/token → 200 (30 ms)``."""
        return f"logged in: {self.call.summary()}"


Event = Attempt | Wait | Renewal | Login

#: The answer headers a call's record keeps (lower case): what tells a reader how the service
#: answered (type, paging and rate limits, a created record's address), not the transport's.
KEPT_HEADERS = frozenset(
    {
        "content-type", "location", "retry-after", "www-authenticate", "allow",
        "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "cache-control",
    }
)  # fmt: skip


@dataclass
class CallRecord:
    """What one call did, masked, in order (``events``), and how it ended.

    Built by the transport (and the token provider for a login) only when an observer wants
    it; ``detail`` says whether its bodies are whole or cut to ``body_limit``.

    Example::

        call.summary()   # 'GET /plutora/api/releases → 200 after 3 attempts: 503 (12 ms), …'
        [a.status for a in call.attempts]   # [503, 503, 200]
    """

    method: str
    url: str
    kind: str = "api"  # "api", or "login" for the token server
    detail: Detail = Detail.CUT
    body_limit: int = 1000
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = ""
    #: The request body's whole length when ``request_body`` is only its start (else None).
    request_size: int | None = None
    request_type: str = ""
    #: The files of a multipart request, each masked whole (the Allure observer attaches
    #: them: a health check's log file). Example: ``[p.title() for p in call.request_files]``.
    request_files: list[Part] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    outcome: Outcome | None = None
    #: The exception's class name and (masked) message, for any outcome but success.
    error_type: str | None = None
    error_message: str | None = None
    #: Every schema mismatch (``path: expected …, got …``) for ``SCHEMA_MISMATCH``.
    mismatches: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    elapsed_ms: float = 0.0
    #: The observers told that the call began: the same ones are told that it ended, whatever
    #: is added or removed meanwhile (an Allure step opened is closed).
    observers: tuple[CallObserver, ...] = field(default=(), repr=False, compare=False)

    # -- reading ------------------------------------------------------------------------------

    @property
    def attempts(self) -> list[Attempt]:
        """The attempts, in order."""
        return [event for event in self.events if isinstance(event, Attempt)]

    @property
    def status(self) -> int | None:
        """The last answer's status (None when no answer came)."""
        attempts = self.attempts
        return attempts[-1].status if attempts else None

    @property
    def path(self) -> str:
        """The URL's path and query (masked)."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def level(self) -> int:
        """The log level of this record: the one place that decides it.

        INFO for every outcome, a ≥ 400 answer included: the caller gets the error as an
        exception and decides (a negative test expects it); a warning would be noise in
        Robot's Execution Errors and on a script's stderr.
        """
        return logging.INFO

    def summary(self) -> str:
        """``GET /plutora/api/releases → 200 after 3 attempts: 503 (12 ms), 503 (8 ms), 200
        (9 ms)``, or ``GET /plutora/api/me → 200 (9 ms)`` for a single attempt."""
        attempts = self.attempts
        head = f"{self.method} {self.path} → "
        if not attempts:
            return head + "nothing sent"
        last = attempts[-1]
        if len(attempts) == 1:
            return head + last.label()
        shown = str(last.status) if last.status is not None else f"no answer: {last.failure}"
        listed = ", ".join(attempt.label() for attempt in attempts)
        return f"{head}{shown} after {len(attempts)} attempts: {listed}"

    def outcome_line(self) -> str:
        """``NotFound: GET … answered 404 …`` for a call that did not succeed (else empty)."""
        if self.outcome in (None, Outcome.SUCCESS):
            return ""
        return f"{self.outcome.value}: {self.error_type}: {self.error_message}"

    def lines(self) -> list[str]:
        """The summary, then the waits, renewals and logins, then the outcome when not a
        success: what a log shows before the bodies."""
        lines = [self.summary()]
        lines.extend(event.label() for event in self.events if not isinstance(event, Attempt))
        if self.outcome_line():
            lines.append(self.outcome_line())
        return lines

    def shown_request(self, limit: int) -> str:
        """The request body cut to ``limit`` with a note of what was left out."""
        return shown(self.request_body, self.request_size, limit)

    def describe(self, body_limit: int) -> str:
        """The lines with the bodies (the last answer's), each cut to ``body_limit``."""
        lines = self.lines()
        if self.request_body:
            lines.append("request: " + self.shown_request(body_limit))
        attempts = self.attempts
        if attempts and attempts[-1].response_body:
            last = attempts[-1]
            lines.append("response: " + shown(last.response_body, last.response_size, body_limit))
        return "\n".join(lines)

    # -- building (transport and token provider) ----------------------------------------------

    def set_request(self, headers: Any, body: bytes | str | None, content_type: str | None) -> None:
        """Keep the request, masked (headers always; the body as far as ``detail`` asks)."""
        self.request_headers = mask_headers(headers or {})
        self.request_type = content_type or ""
        self.request_body, self.request_size = self._masked(body, content_type)
        kind = (content_type or "").split(";")[0].strip().lower()
        if kind == "multipart/form-data" and body and self.detail > Detail.NONE:
            parts = multipart_parts(body, content_type or "")
            self.request_files = [part for part in parts if part.filename is not None]

    def answered(
        self,
        status: int,
        elapsed_ms: float,
        body: bytes | str | None,
        content_type: str | None,
        headers: Any = None,
    ) -> None:
        """Add an attempt that got an answer, its body masked; of its ``headers``, those in
        :data:`KEPT_HEADERS` (masked)."""
        text, size = self._masked(body, content_type)
        kept = mask_headers(
            {name: value for name, value in (headers or {}).items() if name.lower() in KEPT_HEADERS}
        )
        self.events.append(Attempt(status, elapsed_ms, text, size, content_type or "", None, kept))

    def failed(self, failure: str, elapsed_ms: float) -> None:
        """Add an attempt that got no answer (``failure``: the exception's class name)."""
        self.events.append(Attempt(None, elapsed_ms, failure=failure))

    def waited(self, seconds: float, reason: str) -> None:
        """Add a wait before the next attempt. Example: ``call.waited(2, "Retry-After: 2")``."""
        self.events.append(Wait(seconds, reason))

    def renewed(self, reason: str) -> None:
        """Note that the token was renewed. Example: ``call.renewed("after 401")``."""
        self.events.append(Renewal(reason))

    def _masked(self, body: bytes | str | None, content_type: str | None) -> tuple[str, int | None]:
        if self.detail >= Detail.WHOLE:
            return mask_body(body, content_type), None
        return mask_body_cut(body, content_type, self.body_limit)


def shown(text: str, size: int | None, limit: int) -> str:
    """A masked body as a log shows it: cut to ``limit`` with a note of what was left out
    (``size`` is the whole length when ``text`` is only the start).

    Example: ``shown("abcdef", None, 3)`` → ``'abc… (3 more characters)'``
    """
    if size is None:
        return truncate(text, limit)
    if limit <= 0:
        return f"({size} characters not shown)"
    return f"{text[:limit]}… ({size - len(text[:limit])} more characters)"


def pretty_json(text: str, size: int | None) -> str | None:
    """``text`` indented when it is a whole JSON body (``size`` None), else None.

    Example: ``pretty_json('{"a": 1}', None)`` → ``'{\\n  "a": 1\\n}'``
    """
    if size is not None or text[:1] not in ("{", "["):
        return None
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return None


# -- observers --------------------------------------------------------------------------------


class CallObserver:
    """Something that reads call records: override :meth:`wants` and :meth:`finished`
    (and :meth:`started` to act while the call runs, as an Allure step does).

    Example: see the module's documentation.
    """

    def wants(self) -> Detail:
        """How much of a call this observer would read now (``Detail.NONE``: nothing)."""
        return Detail.NONE

    def started(self, call: CallRecord) -> None:
        """A call began (its record holds the method and URL only)."""

    def finished(self, call: CallRecord) -> None:
        """A call ended: ``call`` is complete, its outcome known. Called once per call."""


class CallObservers:
    """The process's observers of calls: thread-safe to add and remove at any time.

    Example::

        OBSERVERS.add(observer)
        ...
        OBSERVERS.remove(observer)
        with OBSERVERS.observing(observer): ...
    """

    def __init__(self, *observers: CallObserver) -> None:
        self._observers: tuple[CallObserver, ...] = observers
        self._lock = threading.Lock()

    def __contains__(self, observer: object) -> bool:
        return observer in self._observers

    def add(self, observer: CallObserver) -> None:
        """Add ``observer`` (once: adding it again does nothing)."""
        with self._lock:
            if observer not in self._observers:
                self._observers = (*self._observers, observer)

    def remove(self, observer: CallObserver) -> None:
        """Remove ``observer`` (nothing happens if it is not there)."""
        with self._lock:
            self._observers = tuple(o for o in self._observers if o is not observer)

    @contextmanager
    def observing(self, observer: CallObserver) -> Iterator[CallObserver]:
        """``observer`` added for the block (and removed after, unless it was there before)."""
        there = observer in self._observers
        self.add(observer)
        try:
            yield observer
        finally:
            if not there:
                self.remove(observer)

    def detail(self) -> tuple[Detail, tuple[CallObserver, ...]]:
        """The most any observer wants now (``Detail.NONE`` when none listens) and the
        observers that want something. An observer whose ``wants`` fails counts as wanting
        nothing: its fault never fails a call.

        Example: ``detail, observers = OBSERVERS.detail()``
        """
        most, wanting = Detail.NONE, []
        for observer in self._observers:
            try:
                wanted = observer.wants()
            except Exception as error:
                _observer_failed(observer, "wants()", error)
                continue
            if wanted > Detail.NONE:
                wanting.append(observer)
                most = max(most, wanted)
        return most, tuple(wanting)

    def started(self, call: CallRecord) -> None:
        """Tell the call's observers that ``call`` began.

        Example: ``OBSERVERS.started(call)`` (:func:`start_call` does it)
        """
        for observer in call.observers:
            _safely(observer.started, call)

    def finished(self, call: CallRecord) -> None:
        """Hand the finished ``call`` to the observers told that it began.

        Example: ``OBSERVERS.finished(call)`` (:func:`finish_call` does it)
        """
        for observer in call.observers:
            _safely(observer.finished, call)


def _safely(method: Any, call: CallRecord) -> None:
    try:
        method(call)
    except Exception as error:  # an observer's fault never fails the call it reports
        _observer_failed(getattr(method, "__self__", method), f"{call.method} {call.path}", error)


def _observer_failed(observer: object, during: str, error: Exception) -> None:
    logging.getLogger("PlutoraLibrary").warning(
        "A call observer (%s) failed on %s: %s: %s. The call itself went on; the observer's "
        "record of it may be incomplete. Fix or remove the observer (OBSERVERS.remove).",
        type(observer).__name__,
        during,
        type(error).__name__,
        SECRETS.scrub(str(error)),
    )


class LoggingObserver(CallObserver):
    """Calls to a Python logger (``PlutoraLibrary.http``): at INFO the lines with the bodies
    cut to ``log_body_limit``; at DEBUG also the whole masked bodies. Each log record carries
    the :class:`CallRecord` as ``record.plutora_call``. Registered by default.

    Example: ``logging.getLogger("PlutoraLibrary.http").setLevel(logging.INFO)``
    """

    def __init__(self, logger: logging.Logger = log) -> None:
        self.logger = logger

    def wants(self) -> Detail:
        if self.logger.isEnabledFor(logging.DEBUG):
            return Detail.WHOLE
        return Detail.CUT if self.logger.isEnabledFor(logging.INFO) else Detail.NONE

    def finished(self, call: CallRecord) -> None:
        level = call.level
        if not self.logger.isEnabledFor(level):
            return
        extra = {"plutora_call": call}
        self.logger.log(level, call.describe(call.body_limit), extra=extra)
        if call.detail >= Detail.WHOLE and self.logger.isEnabledFor(logging.DEBUG):
            last = call.attempts[-1] if call.attempts else None
            longest = max(len(call.request_body), len(last.response_body) if last else 0)
            if longest > call.body_limit:
                self.logger.debug(call.describe(10**9), extra=extra)


#: The core's logging observer (registered in :data:`OBSERVERS` by default).
LOGGING_OBSERVER = LoggingObserver()
#: The process's observers.
OBSERVERS = CallObservers(LOGGING_OBSERVER)

_open = threading.local()


def current_call() -> CallRecord | None:
    """The call this thread is making, if one is being recorded."""
    stack: list[CallRecord] | None = getattr(_open, "stack", None)
    return stack[-1] if stack else None


def start_call(
    method: str, url: str, body_limit: int = 1000, kind: str = "api"
) -> CallRecord | None:
    """A record for a call about to be made, or None when no observer wants one (the fast
    path: nothing else is built). Finish it with :func:`finish_call`, whatever happens.

    Example::

        call = start_call("GET", url, config.log_body_limit)
        try: ...
        except BaseException as error:
            finish_call(call, error); raise
        finish_call(call)
    """
    detail, observers = OBSERVERS.detail()
    if detail is Detail.NONE:
        return None
    call = CallRecord(method, mask_url(url), kind, detail, body_limit, observers=observers)
    stack = getattr(_open, "stack", None)
    if stack is None:
        stack = _open.stack = []
    stack.append(call)
    OBSERVERS.started(call)
    return call


def finish_call(call: CallRecord | None, error: BaseException | None = None) -> None:
    """Set the outcome of ``call`` from ``error`` (None: success) and hand it to the
    observers; a login is also noted in the call that needed it. Nothing for None."""
    if call is None:
        return
    stack: list[CallRecord] = getattr(_open, "stack", [])
    if stack and stack[-1] is call:
        stack.pop()
    elif call in stack:
        stack.remove(call)
    call.elapsed_ms = (time.perf_counter() - call.started) * 1000
    call.outcome, call.error_type, call.error_message = _outcome(call, error)
    if error is not None:
        call.mismatches = [SECRETS.scrub(str(m)) for m in getattr(error, "mismatches", None) or ()]
    if call.kind == "login" and stack:
        stack[-1].events.append(Login(call))
    OBSERVERS.finished(call)


def _outcome(
    call: CallRecord, error: BaseException | None
) -> tuple[Outcome, str | None, str | None]:
    # By the error's type alone: the same error has the same outcome whether this call sent
    # anything or not (a refused login remembered from an earlier call, the client-side rate
    # limit running out).
    if error is None:
        return Outcome.SUCCESS, None, None
    if isinstance(error, SchemaMismatch):
        outcome = Outcome.SCHEMA_MISMATCH
    elif isinstance(error, TransportError):
        outcome = Outcome.NO_ANSWER
    elif isinstance(error, PlutoraError):
        outcome = Outcome.ERROR_ANSWER
    else:
        outcome = Outcome.BROKEN
    return outcome, type(error).__name__, SECRETS.scrub(str(error))

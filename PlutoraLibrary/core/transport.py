"""HTTP transport: one ``requests.Session`` per client, timeouts, safe retries, 429 waits,
token renewal on 401, a client-side rate limit, and the call's record (:mod:`.calls`) when an
observer wants one.

What is retried, and why it is safe:

- connection failures before anything was sent: any method (urllib3's connect retries);
- reads (GET, PUT, DELETE, HEAD, OPTIONS) on dropped connections and 502/503/504, with
  backoff (urllib3's ``Retry``): they are idempotent;
- any method after a 429 with ``Retry-After`` up to ``max_retry_wait``: a 429 was not processed;
- any method once after a 401 on a token the client believed valid: a 401 was not processed.

A POST or PATCH whose answer was lost after sending (read timeout, dropped connection, the
deadline, or a 502/503/504 from a gateway that may have passed it on) is never re-sent:
:class:`OutcomeUnknown` is raised so the caller can check what happened.

Every call has one total deadline (``deadline_seconds``, default 4 times the connect and read
timeouts) for its attempts, backoffs and the login; the waits a 429 or the client-side rate
limit asks for come on top (bounded by ``max_retry_wait``): see :mod:`.deadline`.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    InvalidHeader,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

from .. import __version__, contract
from .auth import BearerAuth, Token, TokenProvider
from .calls import CallRecord, finish_call, start_call
from .config import PlutoraConfig, Product, ProductConfig
from .deadline import WATCHDOG, Deadline, DeadlineRetry, Watch, WatchedAdapter
from .errors import (
    AccessDenied,
    ApiError,
    BusinessRuleViolation,
    DeadlineExceeded,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ReadOnlyRefused,
    ServerError,
    TokenRejected,
    TransportError,
    UnexpectedResponse,
    UnsupportedMediaType,
    ValidationFailed,
    connection_hint,
    hide_library_frames,
)
from .ratelimit import SlotGate
from .reporting import SECRETS, mask_json, mask_url
from .shared_state import Gate

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: Methods that change nothing: the only ones a read-only run sends (with the searches).
READS = frozenset({"GET", "HEAD", "OPTIONS"})
_MAX_429_WAITS = 5

Sleep = Callable[[float], None]


def retry_policy(retries: int) -> DeadlineRetry:
    """urllib3's retry for this client: connects always, reads and 502/503/504 only for
    idempotent methods, short exponential backoff, never a server-chosen long sleep, and
    nothing past the call's deadline."""
    return DeadlineRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=IDEMPOTENT,
        status_forcelist=(502, 503, 504),
        backoff_factor=0.2,
        backoff_max=5,
        respect_retry_after_header=False,
        raise_on_status=False,
        raise_on_redirect=False,
    )


class _Session(requests.Session):
    """A session that reads the environment's proxy and CA settings once per host.

    requests re-reads the whole environment on every request to apply ``HTTPS_PROXY``,
    ``NO_PROXY`` and ``REQUESTS_CA_BUNDLE`` (about 0.2 ms each time); the answer depends only
    on the host, so it is kept per host.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[Any, ...], dict[str, Any]] = {}

    def merge_environment_settings(  # type: ignore[override]
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        if verify is None and self.verify is not True:
            # A configured CA file (or False) is the user's word: requests would otherwise let
            # REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's verify (psf/requests#3829).
            verify = self.verify
        if proxies:  # explicit per-request proxies: nothing to cache
            return dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
        parts = urlsplit(str(url))
        key = (parts.scheme, parts.netloc, stream, verify, cert, self.trust_env)
        found = self._environment.get(key)
        if found is None:
            found = dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
            self._environment[key] = found
        return {**found, "proxies": dict(found["proxies"])}


def new_session(config: PlutoraConfig) -> requests.Session:
    """A keep-alive session with the retry policy, TLS and proxy settings of ``config``."""
    session = _Session()
    adapter = WatchedAdapter(max_retries=retry_policy(config.retries), pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = config.verify_tls
    session.trust_env = config.use_env_proxies
    session.headers["User-Agent"] = f"robotframework-plutora/{__version__}"
    session.headers["Accept"] = "application/json"
    if config.script_name:
        session.headers["Plutora-Info"] = f"script.name={config.script_name}"
    return session


class Transport:
    """Sends one product's API calls. One per client; thread-safe.

    Example::

        transport = Transport(config, Product.PLUTORA)
        release = transport.call("GET", "/releases/6678d6bb-…")
    """

    def __init__(
        self,
        config: PlutoraConfig,
        product: Product,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.config = config
        self.product = config.product(product)
        self.session = session or new_session(config)
        self.timeout = (config.connect_timeout, config.read_timeout)
        self.sleep = sleep
        self.tokens = TokenProvider.for_config(config, self.product, self.session)
        self._gate: Gate | None = None
        self._limiter_ready = False
        self._limiter_lock = threading.Lock()
        #: Changes with every call that may change the site (sent or tried): what was looked
        #: up before (a name's id) may be stale once it changed. A counter's ``next`` is
        #: atomic, so threads never lose a change.
        self.writes = 0
        self._write_numbers = itertools.count(1)

    def __repr__(self) -> str:
        return f"Transport({self.product.product.value}, {self.product.api_url})"

    def close(self) -> None:
        """Close the connections."""
        self.session.close()

    def _acquire_slot(
        self, method: str, path: str, deadline: Deadline, call: CallRecord | None
    ) -> None:
        if not self._limiter_ready:
            with self._limiter_lock:
                if not self._limiter_ready:
                    credentials = self.product.require_credentials()
                    self._gate = SlotGate.for_config(
                        self.config, credentials.client_id, self.product
                    )
                    self._limiter_ready = True
        gate = self._gate
        if gate is None:
            return
        started = time.monotonic()
        acquired = gate.acquire(started + self.config.max_retry_wait)
        waited = time.monotonic() - started
        deadline.extend(waited)  # a wait of its own, bounded by max_retry_wait
        if call is not None and waited >= _NOTED_WAIT:
            call.waited(
                waited,
                f"client-side rate limit: {self.config.rate_limit} calls per "
                f"{self.config.rate_window_seconds:g} s",
            )
        if not acquired:
            raise RateLimited.client_side(method, path, round(waited, 1))

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
        parse: Callable[[Any], Any] | None = None,
        data: Any = None,
        files: Any = None,
        answer: Callable[[requests.Response], Any] | None = None,
    ) -> Any:
        """Send one request and return the parsed JSON answer (None for 204).

        ``data`` (a form: a dict, or text) and ``files`` (multipart: requests' ``files``) are
        sent as requests sends them, instead of ``json_body``. ``answer`` turns the HTTP
        answer into the data ``parse`` gets, instead of :func:`parse_answer` (the generic
        call's expected statuses). A read-only configuration refuses every call but GET,
        HEAD, OPTIONS and a search (``idempotent=True`` on a POST) before sending
        (:class:`ReadOnlyRefused`).

        ``idempotent``: whether sending it twice does no harm (default: by method; a search
        POST passes True, so that a lost answer or a 503 reads as a failure, not as an
        unknown outcome). ``parse``: turns the parsed JSON into what the call returns (the
        clients' schema validation and shape extraction: a :class:`Page`, an envelope's
        ``Data``), run before the call counts as done, so that the call's record has its real
        outcome whether validation is on or off. Everything the call does stays within
        ``config.call_deadline``.

        Raises the matching :class:`ApiError` subclass for an error status,
        :class:`UnexpectedResponse` for an answer that is not JSON, :class:`TransportError`,
        :class:`DeadlineExceeded` or :class:`OutcomeUnknown` when no (whole) answer came, and
        whatever ``parse`` raises (:class:`SchemaMismatch`).

        Example: ``transport.call("GET", "/me", parse=str)``
        """
        if method not in READS and not (idempotent and method == "POST"):
            if self.config.read_only:
                raise ReadOnlyRefused(method, path)
            self.writes = next(self._write_numbers)
        url = self.product.api_url + path
        body = _Body(json_body, data, files)
        call = start_call(method, url, self.config.log_body_limit)
        if call is None:  # nobody listens: the fast path
            found = self._call(method, url, path, params, body, idempotent, None, answer)
            return found if parse is None else parse(found)
        if params:  # the query too, also for a call that gets no answer
            prepared = requests.PreparedRequest()
            prepared.prepare_url(url, params)
            call.url = mask_url(prepared.url or url)
        try:
            found = self._call(method, url, path, params, body, idempotent, call, answer)
            if parse is not None:
                found = parse(found)
        except BaseException as error:
            finish_call(call, error)
            raise
        finish_call(call)
        return found

    def _call(
        self,
        method: str,
        url: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: _Body,
        idempotent: bool | None,
        call: CallRecord | None,
        answer: Callable[[requests.Response], Any] | None = None,
    ) -> Any:
        deadline = Deadline(self.config.call_deadline)
        safe = method in IDEMPOTENT if idempotent is None else idempotent
        replayed = False
        waits = 0
        waited = 0.0
        while True:
            token = self.tokens.token(deadline)
            self._acquire_slot(method, path, deadline, call)
            response = self._exchange(method, url, params, body, token, deadline, safe, call)
            status = response.status_code
            if status == 401 and not replayed:
                # The server did not process it: renew the token (once) and send it again.
                self.tokens.invalidate(token, deadline)
                if call is not None:
                    call.renewed("after 401")
                replayed = True
                continue
            if status == 429:
                header = response.headers.get("Retry-After")
                wait = retry_after(header)
                if (
                    wait is not None
                    and wait <= self.config.max_retry_wait
                    and waits < _MAX_429_WAITS
                ):
                    waits += 1
                    waited += wait
                    if call is not None:
                        call.waited(wait, f"Retry-After: {header}")
                    self.sleep(wait)
                    deadline.extend(wait)  # asked for, and bounded by max_retry_wait
                    continue
                body = _json_or_none(response)
                raise RateLimited(
                    method,
                    _shown(response.url),
                    _server_message(body, response),
                    wait,
                    mask_json(body),
                    waits=waits,
                    waited=waited,
                    max_wait=self.config.max_retry_wait,
                    max_waits=_MAX_429_WAITS,
                )
            if not safe and status in _GATEWAY_STATUSES:
                raise _gateway_outcome(method, response)
            if answer is not None:
                return answer(response)
            return parse_answer(method, response, path, self.product)

    def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: _Body,
        token: Token,
        deadline: Deadline,
        safe: bool,
        call: CallRecord | None,
    ) -> requests.Response:
        watch: Watch | None = None
        try:
            if deadline.passed():
                raise _deadline_passed(method, url, deadline, safe, sent=False)
            with WATCHDOG.watch(deadline) as watch:
                if call is not None:
                    watch.retried = []
                    watch.attempt_started = time.perf_counter()
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=body.json,
                    data=body.data,
                    files=body.files,
                    auth=BearerAuth(token),
                    timeout=deadline.timeouts(*self.timeout),
                    allow_redirects=False,
                )
        except (
            requests.exceptions.InvalidJSONError,
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidHeader,
        ) as error:  # refused while the request was being built: nothing left this process
            if call is not None and watch is not None:
                call.failed(type(error).__name__, _since(watch.attempt_started))
            raise ValueError(
                f"{method} {mask_url(url)} was not sent: the request cannot be built "
                f"({type(error).__name__}: {str(error)[:200]}). A JSON body may hold no NaN or "
                "Infinity; a header or URL no line break."
            ) from None
        except requests.RequestException as error:
            if call is not None and watch is not None:
                _note_retried(call, watch)
                if not call.request_headers:
                    call.set_request({"Authorization": "bearer"}, body.shown(), body.kind)
                call.failed(type(error).__name__, _since(watch.attempt_started))
            if watch is not None and (watch.tripped or deadline.passed()):
                raise _deadline_passed(method, url, deadline, safe, _was_sent(error)) from None
            raise _no_answer(method, url, error, safe) from None
        if call is not None:
            _note_retried(call, watch)
            if not call.request_headers:
                request = response.request
                call.url = mask_url(request.url or url)
                call.set_request(request.headers, request.body, request.headers.get("Content-Type"))
            call.answered(
                response.status_code,
                _since(watch.attempt_started),
                response.content,
                response.headers.get("Content-Type"),
                response.headers,
            )
        return response


_JSON = "application/json"


class _Body:
    """What a request carries: JSON, a form (``data``) or multipart (``files``)."""

    __slots__ = ("data", "files", "json")

    def __init__(self, json_body: Any, data: Any, files: Any) -> None:
        self.json = json_body
        self.data = data
        self.files = files

    @property
    def kind(self) -> str:
        """The body's media type, as a record of a call that got no answer shows it."""
        if self.files is not None:
            return "multipart/form-data"
        if self.data is not None:
            return "application/x-www-form-urlencoded"
        return _JSON

    def shown(self) -> str | None:
        """The body as text for a record (a form encoded; multipart only named)."""
        if self.files is not None:
            return None
        if self.data is not None:
            if isinstance(self.data, (str, bytes)):
                return self.data.decode() if isinstance(self.data, bytes) else self.data
            from urllib.parse import urlencode

            return urlencode(self.data, doseq=True)
        return _dump(self.json)


#: A client-side rate-limit wait shorter than this (50 ms) is not worth a line in the record.
_NOTED_WAIT = 0.05


def _since(started: float) -> float:
    """Milliseconds since ``started`` (``time.perf_counter``)."""
    return (time.perf_counter() - started) * 1000


def _note_retried(call: CallRecord, watch: Watch) -> None:
    """The attempts urllib3 retried inside one request, into the call's record."""
    for retried in watch.retried or ():
        elapsed = (retried.ended - retried.started) * 1000
        if retried.status is None:
            call.failed(retried.failure or "no answer", elapsed)
        else:
            call.answered(retried.status, elapsed, retried.body, retried.content_type)
        if retried.backoff >= 0.001:
            call.waited(round(retried.backoff, 3), "backoff before retrying")


_GATEWAY_STATUSES = frozenset({502, 503, 504})


def _gateway_outcome(method: str, response: requests.Response) -> OutcomeUnknown:
    """A 502/503/504 on a write: a gateway answered, and may have passed the request on."""
    status = response.status_code
    message = _server_message(_json_or_none(response), response)
    said = f": {message}" if message else ""
    return OutcomeUnknown(
        f"{method} {_shown(response.url)} answered {status}{said}. A gateway may answer so after "
        "the API applied the request, so it may have been applied. It was not sent again; look "
        "the record up before retrying.",
        status=status,
    )


def _deadline_passed(
    method: str, url: str, deadline: Deadline, safe: bool, sent: bool
) -> TransportError:
    """The error of a call cut off at its deadline (an unknown outcome for a write sent)."""
    took = f"did not finish within its deadline of {deadline.seconds:g} s"
    advice = (
        "deadline_seconds (PLUTORA_DEADLINE) bounds a whole call; read_timeout only one socket "
        "read, which a server or proxy sending a trickle of bytes never trips"
    )
    if sent and not safe:
        return OutcomeUnknown(
            f"{method} {_shown(url)} {took} after it was sent: the server may have applied it. "
            f"It was not sent again; look the record up before retrying ({advice})."
        )
    return DeadlineExceeded(
        f"{method} {_shown(url)} {took}: the server answered too slowly. Check the server, "
        f"the proxy and the network, or raise the deadline ({advice})."
    )


def _dump(body: Any) -> str | None:
    return None if body is None else json.dumps(body, default=str)


def _shown(url: str | None) -> str:
    """A URL's path and query, masked, as errors show it."""
    parts = urlsplit(mask_url(url or ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _was_sent(error: requests.RequestException) -> bool:
    """Whether the request may have reached the server (so a POST may have been applied)."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    reason: Any = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)
    return not isinstance(reason, NewConnectionError)


def _timed_out(error: requests.RequestException) -> str | None:
    """``"read"`` or ``"connect"`` when ``error`` is a timeout, also one that urllib3's retry
    wrapped (requests then reports a read timeout as a ``ConnectionError``); else None."""
    if isinstance(error, requests.ConnectTimeout):
        return "connect"
    if isinstance(error, requests.ReadTimeout):
        return "read"
    reason: Any = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)
    # urllib3 makes a refused connection and an unknown host (NewConnectionError) kinds of
    # ConnectTimeoutError; requests does not call them timeouts, nor do we.
    if isinstance(reason, ConnectTimeoutError) and not isinstance(reason, NewConnectionError):
        return "connect"
    if isinstance(reason, (ReadTimeoutError, TimeoutError)):
        return "read"
    return None


def _no_answer(
    method: str, url: str, error: requests.RequestException, safe: bool | None = None
) -> TransportError:
    shown = _shown(url)
    timeout = _timed_out(error)
    hint = connection_hint(mask_url(url), error)
    if timeout == "read":
        seconds = re.search(r"read timeout=([0-9.]+)", str(error))
        limit = f" of {seconds.group(1)} s" if seconds else ""
        kind = f"timed out waiting for the answer (read_timeout{limit})"
        advice = (
            "The server is slow or the answer was held up: raise read_timeout "
            "(PLUTORA_READ_TIMEOUT) if the call is known to be slow, or retry later."
        )
    elif timeout == "connect":
        kind = "timed out connecting (connect_timeout)"
        advice = (
            "Check the API URL, the network and the proxy settings, or raise connect_timeout "
            "(PLUTORA_CONNECT_TIMEOUT)."
        )
    else:
        reason: Any = error.args[0] if error.args else None
        unreachable = isinstance(getattr(reason, "reason", reason), NewConnectionError)
        kind = "could not connect" if unreachable else f"failed ({type(error).__name__})"
        advice = (
            hint
            or "Check the API URL, the network, the proxy settings and the timeouts "
            "(connect_timeout, read_timeout)."
        )
    if not (method in IDEMPOTENT if safe is None else safe) and _was_sent(error):
        return OutcomeUnknown(
            f"{method} {shown} {kind} after it was sent: the server may have applied it. It was "
            "not sent again; look the record up before retrying."
        )
    if kind == "could not connect":
        return TransportError(f"{method} {shown} could not connect (retried where safe). {advice}")
    return TransportError(f"{method} {shown} {kind} with no answer (retried where safe). {advice}")


def _masked_request_line(record: logging.LogRecord) -> bool:
    """urllib3's DEBUG line of each request (``"GET /path?query HTTP/1.1" 200``) with
    secret-looking query parameters masked: a generic call may carry one (``access_token=``)."""
    if isinstance(record.args, tuple) and len(record.args) > 4 and "?" in str(record.args[4]):
        args = list(record.args)
        args[4] = mask_url(str(args[4]))
        record.args = tuple(args)
    return True


logging.getLogger("urllib3.connectionpool").addFilter(_masked_request_line)

#: urllib3's parser of ``Retry-After`` (whole seconds or an HTTP date, as RFC 9110 has it).
_RETRY_AFTER = Retry(0)


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date, read by urllib3); None
    if absent or not valid. Example: ``retry_after("7")`` → ``7.0``."""
    if value is None:
        return None
    try:
        return max(0.0, float(_RETRY_AFTER.parse_retry_after(value)))
    except InvalidHeader:
        return None


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _server_message(body: Any, response: requests.Response) -> str:
    """The server's own words from any of the API's error shapes (masked)."""
    if isinstance(body, dict):
        parts = []
        for key in ("message", "Message", "error_description", "error"):
            if isinstance(body.get(key), str):
                parts.append(body[key])
                break
        messages = body.get("Messages")
        if isinstance(messages, list) and messages:
            parts.append("; ".join(str(m) for m in messages))
        if isinstance(body.get("exceptionMessage"), str):
            parts.append(body["exceptionMessage"])
        state = body.get("modelState")
        if isinstance(state, dict):
            parts.extend(
                f"{field}: {'; '.join(map(str, texts))}"
                for field, texts in state.items()
                if isinstance(texts, list)
            )
        return SECRETS.scrub(" ".join(parts))
    if isinstance(body, str):
        return SECRETS.scrub(body)
    text = response.text.strip()
    kind = response.headers.get("Content-Type", "no content type")
    if not text:
        return f"an empty body ({kind})"
    return f"not JSON ({kind}): {SECRETS.scrub(_plain_text(text))[:200]}"


def _plain_text(text: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def parse_answer(
    method: str,
    response: requests.Response,
    relative: str | None = None,
    product: ProductConfig | None = None,
) -> Any:
    """The parsed JSON of a success, or the error that an error status stands for.

    ``relative`` (the path below the API URL) and ``product`` sharpen the advice: a 404 on a
    path every site has (``/me``, ``/releases``) means the API URL is wrong, not the id.

    Example: ``parse_answer("GET", response, "/me", config.plutora)``
    """
    status = response.status_code
    if status == 204:
        return None
    body = _json_or_none(response)
    if status < 300:
        if body is None and response.content.strip() != b"null":
            raise UnexpectedResponse(
                method, _shown(response.url), status, _server_message(None, response)
            )
        return body
    path = _shown(response.url)
    message = _server_message(body, response)
    shown = mask_json(body)
    if status == 400:
        messages = _messages(body)
        if "internalServerValidationError" in messages:
            raise BusinessRuleViolation(method, path, status, message, shown, messages)
        raise ValidationFailed(method, path, status, message, shown, messages)
    if status == 401:
        raise TokenRejected(method, path, status, message, shown)
    if status == 404 and relative is not None and _FIXED_PATH.fullmatch(relative.split("?")[0]):
        setting = f"{product.product.env_prefix}API_URL" if product else "the API URL"
        where = f" ({mask_url(product.api_url)})" if product else ""
        plutora = product is None or product.product is Product.PLUTORA
        region = " or PLUTORA_REGION" if plutora else ""
        raise NotFound(
            method,
            path,
            status,
            message,
            shown,
            advice=f"{relative} exists on every site, so the API URL{where} is wrong: check "
            f"{setting}{region} (the API's base URL, e.g. https://usapi.plutora.com).",
        )
    kinds: dict[int, type[ApiError]] = {403: AccessDenied, 404: NotFound, 415: UnsupportedMediaType}
    if status in kinds:
        raise kinds[status](method, path, status, message, shown)
    if status >= 500:
        raise ServerError(method, path, status, message, shown, advice=_no_such_field(message))
    if body is None:
        raise UnexpectedResponse(method, path, status, message, None)
    raise ApiError(method, path, status, message, shown)


#: Paths with no caller-given part (no id): a 404 on one means a wrong API URL.
#: The service's 500 for a filter or search naming a field its records do not have.
_NO_SUCH_FIELD = re.compile(r"No property or field '([^']+)' exists in type '([A-Za-z]+)'")


def _no_such_field(message: str) -> str | None:
    """Advice for the documented 500 of a filter on an unknown field (the user's typo, not a
    server fault), naming the fields the contract gives such a record; None otherwise."""
    found = _NO_SUCH_FIELD.search(message or "")
    if found is None:
        return None
    field, kind = found.groups()
    try:
        fields = ", ".join(contract.properties("plutora", kind))
    except KeyError:
        fields = ""
    known = f" Its fields: {fields}." if fields else ""
    return (
        f"The filter or search names the field '{field}', which a {kind} does not have (the "
        f"API answers that with a 500): check its spelling.{known}"
    )


_FIXED_PATH = re.compile(r"/[A-Za-z]+(/(filter|search))?")


def _messages(body: Any) -> dict[str, list[str]]:
    if isinstance(body, dict):
        state = body.get("modelState")
        if isinstance(state, dict):
            return {str(k): [str(t) for t in v] for k, v in state.items() if isinstance(v, list)}
        messages = body.get("Messages")
        if isinstance(messages, list):
            return {"": [str(m) for m in messages]}
    return {}

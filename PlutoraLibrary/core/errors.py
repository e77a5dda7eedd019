"""The errors users catch and read.

Every message says what happened (method, path, status), quotes the server's own words, and
says what to do. None holds a secret: paths and bodies are masked before they get here.

::

    PlutoraError
    ├── ConfigurationError            settings missing or contradictory (lists every problem)
    ├── AuthenticationError           the token server refused to issue a token
    │   ├── InvalidClient             wrong client_id / client_secret (invalid_grant)
    │   ├── LoginRejected             wrong username / password (validation_error)
    │   │   └── AccountInactive       the user is Inactive; an administrator makes it Active
    │   └── AccountLocked             the user is locked; an administrator must unlock it
    ├── ApiError                      an API call answered with an error status
    │   ├── AccessDenied              403: the caller's IP is not on the site's whitelist
    │   ├── TokenRejected             401 even with a freshly issued token
    │   ├── NotFound                  404, or missing from a list read (not_listed)
    │   ├── ValidationFailed          400 with modelState / Fail messages
    │   │   └── BusinessRuleViolation a business rule (also raised before sending)
    │   ├── UnsupportedMediaType      415
    │   ├── RateLimited               429 that outlasted the allowed wait
    │   ├── ServerError               5xx
    │   ├── UnexpectedResponse        not the JSON the API sends (a proxy page, an empty body)
    │   └── UnexpectedStatus          a success status a generic call did not expect
    ├── SchemaMismatch                an answer that does not match its JSON Schema
    ├── TransportError                no answer: connection refused, timeout, dropped
    │   ├── DeadlineExceeded          the call outlasted its total deadline
    │   ├── LoginLockTimeout          another process's login held the lock too long
    │   └── OutcomeUnknown            a POST/PATCH sent, answer lost: it may have been applied
    ├── ChangeNotPersisted            a patch the server accepted but a re-read does not show
    ├── ReadOnlyRefused               a write refused before sending: the run is read-only
    ├── NameNotFound                  no record (or lookup value) has that name; near matches
    │   └── NameAmbiguous             several records have that name
    └── CustomFieldRefused            a custom field or value the record cannot take (not sent)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple
from urllib.parse import urlsplit


class PlutoraError(Exception):
    """Base of every error raised by this library."""


def hide_library_frames(excinfo: Any) -> bool:
    """pytest's ``__tracebackhide__`` for the library's modules: their frames are left out of
    a traceback when the error is the library's own (its message says what happened; the
    library's insides say nothing more to a user). Other errors show them, for bug reports.

    Example (module level): ``__tracebackhide__ = hide_library_frames``
    """
    return isinstance(getattr(excinfo, "value", None), PlutoraError)


class ConfigurationError(PlutoraError):
    """Settings that cannot work; ``problems`` lists each one with how to fix it."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("The Plutora settings cannot be used:\n- " + "\n- ".join(self.problems))


class AuthenticationError(PlutoraError):
    """The token server refused to issue a token. The library never retries this."""

    advice = "Check the credentials; the library does not retry a rejected login."

    def __init__(
        self,
        product: str,
        token_url: str,
        status: int,
        error: str | None,
        description: str | None,
        note: str | None = None,
    ) -> None:
        from .reporting import SECRETS  # the server's words may echo a secret

        error = SECRETS.scrub(error) if error else error
        description = SECRETS.scrub(description) if description else description
        self.product = product
        self.token_url = token_url
        self.status = status
        self.error = error
        self.description = description
        #: Set when the refusal was remembered from an earlier attempt (nothing sent now).
        self.note = note
        said = f"{error}: {description}" if description else str(error)
        text = f"POST {token_url} (the {product} token server) answered {status} {said}"
        if note:
            text = _sentences(text, note)
        super().__init__(_sentences(text, self.advice))


class InvalidClient(AuthenticationError):
    """``invalid_grant``: the client_id or client_secret is wrong, expired or of another product."""

    advice = (
        "The API key (client_id and client_secret) is wrong, was regenerated, or belongs to the "
        "other product: Plutora and Plutora Test have separate keys. Generate or copy the key "
        "again (Settings > Customization > Integration > API) and set PLUTORA_CLIENT_ID / "
        "PLUTORA_CLIENT_SECRET (PLUTORA_TEST_… for Plutora Test)."
    )


class LoginRejected(AuthenticationError):
    """``validation_error``: wrong username or password. Not retried: five failures lock."""

    advice = (
        "The username (the login e-mail) or the password is wrong. Not retried: five failed "
        "logins lock the account. Fix them where they come from (PLUTORA_USERNAME / "
        "PLUTORA_PASSWORD, PLUTORA_TEST_… for Plutora Test, or the credentials given to the "
        "keyword, fixture or client) before running again."
    )


class AccountInactive(LoginRejected):
    """The user is Inactive (``validation_error`` saying so): the password may be right, but
    the site lets no Inactive user log in. Not retried, as every refused login."""

    advice = (
        "The user is Inactive on the site; an administrator sets it Active again (Plutora's "
        "user administration, or `Update User    <id>    status=Active` / "
        "client.update_user(user_id, status='Active') as an administrator). The username and "
        "password may well be right: do not change them. Not retried."
    )


class AccountLocked(AuthenticationError):
    """The user is locked after failed logins; only an administrator can unlock it."""

    advice = (
        "The account is locked after repeated failed logins; an administrator must unlock it. "
        "Fix the password in the settings before the next run."
    )


class ApiError(PlutoraError):
    """An API call answered with an error status.

    ``method``, ``path`` (query masked), ``status``, ``server_message`` (the server's own
    words) and ``body`` (the parsed, masked answer) are there to read.
    """

    advice = ""

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        server_message: str,
        body: Any = None,
        advice: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.server_message = server_message
        self.body = body
        advice = self.advice if advice is None else advice
        # Status 0: refused before sending (e.g. a business rule checked by the client).
        text = f"{method} {path} answered {status}" if status else f"{method} {path} was not sent"
        if server_message:
            text += f": {server_message}"
        super().__init__(_sentences(text, advice))


class AccessDenied(ApiError):
    """403: the caller's IP address is not on the site's API whitelist."""

    advice = (
        "This machine's IP address is not on the site's API whitelist: ask a Plutora "
        "administrator to add it (or its range), or run from an allowed network."
    )


class TokenRejected(ApiError):
    """401 even with a freshly issued token: the token is not valid for this API."""

    advice = (
        "A freshly issued token was refused. Check that the token URL and the API URL belong to "
        "the same product and region (a Plutora Test token does not open the Plutora API)."
    )


class NotFound(ApiError):
    """404: no record with that id (or no such resource); or, from :meth:`not_listed`, not
    among the records a list the client read holds (that GET answered 200)."""

    advice = (
        "Check the id; it may have been deleted, or belong to another site or product. If every "
        "call answers 404, the API URL is wrong (PLUTORA_API_URL, or the region)."
    )

    @classmethod
    def not_listed(
        cls, path: str, missing: str, advice: str, *, then: str = "nothing was sent"
    ) -> NotFound:
        """``GET path`` answered 200, but what was asked for is not among the records it
        listed: the client found it missing (no 404 came), so ``status`` is 200 and
        ``server_message`` is empty. ``missing`` says what is missing and what is there;
        ``then`` what became of the request (by default nothing was sent).

        Example: ``raise NotFound.not_listed("/releases/1/phases", "the release has no phase
        'Nope' (its phases: Build)", "Add it first (add_release_phase / Add Phase To
        Release).")`` reads ``GET /releases/1/phases answered 200 without it: the release has
        no phase 'Nope' (its phases: Build); nothing was sent. Add it first …``
        """
        error = cls("GET", path, 200, "", advice=advice)
        said = f"GET {path} answered 200 without it: {missing}"
        error.args = (_sentences(f"{said}; {then}" if then else said, advice),)
        return error


class ValidationFailed(ApiError):
    """400: the request is invalid; ``messages`` maps each field to the server's messages."""

    advice = "Correct the fields named above and send again."

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        server_message: str,
        body: Any = None,
        messages: dict[str, list[str]] | None = None,
        advice: str | None = None,
    ) -> None:
        self.messages = messages or {}
        super().__init__(method, path, status, server_message, body, advice)


class BusinessRuleViolation(ValidationFailed):
    """A business rule refuses the request (e.g. copying an end-state or Enterprise release)."""

    advice = "The request breaks a business rule of the API; change what it names."


class UnsupportedMediaType(ApiError):
    """415: the body was sent with a media type the API does not accept."""

    advice = "Send the body as application/json."


class RateLimited(ApiError):
    """429 that outlasted the allowed wait; ``retry_after`` is the server's last wait in seconds
    (or, from :meth:`client_side`, how long the client-side limit kept the call back).
    ``waits`` and ``waited`` say how often and how long in all the client already waited as
    the server asked. ``status`` is 429 either way."""

    def __init__(
        self,
        method: str,
        path: str,
        server_message: str,
        retry_after: float | None,
        body: Any,
        *,
        sent: bool = True,
        waits: int = 0,
        waited: float = 0.0,
        max_wait: float | None = None,
        max_waits: int | None = None,
    ) -> None:
        self.retry_after = retry_after
        self.waits = waits
        self.waited = waited
        wait = f"{retry_after:g} s" if retry_after is not None else "an unknown time"
        if not sent:
            advice = (
                "The client-side rate limit (rate_limit per rate_window_seconds, shared by the "
                f"run's processes) stayed used up for {wait} (max_retry_wait). Lower the number "
                "of parallel processes, or raise max_retry_wait."
            )
        else:
            allowed = f", {max_wait:g} s" if max_wait is not None else ""
            if waits and max_waits is not None and waits >= max_waits:
                why = (
                    f"the client waited {_times(waits)} as asked ({waited:g} s in all) and "
                    f"still got 429, so it gave up (at most {max_waits} waits per call)"
                )
            elif retry_after is None:
                why = "the answer gave no usable Retry-After, so the client did not wait"
            else:
                why = (
                    f"the server asks to wait {wait}, longer than allowed (max_retry_wait{allowed})"
                )
                if waits:
                    why += f", after the client had waited {_times(waits)} ({waited:g} s in all)"
            advice = (
                f"The API key's request limit is used up: {why}. Slow down (rate_limit), run "
                "fewer processes at once, or raise max_retry_wait."
            )
        # Status 0 makes the message say the request "was not sent".
        super().__init__(method, path, 429 if sent else 0, server_message, body, advice=advice)
        self.status = 429

    @classmethod
    def client_side(cls, method: str, path: str, waited: float) -> RateLimited:
        """The client-side limit gave no slot within ``waited`` seconds; nothing was sent.

        Example: ``raise RateLimited.client_side("GET", "/me", 60)``
        """
        return cls(method, path, "", waited, None, sent=False)


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


class ServerError(ApiError):
    """5xx: the server failed. Reads were retried already; the message quotes the server."""

    advice = "The server failed; if it persists, report the request and message to Plutora."


class UnexpectedResponse(ApiError):
    """An answer that is not the API's JSON: a proxy's HTML page, an empty or cut body."""

    advice = (
        "The answer is not the JSON the API sends: a proxy, firewall or wrong URL may stand in "
        "between. Check the API URL and the proxy settings."
    )


class UnexpectedStatus(ApiError):
    """A generic call (:meth:`PlutoraClient.call`) answered with a status it was not told to
    expect, where that status is no error of its own (a 200 where a 404 was expected)."""

    advice = (
        "The answer's status is not one of expected_status: check the request, or pass the "
        "status you expect (expected_status=200, '200, 204', or 'any')."
    )


class Mismatch(NamedTuple):
    """One way data differs from a schema: where, what was expected, what came (masked under
    secret-looking keys). Example: ``str(m)`` → ``'$.id: expected a value of type string,
    got 5'``."""

    json_path: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.json_path}: expected {self.expected}, got {self.actual}"


#: The most mismatches an error message lists (all are in ``SchemaMismatch.mismatches``).
SHOWN_MISMATCHES = 20


class SchemaMismatch(PlutoraError):
    """An answer (or a user's data) that does not match its JSON Schema.

    ``mismatches`` lists every difference (:class:`Mismatch`: path, expected, got);
    ``json_path``, ``expected`` and ``actual`` are the first's; ``schema`` names the schema;
    ``hint`` is advice such as the list schema to use for a list item. The message gives the
    first mismatch, then the hint, then lists up to :data:`SHOWN_MISMATCHES` and counts the
    rest.

    Example: ``[str(m) for m in error.mismatches]``
    """

    def __init__(
        self,
        schema: str,
        json_path: str,
        expected: str,
        actual: str,
        where: str = "",
        mismatches: Sequence[Mismatch] = (),
        hint: str = "",
    ) -> None:
        self.schema = schema
        self.json_path = json_path
        self.expected = expected
        self.actual = actual
        self.mismatches = list(mismatches) or [Mismatch(json_path, expected, actual)]
        self.hint = hint
        prefix = f"{where}: " if where else ""
        message = (
            f"{prefix}the data does not match schema '{schema}' at {json_path}: "
            f"expected {expected}, got {actual}."
        )
        if hint:  # first: it is often the whole answer (the list schema to use)
            message += f"\n{hint}"
        others = self.mismatches[1:]
        if others:
            lines = compact_mismatches(others)
            shown = lines[: SHOWN_MISMATCHES - 1]
            message += f" {len(others)} more mismatch{'es' if len(others) > 1 else ''}:"
            message += "".join(f"\n- {line}" for line in shown)
            if len(lines) > len(shown):
                message += f"\n- and {len(lines) - len(shown)} more lines"
        super().__init__(message)


#: What :class:`Mismatch` says of a required property that is absent.
ABSENT = "no such property"


def compact_mismatches(mismatches: Sequence[Mismatch]) -> list[str]:
    """One line per mismatch, but the properties missing from one object on one line
    (``$: missing identifier, name``), after the others, so that a half-empty answer does
    not push the other differences out of sight.

    Example: ``compact_mismatches(error.mismatches)`` →
    ``["$.id: expected a value of type string, got 5", "$: missing identifier, name"]``
    """
    missing: dict[str, list[str]] = {}
    lines: list[str] = []
    for mismatch in mismatches:
        if mismatch.actual == ABSENT:
            parent, _, name = mismatch.json_path.rpartition(".")
            missing.setdefault(parent or "$", []).append(name)
        else:
            lines.append(str(mismatch))
    return lines + [f"{parent}: missing {', '.join(names)}" for parent, names in missing.items()]


class TransportError(PlutoraError):
    """No answer came: connection refused, DNS failure, timeout, dropped connection."""


class DeadlineExceeded(TransportError):
    """A call outlasted its total deadline (``deadline_seconds``): a server or proxy answering
    too slowly, or a wait (the login lock, a 429) that would have passed it."""


class LoginLockTimeout(TransportError):
    """Another process of the run held the login lock longer than ``token_lock_timeout``;
    nothing was sent (a second login could be a second attempt of a wrong password)."""


class SharedStateUnavailable(TransportError):
    """The run's shared state (``shared_state_url``, a Redis) did not answer in time or
    refused the connection. At start the client is not made; mid-run no login is sent (without
    the shared memory of refused logins, it could be another attempt of a wrong password)."""


class OutcomeUnknown(TransportError):
    """A non-idempotent request was sent but its answer was lost; it may have been applied.

    The library never re-sends it. Check the state (e.g. look the record up) before retrying.
    ``status`` is the gateway's status when a 502/503/504 came instead of the API's answer.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ChangeNotPersisted(PlutoraError):
    """The server accepted a change but reading the record back does not show it."""


class BulkUpdateIncomplete(OutcomeUnknown):
    """The answer to a bulk update was lost, and re-reading what it selected shows the delta
    on some items (``applied``) but not on others (``not_applied``): ids, in the order the
    search found them. The library never re-sends it; run it again only for what is missing.
    """

    def __init__(
        self,
        message: str,
        applied: list[str],
        not_applied: list[str],
        status: int | None = None,
    ) -> None:
        super().__init__(message, status)
        self.applied = applied
        self.not_applied = not_applied


class ReadOnlyRefused(PlutoraError):
    """A call that could change the site was refused before it was sent: the run is
    read-only (``read_only``). ``method`` and ``path`` say which."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(
            f"{method} {path} was not sent: this run is read-only, which lets only GETs and "
            "searches through. To write to the site, unset PLUTORA_READ_ONLY, or give "
            "read_only=false (the Robot library's import), --plutora-read-only=false (pytest; "
            "ini plutora_read_only), or read_only=False (Python)."
        )


class NameNotFound(PlutoraError, LookupError):
    """No record (or lookup value) has the name asked for; ``near`` lists the closest names
    the site has, ``entity`` and ``name`` say what was asked."""

    def __init__(self, entity: str, name: str, message: str, near: Sequence[str] = ()) -> None:
        self.entity = entity
        self.name = name
        self.near = list(near)
        super().__init__(message)


class NameAmbiguous(NameNotFound):
    """Several records have the name asked for; ``near`` holds their ids."""


class CustomFieldRefused(PlutoraError, ValueError):
    """A custom field the record does not have, or a value its data type or list cannot take.
    Nothing was sent. ``field`` names the field; ``allowed`` lists the allowed list items."""

    def __init__(self, field: str, message: str, allowed: Sequence[str] = ()) -> None:
        self.field = field
        self.allowed = list(allowed)
        super().__init__(message)


def _sentences(text: str, advice: str) -> str:
    """``text`` and ``advice`` joined as sentences: one full stop after ``text`` whatever the
    server's words end with (``"incorrect."`` gives no ``".."``).

    Example: ``_sentences("answered 400: bad.", "Fix it.")`` → ``'answered 400: bad. Fix it.'``
    """
    text = text.rstrip()
    if not text.endswith((".", "!", "?")):
        text += "."
    return f"{text} {advice}" if advice else text


def connection_hint(
    url: str, error: BaseException, verify_setting: str = "PLUTORA_VERIFY_TLS"
) -> str:
    """Advice for a failure to reach the server (empty for others): a refused connection and
    an unknown host name the host they tried; https spoken to a plain-http port reads as a
    bare ``SSLError``; an untrusted certificate names the CA setting.

    Example: ``connection_hint("https://127.0.0.1:8080/me", error)``
    """
    names = {kind.__name__ for kind in type(error).__mro__}
    text = str(error)
    host = urlsplit(url).netloc.rsplit("@", 1)[-1]
    if "NameResolutionError" in text or "Name or service not known" in text:
        return (
            f"The host name in {host} was not found (DNS): check the URL's host, and the "
            "network's DNS or proxy settings."
        )
    if "Connection refused" in text or "ConnectionRefusedError" in names:
        return (
            f"The connection to {host} was refused: nothing listens there. Check the URL's "
            "host and port, and that the server is running."
        )
    if "SSLError" not in names and "SSLError" not in text:
        return ""
    if any(
        sign in text
        for sign in (
            "WRONG_VERSION_NUMBER",
            "wrong version number",
            "record layer failure",
            "packet length too long",
            "unknown protocol",
            "http request",
        )
    ):
        plain = "http://" + url.split("://", 1)[-1] if url.lower().startswith("https://") else url
        return (
            f"The server does not speak TLS on that port: the URL is probably http, not https "
            f"(try {plain})."
        )
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return (
            "The server's certificate is not trusted: set "
            f"{verify_setting} to the CA bundle (PEM file) of your network."
        )
    return f"The TLS handshake failed: check the URL's scheme and port, and {verify_setting}."

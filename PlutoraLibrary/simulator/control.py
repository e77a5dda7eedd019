"""The control API under ``/_sim/``: not part of the contract; tests and benchmarks use it.

| call | what it does |
|---|---|
| ``GET /_sim`` | settings, record counts, locked users |
| ``POST /_sim/reset`` ``{"tokens": false}`` | back to the seeded site (tokens kept unless asked) |
| ``GET``/``PUT /_sim/settings`` | whitelist, rate limit and window, token lifetimes, change names |
| ``POST /_sim/users`` ``{"username", "password", "product"}`` | add a (throw-away) user |
| ``POST /_sim/users/unlock`` ``{"username", "product"?}`` | unlock a demo or added user |
| ``POST /_sim/tokens/expire`` ``{"user"?}`` | every issued token (of one user) expires now |
| ``GET /_sim/tokens/issued`` | every access and refresh token issued (for secret scans) |
| ``GET /_sim/clock``, ``POST /_sim/clock/advance`` ``{"seconds"}`` | the simulator's clock |
| ``GET``/``POST``/``DELETE /_sim/faults`` | faults for the next N matching requests (of a user) |
| ``DELETE /_sim/faults/{id}`` | forget one queued fault (404 if it was used up or removed) |
| ``GET /_sim/counters``, ``POST /_sim/counters/reset`` | grants, logins, requests, 429s |

Every call with a body must send ``Content-Type: application/json`` (415 otherwise); a call
whose ``Host`` does not name the simulator, or that a browser sends from another origin,
answers 403 (see the app's ``_control``).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from .config import PRODUCTS, UserAccount
from .parameters import shown
from .protocol import ApiError, Call, Handler, Reply
from .query import field_of
from .state import FAULT_KINDS, Fault, ProtectedUser


def _bad(message: str) -> ApiError:
    return ApiError(400, {"message": message})


def _object(call: Call) -> dict[str, Any]:
    if call.body is None:
        return {}
    if not isinstance(call.body, dict):
        raise _bad("The body must be a JSON object.")
    return call.body


def overview(call: Call) -> Reply:
    """``GET /_sim``: settings, record counts, locked users and queued faults. Example:
    ``{"records": {"releases": 260, ...}, "lockedUsers": ["plutora:temp@example.com"]}``."""
    state = call.state
    with state.lock:
        return Reply(
            200,
            {
                "settings": state.settings.describe(),
                "records": state.record_counts(),
                "lockedUsers": sorted(f"{product}:{user}" for product, user in state.locked),
                "faults": [fault.describe() for fault in state.faults],
            },
        )


def reset(call: Call) -> Reply:
    """``POST /_sim/reset``: the seeded site again; ``{"tokens": true}`` also forgets
    issued tokens. Example body: ``{"tokens": false}``."""
    body = _object(call)
    call.state.reset(tokens=bool(field_of(body, "tokens")))
    return Reply(200, {"message": "The simulator was reset to its seeded state."})


def get_settings(call: Call) -> Reply:
    """``GET /_sim/settings``: the settings now. Example: ``{"rateLimit": 26000, ...}``."""
    return Reply(200, call.state.settings.describe())


def put_settings(call: Call) -> Reply:
    """``PUT /_sim/settings``: change the settings named, all or none (400 listing every
    problem). Example body: ``{"ipWhitelist": ["127.0.0.1"], "rateLimitPerSecond": 6}``."""
    try:
        return Reply(200, call.state.update_settings(_object(call)))
    except ValueError as error:
        raise _bad(f"Settings not changed: {str(error).rstrip('.')}.") from None


def _product(value: Any, required: bool) -> Any:
    if value is None and not required:
        return None
    if value not in PRODUCTS:
        raise _bad(f"product must be one of {', '.join(PRODUCTS)}, not {shown(value)}.")
    return value


def add_user(call: Call) -> Reply:
    """``POST /_sim/users``: add or replace a throw-away user (201); 403 for a user of the
    simulator's own settings. Example body: ``{"username": "temp@example.com",
    "password": "x", "product": "plutora"}``."""
    body = _object(call)
    username, password = field_of(body, "username"), field_of(body, "password")
    if not isinstance(username, str) or not username or not isinstance(password, str):
        raise _bad("A user needs a username and a password (strings).")
    product = _product(field_of(body, "product"), required=True)
    try:
        call.state.add_user(UserAccount(username, password, product))
    except ProtectedUser as refused:
        raise ApiError(403, {"message": str(refused)}) from None
    return Reply(201, {"username": username, "product": product})


def unlock_user(call: Call) -> Reply:
    """``POST /_sim/users/unlock``: unlock a user of one product or both. Example body:
    ``{"username": "temp@example.com"}`` answers ``{"wasLocked": true, ...}``."""
    body = _object(call)
    username = field_of(body, "username")
    if not isinstance(username, str) or not username:
        raise _bad('Name the user to unlock: {"username": "..."}.')
    product = _product(field_of(body, "product"), required=False)
    try:
        was_locked = call.state.unlock_user(username, product)
    except ProtectedUser as refused:
        raise ApiError(403, {"message": str(refused)}) from None
    return Reply(200, {"username": username, "wasLocked": was_locked})


def expire_tokens(call: Call) -> Reply:
    """``POST /_sim/tokens/expire``: every issued token (of ``user`` only) expires now.
    Example body: ``{"user": "temp@example.com"}`` answers ``{"expired": 2}``."""
    user = field_of(_object(call), "user")
    if user is not None and (not isinstance(user, str) or not user):
        raise _bad('user must be a username: {"user": "temp@example.com"}, or left out for all.')
    return Reply(200, {"expired": call.state.expire_tokens(user)})


def issued_tokens(call: Call) -> Reply:
    """``GET /_sim/tokens/issued``: every access and refresh token issued, in order (for
    secret scans of test artifacts)."""
    with call.state.lock:
        return Reply(200, list(call.state.issued_tokens))


def get_clock(call: Call) -> Reply:
    """``GET /_sim/clock``: the simulator's time and how far it was advanced. Example:
    ``{"now": "2026-01-01T10:00:00+00:00", "offsetSeconds": 3600.0}``."""
    moment = call.state.now()
    return Reply(
        200,
        {
            "now": datetime.fromtimestamp(moment, timezone.utc).isoformat(),
            "offsetSeconds": call.state.clock_offset,
        },
    )


def advance_clock(call: Call) -> Reply:
    """``POST /_sim/clock/advance``: move the clock forward (at most 10 years). Example
    body: ``{"seconds": 3600}``."""
    seconds = field_of(_object(call), "seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        raise _bad('Give the seconds to move the clock forward: {"seconds": 3600}.')
    try:
        call.state.advance_clock(float(seconds))
    except ValueError as error:
        raise _bad(f"Cannot move the clock: {error}.") from None
    return get_clock(call)


def list_faults(call: Call) -> Reply:
    """``GET /_sim/faults``: the faults still queued, each with its id and what is left."""
    with call.state.lock:
        return Reply(200, [fault.describe() for fault in call.state.faults])


def add_fault(call: Call) -> Reply:
    """Queue a fault: ``{"path": regex, "kind": …, "count": N, …}`` (see the docs)."""
    body = _object(call)
    problems = []
    path = field_of(body, "path")
    pattern = None
    if not isinstance(path, str) or not path:
        problems.append("path (a regular expression matched against the request path) is required")
    else:
        try:
            pattern = re.compile(path, re.IGNORECASE)
        except re.error as error:
            problems.append(f"path is not a valid regular expression: {error}")
    kind = field_of(body, "kind")
    if kind not in FAULT_KINDS:
        problems.append(f"kind must be one of {', '.join(FAULT_KINDS)}, not {shown(kind)}")
    count = field_of(body, "count")
    count = 1 if count is None else count
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        problems.append("count must be a whole number of at least 1")
    method = field_of(body, "method")
    if method is not None and not isinstance(method, str):
        problems.append("method must be an HTTP method such as GET")
    status = field_of(body, "status")
    status = 503 if status is None else status
    # 2xx too: a proxy or captive portal answering 200 with a page instead of the API's JSON.
    if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
        problems.append("status must be an HTTP status from 200 to 599")
    retry_after = field_of(body, "retryAfter")
    retry_after = 1 if retry_after is None else retry_after
    if not isinstance(retry_after, int) or isinstance(retry_after, bool) or retry_after < 0:
        problems.append("retryAfter must be a whole number of seconds")
    seconds = field_of(body, "seconds")
    seconds = 0.0 if seconds is None else seconds
    if (
        not isinstance(seconds, (int, float))
        or isinstance(seconds, bool)
        or not 0 <= seconds <= 600
    ):
        problems.append("seconds must be a number from 0 to 600")
    stage = field_of(body, "stage") or "before"
    if stage not in ("before", "after"):
        problems.append("stage must be 'before' (not processed) or 'after' (processed)")
    user = field_of(body, "user")
    if user is not None and (not isinstance(user, str) or not user):
        problems.append("user must be a username (the fault then hits only that user's requests)")
    if problems or pattern is None:
        raise _bad("Fault not added: " + "; ".join(problems) + ".")
    fault = Fault(
        pattern=pattern,
        kind=kind,
        remaining=count,
        method=method.upper() if isinstance(method, str) else None,
        status=status,
        retry_after=retry_after,
        seconds=float(seconds),
        stage="after" if stage == "after" else "before",
        body=field_of(body, "body"),
        user=user.lower() if isinstance(user, str) else None,
    )
    call.state.add_fault(fault)
    return Reply(201, fault.describe())


def clear_faults(call: Call) -> Reply:
    """``DELETE /_sim/faults``: forget every queued fault (204)."""
    call.state.clear_faults()
    return Reply(204)


def remove_fault(call: Call) -> Reply:
    """Forget one queued fault by the id ``POST /_sim/faults`` gave it."""
    raw = call.params["id"]
    if not raw.isdigit() or not call.state.remove_fault(int(raw)):
        raise ApiError(
            404, {"message": f"No queued fault has the id {raw!r}: it was used up or removed."}
        )
    return Reply(204)


def get_counters(call: Call) -> Reply:
    """``GET /_sim/counters``: grants, denials, logins, requests per route and status, 429s.
    Example: ``counters["requests"]["GET /plutora/api/releases"]["200"]``."""
    with call.state.lock:
        return Reply(200, call.state.counters.describe())


def reset_counters(call: Call) -> Reply:
    """``POST /_sim/counters/reset``: every counter back to zero (204)."""
    call.state.reset_counters()
    return Reply(204)


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "", overview),
    ("POST", "/reset", reset),
    ("GET", "/settings", get_settings),
    ("PUT", "/settings", put_settings),
    ("POST", "/users", add_user),
    ("POST", "/users/unlock", unlock_user),
    ("POST", "/tokens/expire", expire_tokens),
    ("GET", "/tokens/issued", issued_tokens),
    ("GET", "/clock", get_clock),
    ("POST", "/clock/advance", advance_clock),
    ("GET", "/faults", list_faults),
    ("POST", "/faults", add_fault),
    ("DELETE", "/faults", clear_faults),
    ("DELETE", "/faults/{id}", remove_fault),
    ("GET", "/counters", get_counters),
    ("POST", "/counters/reset", reset_counters),
]

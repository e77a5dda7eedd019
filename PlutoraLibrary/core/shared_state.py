"""The run's shared state on Redis, for suites sharded over many machines (``shared_state_url``).

Without the setting, the run's processes share their state through a folder, on one host
(:mod:`.ratelimit`, :mod:`.refusals`, :mod:`.auth`). With it, every process on every machine
that uses the same Redis, site, product and run id shares:

- **the client-side rate limit**: a sliding-window log (a sorted set of the slots taken) and a
  first-come-first-served wait queue, changed by one Lua script per attempt. The script reads
  the time from the Redis server (``TIME``), never from a machine, so that a runner whose
  clock is minutes off still keeps the limit; the window is a little longer than the
  server's (:data:`SKEW_MARGIN_SECONDS`) for the time between taking a slot and the request's
  arrival. Why not pyrate-limiter's or ``limits``' Redis storage: docs/adr/0008.
- **the refusal memory** (:class:`RedisRefusalStore`): a refused login is tried once in the
  whole run, on all machines; a record expires with ``refusal_memory_seconds`` (Redis' TTL).
- **the login lock** (:class:`RedisLoginLock`): one login at a time per user in the run, a
  lease that expires if its holder dies.
- **tokens**, sealed as in a folder, with ``share_tokens`` (:class:`RedisTokenShelf`).

Every Redis call has a timeout (``shared_state_timeout``) and is never retried by the client
library. Redis unreachable when a client is made: :class:`SharedStateUnavailable` naming the
(masked) URL and the cause. Unreachable mid-run: a login fails closed (nothing is sent); the
rate limit falls back to this host's limit with one warning; both use Redis again once it
answers. Keys live under ``plutora:<run id>:<API host>:<product>:``, so that several runs and
projects can share one Redis.

Example::

    state = SharedState.for_config(config)        # None without shared_state_url
    if state is not None:
        gate = state.rate_gate(config, "my-client-id", local=lambda: None)
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from .config import PlutoraConfig, ProductConfig
from .errors import SharedStateUnavailable, hide_library_frames
from .reporting import SECRETS, mask_url

if TYPE_CHECKING:  # redis-py is an extra (robotframework-plutora[redis]), loaded when used
    import redis

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

log = logging.getLogger("PlutoraLibrary")

#: Added to the rate window: a slot counts from the Redis server's clock when taken, the API
#: server counts from the request's arrival, later by the transit time of both hops.
SKEW_MARGIN_SECONDS = 0.15
#: How long a waiter's ticket stays in the queue without being renewed (its process died).
_TICKET_LIFE_MS = 3000
#: The longest sleep between two looks at the queue.
_POLL_SECONDS = 0.05
#: After Redis failed, the rate limit asks it again after this long (meanwhile: this host's);
#: each probe that fails doubles the wait, up to ``_RETRY_MAX_SECONDS``.
_RETRY_SECONDS = 2.0
_RETRY_MAX_SECONDS = 16.0
_tickets = itertools.count()

#: Take a slot, or queue for one. KEYS: window (sorted set of slots by server time in ms),
#: queue (tickets by arrival), beats (tickets by when they lapse), sequence (a counter).
#: ARGV: ticket, limit, window ms, ticket life ms. Returns {1, 0} when the slot is taken,
#: {0, ms} when not: ms until the oldest slot frees (0: others are ahead).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ticket, limit = ARGV[1], tonumber(ARGV[2])
local window, life = tonumber(ARGV[3]), tonumber(ARGV[4])
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
if #lapsed > 0 then
  redis.call('ZREM', KEYS[2], unpack(lapsed))
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
local head = redis.call('ZRANGE', KEYS[2], 0, 0)
local queued = redis.call('ZSCORE', KEYS[2], ticket)
if used < limit and (#head == 0 or head[1] == ticket) then
  local n = redis.call('INCR', KEYS[4])
  redis.call('ZADD', KEYS[1], now, now .. '-' .. n)
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  redis.call('PEXPIRE', KEYS[4], window + 1000)
  if queued then
    redis.call('ZREM', KEYS[2], ticket)
    redis.call('ZREM', KEYS[3], ticket)
  end
  return {1, 0}
end
if not queued then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ticket)
end
redis.call('ZADD', KEYS[3], now + life, ticket)
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], window + life) end
local wait = 0
if used >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = tonumber(oldest[2]) + window - now
end
return {0, wait}
"""

#: Release a lock only if this holder still holds it. KEYS: lock; ARGV: holder.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Gate(Protocol):
    """What hands out rate-limit slots (:class:`.ratelimit.SlotGate`, :class:`RedisGate`)."""

    def acquire(self, deadline: float) -> bool:
        """Take one slot before ``deadline`` (``time.monotonic()``); False when none came."""


class SharedState:
    """A connection to the run's Redis, with the namespace of what the run shares.

    One per process and setting (:meth:`for_config`); thread-safe (redis-py's pool).

    Example::

        state = SharedState.for_config(PlutoraConfig.from_env(shared_state_url="redis://ci:6379/0"))
    """

    def __init__(
        self, url: str, password: str | None, timeout: float, run_id: str | None = None
    ) -> None:
        self.url = url
        self.shown = mask_url(url)
        self.timeout = timeout
        self.run_id = run_id
        if password:
            SECRETS.add(str(password))
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise SharedStateUnavailable(
                f"shared_state_url ({self.shown}) needs redis-py, which is not installed: "
                "pip install 'robotframework-plutora[redis]' (or leave the setting out to share "
                "the state per host)."
            ) from None
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        # No retries (the backoff of redis-py's default would multiply the timeout).
        self.client: redis.Redis = redis.Redis.from_url(
            url,
            password=str(password) if password else None,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
            health_check_interval=0,
            client_name="robotframework-plutora",
        )
        self._scripts: dict[str, Any] = {}
        #: When Redis last failed and the rate limit fell back to this host's (monotonic).
        self._down_since: float | None = None
        self._down_lock = threading.Lock()
        #: While Redis is away, one thread at a time asks it again (the probe), this long after
        #: the last failure; the others keep this host's limit instead of each waiting out a
        #: hung Redis's timeout.
        self._retry_after = _RETRY_SECONDS
        self._prober: int | None = None  # the probing thread's ident

    def __repr__(self) -> str:
        return f"SharedState({self.shown}, run_id={self.run_id!r})"

    # -- making one --------------------------------------------------------------------------

    @classmethod
    def for_config(cls, config: PlutoraConfig) -> SharedState | None:
        """The process's connection for ``config.shared_state_url`` (None when not set),
        checked with a ``PING`` the first time: :class:`SharedStateUnavailable` naming the
        masked URL and the cause when Redis cannot be used.

        Example: ``SharedState.for_config(config)``
        """
        if not config.shared_state_url:
            return None
        password = config.shared_state_password
        key = (
            config.shared_state_url,
            str(password or ""),
            config.shared_state_timeout,
            config.run_id or "",
        )
        with _STATES_LOCK:
            state = _STATES.get(key)
            if state is None:
                state = cls(
                    config.shared_state_url,
                    password,
                    config.shared_state_timeout,
                    config.run_id,
                )
                state.check()
                _STATES[key] = state
            return state

    def check(self) -> None:
        """``PING`` the server; :class:`SharedStateUnavailable` saying why it cannot be used.

        Example: ``state.check()``
        """
        self.call("PING", self.client.ping, starting=True)

    def call(self, what: str, function: Callable[..., Any], *args: Any, starting: bool = False,
             login: bool = False, **kwargs: Any) -> Any:  # fmt: skip
        """``function(*args, **kwargs)``, with any Redis failure raised as
        :class:`SharedStateUnavailable` (``what``: the command, for the message; ``login``:
        a login waits on it, and is not sent).

        Example: ``state.call("GET", state.client.get, "key")``
        """
        try:
            return function(*args, **kwargs)
        except self._errors as error:
            raise self.unavailable(what, error, starting, login) from None

    def unavailable(
        self, what: str, error: BaseException, starting: bool = False, login: bool = False
    ) -> SharedStateUnavailable:
        """The error for a Redis failure: the masked URL, the cause, and what to do."""
        cause = SECRETS.scrub(_cause(error, self.timeout))
        if self.url.startswith("rediss://") and "no answer within" in cause:
            cause += (
                " (a rediss:// URL to a port without TLS stalls the handshake: is it a plain "
                "Redis? then use redis://)"
            )
        where = f"The shared state at {self.shown} (shared_state_url, PLUTORA_SHARED_STATE_URL)"
        if starting:
            return SharedStateUnavailable(
                f"{where} cannot be used: {cause}. Start Redis there or fix the URL, its "
                "password (PLUTORA_SHARED_STATE_PASSWORD) or rediss:// for TLS; or leave the "
                "setting out to share the state per host only. No call was sent."
            )
        if login:
            return SharedStateUnavailable(
                f"{where} failed in {what}: {cause}. No login was sent: without the run's "
                "shared memory of refused logins, it could be another attempt of a wrong "
                "password on another machine. The next call tries Redis again; calls with a "
                "valid token go on meanwhile."
            )
        return SharedStateUnavailable(f"{where} failed in {what}: {cause}.")

    # -- names -------------------------------------------------------------------------------

    def namespace(self, product: ProductConfig) -> str:
        """The prefix of one site's and product's keys in this run.

        Example: ``state.namespace(config.plutora)`` → ``'plutora:run-7:usapi.plutora.com:plutora'``
        """
        host = (urlsplit(product.api_url).hostname or "-").lower()
        port = urlsplit(product.api_url).port
        site = f"{host}:{port}" if port else host
        return f"plutora:{self.run_id or '-'}:{site}:{product.product.value}"

    def where(self, product: ProductConfig) -> str:
        """Where a record lives, for messages: ``Redis redis://…/0 (plutora:…)``."""
        return f"Redis {self.shown} ({self.namespace(product)})"

    def script(self, source: str) -> Any:
        """A registered Lua script (loaded on first use, cached by the server by its hash)."""
        registered = self._scripts.get(source)
        if registered is None:
            registered = self._scripts[source] = self.client.register_script(source)
        return registered

    # -- the parts -----------------------------------------------------------------------------

    def rate_gate(
        self,
        config: PlutoraConfig,
        product: ProductConfig,
        client_id: str,
        local: Callable[[], Gate | None],
    ) -> RedisGate:
        """The shared rate limit of ``client_id``; ``local`` makes this host's gate, used while
        Redis does not answer. Example: ``state.rate_gate(config, config.plutora, "id", f)``."""
        return RedisGate(self, config, f"{self.namespace(product)}:rate:{client_id}", local)

    def fell_back(self, error: SharedStateUnavailable) -> None:
        """Note that the rate limit fell back to this host's: one warning per outage."""
        with self._down_lock:
            first = self._down_since is None
            if self._prober == threading.get_ident():  # the probe failed: ask less often
                self._retry_after = min(self._retry_after * 2, _RETRY_MAX_SECONDS)
                self._prober = None
            self._down_since = time.monotonic()
        if first:
            log.warning(
                "%s The client-side rate limit is now kept by this host alone (rate_limit per "
                "window here, not shared with the other machines) until Redis answers again; "
                "no login is sent while it is away.",
                error,
            )

    def should_retry(self) -> bool:
        """Whether this thread may ask Redis for the rate limit: always while it answers;
        while it is away, one thread (the probe) once the retry interval has passed since the
        last failure, and no other until that probe ends (:meth:`probe_ended`)."""
        if self._down_since is None:  # the usual case: no lock taken
            return True
        with self._down_lock:
            down = self._down_since
            if down is None:
                return True
            if self._prober is not None or time.monotonic() - down < self._retry_after:
                return False
            self._prober = threading.get_ident()
            return True

    def probe_ended(self) -> None:
        """This thread is done asking Redis (answered, failed or raised): if it was the probe,
        another thread may probe. Example: ``state.probe_ended()`` in a ``finally``."""
        if self._prober == threading.get_ident():
            with self._down_lock:
                if self._prober == threading.get_ident():
                    self._prober = None

    def recovered(self) -> None:
        """Redis answered again after an outage: say so once."""
        if self._down_since is None:  # the usual case: no lock taken
            return
        with self._down_lock:
            was_down = self._down_since is not None
            self._down_since = None
            self._prober = None
            self._retry_after = _RETRY_SECONDS
        if was_down:
            log.warning("The shared state at %s answers again: the rate limit is shared.",
                        self.shown)  # fmt: skip


class RedisGate:
    """The rate limit shared by every machine through Redis, with fair turns.

    Example::

        gate = SharedState.for_config(config).rate_gate(config, config.plutora, "id", local)
        gate.acquire(time.monotonic() + 60)
    """

    def __init__(
        self,
        state: SharedState,
        config: PlutoraConfig,
        key: str,
        local: Callable[[], Gate | None],
    ) -> None:
        self.state = state
        window = config.rate_window_seconds
        window += max(SKEW_MARGIN_SECONDS, 0.01 * window)
        self.limit = config.rate_limit
        self.window_ms = round(window * 1000)
        tag = "{" + key + "}"  # one hash slot for the script's keys (Redis Cluster)
        self.keys = [f"{tag}:window", f"{tag}:queue", f"{tag}:beats", f"{tag}:sequence"]
        self._local_factory = local
        self._local: Gate | None = None
        self._local_made = False
        self._local_lock = threading.Lock()
        self._host = socket.gethostname()

    def __repr__(self) -> str:
        return f"RedisGate({self.state.shown}, {self.keys[0]})"

    def acquire(self, deadline: float) -> bool:
        """Take one slot before ``deadline`` (``time.monotonic()``), in turn with every waiter
        on every machine; this host's gate while Redis does not answer."""
        if not self.state.should_retry():
            return self._fallback(deadline)
        ticket = f"{self._host}:{os.getpid()}:{threading.get_ident()}:{next(_tickets)}"
        take = self.state.script(_TAKE)
        args = [ticket, self.limit, self.window_ms, _TICKET_LIFE_MS]
        queued = False
        try:
            while True:
                taken, wait_ms = self.state.call("the rate limit", take, keys=self.keys,
                                                 args=args)  # fmt: skip
                self.state.recovered()
                if taken:
                    queued = False  # the script took the ticket out
                    return True
                queued = True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                wait = min(max(int(wait_ms) / 1000, 0.005), _POLL_SECONDS, left)
                time.sleep(wait * random.uniform(0.8, 1.0))
        except SharedStateUnavailable as error:
            queued = False  # the ticket lapses on its own
            self.state.fell_back(error)
            return self._fallback(deadline)
        finally:
            self.state.probe_ended()
            if queued:
                with contextlib.suppress(SharedStateUnavailable):
                    self.state.call("the rate limit", self._leave, ticket)

    def _leave(self, ticket: str) -> None:
        with self.state.client.pipeline(transaction=False) as pipe:
            pipe.zrem(self.keys[1], ticket)
            pipe.zrem(self.keys[2], ticket)
            pipe.execute()

    def _fallback(self, deadline: float) -> bool:
        if not self._local_made:
            with self._local_lock:
                if not self._local_made:
                    self._local = self._local_factory()
                    self._local_made = True
        return True if self._local is None else self._local.acquire(deadline)


class RedisRefusalStore:
    """Refusal records (:class:`.refusals.RefusalStore`) in Redis, expiring with their
    refusal; any failure raises :class:`SharedStateUnavailable` (a login then fails closed).

    Example: ``RefusalMemory(RedisRefusalStore(state, config.plutora), 3600)``
    """

    def __init__(self, state: SharedState, product: ProductConfig) -> None:
        self.state = state
        self.prefix = f"{state.namespace(product)}:refusal:"
        self.where = state.where(product)

    def load(self, who: str) -> dict[str, Any] | None:
        """The record named ``who``, or None."""
        text = self.state.call(
            "reading the refused logins", self.state.client.get, self.prefix + who, login=True
        )
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def save(self, who: str, record: dict[str, Any]) -> None:
        """Write the record named ``who``; Redis drops it when the refusal expires."""
        refusal = record.get("refusal") or {}
        lifetime = float(refusal.get("expires_at", 0)) - float(refusal.get("refused_at", 0))
        milliseconds = max(1000, min(int(lifetime * 1000), 2**62)) if lifetime > 0 else None
        self.state.call("recording a refused login", self.state.client.set,
                        self.prefix + who, json.dumps(record), px=milliseconds)  # fmt: skip

    def delete(self, who: str) -> None:
        """Forget the record named ``who``."""
        self.state.call("forgetting a refused login", self.state.client.delete, self.prefix + who)


class RedisLoginLock:
    """One login at a time per user in the whole run: a lease in Redis (``SET NX PX``),
    released only by its holder, taken over when it lapses (its holder died).

    Example::

        lock = RedisLoginLock(state, config.plutora, who, lease=150)
        if lock.acquire(timeout=30):
            try: ...
            finally: lock.release()
    """

    def __init__(self, state: SharedState, product: ProductConfig, who: str, lease: float) -> None:
        self.state = state
        self.key = f"{state.namespace(product)}:login:{who}"
        self.lease_ms = max(1000, int(lease * 1000))
        self.holder = ""
        self.lock_file = f"{self.key} in {state.shown}"  # named as the file lock's path is

    def acquire(self, timeout: float) -> bool:
        """Take the lock within ``timeout`` seconds; False when another holder kept it.
        :class:`SharedStateUnavailable` when Redis fails."""
        holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{next(_tickets)}"
        end = time.monotonic() + timeout
        while True:
            taken = self.state.call("the login lock", self.state.client.set, self.key, holder,
                                    nx=True, px=self.lease_ms, login=True)  # fmt: skip
            if taken:
                self.holder = holder
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(min(0.05, max(0.0, end - time.monotonic())) * random.uniform(0.5, 1.0))

    def owner(self) -> str:
        """Who holds the lock (host:pid:thread), for messages; ``""`` when not known."""
        with contextlib.suppress(SharedStateUnavailable):
            value = self.state.call("the login lock", self.state.client.get, self.key)
            if value:
                return str(value.decode() if isinstance(value, bytes) else value)
        return ""

    def release(self) -> None:
        """Give the lock back (if still held: a lapsed lease may have passed to another)."""
        holder, self.holder = self.holder, ""
        if holder:
            with contextlib.suppress(SharedStateUnavailable):  # it lapses on its own
                release = self.state.script(_RELEASE)
                self.state.call("the login lock", release, keys=[self.key], args=[holder])


class RedisTokenShelf:
    """Where a sealed token is shared (``share_tokens``): one Redis key, expiring with it.

    Example: ``RedisTokenShelf(state, config.plutora, "token-plutora-ab12")``
    """

    def __init__(self, state: SharedState, product: ProductConfig, name: str) -> None:
        self.state = state
        self.key = f"{state.namespace(product)}:{name}"

    def read(self) -> bytes | None:
        """The sealed token, or None."""
        value = self.state.call(
            "reading the shared token", self.state.client.get, self.key, login=True
        )
        return bytes(value) if value is not None else None

    def write(self, sealed: bytes, seconds: float) -> None:
        """Share the sealed token for ``seconds``."""
        milliseconds = max(1000, int(seconds * 1000))
        self.state.call("sharing the token", self.state.client.set, self.key, sealed,
                        px=milliseconds)  # fmt: skip

    def delete(self) -> None:
        """Drop the shared token (the API refused it)."""
        self.state.call("dropping the shared token", self.state.client.delete, self.key)


def _cause(error: BaseException, timeout: float) -> str:
    """A Redis failure in words, with a hint for the usual causes."""
    name = type(error).__name__
    text = str(error).strip().rstrip(".")
    lowered = text.lower()
    if "timeout" in name.lower() or "timed out" in lowered:
        return f"no answer within {timeout:g} s (shared_state_timeout): {name}"
    if "auth" in lowered or "password" in lowered or "NOAUTH" in text or "WRONGPASS" in text:
        return (
            f"{name}: the server refused the password (check PLUTORA_SHARED_STATE_PASSWORD "
            "and the ACL user in the URL)"
        )
    if "ssl" in lowered or "tls" in lowered or "wrong version number" in lowered:
        return (
            f"{name}: the TLS handshake failed ({text[:160]}); rediss:// needs a Redis with "
            "TLS on that port, redis:// talks plain TCP"
        )
    if "connection closed" in lowered or "reset" in lowered:
        return f"{name}: the server closed the connection ({text[:160]})"
    return f"{name}: {text[:200]}" if text else name


_STATES: dict[tuple[Any, ...], SharedState] = {}
_STATES_LOCK = threading.Lock()


def forget_shared_states() -> None:
    """Drop this process's connections (after a fork, and for tests).

    Example: ``forget_shared_states()``
    """
    global _STATES_LOCK
    _STATES.clear()
    _STATES_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # a pool's sockets are not shared with a child
    os.register_at_fork(after_in_child=forget_shared_states)

"""Who may call, and how often: the IP whitelist and the rate limits per API key."""

from __future__ import annotations

import ipaddress
import math
from collections import defaultdict, deque

from .clock import Clock
from .counters import Counters
from .settings import Settings


class LimitsBackend:
    """The IP whitelist (the token servers obey it too) and the rate limits of the APIs.

    Two sliding windows count the requests of each client id: the hourly one of the contract
    (26,000 per 3,600 s by default) and, when ``rateLimitPerSecond`` is set, a one-second
    window (off by default: the vendor's scripts throttle to 6 requests/s, but no source says
    what the service answers past it). A request refused by either window uses no slot in
    either. Example::

        limits = LimitsBackend(settings, Clock(), Counters())
        limits.take_rate_slot("sim-plutora-client")  # None: allowed; else seconds to wait
    """

    def __init__(self, settings: Settings, clock: Clock, counters: Counters) -> None:
        self.settings = settings
        self.clock = clock
        self.counters = counters
        self.request_log: defaultdict[str, deque[float]] = defaultdict(deque)
        self.second_log: defaultdict[str, deque[float]] = defaultdict(deque)

    def reset(self) -> None:
        """Forget every counted request."""
        self.request_log.clear()
        self.second_log.clear()

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
        """Count one request of ``client_id``: None when allowed, else the whole seconds to
        wait until a slot frees (the answer's ``Retry-After``)."""
        moment = self.clock.now()
        settings = self.settings
        window = settings.rate_window_seconds
        log = self.request_log[client_id]
        while log and log[0] <= moment - window:
            log.popleft()
        if len(log) >= settings.rate_limit:
            self.counters.rate_limited[client_id] += 1
            return max(1, math.ceil(log[0] + window - moment))
        per_second = settings.rate_limit_per_second
        if per_second:
            recent = self.second_log[client_id]
            while recent and recent[0] <= moment - 1.0:
                recent.popleft()
            if len(recent) >= per_second:
                self.counters.rate_limited[client_id] += 1
                return max(1, math.ceil(recent[0] + 1.0 - moment))
            recent.append(moment)
        log.append(moment)
        return None

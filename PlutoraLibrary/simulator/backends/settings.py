"""The run-time settings: the part of the configuration the control API can change."""

from __future__ import annotations

import ipaddress
from typing import Any

from ..config import MAX_RATE_LIMIT, MAX_SECONDS, SimulatorConfig, whitelist_problems

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The control API's name of each setting (``PUT /_sim/settings``).
SETTING_NAMES = (
    "ipWhitelist",
    "rateLimit",
    "rateWindowSeconds",
    "rateLimitPerSecond",
    "tokenLifetimePlutora",
    "tokenLifetimePlutoraTest",
    "changeDisplayNames",
)


class Settings:
    """Whitelist, rate limits, token lifetimes and change display names, shared by the
    backends that obey them (limits, auth, changes). :meth:`reset` and :meth:`update`
    change the one instance in place, so every backend sees the change.

    Example::

        settings = Settings(SimulatorConfig())
        settings.update({"rateLimit": 300, "rateWindowSeconds": 60})
        settings.rate_limit  # 300
    """

    def __init__(self, config: SimulatorConfig) -> None:
        self.ip_whitelist: list[Network] = []
        self.rate_limit = config.rate_limit
        self.rate_window_seconds = float(config.rate_window_seconds)
        self.rate_limit_per_second = config.rate_limit_per_second
        self.token_lifetime: dict[str, int] = {}
        self.change_display_names: str = config.change_display_names
        self.reset(config)

    def reset(self, config: SimulatorConfig) -> None:
        """Back to the configuration's values."""
        self.ip_whitelist = [ipaddress.ip_network(e, strict=False) for e in config.ip_whitelist]
        self.rate_limit = config.rate_limit
        self.rate_window_seconds = float(config.rate_window_seconds)
        self.rate_limit_per_second = config.rate_limit_per_second
        self.token_lifetime = {
            "plutora": config.token_lifetime_plutora,
            "plutora-test": config.token_lifetime_plutora_test,
        }
        self.change_display_names = config.change_display_names

    def describe(self) -> dict[str, Any]:
        """The settings as the control API shows them."""
        return {
            "ipWhitelist": [str(network) for network in self.ip_whitelist],
            "rateLimit": self.rate_limit,
            "rateWindowSeconds": self.rate_window_seconds,
            "rateLimitPerSecond": self.rate_limit_per_second,
            "tokenLifetimePlutora": self.token_lifetime["plutora"],
            "tokenLifetimePlutoraTest": self.token_lifetime["plutora-test"],
            "changeDisplayNames": self.change_display_names,
        }

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change several settings at once and return them all; every problem is reported
        together in one ``ValueError``, and nothing changes then.

        Example: ``settings.update({"rateLimitPerSecond": 6})`` (0 turns it off).
        """
        problems = [f"unknown setting '{name}'" for name in changes if name not in SETTING_NAMES]
        whitelist = changes.get("ipWhitelist")
        if whitelist is not None:
            if not isinstance(whitelist, list):
                problems.append("ipWhitelist must be a list of addresses and CIDR ranges")
            else:
                problems.extend(whitelist_problems([str(item) for item in whitelist]))
        for name, least, most in (
            ("rateLimit", 1, MAX_RATE_LIMIT),
            ("rateLimitPerSecond", 0, MAX_RATE_LIMIT),
            ("tokenLifetimePlutora", 1, MAX_SECONDS),
            ("tokenLifetimePlutoraTest", 1, MAX_SECONDS),
        ):
            value = changes.get(name)
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most
            ):
                problems.append(
                    f"{name} must be a whole number of at least {least}, at most {most:.0f}"
                    + (" (0: no per-second limit)" if least == 0 else "")
                )
        window = changes.get("rateWindowSeconds")
        if window is not None and (
            not isinstance(window, (int, float))
            or isinstance(window, bool)
            or not 0 < window <= MAX_SECONDS  # NaN fails this too
        ):
            problems.append(
                f"rateWindowSeconds must be a number of seconds above 0, at most {MAX_SECONDS:.0f}"
            )
        if changes.get("changeDisplayNames") not in (None, "classic", "named"):
            problems.append("changeDisplayNames must be 'classic' or 'named'")
        if problems:
            raise ValueError("; ".join(problems))
        if whitelist is not None:
            self.ip_whitelist = [
                ipaddress.ip_network(str(item), strict=False) for item in whitelist
            ]
        if "rateLimit" in changes:
            self.rate_limit = changes["rateLimit"]
        if "rateWindowSeconds" in changes:
            self.rate_window_seconds = float(changes["rateWindowSeconds"])
        if "rateLimitPerSecond" in changes:
            self.rate_limit_per_second = changes["rateLimitPerSecond"]
        if "tokenLifetimePlutora" in changes:
            self.token_lifetime["plutora"] = changes["tokenLifetimePlutora"]
        if "tokenLifetimePlutoraTest" in changes:
            self.token_lifetime["plutora-test"] = changes["tokenLifetimePlutoraTest"]
        if "changeDisplayNames" in changes:
            self.change_display_names = changes["changeDisplayNames"]
        return self.describe()

"""Settings of the Plutora simulator: demo credentials, limits, token lifetimes, seed.

Everything has a default that mirrors the real service (``docs/api-contract.md``); a TOML
file given to ``plutora sim --config FILE`` overrides any part of it.
"""

from __future__ import annotations

import ipaddress
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

Product = Literal["plutora", "plutora-test"]
PRODUCTS: tuple[Product, ...] = ("plutora", "plutora-test")


#: The longest span of simulated time anything may take (10 years of 365 days, in seconds): a
#: clock advance, in total and per call, a token lifetime, a rate window. Past it, dates no
#: longer fit the platform's clock.
MAX_SECONDS = 10 * 365 * 24 * 3600.0
#: The most requests a rate window may allow.
MAX_RATE_LIMIT = 1_000_000_000


class SimulatorConfigError(ValueError):
    """A simulator configuration that cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class ApiKey:
    """One API key (client id and secret) of one product.

    Example: ``ApiKey("my-client", "my-secret", "plutora")``
    """

    client_id: str
    client_secret: str
    product: Product

    def __repr__(self) -> str:
        return (
            f"ApiKey(client_id={self.client_id!r}, client_secret='***', product={self.product!r})"
        )


@dataclass(frozen=True)
class UserAccount:
    """A user who may log in through one product's token server.

    Example: ``UserAccount("qa.lead@example.com", "S3cret!", "plutora")``
    """

    username: str
    password: str
    product: Product

    def __repr__(self) -> str:
        return f"UserAccount(username={self.username!r}, password='***', product={self.product!r})"


# Fake, documented demo credentials (README "Simulator"). They only open the simulator.
DEMO_API_KEYS: tuple[ApiKey, ...] = (
    ApiKey("sim-plutora-client", "sim-plutora-secret", "plutora"),
    ApiKey("sim-plutora-test-client", "sim-plutora-test-secret", "plutora-test"),
)
DEMO_USERS: tuple[UserAccount, ...] = (
    UserAccount("qa.lead@example.com", "Sim-Password-1", "plutora"),
    UserAccount("qa.lead@example.com", "Sim-Password-1", "plutora-test"),
)


@dataclass(frozen=True)
class SimulatorConfig:
    """How a simulator behaves. Every field has the real service's default.

    Example::

        config = SimulatorConfig(seed=7, rate_limit=300, rate_window_seconds=60)
    """

    seed: int = 1
    api_keys: tuple[ApiKey, ...] = DEMO_API_KEYS
    users: tuple[UserAccount, ...] = DEMO_USERS
    token_lifetime_plutora: int = 12000
    token_lifetime_plutora_test: int = 82800
    rate_limit: int = 26000
    rate_window_seconds: float = 3600.0
    #: Requests per second per API key past which the APIs answer 429 (0: no such limit, the
    #: default: the vendor's scripts throttle to 6/s, but no source says what the service does).
    rate_limit_per_second: int = 0
    #: Addresses and CIDR ranges allowed to call; empty means every caller is allowed.
    ip_whitelist: tuple[str, ...] = ()
    lock_after_failed_logins: int = 5
    #: "classic" (changePriority, changeStatus, ...) or "named" (changePriorityName, ...).
    change_display_names: Literal["classic", "named"] = "classic"
    max_body_bytes: int = 1024 * 1024
    #: How many defects the seed creates (1,000 by default; more for scale tests).
    defect_count: int = 1000
    #: How many releases the seed creates (260 by default; more for scale tests).
    release_count: int = 260
    #: How many changes the seed creates (300 by default; more for scale tests).
    change_count: int = 300
    #: A recording (``plutora record FILE``) whose vocabulary and records the site takes
    #: (``docs/recording.md``); the seed still generates the rest.
    seed_from: str | None = None
    #: Lookup types whose values are replaced: ``(("ReleaseRiskLevel", ("Low", "Severe")),)``.
    lookup_values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: FreeText custom fields added to every release (``additionalInformation``).
    extra_custom_fields: tuple[str, ...] = ()
    #: Fields every answer carries under another name: ``(("name", "title"),)``.
    renamed_fields: tuple[tuple[str, str], ...] = ()
    extra_problems: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        problems = list(self.extra_problems) + self._problems()
        if problems:
            raise SimulatorConfigError(
                "The simulator configuration cannot be used:\n- " + "\n- ".join(problems)
            )

    def _problems(self) -> list[str]:
        problems = []
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            problems.append(f"seed must be a whole number, not {self.seed!r}.")
        if not isinstance(self.max_body_bytes, int) or self.max_body_bytes < 1024:
            problems.append(
                "max_body_bytes must be a whole number of at least 1024, "
                f"not {self.max_body_bytes!r}."
            )
        for name in ("defect_count", "release_count", "change_count"):
            count = getattr(self, name)
            if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1_000_000:
                problems.append(
                    f"{name} must be a whole number from 1 to 1,000,000, not {count!r}."
                )
        for name, most in (
            ("token_lifetime_plutora", MAX_SECONDS),
            ("token_lifetime_plutora_test", MAX_SECONDS),
            ("rate_limit", MAX_RATE_LIMIT),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
                problems.append(
                    f"{name} must be a whole number of at least 1, at most {most:.0f}, "
                    f"not {value!r}."
                )
        per_second = self.rate_limit_per_second
        if (
            not isinstance(per_second, int)
            or isinstance(per_second, bool)
            or not 0 <= per_second <= MAX_RATE_LIMIT
        ):
            problems.append(
                f"rate_limit_per_second must be a whole number from 0 (no limit) to "
                f"{MAX_RATE_LIMIT}, not {per_second!r}."
            )
        window = self.rate_window_seconds
        if (
            not isinstance(window, (int, float))
            or isinstance(window, bool)
            or not 0 < window <= MAX_SECONDS  # NaN and infinity fail this too
        ):
            problems.append(
                f"rate_window_seconds must be a number of seconds above 0, at most "
                f"{MAX_SECONDS:.0f} (10 years), not {window!r}."
            )
        if not isinstance(self.lock_after_failed_logins, int) or self.lock_after_failed_logins < 1:
            problems.append(
                "lock_after_failed_logins must be a whole number of at least 1, "
                f"not {self.lock_after_failed_logins!r}."
            )
        if self.change_display_names not in ("classic", "named"):
            problems.append(
                "change_display_names must be 'classic' or 'named', "
                f"not {self.change_display_names!r}."
            )
        problems.extend(whitelist_problems(self.ip_whitelist))
        problems.extend(self._vocabulary_problems())
        seen: set[str] = set()
        for key in self.api_keys:
            if key.product not in PRODUCTS:
                problems.append(
                    f"API key {key.client_id!r} names product {key.product!r}; "
                    f"use one of {', '.join(PRODUCTS)}."
                )
            if key.client_id in seen:
                problems.append(f"API key {key.client_id!r} is listed twice.")
            seen.add(key.client_id)
        for user in self.users:
            if user.product not in PRODUCTS:
                problems.append(
                    f"User {user.username!r} names product {user.product!r}; "
                    f"use one of {', '.join(PRODUCTS)}."
                )
        return problems

    def _vocabulary_problems(self) -> list[str]:
        problems = []
        if self.seed_from is not None and (
            not isinstance(self.seed_from, str) or not self.seed_from.strip()
        ):
            problems.append(f"seed_from must be a recording's path, not {self.seed_from!r}.")
        for entry in self.lookup_values:
            if (
                not isinstance(entry, tuple)
                or len(entry) != 2
                or not isinstance(entry[0], str)
                or not entry[1]
                or not all(isinstance(v, str) and v for v in entry[1])
            ):
                problems.append(
                    f"lookup_values entry {entry!r} must be (lookup type, values): a type's "
                    'name and at least one non-empty text, e.g. ReleaseRiskLevel = ["Low", '
                    '"Severe"].'
                )
        for name in self.extra_custom_fields:
            if not isinstance(name, str) or not name.strip():
                problems.append(f"extra_custom_fields must be names (texts), not {name!r}.")
        for pair in self.renamed_fields:
            if (
                not isinstance(pair, tuple)
                or len(pair) != 2
                or not all(isinstance(n, str) and n for n in pair)
            ):
                problems.append(
                    f"renamed_fields entry {pair!r} must be (field, new name), two texts, "
                    'e.g. implementationDate = "implementationDateUtc".'
                )
        return problems

    def token_lifetime(self, product: Product) -> int:
        """Seconds a token of ``product`` lives. Example: ``config.token_lifetime("plutora")``."""
        if product == "plutora":
            return self.token_lifetime_plutora
        return self.token_lifetime_plutora_test

    def with_changes(self, **changes: Any) -> SimulatorConfig:
        """A copy with some fields changed. Example: ``config.with_changes(seed=3)``."""
        return replace(self, **changes)


def whitelist_problems(entries: tuple[str, ...] | list[str]) -> list[str]:
    """Every entry of an IP whitelist that is neither an address nor a CIDR range."""
    problems = []
    for entry in entries:
        try:
            ipaddress.ip_network(str(entry), strict=False)
        except ValueError:
            problems.append(
                f"IP whitelist entry {entry!r} is neither an IP address nor a CIDR range "
                "such as '10.0.0.0/8'."
            )
    return problems


_TOP_KEYS = {
    "seed",
    "api_keys",
    "users",
    "token_lifetime",
    "rate_limit",
    "ip_whitelist",
    "lock_after_failed_logins",
    "change_display_names",
    "max_body_bytes",
    "defect_count",
    "release_count",
    "change_count",
    "seed_from",
    "lookup_values",
    "extra_custom_fields",
    "renamed_fields",
}


def load_config(path: str | Path, base: SimulatorConfig | None = None) -> SimulatorConfig:
    """Read a TOML settings file over ``base`` (the defaults when omitted).

    Example file::

        seed = 7
        seed_from = "site.ndjson"           # a recording: the site's vocabulary and records
        extra_custom_fields = ["Cost Centre"]
        ip_whitelist = ["127.0.0.1", "10.0.0.0/8"]
        [lookup_values]
        ReleaseRiskLevel = ["Low", "Moderate", "Severe"]
        [renamed_fields]
        implementationDate = "implementationDateUtc"
        [rate_limit]
        requests = 300
        window_seconds = 60
        per_second = 6        # 0 (the default): no per-second limit
        [token_lifetime]
        plutora = 1199
        [[api_keys]]
        client_id = "ci-key"
        client_secret = "ci-secret"
        product = "plutora"
    """
    base = base or SimulatorConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SimulatorConfigError(
            f"Cannot read the simulator settings file {str(path)!r}: {error.strerror}; "
            "check the path and that you may read the file."
        ) from None
    except UnicodeDecodeError:
        raise SimulatorConfigError(
            f"The simulator settings file {str(path)!r} is not UTF-8 text: save it as UTF-8 "
            "(TOML files always are)."
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise SimulatorConfigError(
            f"The simulator settings file {str(path)!r} is not valid TOML: {error}."
        ) from None
    return config_from_mapping(data, base, source=str(path))


def config_from_mapping(
    data: dict[str, Any], base: SimulatorConfig, source: str = "settings"
) -> SimulatorConfig:
    """Apply a parsed settings mapping (as in the TOML file) to ``base``."""
    problems: list[str] = []
    changes: dict[str, Any] = {}
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        problems.append(
            f"{source}: unknown setting(s) {', '.join(unknown)}; "
            f"known settings are {', '.join(sorted(_TOP_KEYS))}."
        )
    for key in (
        "seed",
        "lock_after_failed_logins",
        "change_display_names",
        "max_body_bytes",
        "defect_count",
        "release_count",
        "change_count",
    ):
        if key in data:
            changes[key] = data[key]
    if "seed_from" in data:
        changes["seed_from"] = str(data["seed_from"])
    for key, shape in (
        ("lookup_values", "[lookup_values] with a list of values per lookup type"),
        ("renamed_fields", "[renamed_fields] with a new name per field"),
    ):
        if key not in data:
            continue
        table = data[key]
        if not isinstance(table, dict):
            problems.append(f"{source}: {key} must be a table: {shape}.")
            continue
        if key == "lookup_values":
            kinds = []
            for lookup_type, values in table.items():
                if not isinstance(values, list):
                    problems.append(
                        f"{source}: lookup_values.{lookup_type} must be a list of values."
                    )
                    continue
                kinds.append((str(lookup_type), tuple(str(value) for value in values)))
            changes[key] = tuple(kinds)
        else:
            changes[key] = tuple((str(name), str(new)) for name, new in table.items())
    if "extra_custom_fields" in data:
        if isinstance(data["extra_custom_fields"], list):
            changes["extra_custom_fields"] = tuple(str(n) for n in data["extra_custom_fields"])
        else:
            problems.append(f"{source}: extra_custom_fields must be a list of names.")
    if "ip_whitelist" in data:
        if isinstance(data["ip_whitelist"], list):
            changes["ip_whitelist"] = tuple(str(item) for item in data["ip_whitelist"])
        else:
            problems.append(f"{source}: ip_whitelist must be a list of addresses and ranges.")
    lifetimes = data.get("token_lifetime", {})
    if not isinstance(lifetimes, dict) or set(lifetimes) - {"plutora", "plutora_test"}:
        problems.append(f"{source}: [token_lifetime] takes only 'plutora' and 'plutora_test'.")
    else:
        if "plutora" in lifetimes:
            changes["token_lifetime_plutora"] = lifetimes["plutora"]
        if "plutora_test" in lifetimes:
            changes["token_lifetime_plutora_test"] = lifetimes["plutora_test"]
    limit = data.get("rate_limit", {})
    if not isinstance(limit, dict) or set(limit) - {"requests", "window_seconds", "per_second"}:
        problems.append(
            f"{source}: [rate_limit] takes only 'requests', 'window_seconds' and 'per_second'."
        )
    else:
        if "requests" in limit:
            changes["rate_limit"] = limit["requests"]
        if "window_seconds" in limit:
            changes["rate_window_seconds"] = limit["window_seconds"]
        if "per_second" in limit:
            changes["rate_limit_per_second"] = limit["per_second"]
    for key, kind, fields in (
        ("api_keys", ApiKey, ("client_id", "client_secret", "product")),
        ("users", UserAccount, ("username", "password", "product")),
    ):
        if key not in data:
            continue
        entries = data[key]
        built = []
        for index, entry in enumerate(entries if isinstance(entries, list) else [None]):
            if not isinstance(entry, dict) or set(entry) != set(fields):
                problems.append(
                    f"{source}: {key}[{index}] must have exactly the keys {', '.join(fields)}."
                )
                continue
            built.append(kind(*(str(entry[name]) for name in fields)))  # type: ignore[arg-type]
        changes[key] = tuple(built)
    return replace(base, extra_problems=tuple(problems), **changes)

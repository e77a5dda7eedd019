"""Configuration: regions to URLs, environment variables, explicit arguments, options.

Arguments win over environment variables; explicit URLs win over the region. Every problem is
reported at once in one :class:`ConfigurationError`. Reprs never show a secret.

Environment variables::

    PLUTORA_REGION (us, uk, au, eu)   PLUTORA_CLIENT_ID   PLUTORA_CLIENT_SECRET
    PLUTORA_USERNAME   PLUTORA_PASSWORD   PLUTORA_AUTH_URL   PLUTORA_API_URL
    PLUTORA_TEST_CLIENT_ID   PLUTORA_TEST_CLIENT_SECRET   PLUTORA_TEST_USERNAME
    PLUTORA_TEST_PASSWORD   PLUTORA_TEST_AUTH_URL   PLUTORA_TEST_API_URL
    PLUTORA_CONNECT_TIMEOUT   PLUTORA_READ_TIMEOUT   PLUTORA_VERIFY_TLS (true/false/CA file)
    PLUTORA_USE_ENV_PROXIES   PLUTORA_SCRIPT_NAME   PLUTORA_LOG_BODY_LIMIT   PLUTORA_VALIDATE
    PLUTORA_RATE_LIMIT   PLUTORA_RATE_WINDOW   PLUTORA_MAX_RETRY_WAIT   PLUTORA_RETRIES
    PLUTORA_TOKEN_CACHE_DIR   PLUTORA_REFRESH_MARGIN   PLUTORA_DEADLINE
    PLUTORA_TOKEN_LOCK_TIMEOUT   PLUTORA_REFUSAL_MEMORY   PLUTORA_STATE_DIR
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigurationError, hide_library_frames
from .reporting import mask_url
from .secret import SecretText

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames


class Product(str, Enum):
    """The two products: separate API keys, token servers and APIs."""

    PLUTORA = "plutora"
    PLUTORA_TEST = "plutora-test"

    @property
    def label(self) -> str:
        """``Plutora`` or ``Plutora Test``."""
        return "Plutora" if self is Product.PLUTORA else "Plutora Test"

    @property
    def env_prefix(self) -> str:
        """``PLUTORA_`` or ``PLUTORA_TEST_``."""
        return "PLUTORA_" if self is Product.PLUTORA else "PLUTORA_TEST_"


#: Region -> (token URL, API URL) of Plutora.
REGIONS: dict[str, tuple[str, str]] = {
    region: (f"https://{region}oauth.plutora.com/oauth/token", f"https://{region}api.plutora.com")
    for region in ("us", "uk", "au", "eu")
}
#: Plutora Test has one host for every region.
PLUTORA_TEST_URLS = ("https://oauthps.plutora.com/oauth/token", "https://apips.plutora.com")

_SETTING_NAMES = ("client_id", "client_secret", "username", "password", "auth_url", "api_url")


@dataclass(frozen=True, eq=False)
class Credentials:
    """One product's API key and user. ``repr`` and ``str`` hide the secret and password,
    which are held as :class:`SecretText`; comparing two (``==``, or pytest's assertion diff)
    shows no secret either.

    Example: ``Credentials("id", "secret", "qa@example.com", "pw")``
    """

    client_id: str
    # compare=False: pytest drills into the compared fields of dataclasses that differ.
    client_secret: str = field(repr=False, compare=False)
    username: str
    password: str = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "client_secret", SecretText(self.client_secret))
        object.__setattr__(self, "password", SecretText(self.password))

    def __repr__(self) -> str:
        return (
            f"Credentials(client_id={self.client_id!r}, client_secret='***', "
            f"username={self.username!r}, password='***')"
        )

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return (self.client_id, self.client_secret, self.username, self.password) == (
            other.client_id,
            other.client_secret,
            other.username,
            other.password,
        )

    def __hash__(self) -> int:
        return hash((self.client_id, self.username, self.client_secret, self.password))


@dataclass(frozen=True)
class ProductConfig:
    """Where one product lives and who logs in to it.

    Example: ``ProductConfig(Product.PLUTORA, "https://usoauth…/oauth/token",
    "https://usapi.plutora.com", Credentials(...))``
    """

    product: Product
    token_url: str
    api_url: str
    credentials: Credentials | None = None

    def __repr__(self) -> str:
        from .reporting import mask_url  # URLs may carry user:password@

        return (
            f"ProductConfig(product={self.product.value!r}, "
            f"token_url={mask_url(self.token_url)!r}, api_url={mask_url(self.api_url)!r}, "
            f"credentials={self.credentials!r})"
        )

    def require_credentials(self) -> Credentials:
        """The credentials, or a :class:`ConfigurationError` naming everything to set."""
        prefix = self.product.env_prefix
        problems = []
        if not self.token_url or not self.api_url:
            problems.append(
                f"Where is {self.product.label}? Set PLUTORA_REGION (us, uk, au, eu) or "
                f"{prefix}AUTH_URL and {prefix}API_URL."
            )
        if self.credentials is None:
            problems.append(
                f"No {self.product.label} credentials: set {prefix}CLIENT_ID, "
                f"{prefix}CLIENT_SECRET, {prefix}USERNAME and {prefix}PASSWORD."
            )
        if problems or self.credentials is None:
            raise ConfigurationError(problems)
        return self.credentials

    @property
    def configured(self) -> bool:
        """Whether this product has URLs and credentials (a client can log in)."""
        return bool(self.token_url and self.api_url and self.credentials)


@dataclass(frozen=True)
class PlutoraConfig:
    """Everything a client needs. Build it with :meth:`from_env`.

    Example::

        config = PlutoraConfig.from_env(region="uk", read_timeout=60)
        config.plutora.api_url        # 'https://ukapi.plutora.com'
    """

    plutora: ProductConfig
    plutora_test: ProductConfig
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    #: True, False, or the path of a CA bundle.
    verify_tls: bool | str = True
    use_env_proxies: bool = True
    #: Sent as ``Plutora-Info: script.name=<name>`` when set.
    script_name: str | None = None
    #: Bodies in logs and reports are cut after this many characters (0: no bodies).
    log_body_limit: int = 1000
    validate_responses: bool = True
    #: Requests per window per client id, shared by the processes of a run; 0 switches it off.
    rate_limit: int = 26000
    rate_window_seconds: float = 3600.0
    #: The longest ``Retry-After`` honoured before raising :class:`RateLimited`.
    max_retry_wait: float = 60.0
    #: Retries of idempotent requests on connection errors and 502/503/504.
    retries: int = 3
    #: A folder where processes of one run share tokens (owner-only files, no password).
    token_cache_dir: str | None = None
    #: A token is renewed this many seconds before it expires (at most half its lifetime).
    refresh_margin_seconds: float = 120.0
    #: The longest one call may take in all: every attempt, backoff, 429 wait, the token lock
    #: and the login. None: 4 times ``read_timeout`` (a read timeout bounds one socket read only).
    deadline_seconds: float | None = None
    #: The longest a process waits for another one's login (the token lock). None: the deadline.
    token_lock_timeout: float | None = None
    #: How long a refused login is remembered: the same user and credentials are not tried
    #: again for this long by any process sharing the run's state (new credentials are).
    refusal_memory_seconds: float = 3600.0
    #: Where the run's processes share refused logins and the login lock when
    #: ``token_cache_dir`` is not set. The pytest plugin and the Robot library set it.
    run_state_dir: str | None = None

    @property
    def call_deadline(self) -> float:
        """Seconds one call may take in all. Example: ``config.call_deadline`` → ``120.0``."""
        return self.deadline_seconds if self.deadline_seconds else 4 * self.read_timeout

    @property
    def lock_timeout(self) -> float:
        """Seconds to wait for another process's login. Example: ``config.lock_timeout``."""
        if self.token_lock_timeout is not None:
            return self.token_lock_timeout
        return self.call_deadline

    @property
    def state_dir(self) -> str | None:
        """The folder the run's processes share (refusals, the login lock, and tokens and the
        rate limit when it is ``token_cache_dir``); None: this process alone.

        Example: ``PlutoraConfig.from_env(token_cache_dir="/tmp/run").state_dir``
        """
        return self.token_cache_dir or self.run_state_dir

    def product(self, product: Product | str) -> ProductConfig:
        """The configuration of one product. Example: ``config.product("plutora-test")``."""
        return self.plutora if Product(product) is Product.PLUTORA else self.plutora_test

    def with_options(self, **options: Any) -> PlutoraConfig:
        """A copy with some options changed. Example: ``config.with_options(retries=0)``."""
        return replace(self, **options)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **arguments: Any) -> PlutoraConfig:
        """Read the environment (``os.environ`` unless given), then apply ``arguments``.

        Arguments: ``region``, ``client_id``, ``client_secret``, ``username``, ``password``,
        ``auth_url``, ``api_url``, the same with a ``test_`` prefix for Plutora Test, and any
        option of this class (``read_timeout=60``, ``validate_responses=False``, …).
        ``None`` arguments are ignored.
        """
        # Rebound at once: no frame a traceback shows holds a secret as plain text.
        arguments = {
            key: SecretText(value) if key in _SECRET_ARGUMENTS and isinstance(value, str) else value
            for key, value in arguments.items()
        }
        return _Builder(os.environ if env is None else env, arguments).build()


_SECRET_ARGUMENTS = frozenset({"client_secret", "password", "test_client_secret", "test_password"})


_OPTION_TYPES: dict[str, tuple[str, type]] = {
    "connect_timeout": ("PLUTORA_CONNECT_TIMEOUT", float),
    "read_timeout": ("PLUTORA_READ_TIMEOUT", float),
    "verify_tls": ("PLUTORA_VERIFY_TLS", bool),
    "use_env_proxies": ("PLUTORA_USE_ENV_PROXIES", bool),
    "script_name": ("PLUTORA_SCRIPT_NAME", str),
    "log_body_limit": ("PLUTORA_LOG_BODY_LIMIT", int),
    "validate_responses": ("PLUTORA_VALIDATE", bool),
    "rate_limit": ("PLUTORA_RATE_LIMIT", int),
    "rate_window_seconds": ("PLUTORA_RATE_WINDOW", float),
    "max_retry_wait": ("PLUTORA_MAX_RETRY_WAIT", float),
    "retries": ("PLUTORA_RETRIES", int),
    "token_cache_dir": ("PLUTORA_TOKEN_CACHE_DIR", str),
    "refresh_margin_seconds": ("PLUTORA_REFRESH_MARGIN", float),
    "deadline_seconds": ("PLUTORA_DEADLINE", float),
    "token_lock_timeout": ("PLUTORA_TOKEN_LOCK_TIMEOUT", float),
    "refusal_memory_seconds": ("PLUTORA_REFUSAL_MEMORY", float),
    "run_state_dir": ("PLUTORA_STATE_DIR", str),
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class _Builder:
    def __init__(self, env: Mapping[str, str], arguments: dict[str, Any]) -> None:
        self.env = env
        self.arguments = {key: value for key, value in arguments.items() if value is not None}
        self.problems: list[str] = []

    def _get(self, argument: str, variable: str) -> Any:
        if argument in self.arguments:
            return self.arguments.pop(argument)
        value = self.env.get(variable)
        return value if value not in (None, "") else None

    def build(self) -> PlutoraConfig:
        region = self._get("region", "PLUTORA_REGION")
        plutora = self._product(Product.PLUTORA, "", region)
        plutora_test = self._product(Product.PLUTORA_TEST, "test_", region)
        options = self._options()
        unknown = sorted(self.arguments)
        if unknown:
            known = sorted(
                {"region", *_SETTING_NAMES, *(f"test_{n}" for n in _SETTING_NAMES), *_OPTION_TYPES}
            )
            self.problems.append(
                f"Unknown setting(s) {', '.join(unknown)}; known settings: {', '.join(known)}."
            )
        if self.problems:
            raise ConfigurationError(self.problems)
        assert plutora is not None
        assert plutora_test is not None
        return PlutoraConfig(plutora=plutora, plutora_test=plutora_test, **options)

    def _product(self, product: Product, prefix: str, region: Any) -> ProductConfig | None:
        env = product.env_prefix
        values = {name: self._get(prefix + name, env + name.upper()) for name in _SETTING_NAMES}
        auth_url, api_url = values["auth_url"], values["api_url"]
        if product is Product.PLUTORA_TEST:
            default_urls: tuple[str, str] | None = PLUTORA_TEST_URLS
        elif region is None:
            default_urls = None
        elif str(region).lower() in REGIONS:
            default_urls = REGIONS[str(region).lower()]
        else:
            default_urls = None
            self.problems.append(
                f"PLUTORA_REGION {region!r} is not a region; use us, uk, au or eu, "
                "or set PLUTORA_AUTH_URL and PLUTORA_API_URL."
            )
        token_url = auth_url or (default_urls[0] if default_urls else "")
        base_url = (api_url or (default_urls[1] if default_urls else "")).rstrip("/")
        for name, url in ((f"{env}AUTH_URL", token_url), (f"{env}API_URL", base_url)):
            if url and urlsplit(url).scheme not in ("http", "https"):
                self.problems.append(f"{name} {mask_url(url)!r} is not an http(s) URL.")
        if base_url.lower().endswith("/oauth/token"):
            self.problems.append(
                f"{env}API_URL {mask_url(base_url)!r} is a token URL; give the API's base URL "
                "(e.g. https://usapi.plutora.com) and the token URL in "
                f"{env}AUTH_URL."
            )
        secrets = {name: values[name] for name in _SETTING_NAMES[:4]}
        given = [name for name, value in secrets.items() if value is not None]
        credentials = None
        if given and len(given) < 4:
            missing_names = [f"{env}{n.upper()}" for n, v in secrets.items() if v is None]
            self.problems.append(
                f"{product.label} credentials are incomplete: set {', '.join(missing_names)} too."
            )
        elif given:
            credentials = Credentials(*(str(secrets[name]) for name in _SETTING_NAMES[:4]))
        return ProductConfig(product, token_url, base_url, credentials)

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        for name, (variable, kind) in _OPTION_TYPES.items():
            raw = self._get(name, variable)
            if raw is None:
                continue
            value = self._convert(name, variable, kind, raw)
            if value is not None:
                options[name] = value
        for name in ("token_cache_dir", "run_state_dir"):
            if options.get(name):
                self._check_folder(name, _OPTION_TYPES[name][0], str(options[name]))
        if isinstance(options.get("verify_tls"), str):
            self._check_ca_bundle(options["verify_tls"])
        return options

    def _convert(self, name: str, variable: str, kind: type, raw: Any) -> Any:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            if name == "verify_tls" and text:
                return str(raw)  # a CA bundle path
            self.problems.append(f"{name} ({variable}) must be true or false, not {raw!r}.")
            return None
        if kind is str:
            return str(raw)
        try:
            number = kind(raw)
        except (TypeError, ValueError, OverflowError):
            whole = "a whole number" if kind is int else "a number"
            self.problems.append(f"{name} ({variable}) must be {whole}, not {raw!r}.")
            return None
        example = _example(name, variable)
        if not math.isfinite(number):
            self.problems.append(
                f"{name} ({variable}) must be a finite number, not {raw!r}{example}."
            )
            return None
        low, high, unit = _RANGES.get(name, (None, None, ""))
        if (low is not None and not number >= low) or (name in _MORE_THAN_ZERO and not number > 0):
            least = "more than 0" if name in _MORE_THAN_ZERO else f"{_plain(low)} or more"
            self.problems.append(
                f"{name} ({variable}) must be {least}{unit}, not {raw!r}{example}."
            )
            return None
        if high is not None and number > high:
            self.problems.append(
                f"{name} ({variable}) must be at most {_plain(high)}{unit}, not {raw!r}{example}."
            )
            return None
        return number

    def _check_folder(self, name: str, variable: str, path: str) -> None:
        """A folder the run's processes share must be a folder this user can write, or be
        creatable in one (it is created on first use)."""
        problem = folder_problem(path)
        if problem:
            self.problems.append(f"{name} ({variable}) {path!r} {problem}")

    def _check_ca_bundle(self, path: str) -> None:
        if not os.path.exists(path):
            self.problems.append(
                f"verify_tls (PLUTORA_VERIFY_TLS) names a CA bundle {path!r} that does not exist; "
                "give the path of a PEM file (or of a folder of certificates), or true / false."
            )
        elif not os.access(path, os.R_OK):
            self.problems.append(
                f"verify_tls (PLUTORA_VERIFY_TLS) names a CA bundle {path!r} that this user "
                "cannot read; fix its permissions or point to a readable copy."
            )


#: (lowest, highest, unit) of each number setting: beyond these a value is a typo, or makes
#: the standard library fail later (``time.sleep`` and socket timeouts overflow).
_RANGES: dict[str, tuple[float | None, float | None, str]] = {
    "connect_timeout": (None, 3600, " seconds"),
    "read_timeout": (None, 86400, " seconds"),
    "max_retry_wait": (None, 86400, " seconds"),
    "rate_window_seconds": (None, 86400, " seconds"),
    "refresh_margin_seconds": (0, 86400, " seconds"),
    "rate_limit": (0, 10**9, ""),
    "retries": (0, 100, ""),
    "log_body_limit": (0, 10**9, ""),
    "deadline_seconds": (None, 86400, " seconds"),
    "token_lock_timeout": (None, 86400, " seconds"),
    "refusal_memory_seconds": (None, 30 * 86400, " seconds"),
}
_MORE_THAN_ZERO = frozenset(
    {
        "connect_timeout", "read_timeout", "max_retry_wait", "rate_window_seconds",
        "deadline_seconds", "token_lock_timeout", "refusal_memory_seconds",
    }
)  # fmt: skip


def _plain(number: float | None) -> str:
    """``2592000`` as ``2,592,000``, ``0.5`` as ``0.5``: no exponent in an error."""
    if number is None:
        return ""
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


def _example(name: str, variable: str) -> str:
    """``"; e.g. PLUTORA_READ_TIMEOUT=30"``: the default as an example (none without one)."""
    default = next((f.default for f in fields(PlutoraConfig) if f.name == name), None)
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        return ""
    return f"; e.g. {variable}={default:g}"


def shared_folder_error(config: PlutoraConfig, error: OSError) -> ConfigurationError:
    """The :class:`ConfigurationError` for a shared folder that failed in use (the checks of
    :func:`folder_problem` cannot foresee everything, e.g. ``/proc`` for root).

    Example: ``except OSError as error: raise shared_folder_error(config, error) from None``
    """
    if config.token_cache_dir:
        name, variable, path = "token_cache_dir", "PLUTORA_TOKEN_CACHE_DIR", config.token_cache_dir
    else:
        name, variable, path = "run_state_dir", "PLUTORA_STATE_DIR", str(config.state_dir)
    reason = error.strerror or type(error).__name__
    return ConfigurationError(
        [
            f"{name} ({variable}) {path!r} cannot be used: {reason}. Give a folder this user "
            "can write (it is created if missing), or leave the setting out."
        ]
    )


def folder_problem(path: str) -> str:
    """Why a shared folder cannot be used (a sentence ending with the fix), or ``""``.

    It must be a folder this user can write, or one that can be created: the nearest part of
    the path that exists must be a writable folder.

    Example: ``folder_problem("/etc/hostname/tokens")`` → ``'is below a file, …'``
    """
    fix = "give a folder this user can write (it is created if missing)."
    target = os.path.abspath(path)
    if os.path.exists(target):
        if not os.path.isdir(target):
            return f"is a file, not a folder: {fix}"
        if not os.access(target, os.W_OK | os.X_OK):
            return f"is a folder this user cannot write: {fix}"
        return ""
    parent = os.path.dirname(target)
    while parent and not os.path.exists(parent):
        up = os.path.dirname(parent)
        if up == parent:
            break
        parent = up
    if os.path.exists(parent) and not os.path.isdir(parent):
        return f"lies below a file ({parent}), so it cannot be created: {fix}"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be created: this user cannot write {parent}; {fix}"
    return ""

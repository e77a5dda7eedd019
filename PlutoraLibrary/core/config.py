"""Configuration: regions to URLs, environment variables, explicit arguments, options.

Every setting is defined once, in :mod:`.settings` (its argument, environment variable, kind,
default and bounds); ``docs/settings.md`` lists them. Arguments win over environment
variables; explicit URLs win over the region. Every problem is reported at once in one
:class:`ConfigurationError`. Reprs never show a secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from .errors import ConfigurationError, hide_library_frames
from .reporting import SECRETS, mask_url
from .secret import SecretText
from .settings import SETTINGS, Setting, SettingProblem, options, product_settings

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
    # The options, with the defaults of the settings table (a test keeps the two in step).
    connect_timeout: float = SETTINGS["connect_timeout"].default
    read_timeout: float = SETTINGS["read_timeout"].default
    #: True, False, or the path of a CA bundle.
    verify_tls: bool | str = SETTINGS["verify_tls"].default
    use_env_proxies: bool = SETTINGS["use_env_proxies"].default
    #: Sent as ``Plutora-Info: script.name=<name>`` when set.
    script_name: str | None = SETTINGS["script_name"].default
    #: Bodies in logs and reports are cut after this many characters (0: no bodies).
    log_body_limit: int = SETTINGS["log_body_limit"].default
    validate_responses: bool = SETTINGS["validate_responses"].default
    #: Requests per window per client id, shared by the processes of a run; 0 switches it off.
    rate_limit: int = SETTINGS["rate_limit"].default
    rate_window_seconds: float = SETTINGS["rate_window_seconds"].default
    #: The longest ``Retry-After`` honoured before raising :class:`RateLimited`.
    max_retry_wait: float = SETTINGS["max_retry_wait"].default
    #: Retries of idempotent requests on connection errors and 502/503/504.
    retries: int = SETTINGS["retries"].default
    #: A folder where processes of one run share tokens (owner-only files, no password).
    token_cache_dir: str | None = SETTINGS["token_cache_dir"].default
    #: A token is renewed this many seconds before it expires (at most half its lifetime).
    refresh_margin_seconds: float = SETTINGS["refresh_margin_seconds"].default
    #: The longest one call may take. None: 4 times (connect_timeout + read_timeout).
    deadline_seconds: float | None = SETTINGS["deadline_seconds"].default
    #: The longest a process waits for another one's login (the token lock). None: the deadline.
    token_lock_timeout: float | None = SETTINGS["token_lock_timeout"].default
    #: How long a refused login is not tried again with the same credentials.
    refusal_memory_seconds: float = SETTINGS["refusal_memory_seconds"].default
    #: Where the run's processes share refused logins and the login lock when
    #: ``token_cache_dir`` is not set. The pytest plugin and the Robot library set it.
    run_state_dir: str | None = SETTINGS["run_state_dir"].default
    #: The Plutora Test web UI's address (or a link pattern with ``{id}`` and ``{kind}``), for
    #: links from tests to the items they cover.
    test_ui_url: str | None = SETTINGS["test_ui_url"].default
    #: Whether the items tests are tagged or marked with are checked to exist.
    check_links: bool = SETTINGS["check_links"].default
    #: A recording every exchange is appended to (:mod:`.recording`), masked.
    record: str | None = SETTINGS["record"].default
    #: A Redis the run's processes on every machine share (never with a password in it: one
    #: given in the URL is moved to ``shared_state_password``). None: shared per host.
    shared_state_url: str | None = SETTINGS["shared_state_url"].default
    #: The Redis password, as :class:`SecretText` (its repr is masked).
    shared_state_password: str | None = SETTINGS["shared_state_password"].default
    #: The longest wait for one answer of the shared Redis.
    shared_state_timeout: float = SETTINGS["shared_state_timeout"].default
    #: Share tokens through the shared Redis too (off: one grant per machine).
    share_tokens: bool = SETTINGS["share_tokens"].default
    #: Keeps a run's shared state apart from other runs' (default: the CI run's id).
    run_id: str | None = SETTINGS["run_id"].default
    #: Refuse every call that could change the site before it is sent (GETs and searches go).
    read_only: bool = SETTINGS["read_only"].default

    @property
    def call_deadline(self) -> float:
        """Seconds one call may take, not counting the waits a 429 or the client-side rate
        limit asks for (bounded by ``max_retry_wait``). Default: 4 times (connect + read timeout).

        Example: ``PlutoraConfig.from_env({}).call_deadline`` → ``140.0``
        """
        if self.deadline_seconds:
            return self.deadline_seconds
        return 4 * (self.connect_timeout + self.read_timeout)

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

        Arguments: the settings of :mod:`.settings` by name (``region``, ``client_id``, …,
        ``test_client_id``, …, ``read_timeout=60``, ``validate_responses=False``, …), as values
        or as text. ``None`` (and empty text) arguments are ignored.
        """
        # Rebound at once: no frame a traceback shows holds a secret as plain text.
        arguments = {
            key: SecretText(value) if key in SECRET_NAMES and isinstance(value, str) else value
            for key, value in arguments.items()
        }
        return _Builder(os.environ if env is None else env, arguments).build()


#: The settings that are secrets.
SECRET_NAMES = frozenset(setting.name for setting in SETTINGS.values() if setting.secret)


class _Builder:
    def __init__(self, env: Mapping[str, str], arguments: dict[str, Any]) -> None:
        self.env = env
        self.arguments = {
            key: value for key, value in arguments.items() if value is not None and value != ""
        }
        self.problems: list[str] = []
        self.from_arguments: set[str] = set()

    def _value(self, setting: Setting) -> Any:
        """The setting's value from the arguments, else the environment, converted and
        checked; None when not given (or wrong: the problem is kept)."""
        if setting.name in self.arguments:
            raw = self.arguments.pop(setting.name)
            self.from_arguments.add(setting.name)
        else:
            raw = self.env.get(setting.env)
            if raw is None or raw == "":
                return None
        try:
            return setting.convert(raw)
        except SettingProblem as problem:
            self.problems.append(str(problem))
            return None

    def build(self) -> PlutoraConfig:
        region = self._value(SETTINGS["region"])
        plutora = self._product(Product.PLUTORA, region)
        plutora_test = self._product(Product.PLUTORA_TEST, region)
        values = self._options()
        unknown = sorted(self.arguments)
        if unknown:
            self.problems.append(
                f"Unknown setting(s) {', '.join(unknown)}; known settings: "
                f"{', '.join(sorted(SETTINGS))} (see docs/settings.md)."
            )
        if self.problems:
            raise ConfigurationError(self.problems)
        return PlutoraConfig(plutora=plutora, plutora_test=plutora_test, **values)

    def _product(self, product: Product, region: str | None) -> ProductConfig:
        env = product.env_prefix
        prefix = "test_" if product is Product.PLUTORA_TEST else ""
        values = {
            setting.name.removeprefix(prefix): self._value(setting)
            for setting in product_settings(product.value)
            if setting.name != "region"
        }
        if product is Product.PLUTORA_TEST:
            default_urls: tuple[str, str] | None = PLUTORA_TEST_URLS
        else:
            default_urls = REGIONS[region] if region is not None else None
        token_url = values["auth_url"] or (default_urls[0] if default_urls else "")
        base_url = (values["api_url"] or (default_urls[1] if default_urls else "")).rstrip("/")
        if base_url.lower().endswith("/oauth/token"):
            self.problems.append(
                f"{env}API_URL {mask_url(base_url)!r} is a token URL; give the API's base URL "
                "(e.g. https://usapi.plutora.com) and the token URL in "
                f"{env}AUTH_URL."
            )
        names = ("client_id", "client_secret", "username", "password")
        secrets = {name: values[name] for name in names}
        given = [name for name, value in secrets.items() if value is not None]
        credentials = None
        if given and len(given) < 4:
            missing_names = [f"{env}{n.upper()}" for n, v in secrets.items() if v is None]
            self.problems.append(
                f"{product.label} credentials are incomplete: set {', '.join(missing_names)} too."
            )
        elif given:
            credentials = Credentials(*(str(secrets[name]) for name in names))
        return ProductConfig(product, token_url, base_url, credentials)

    def _options(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for setting in options():
            value = self._value(setting)
            if value is not None and setting.secret:  # no repr shows it, no log either
                value = SecretText(str(value))
                SECRETS.add(str(value))
            if value is not None:
                values[setting.name] = value
            if setting.kind == "folder" and value:
                self._check_folder(setting, str(value))
            if setting.kind == "file" and value:
                self._check_file(setting, str(value))
        if isinstance(values.get("verify_tls"), str):
            self._check_ca_bundle(values["verify_tls"])
        if values.get("shared_state_url"):
            self._shared_state(values)
        if values.get("run_id") is None:
            values["run_id"] = ci_run_id(self.env)
        return values

    def _shared_state(self, values: dict[str, Any]) -> None:
        """A password in the Redis URL: accepted from the environment only (an argument is
        seen in logs and on command lines), and moved out of the URL, so that no repr shows
        it."""
        url = str(values["shared_state_url"])
        parts = urlsplit(url)
        # redis-py also takes the password from the query (?password=…): the same rules
        query = parse_qsl(parts.query, keep_blank_values=True)
        in_query = query_passwords(query)
        if parts.password is None and not in_query:
            return
        shown = mask_url(urlunsplit(parts._replace(query="")))
        if "shared_state_url" in self.from_arguments:
            self.problems.append(
                f"shared_state_url {shown!r} carries a password, which an argument or option "
                "would show in logs and command lines: give the password in "
                "PLUTORA_SHARED_STATE_PASSWORD (the environment, a secrets file, or a Secret "
                "in Robot) and the URL without it."
            )
            return
        if values.get("shared_state_password"):
            self.problems.append(
                f"PLUTORA_SHARED_STATE_URL {shown!r} carries a password and "
                "PLUTORA_SHARED_STATE_PASSWORD is set too: give it once (better in "
                "PLUTORA_SHARED_STATE_PASSWORD)."
            )
            return
        if (parts.password is not None and in_query) or len(in_query) > 1:
            self.problems.append(
                f"PLUTORA_SHARED_STATE_URL {shown!r} carries more than one password: give it "
                "once (better in PLUTORA_SHARED_STATE_PASSWORD)."
            )
            return
        if parts.password is not None:
            raw, plain = parts.password, unquote(parts.password)
        else:  # parse_qsl decoded it already
            raw, plain = quote(in_query[0], safe=""), in_query[0]
        password = SecretText(plain)
        SECRETS.add(str(password), raw)
        netloc = parts.netloc
        if parts.password is not None:
            user = parts.username or ""
            netloc = (f"{user}@" if user else "") + parts.netloc.rsplit("@", 1)[1]
        kept = urlencode([(key, value) for key, value in query if key.lower() != "password"])
        values["shared_state_url"] = urlunsplit(parts._replace(netloc=netloc, query=kept))
        values["shared_state_password"] = password

    def _check_folder(self, setting: Setting, path: str) -> None:
        """A folder the run's processes share must be a folder this user can write, or be
        creatable in one (it is created on first use)."""
        problem = folder_problem(path)
        if problem:
            self.problems.append(f"{setting.name} ({setting.env}) {path!r} {problem}")

    def _check_file(self, setting: Setting, path: str) -> None:
        """A file written to must be one, or be creatable in a folder this user can write."""
        target = os.path.abspath(path)
        folder = os.path.dirname(target)
        fix = "give a file in a folder this user can write (it is created if missing)."
        if os.path.isdir(target):
            problem = f"is a folder, not a file: {fix}"
        elif not os.path.isdir(folder):
            problem = f"is in a folder that does not exist ({folder}): create it, or {fix}"
        elif not os.access(target if os.path.exists(target) else folder, os.W_OK):
            problem = f"cannot be written by this user: {fix}"
        else:
            return
        self.problems.append(f"{setting.name} ({setting.env}) {path!r} {problem}")

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


#: The run id of each CI system, in the order they are looked for: GitHub Actions (all jobs of
#: a workflow run, matrix shards included), GitLab CI (a pipeline), Jenkins (job and build
#: number), Azure Pipelines (a build).
CI_RUN_IDS = ("GITHUB_RUN_ID", "CI_PIPELINE_ID", "BUILD_TAG", "BUILD_BUILDID")


def query_passwords(query: list[tuple[str, str]]) -> list[str]:
    """The passwords a URL's parsed query gives (``?password=…``, as redis-py reads it)."""
    return [value for key, value in query if key.lower() == "password"]


def url_shows_password(value: Any) -> bool:
    """Whether ``value`` is a URL carrying a password, in its address (``redis://:pw@host``)
    or its query (``?password=pw``). Example: ``url_shows_password("redis://h/0")`` → False."""
    if not isinstance(value, str) or "://" not in value:
        return False
    parts = urlsplit(value)
    query = parse_qsl(parts.query, keep_blank_values=True)
    return parts.password is not None or bool(query_passwords(query))


def ci_run_id(env: Mapping[str, str]) -> str | None:
    """The CI system's run id from ``env`` (prefixed with its variable's name), or None.

    Example: ``ci_run_id({"GITHUB_RUN_ID": "9876"})`` → ``'GITHUB_RUN_ID-9876'``
    """
    for name in CI_RUN_IDS:
        value = (env.get(name) or "").strip()
        if value:
            return f"{name}-{value}"
    return None


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

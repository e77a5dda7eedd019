"""Every setting of the library, defined once.

Each :class:`Setting` names its argument, environment variable, kind, default, bounds and
documentation. Derived from this table:

- the configuration loader (:meth:`PlutoraConfig.from_env <.config.PlutoraConfig.from_env>`:
  arguments over the environment) and its validation;
- the Robot Framework library's import arguments (libdoc lists them all);
- the pytest plugin's options and ini keys (command line over ini over environment), and the
  keys its secrets file may hold;
- the settings reference, ``docs/settings.md`` (:func:`reference`).

A test keeps each of them in step with the table. A secret setting is never an option on a
command line: it comes from the environment, a secrets file (pytest) or a ``Secret`` (Robot).

Example::

    SETTINGS["read_timeout"].env            # 'PLUTORA_READ_TIMEOUT'
    SETTINGS["read_timeout"].convert("60")  # 60.0
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: The kinds of value, each with its parsing and checks.
KINDS = (
    "text", "secret", "url", "choice", "seconds", "count", "bool", "tls", "folder", "file",
    "store",
)  # fmt: skip
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingProblem(ValueError):
    """A value a setting cannot take; the message names the setting, the value and the fix."""


@dataclass(frozen=True)
class Setting:
    """One setting: its names, kind, default, bounds and documentation.

    Example: ``Setting("retries", "count", "PLUTORA_RETRIES", 3, "Retries of reads.", high=100)``
    """

    name: str
    kind: str
    env: str
    default: Any
    doc: str
    #: Bounds of a number; ``above_zero``: strictly more than 0.
    low: float | None = None
    high: float | None = None
    above_zero: bool = False
    #: The closed set of a ``choice``.
    choices: tuple[str, ...] = ()
    #: ``plutora`` or ``plutora-test`` for a product's own setting (its key, user and URLs).
    product: str | None = None
    #: How the default reads in docs when it is derived (e.g. ``4 times read_timeout``).
    default_text: str = ""
    #: A sentence an error about this setting ends with.
    advice: str = ""

    @property
    def secret(self) -> bool:
        """Whether the value is a secret (never on a command line, never shown)."""
        return self.kind == "secret"

    @property
    def value_type(self) -> Any:
        """The Python type of a converted value (what Robot converts an argument to). A choice
        is text, checked by :meth:`convert`, whose error also says what to do instead."""
        return {
            "seconds": float, "count": int, "bool": bool, "tls": bool | str,
        }.get(self.kind, str)  # fmt: skip

    @property
    def option(self) -> str:
        """The pytest option: ``--plutora-read-timeout``."""
        return "--plutora-" + self.name.replace("_", "-")

    @property
    def ini(self) -> str:
        """The pytest ini key: ``plutora_read_timeout``."""
        return "plutora_" + self.name

    def shown(self, raw: Any) -> str:
        """A value as an error quotes it (a secret masked)."""
        if self.secret:
            return "'***'"
        if self.kind in ("url", "store"):
            from .reporting import mask_url  # a URL may carry user:password@

            return repr(mask_url(str(raw)))
        return repr(raw)

    def convert(self, raw: Any) -> Any:
        """``raw`` (text from the environment, or a value from a front end) as this setting's
        type, or :class:`SettingProblem` saying what is wrong and how to fix it."""
        kind = self.kind
        if kind in ("seconds", "count"):
            return self._number(raw)
        if kind in ("bool", "tls"):
            return self._bool(raw)
        text = str(raw)
        if kind == "choice":
            lowered = text.strip().lower()
            if lowered not in self.choices:
                raise self._problem(raw, f"one of {', '.join(self.choices)}")
            return lowered
        if kind == "url":
            parts = urlsplit(text.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise self._problem(
                    raw, "an http(s) URL with a host, e.g. https://usapi.plutora.com"
                )
            return text.strip()
        if kind == "store":
            parts = urlsplit(text.strip())
            if parts.scheme not in ("redis", "rediss") or not parts.hostname:
                wanted = (
                    "a Redis URL with a host, e.g. redis://localhost:6379/0 (rediss:// for TLS)"
                )
                raise self._problem(raw, wanted)
            try:
                parts.port  # noqa: B018 (a port that is not a number raises)
            except ValueError:
                raise self._problem(raw, "a Redis URL whose port is a number") from None
            database = parts.path.strip("/")
            if database and not database.isdigit():
                raise self._problem(raw, "a Redis URL whose path is a database number (/0)")
            return text.strip()
        if kind in ("text", "secret", "folder", "file") and not text.strip():
            raise self._problem(raw, "not empty (leave the setting out instead)")
        return text

    def _problem(self, raw: Any, wanted: str, example: bool = False) -> SettingProblem:
        hint = f"; e.g. {self.env}={self.default:g}" if example and self._numeric_default else ""
        said = f"{self.name} ({self.env}) must be {wanted}, not {self.shown(raw)}{hint}."
        return SettingProblem(f"{said} {self.advice}" if self.advice else said)

    @property
    def _numeric_default(self) -> bool:
        return isinstance(self.default, (int, float)) and not isinstance(self.default, bool)

    def _bool(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if self.kind == "tls" and text:
            return str(raw)  # a CA bundle's path, checked by the loader
        raise self._problem(
            raw, "true or false" + (" or a CA bundle's path" if self.kind == "tls" else "")
        )

    def _number(self, raw: Any) -> float | int:
        kind = int if self.kind == "count" else float
        if isinstance(raw, bool):
            raise self._problem(raw, "a whole number" if kind is int else "a number")
        try:
            number = kind(raw)
        except (TypeError, ValueError, OverflowError):
            raise self._problem(raw, "a whole number" if kind is int else "a number") from None
        unit = " seconds" if self.kind == "seconds" else ""
        if not math.isfinite(number):
            raise self._problem(raw, "a finite number", example=True)
        if self.above_zero and not number > 0:
            raise self._problem(raw, f"more than 0{unit}", example=True)
        if self.low is not None and not number >= self.low:
            raise self._problem(raw, f"{plain(self.low)} or more{unit}", example=True)
        if self.high is not None and number > self.high:
            raise self._problem(raw, f"at most {plain(self.high)}{unit}", example=True)
        return number

    def default_shown(self) -> str:
        """The default as the reference shows it."""
        if self.default_text:
            return self.default_text
        if self.default is None:
            return "—"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, (int, float)):
            return plain(self.default) + (" s" if self.kind == "seconds" else "")
        return str(self.default)


def plain(number: float | None) -> str:
    """``2592000`` as ``2,592,000``, ``0.5`` as ``0.5``: no exponent in an error."""
    if number is None:
        return ""
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


DAY = 86400.0


def _product_settings(product: str, prefix: str, env: str, label: str) -> list[Setting]:
    return [
        Setting(f"{prefix}client_id", "text", f"{env}CLIENT_ID", None,
                f"The {label} API key's client id (Settings > Customization > Integration > API).",
                product=product),
        Setting(f"{prefix}client_secret", "secret", f"{env}CLIENT_SECRET", None,
                f"The {label} API key's client secret.", product=product),
        Setting(f"{prefix}username", "text", f"{env}USERNAME", None,
                f"The {label} user's login e-mail.", product=product),
        Setting(f"{prefix}password", "secret", f"{env}PASSWORD", None,
                f"The {label} user's password.", product=product),
        Setting(f"{prefix}auth_url", "url", f"{env}AUTH_URL", None,
                f"The {label} token URL (instead of the region's).", product=product,
                default_text="from the region" if product == "plutora" else "Plutora Test's host"),
        Setting(f"{prefix}api_url", "url", f"{env}API_URL", None,
                f"The {label} API's base URL (instead of the region's).", product=product,
                default_text="from the region" if product == "plutora" else "Plutora Test's host"),
    ]  # fmt: skip


_TABLE: list[Setting] = [
    Setting("region", "choice", "PLUTORA_REGION", None,
            "The Plutora region (us, uk, au or eu), which gives the token and API URLs.",
            choices=("us", "uk", "au", "eu"), product="plutora",
            advice="Or set PLUTORA_AUTH_URL and PLUTORA_API_URL instead."),
    *_product_settings("plutora", "", "PLUTORA_", "Plutora"),
    *_product_settings("plutora-test", "test_", "PLUTORA_TEST_", "Plutora Test"),
    Setting("connect_timeout", "seconds", "PLUTORA_CONNECT_TIMEOUT", 5.0,
            "The longest wait for a connection.", above_zero=True, high=3600),
    Setting("read_timeout", "seconds", "PLUTORA_READ_TIMEOUT", 30.0,
            "The longest wait for one socket read of an answer.", above_zero=True, high=DAY),
    Setting("verify_tls", "tls", "PLUTORA_VERIFY_TLS", True,
            "Check the server's TLS certificate: true, false, or a CA bundle's path."),
    Setting("use_env_proxies", "bool", "PLUTORA_USE_ENV_PROXIES", True,
            "Use HTTPS_PROXY, NO_PROXY and REQUESTS_CA_BUNDLE from the environment."),
    Setting("script_name", "text", "PLUTORA_SCRIPT_NAME", None,
            "Sent as Plutora-Info: script.name=<name>, so that the site sees who calls."),
    Setting("log_body_limit", "count", "PLUTORA_LOG_BODY_LIMIT", 1000,
            "Characters of each body in logs and reports below DEBUG (0: no bodies).",
            low=0, high=10**9),
    Setting("validate_responses", "bool", "PLUTORA_VALIDATE", True,
            "Validate every answer against its JSON Schema."),
    Setting("rate_limit", "count", "PLUTORA_RATE_LIMIT", 26000,
            "Client-side requests per window per client id, shared by the run (0: off).",
            low=0, high=10**9),
    Setting("rate_window_seconds", "seconds", "PLUTORA_RATE_WINDOW", 3600.0,
            "The rate limit's window.", above_zero=True, high=DAY),
    Setting("max_retry_wait", "seconds", "PLUTORA_MAX_RETRY_WAIT", 60.0,
            "The longest Retry-After honoured, and the longest wait for a client-side slot.",
            above_zero=True, high=DAY),
    Setting("retries", "count", "PLUTORA_RETRIES", 3,
            "Retries of idempotent requests on connection errors and 502/503/504.",
            low=0, high=100),
    Setting("token_cache_dir", "folder", "PLUTORA_TOKEN_CACHE_DIR", None,
            "A folder the run's processes share: one token per product (sealed), the "
            "client-side rate limit, refused logins and the login lock."),
    Setting("refresh_margin_seconds", "seconds", "PLUTORA_REFRESH_MARGIN", 120.0,
            "A token is renewed this long before it expires (at most half its lifetime).",
            low=0, high=DAY),
    Setting("deadline_seconds", "seconds", "PLUTORA_DEADLINE", None,
            "The longest one call may take: attempts, backoffs, the login and its lock (the "
            "waits a 429 or the rate limit asks for come on top, bounded by max_retry_wait).",
            above_zero=True, high=DAY, default_text="4 times (connect_timeout + read_timeout)"),
    Setting("token_lock_timeout", "seconds", "PLUTORA_TOKEN_LOCK_TIMEOUT", None,
            "The longest wait for another process's login as the same user.",
            above_zero=True, high=DAY, default_text="the deadline"),
    Setting("refusal_memory_seconds", "seconds", "PLUTORA_REFUSAL_MEMORY", 3600.0,
            "How long a refused login is not tried again with the same credentials.",
            above_zero=True, high=30 * DAY),
    Setting("run_state_dir", "folder", "PLUTORA_STATE_DIR", None,
            "A folder the run's processes share for refused logins and the login lock only "
            "(the adapters choose one when unset)."),
    Setting("test_ui_url", "url", "PLUTORA_TEST_UI_URL", None,
            "The Plutora Test web UI's address: tests tagged tms:TC-12 or issue:DEF-0042 (or "
            "marked plutora(test_case=…)) get Allure links to <address>/{kind}/{id}; or a link "
            "pattern holding {id} (the display id) and {kind} (testcases, defects, "
            "requirements, testplans)."),
    Setting("check_links", "bool", "PLUTORA_CHECK_LINKS", False,
            "Check that the Plutora Test items a test is tagged or marked with exist; an "
            "unknown id fails the test (reads only)."),
    Setting("record", "file", "PLUTORA_RECORD", None,
            "Append every exchange, masked, to this recording (NDJSON; processes share it "
            "under a lock), for `plutora drift` and `plutora sim --seed-from`."),
    Setting("shared_state_url", "store", "PLUTORA_SHARED_STATE_URL", None,
            "A Redis that the run's processes on every machine share (redis:// or rediss:// "
            "for TLS): the client-side rate limit, refused logins, the login lock, and tokens "
            "with share_tokens. Unset: the state is shared per host (docs/shared-state.md).",
            advice="A URL with a password is taken from the environment only; better give the "
                   "password in PLUTORA_SHARED_STATE_PASSWORD."),
    Setting("shared_state_password", "secret", "PLUTORA_SHARED_STATE_PASSWORD", None,
            "The password of the shared_state_url Redis (AUTH)."),
    Setting("shared_state_timeout", "seconds", "PLUTORA_SHARED_STATE_TIMEOUT", 2.0,
            "The longest wait for one answer of the shared_state_url Redis (and to connect).",
            above_zero=True, high=60),
    Setting("share_tokens", "bool", "PLUTORA_SHARE_TOKENS", False,
            "With shared_state_url: share each product's token (sealed) through Redis too, "
            "one grant for every machine; off: one grant per machine."),
    Setting("run_id", "text", "PLUTORA_RUN_ID", None,
            "What a run shares in shared_state_url is kept apart under this id, so that runs "
            "and projects can share one Redis.",
            default_text="the CI run's id (GITHUB_RUN_ID, CI_PIPELINE_ID, BUILD_TAG, "
                         "BUILD_BUILDID), else none"),
    Setting("read_only", "bool", "PLUTORA_READ_ONLY", False,
            "Refuse every call that could change the site (anything but GET, and the searches) "
            "before it is sent: for checks and reports against a real site."),
]  # fmt: skip

#: Every setting by name, in the table's order.
SETTINGS: dict[str, Setting] = {setting.name: setting for setting in _TABLE}


def options() -> Iterator[Setting]:
    """The settings that are options of the client as a whole (not one product's)."""
    return (s for s in _TABLE if s.product is None)


def product_settings(product: str) -> list[Setting]:
    """One product's key, user and URLs (and the region for Plutora), as in the table."""
    return [s for s in _TABLE if s.product == product]


def reference() -> str:
    """The settings reference in Markdown, as ``docs/settings.md`` holds it."""
    lines = [
        "# Settings",
        "",
        "Generated from the settings table (`PlutoraLibrary/core/settings.py`); a test keeps this",
        "page, the Robot library's import arguments and the pytest plugin's options in step",
        "with it. Every setting is an argument of `PlutoraConfig.from_env`, an import argument",
        "of the Robot library and an environment variable; every setting that is not a secret",
        "is also a pytest option and ini key. Secrets come from the environment, a `Secret` in",
        "Robot, or pytest's `--plutora-secrets-file` (owner-only `NAME=value` lines), never",
        "from a command line. Arguments win over the environment; in pytest the command line",
        "wins over the ini file, which wins over the environment.",
        "",
        "| setting | environment | pytest | default | values | what it does |",
        "|---|---|---|---|---|---|",
    ]
    for s in _TABLE:
        pytest_name = "— (secret)" if s.secret else f"`{s.option}`, `{s.ini}`"
        lines.append(
            f"| `{s.name}` | `{s.env}` | {pytest_name} | {s.default_shown()} | {_values(s)} "
            f"| {s.doc} |"
        )
    lines.append("")
    return "\n".join(lines)


def _values(s: Setting) -> str:
    if s.kind == "choice":
        return ", ".join(f"`{c}`" for c in s.choices)
    if s.kind in ("seconds", "count"):
        low = "more than 0" if s.above_zero else f"{plain(s.low)} or more"
        high = f", at most {plain(s.high)}" if s.high is not None else ""
        unit = " s" if s.kind == "seconds" else ""
        return f"{'seconds' if unit else 'a whole number'}: {low}{high}{unit}"
    return {
        "bool": "true / false",
        "tls": "true / false / a CA bundle's path",
        "url": "an http(s) URL",
        "store": "a redis:// or rediss:// URL",
        "folder": "a folder this user can write",
        "file": "a file this user can write",
        "secret": "text (secret)",
    }.get(s.kind, "text")

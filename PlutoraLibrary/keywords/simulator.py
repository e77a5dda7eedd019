"""The embedded simulator and its controls, for offline suites and resilience tests."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from robot.api import logger
from robot.api.deco import keyword
from robot.api.types import Secret

from ..core import Product
from ..core.refusals import forget_user_refusals
from ..core.shared_state import RedisRefusalStore, SharedState
from ..simulator import SimulatorConfig, SimulatorUrls, load_config
from ..simulator_target import accepting, config_for_simulator
from .context import PlutoraContext, reveal
from .scopes import InjectedFault, scope_owner
from .types import FaultKind, FaultStage, HttpMethod, Scope, member_of


def _number(value: Any) -> Any:
    """A Robot row's ``300`` or ``0.5`` as a number (the simulator refuses numbers as text);
    anything else as it is, for the simulator to judge."""
    if isinstance(value, str):
        for kind in (int, float):
            try:
                return kind(value)
            except ValueError:
                pass
    return value


def simulator_base_url(value: str) -> str:
    """``value`` without a trailing slash, once it is an http(s) URL with a host (and a valid
    port, no query); else ``ValueError`` naming the value and giving an example.

    Example: ``simulator_base_url("http://127.0.0.1:8080/")`` gives ``"http://127.0.0.1:8080"``.
    """
    text = str(value).strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        parts = urlsplit("")
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    problem = None
    if parts.scheme.lower() not in ("http", "https"):
        problem = "it is not an http:// or https:// URL"
    elif not parts.hostname:
        problem = "it names no host"
    elif not port_ok:
        problem = "its port is not a number from 1 to 65535"
    elif parts.username is not None or parts.password is not None:
        problem = "a simulator address takes no user name or password"
    elif parts.query or parts.fragment:
        problem = "a simulator address has no query or fragment"
    else:
        path = parts.path.rstrip("/")
        service = re.search(r"/(plutora-test|plutora|control)(/|$)", path, re.IGNORECASE)
        if service:
            base = urlunsplit((parts.scheme, parts.netloc, path[: service.start()], "", ""))
            problem = (
                f"it is one of the simulator's own URLs ({path[service.start() :]}), not its "
                f"base address: give {base!r}"
            )
    if problem is not None:
        # User info may hold a password: never shown.
        shown = parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()
        shown = shown if "@" in parts.netloc else text
        raise ValueError(
            f"Use Plutora Simulator needs the simulator's address, and {shown!r} cannot be "
            f"one: {problem}. Give the URL 'plutora sim' printed, e.g. http://127.0.0.1:8080."
        )
    return text.rstrip("/")


class SimulatorKeywords:
    """Keywords that start, point at and control the Plutora simulator."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["simulator"])
    def start_plutora_simulator(
        self,
        seed: int = 1,
        port: int = 0,
        config: str | None = None,
        seed_from: str | None = None,
    ) -> dict[str, str]:
        """Starts the embedded simulator in this process and points the library at it.
        Returns its URLs (``plutora_api_url``, ``control_url``, …).

        The simulator accepts the credentials the library was configured with (arguments or
        ``PLUTORA_…`` variables), as well as its demo credentials, which the library uses when
        it has none of its own.

        | ${urls} =    | Start Plutora Simulator |
        | Stop Plutora Simulator |
        | ${urls} =    | Start Plutora Simulator | seed=7 | config=${CURDIR}/sim.toml |
        | Stop Plutora Simulator |
        | ${urls} =    | Start Plutora Simulator | seed_from=${CURDIR}/site.ndjson |

        ``seed_from``: a recording of your site (``plutora record FILE``) whose lookup
        values, custom fields, display-name spelling and records the simulator takes.
        """
        if self.context.simulator is not None:
            raise RuntimeError(
                "A simulator is already running: call 'Stop Plutora Simulator' first."
            )
        from ..simulator import PlutoraSimulator  # the server (aiohttp) loads when first used

        settings = load_config(Path(config)) if config else SimulatorConfig()
        own = self.context.own_config
        if seed_from:
            settings = settings.with_changes(seed_from=seed_from)
        simulator = PlutoraSimulator(accepting(settings, own).with_changes(seed=seed), port=port)
        simulator.start()
        self.context.simulator = simulator
        self.context.use_simulator(
            simulator.urls.base, config_for_simulator(simulator.urls.base, own)
        )
        logger.info(f"Plutora simulator started at {simulator.urls.base}")
        return simulator.urls.as_dict()

    @keyword(tags=["simulator"])
    def use_plutora_simulator(self, base_url: str | None = None) -> dict[str, str]:
        """Points the library at a simulator already running at ``base_url`` (for example one
        started with ``plutora sim``); without ``base_url``, at the one the environment
        variable ``PLUTORA_SIMULATOR_URL`` names (a shared simulator of a pabot run or a CI
        job). The library's own credentials are used where it has them (start the simulator
        with a settings file that accepts them), else the demo credentials. Returns its URLs.

        Fails at once, naming the value, when ``base_url`` is not an ``http``/``https`` URL
        with a host, and, without ``base_url``, when ``PLUTORA_SIMULATOR_URL`` is not set.

        | Use Plutora Simulator | http://127.0.0.1:8080 |
        | Use Plutora Simulator | # the simulator at PLUTORA_SIMULATOR_URL |
        """
        if base_url is None:
            base_url = os.environ.get("PLUTORA_SIMULATOR_URL", "").strip()
            if not base_url:
                raise ValueError(
                    "Use Plutora Simulator needs the simulator's address: give it as the "
                    "argument (Use Plutora Simulator    http://127.0.0.1:8080) or set "
                    "PLUTORA_SIMULATOR_URL (for example to what `plutora sim` prints), or "
                    "use Start Plutora Simulator to start one in this process."
                )
        base_url = simulator_base_url(base_url)
        config = config_for_simulator(base_url, self.context.own_config)
        self.context.use_simulator(base_url, config)
        return SimulatorUrls.for_base(base_url).as_dict()

    @keyword(tags=["simulator"])
    def stop_plutora_simulator(self) -> None:
        """Stops the simulator started by `Start Plutora Simulator`; the library goes back to
        its own configuration.

        | Stop Plutora Simulator |
        """
        simulator, self.context.simulator = self.context.simulator, None
        self.context.forget_simulator()
        self.context.use(self.context.own_config)
        if simulator is not None:
            simulator.stop()

    @keyword(tags=["simulator"])
    def inject_fault(
        self,
        path: str,
        kind: FaultKind = FaultKind.STATUS,
        status: int = 503,
        count: int = 1,
        retry_after: int = 1,
        seconds: float = 0,
        method: HttpMethod | None = None,
        stage: FaultStage = FaultStage.BEFORE,
        body: str | None = None,
        user: str | None = None,
        scope: Scope = Scope.TEST,
    ) -> int:
        """Makes the next ``count`` requests whose path matches the regular expression
        ``path`` fail: ``kind`` is ``status`` (answer ``status``, ``body`` as the page),
        ``rate_limit`` (429 with ``retry_after``), ``delay`` (wait ``seconds``) or ``drop``
        (close the connection). ``stage=after`` lets the API process the request first.
        With ``user``, only that user's requests (its logins and calls) are hit, so tests
        running in parallel as other users are not disturbed. Returns the fault's id.

        The fault lasts until the end of ``scope`` (`Scope`): by default the test, or the
        suite when injected in a suite setup. What no request used by then is removed, and the
        log says so, so that it cannot hit what runs next.

        | Inject Fault | /releases$ | status=503 | count=2 |
        | Inject Fault | /me | kind=rate_limit | retry_after=1 |
        | Inject Fault | /releases$ | kind=drop | method=POST | stage=after |
        | Inject Fault | /me$ | status=403 | user=temp@example.com |
        | Inject Fault | /hosts$ | status=502 | count=3 | scope=Suite |
        """
        # Python callers may pass strings ("rate_limit", "post"): Robot converts only its own.
        kind = member_of(FaultKind, kind)
        stage = member_of(FaultStage, stage)
        method = member_of(HttpMethod, method) if method is not None else None
        fault = self.context.control().inject_fault(
            path,
            kind=kind.value,
            status=status,
            count=count,
            retryAfter=retry_after,
            seconds=seconds,
            method=method.value if method else None,
            stage=stage.value,
            body=body,
            user=user,
        )
        what = {
            FaultKind.STATUS: f"status {status}",
            FaultKind.RATE_LIMIT: f"429 with Retry-After {retry_after}",
            FaultKind.DELAY: f"{seconds} s delay",
            FaultKind.DROP: "dropped connection",
        }[kind]
        shown = f"{what} on {method.value if method else 'any method'} {path}"
        shown += f" ({stage.value}, count {count})"
        shown += f" for {user}" if user else ""
        fault_id = int(fault["id"])
        self.context.inject(InjectedFault(fault_id, scope_owner(scope), shown))
        return fault_id

    @keyword(tags=["simulator"])
    def expire_tokens(self, user: str | None = None) -> None:
        """Makes every token the simulator issued (to ``user`` only, if given) expire now;
        the next call logs in again.

        | Expire Tokens |
        | Expire Tokens | user=temp@example.com |
        """
        self.context.control().expire_tokens(user)

    @keyword(tags=["simulator"])
    def advance_simulator_clock(self, seconds: float) -> None:
        """Moves the simulator's clock forward: tokens expire, rate windows pass. At most ten
        years (315,360,000 seconds) per call and in total; `Reset Simulator` brings it back.

        | Advance Simulator Clock | 12001 |
        """
        self.context.control().advance_clock(seconds)

    @keyword(tags=["simulator"])
    def reset_simulator(self, tokens: bool = False) -> None:
        """Puts the simulator back to its seeded data, settings, locks, faults and counters
        (issued tokens stay valid unless ``tokens=True``).

        | Reset Simulator |
        """
        self.context.control().reset(tokens)

    @keyword(tags=["simulator"])
    def add_simulator_user(
        self, username: str, password: Secret | str, product: Product = Product.PLUTORA
    ) -> None:
        """Adds a (throw-away) user to the simulator, e.g. for lock-out tests.

        | Add Simulator User | temp@example.com | ${PASSWORD} |
        """
        self.context.control().add_user(username, reveal(password) or "", product.value)

    @keyword(tags=["simulator"])
    def unlock_simulator_user(self, username: str, product: Product | None = None) -> bool:
        """Unlocks a user locked by failed logins; returns whether it was locked.

        Only demo users and users added with `Add Simulator User` can be unlocked: the users
        of the simulator's own settings (among them the credentials `Start Plutora Simulator`
        accepts, which may be a real account) stay locked until the simulator restarts, so
        that nobody can guess their password without limit. Lock-out tests use a throw-away
        user.

        The library forgets its refusals of that user too (in this process and in the run's
        shared state: its folder, or its Redis with ``shared_state_url``), so that the next
        login is sent.

        | Unlock Simulator User | temp@example.com |
        """
        unlocked = self.context.control().unlock_user(username, product.value if product else None)
        config = self.context.run_config()
        shared = SharedState.for_config(config)  # the run's Redis, when shared_state_url is set
        for each in (product,) if product else tuple(Product):
            settings = config.product(each)
            client_id = settings.credentials.client_id if settings.credentials else ""
            store = RedisRefusalStore(shared, settings) if shared is not None else None
            forget_user_refusals(settings.token_url, client_id, username, config.state_dir, store)
        return unlocked

    @keyword(tags=["simulator"])
    def set_simulator_settings(
        self, *, scope: Scope = Scope.TEST, **settings: Any
    ) -> dict[str, Any]:
        """Changes the simulator's run-time settings: ``ipWhitelist`` (a list),
        ``rateLimit``, ``rateWindowSeconds``, ``tokenLifetimePlutora``,
        ``tokenLifetimePlutoraTest`` (numbers, written as they are in a Robot row),
        ``changeDisplayNames``. Returns them all (with no settings, changes nothing).

        The change lasts until the end of ``scope`` (`Scope`): by default the test, or the
        suite when made in a suite setup; then the settings changed are put back as they were,
        and the log says so.

        | ${blocked} =    | Create List | 10.0.0.0/8 |
        | Set Simulator Settings | ipWhitelist=${blocked} |
        | Set Simulator Settings | rateLimit=300 | rateWindowSeconds=60 | scope=Suite |
        """
        control = self.context.control()
        before = control.settings()
        after = control.settings(**{name: _number(value) for name, value in settings.items()})
        self.context.remember_settings(scope_owner(scope), before, settings)
        return after

    @keyword(tags=["simulator"])
    def get_simulator_counters(self) -> dict[str, Any]:
        """Returns the simulator's counters: ``tokenGrants`` per client id,
        ``tokenGrantsByUser`` (``product:user``), ``loginAttempts`` (``product:user``),
        ``rateLimited``, ``requests`` per route and status, ``faultsApplied``.

        | ${counters} =    | Get Simulator Counters |
        | Should Be Equal As Integers | ${counters}[faultsApplied] | 0 |
        """
        return self.context.control().counters()

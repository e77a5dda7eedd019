"""The embedded simulator and its controls, for offline suites and resilience tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword
from robot.api.types import Secret

from ..core import PlutoraConfig, Product
from ..simulator import (
    DEMO_API_KEYS,
    DEMO_USERS,
    ApiKey,
    PlutoraSimulator,
    SimulatorConfig,
    SimulatorUrls,
    UserAccount,
    load_config,
)
from ..simulator.config import Product as SimProduct
from .context import PlutoraContext, reveal

_SITE_VARIABLES = {
    f"{prefix}{name}"
    for prefix in ("PLUTORA_", "PLUTORA_TEST_")
    for name in ("CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD", "AUTH_URL", "API_URL")
} | {"PLUTORA_REGION"}


def simulator_config(
    base_url: str, arguments: dict[str, Any], own: PlutoraConfig | None = None
) -> PlutoraConfig:
    """A configuration for the simulator at ``base_url``: the library's own credentials where
    ``own`` has them (the simulator was started accepting them), else the demo credentials;
    the library's other options (timeouts, validation, …) are kept."""
    urls = SimulatorUrls.for_base(base_url)
    options = {
        key: value
        for key, value in arguments.items()
        if not key.startswith("test_")
        and key
        not in (
            "region",
            "client_id",
            "client_secret",
            "username",
            "password",
            "auth_url",
            "api_url",
        )
    }
    env = {key: value for key, value in os.environ.items() if key not in _SITE_VARIABLES}
    demo: dict[str, str] = {}
    for prefix, product in (("", "plutora"), ("test_", "plutora-test")):
        key = next(k for k in DEMO_API_KEYS if k.product == product)
        user = next(u for u in DEMO_USERS if u.product == product)
        mine = own.product(product).credentials if own is not None else None
        demo.update(
            {
                f"{prefix}client_id": mine.client_id if mine else key.client_id,
                f"{prefix}client_secret": mine.client_secret if mine else key.client_secret,
                f"{prefix}username": mine.username if mine else user.username,
                f"{prefix}password": mine.password if mine else user.password,
            }
        )
    return PlutoraConfig.from_env(
        env,
        auth_url=urls.plutora_token_url,
        api_url=urls.plutora_api_url,
        test_auth_url=urls.plutora_test_token_url,
        test_api_url=urls.plutora_test_api_url,
        **demo,
        **options,
    )


class SimulatorKeywords:
    """Keywords that start, point at and control the Plutora simulator."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["simulator"])
    def start_plutora_simulator(
        self, seed: int = 1, port: int = 0, config: str | None = None
    ) -> dict[str, str]:
        """Starts the embedded simulator in this process and points the library at it.
        Returns its URLs (``plutora_api_url``, ``control_url``, …).

        The simulator accepts the credentials the library was configured with (arguments or
        ``PLUTORA_…`` variables), as well as its demo credentials, which the library uses when
        it has none of its own.

        | ${urls} =    | Start Plutora Simulator |
        | ${urls} =    | Start Plutora Simulator | seed=7 | config=${CURDIR}/sim.toml |
        """
        if self.context.simulator is not None:
            raise RuntimeError(
                "A simulator is already running: call 'Stop Plutora Simulator' first."
            )
        settings = load_config(Path(config)) if config else SimulatorConfig()
        own = self.context.own_config
        keys, users = list(settings.api_keys), list(settings.users)
        for product in (Product.PLUTORA, Product.PLUTORA_TEST):
            mine = own.product(product).credentials
            if mine is not None:
                name: SimProduct = "plutora" if product is Product.PLUTORA else "plutora-test"
                keys.append(ApiKey(mine.client_id, mine.client_secret, name))
                users.append(UserAccount(mine.username, mine.password, name))
        unique_keys = tuple({key.client_id: key for key in keys}.values())
        settings = settings.with_changes(seed=seed, api_keys=unique_keys, users=tuple(users))
        simulator = PlutoraSimulator(settings, port=port).start()
        self.context.simulator = simulator
        base = simulator.urls.base
        self.context.use_simulator(base, simulator_config(base, self.context.arguments, own))
        logger.info(f"Plutora simulator started at {simulator.urls.base}")
        return simulator.urls.as_dict()

    @keyword(tags=["simulator"])
    def use_plutora_simulator(self, base_url: str) -> dict[str, str]:
        """Points the library at a simulator already running at ``base_url`` (for example one
        started with ``plutora sim``). The library's own credentials are used where it has
        them (start the simulator with a settings file that accepts them), else the demo
        credentials. Returns its URLs.

        | Use Plutora Simulator | http://127.0.0.1:8080 |
        """
        base_url = base_url.rstrip("/")
        config = simulator_config(base_url, self.context.arguments, self.context.own_config)
        self.context.use_simulator(base_url, config)
        return SimulatorUrls.for_base(base_url.rstrip("/")).as_dict()

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
        kind: str = "status",
        status: int = 503,
        count: int = 1,
        retry_after: int = 1,
        seconds: float = 0,
        method: str | None = None,
        stage: str = "before",
        body: str | None = None,
    ) -> None:
        """Makes the next ``count`` requests whose path matches the regular expression
        ``path`` fail: ``kind`` is ``status`` (answer ``status``, ``body`` as the page),
        ``rate_limit`` (429 with ``retry_after``), ``delay`` (wait ``seconds``) or ``drop``
        (close the connection). ``stage=after`` lets the API process the request first.

        | Inject Fault | /releases$ | status=503 | count=2 |
        | Inject Fault | /me | kind=rate_limit | retry_after=1 |
        | Inject Fault | /releases$ | kind=drop | method=POST | stage=after |
        """
        self.context.control().inject_fault(
            path,
            kind=kind,
            status=status,
            count=count,
            retryAfter=retry_after,
            seconds=seconds,
            method=method,
            stage=stage,
            body=body,
        )

    @keyword(tags=["simulator"])
    def expire_tokens(self) -> None:
        """Makes every token the simulator issued expire now (the next call logs in again).

        | Expire Tokens |
        """
        self.context.control().expire_tokens()

    @keyword(tags=["simulator"])
    def advance_simulator_clock(self, seconds: float) -> None:
        """Moves the simulator's clock forward: tokens expire, rate windows pass.

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

        | Unlock Simulator User | temp@example.com |
        """
        return self.context.control().unlock_user(username, product.value if product else None)

    @keyword(tags=["simulator"])
    def set_simulator_settings(self, **settings: Any) -> dict[str, Any]:
        """Changes the simulator's run-time settings: ``ipWhitelist`` (a list),
        ``rateLimit``, ``rateWindowSeconds``, ``tokenLifetimePlutora``,
        ``tokenLifetimePlutoraTest``, ``changeDisplayNames``. Returns them all.

        | ${blocked} =    | Create List | 10.0.0.0/8 |
        | Set Simulator Settings | ipWhitelist=${blocked} |
        """
        return self.context.control().settings(**settings)

    @keyword(tags=["simulator"])
    def get_simulator_counters(self) -> dict[str, Any]:
        """Returns the simulator's counters: ``tokenGrants`` per client id, ``loginAttempts``,
        ``rateLimited``, ``requests`` per route and status, ``faultsApplied``.

        | ${counters} =    | Get Simulator Counters |
        | Should Be Equal As Integers | ${counters}[tokenGrantsTotal] | 2 |
        """
        return self.context.control().counters()

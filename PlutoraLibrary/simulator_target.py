"""Pointing a client configuration at a simulator, for the adapters (keywords and plugin).

Neither the core nor the simulator knows the other; this module joins them.

Example::

    sim = PlutoraSimulator(accepting(SimulatorConfig(), config)).start()
    config = config_for_simulator(sim.urls.base, config)
"""

from __future__ import annotations

from dataclasses import replace

from .core.config import Credentials, PlutoraConfig, Product, ProductConfig
from .simulator import (
    DEMO_API_KEYS,
    DEMO_USERS,
    ApiKey,
    SimulatorConfig,
    SimulatorUrls,
    UserAccount,
)
from .simulator.config import Product as SimulatorProduct

_NAMES: dict[Product, SimulatorProduct] = {
    Product.PLUTORA: "plutora",
    Product.PLUTORA_TEST: "plutora-test",
}


def demo_credentials(product: Product) -> Credentials:
    """The simulator's fake demo credentials of ``product``."""
    name = _NAMES[product]
    key = next(k for k in DEMO_API_KEYS if k.product == name)
    user = next(u for u in DEMO_USERS if u.product == name)
    return Credentials(key.client_id, key.client_secret, user.username, user.password)


def config_for_simulator(base_url: str, own: PlutoraConfig) -> PlutoraConfig:
    """``own`` pointed at the simulator at ``base_url``: its credentials where it has them
    (a simulator started with :func:`accepting` takes them), else the demo ones; every other
    option (timeouts, validation, …) kept."""
    urls = SimulatorUrls.for_base(base_url.rstrip("/"))
    places = {
        Product.PLUTORA: (urls.plutora_token_url, urls.plutora_api_url),
        Product.PLUTORA_TEST: (urls.plutora_test_token_url, urls.plutora_test_api_url),
    }
    products = {
        product: ProductConfig(
            product,
            token_url,
            api_url,
            own.product(product).credentials or demo_credentials(product),
        )
        for product, (token_url, api_url) in places.items()
    }
    return replace(
        own, plutora=products[Product.PLUTORA], plutora_test=products[Product.PLUTORA_TEST]
    )


def accepting(settings: SimulatorConfig, own: PlutoraConfig) -> SimulatorConfig:
    """Simulator ``settings`` that also accept the credentials configured in ``own``."""
    keys = {key.client_id: key for key in settings.api_keys}
    users = list(settings.users)
    for product, name in _NAMES.items():
        mine = own.product(product).credentials
        if mine is not None:
            keys[mine.client_id] = ApiKey(mine.client_id, mine.client_secret, name)
            users.append(UserAccount(mine.username, mine.password, name))
    return settings.with_changes(api_keys=tuple(keys.values()), users=tuple(users))

"""A faithful local Plutora: both APIs and token servers on a loopback port.

It imports nothing from the client, so that it can judge it. Example::

    from PlutoraLibrary.simulator import PlutoraSimulator

    with PlutoraSimulator() as sim:
        print(sim.urls.plutora_token_url)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import (
    DEMO_API_KEYS,
    DEMO_USERS,
    ApiKey,
    SimulatorConfig,
    SimulatorConfigError,
    UserAccount,
    load_config,
)
from .urls import SimulatorUrls

if TYPE_CHECKING:
    from .server import PlutoraSimulator

__all__ = [
    "DEMO_API_KEYS",
    "DEMO_USERS",
    "ApiKey",
    "PlutoraSimulator",
    "SimulatorConfig",
    "SimulatorConfigError",
    "SimulatorUrls",
    "UserAccount",
    "load_config",
]


def __getattr__(name: str) -> Any:
    """The server loads on first use (aiohttp: ~0.1 s), so that the settings, the URLs and
    the control client come without it.

    Example: ``from PlutoraLibrary.simulator import PlutoraSimulator`` loads the server.
    """
    if name == "PlutoraSimulator":
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

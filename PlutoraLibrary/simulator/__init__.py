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

if TYPE_CHECKING:
    from .server import PlutoraSimulator, SimulatorUrls

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
    """The server and its URLs load on first use (aiohttp: ~0.1 s), so that the settings
    and the control client come without them.

    Example: ``from PlutoraLibrary.simulator import PlutoraSimulator`` loads the server.
    """
    if name in ("PlutoraSimulator", "SimulatorUrls"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""A faithful local Plutora: both APIs and token servers on a loopback port.

It imports nothing from the client, so that it can judge it. Example::

    from PlutoraLibrary.simulator import PlutoraSimulator

    with PlutoraSimulator() as sim:
        print(sim.urls.plutora_token_url)
"""

from .config import (
    DEMO_API_KEYS,
    DEMO_USERS,
    ApiKey,
    SimulatorConfig,
    SimulatorConfigError,
    UserAccount,
    load_config,
)
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

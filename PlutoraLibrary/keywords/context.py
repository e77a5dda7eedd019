"""What every keyword component shares: the configuration, one client per product (reused
across tests), the simulator the library started, and how values come in from Robot."""

from __future__ import annotations

from typing import Any

from robot.api.types import Secret

from ..core import PlutoraClient, PlutoraConfig, PlutoraTestClient, Product
from ..simulator import PlutoraSimulator
from ..simulator.control_client import SimulatorControl


def reveal(value: Secret | str | None) -> str | None:
    """The text of a ``Secret`` or a plain string (``None`` stays ``None``)."""
    if isinstance(value, Secret):
        return str(value.value)
    return value


class PlutoraContext:
    """The library's state: configuration, lazily created clients, the simulator."""

    def __init__(self, arguments: dict[str, Any]) -> None:
        self.arguments = {key: value for key, value in arguments.items() if value is not None}
        self.config = PlutoraConfig.from_env(**self.arguments)
        #: The configuration from the arguments and the environment (never the simulator's).
        self.own_config = self.config
        self._clients: dict[Product, Any] = {}
        self.simulator: PlutoraSimulator | None = None
        self._control: SimulatorControl | None = None

    def client(self, product: Product) -> Any:
        """The reused client of ``product`` (created on first use: importing does no I/O)."""
        found = self._clients.get(product)
        if found is None:
            kind = PlutoraClient if product is Product.PLUTORA else PlutoraTestClient
            found = self._clients[product] = kind(self.config)
        return found

    @property
    def plutora(self) -> PlutoraClient:
        return self.client(Product.PLUTORA)  # type: ignore[no-any-return]

    @property
    def plutora_test(self) -> PlutoraTestClient:
        return self.client(Product.PLUTORA_TEST)  # type: ignore[no-any-return]

    def use(self, config: PlutoraConfig) -> None:
        """Switch to another configuration; the old clients are closed."""
        self.close_clients()
        self.config = config

    def close_clients(self) -> None:
        """Close and forget every client (the next keyword creates fresh ones)."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def control(self) -> SimulatorControl:
        """The control API of the simulator in use, or an error saying how to get one."""
        if self._control is None:
            raise RuntimeError(
                "No simulator is in use: call 'Start Plutora Simulator' or "
                "'Use Plutora Simulator    <its address>' first."
            )
        return self._control

    def use_simulator(self, base_url: str, config: PlutoraConfig) -> None:
        """Point the clients and the controls at the simulator at ``base_url``."""
        self.use(config)
        if self._control is not None:
            self._control.close()
        self._control = SimulatorControl(base_url)

    def forget_simulator(self) -> None:
        """Stop using a simulator's controls."""
        if self._control is not None:
            self._control.close()
        self._control = None

"""What every keyword component shares: the configuration, one client per product (reused
across tests), the simulator the library started, and how values come in from Robot."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

from ..core import (
    ConfigurationError,
    PlutoraClient,
    PlutoraConfig,
    PlutoraTestClient,
    Product,
    ProductConfig,
)
from ..core.config import url_shows_password
from ..core.created import CreatedItems
from ..simulator.control_client import SimulatorControl, SimulatorControlError
from .scopes import (
    ChangedSettings,
    InjectedFault,
    Owner,
    ScopeStack,
    UserSwitch,
    scope_owner,
)

if TYPE_CHECKING:
    from ..simulator import PlutoraSimulator

__all__ = [
    "ChangedSettings",
    "InjectedFault",
    "PlutoraContext",
    "Undone",
    "UserSwitch",
    "scope_owner",
]


def run_state_folder() -> str | None:
    """Where the processes of this Robot run share refused logins and the login lock:
    ``.plutora-state`` in the run's output directory; under pabot, in the output directory
    pabot was given (each process's own is ``<outputdir>/pabot_results/<n>``, and pabot
    takes every folder in ``pabot_results`` for a process's). None outside a Robot run."""
    try:
        variables = BuiltIn()
        output = variables.get_variable_value("${OUTPUT DIR}")
        pabot = variables.get_variable_value("${PABOTQUEUEINDEX}") is not None
    except RobotNotRunningError:
        return None
    if not output:
        return None
    folder = Path(str(output))
    if pabot:
        results = next((p for p in folder.parents if p.name == "pabot_results"), folder)
        return str(results.parent / ".plutora-state")
    return str(folder / ".plutora-state")


def reveal(value: Secret | str | None) -> str | None:
    """The text of a ``Secret`` or a plain string (``None`` stays ``None``)."""
    if isinstance(value, Secret):
        return str(value.value)
    return value


class Undone(NamedTuple):
    """What the end of a scope undid on the simulator; ``unexpected``: worth a warning when it
    can only be reported after the scope's log closed (a fault no request used)."""

    message: str
    unexpected: bool


class PlutoraContext:
    """The library's state: configuration, lazily created clients, the simulator."""

    def __init__(self, arguments: dict[str, Any]) -> None:
        self.arguments = {key: value for key, value in arguments.items() if value is not None}
        #: An import argument refused because it shows a password: failing the import would
        #: make Robot print the arguments as given, so the library imports, says so once, and
        #: every call to the API raises this error.
        self.refused: ConfigurationError | None = None
        try:
            self.config = PlutoraConfig.from_env(**self.arguments)
        except ConfigurationError as error:
            showing = {key for key, value in self.arguments.items() if url_shows_password(value)}
            if not showing:
                raise
            self.refused = error
            for key in showing:
                del self.arguments[key]
            self.config = PlutoraConfig.from_env(**self.arguments)
        #: The configuration from the arguments and the environment (never the simulator's).
        self.own_config = self.config
        # One client per product and user: switching back to a user reuses its client and token.
        self._clients: dict[tuple[Any, ...], Any] = {}
        #: What each client created, kept when connections close (`Delete Created Items`),
        #: forgotten when the library is pointed at another site.
        self.created: dict[tuple[Any, ...], CreatedItems] = {}
        self.simulator: PlutoraSimulator | None = None
        self._control: SimulatorControl | None = None
        #: User switches, injected faults and changed settings, each until its scope ends.
        self.scopes = ScopeStack()

    def switched(self, product: Product) -> UserSwitch | None:
        """The user switched to for ``product``, if any."""
        active = self.scopes.user(product)
        return active if active is not None and active.username else None

    def client(self, product: Product) -> Any:
        """The reused client of ``product`` for the user in use (created on first use:
        importing does no I/O)."""
        if self.refused is not None:
            raise self.refused
        switch = self.switched(product)
        # Keyed by the password too: a user tried with a wrong one keeps its refusal apart.
        key: tuple[Any, ...] = (product,)
        if switch is not None and switch.username:
            key = (product, switch.username.lower(), switch.password)
        found = self._clients.get(key)
        if found is None:
            kind = PlutoraClient if product is Product.PLUTORA else PlutoraTestClient
            config = self.run_config()
            if switch is not None and product is Product.PLUTORA:
                config = replace(config, plutora=self.product_settings(product))
            elif switch is not None:
                config = replace(config, plutora_test=self.product_settings(product))
            found = self._clients[key] = kind(config)
            found.created = self.created.setdefault(key, found.created)
        return found

    def clients_with_created(self) -> list[tuple[Any, CreatedItems]]:
        """(client, its registry) for every registry that holds records, the client created
        again if its connections were closed. Example: ``context.clients_with_created()``."""
        found = []
        for key, created in self.created.items():
            if not len(created):
                continue
            client = self._clients.get(key)
            if client is None:
                product = key[0]
                kind = PlutoraClient if product is Product.PLUTORA else PlutoraTestClient
                config = self.run_config()
                if len(key) > 1:
                    settings = self.config.product(product)
                    credentials = settings.require_credentials()
                    user = replace(credentials, username=key[1], password=key[2])
                    settings = replace(settings, credentials=user)
                    if product is Product.PLUTORA:
                        config = replace(config, plutora=settings)
                    else:
                        config = replace(config, plutora_test=settings)
                client = self._clients[key] = kind(config)
                client.created = created
            found.append((client, created))
        return found

    def run_config(self) -> PlutoraConfig:
        """The configuration in use, sharing refused logins and the login lock with the
        run's other processes: through ``token_cache_dir`` or ``PLUTORA_STATE_DIR`` when set,
        else through :func:`run_state_folder`."""
        config = self.config
        if config.state_dir is None:
            folder = run_state_folder()
            if folder is not None:
                config = config.with_options(run_state_dir=folder)
        return config

    def product_settings(self, product: Product) -> ProductConfig:
        """``product``'s URLs and credentials, with the user switched to, if any."""
        settings = self.config.product(product)
        switch = self.switched(product)
        if switch is None or switch.username is None:
            return settings
        credentials = settings.require_credentials()
        # The login is the one place the password is used: a SecretText is a str, so the
        # credentials take it as it is and keep it hidden.
        return replace(
            settings,
            credentials=replace(credentials, username=switch.username, password=switch.password),
        )

    def switch_user(self, switch: UserSwitch) -> None:
        """Use another user (or, with no username, the configured one) for the switch's
        product until its owner ends.

        Example: ``context.switch_user(UserSwitch(Product.PLUTORA, "temp@example.com", pw, TEST))``
        """
        self.scopes.push(switch)

    def inject(self, fault: InjectedFault) -> None:
        """Remember a fault queued on the simulator in use, to remove it if no request used it
        by the end of its owner.

        Example: ``context.inject(InjectedFault(fault["id"], TEST, "503 on GET /me"))``
        """
        self.scopes.push(fault)

    def end_scope(self, owner: Owner) -> list[Undone]:
        """Undo what lasted until the end of ``owner`` (the test, a suite, the run):
        user switches, injected faults that no request used (else they would hit whatever runs
        next) and changed simulator settings (put back, the latest change first). Returns what
        was undone on the simulator.

        Example: ``context.end_scope(TEST)`` (the library's listener, when a test ends)
        """
        control = self._control
        undone = []
        try:
            for change in self.scopes.end(owner):
                if control is None:
                    continue
                if isinstance(change, InjectedFault) and control.remove_fault(change.fault_id):
                    undone.append(
                        Undone(
                            f"Removed an injected fault no request used, so that it cannot hit "
                            f"what runs next: {change.description}.",
                            True,
                        )
                    )
                elif isinstance(change, ChangedSettings):
                    control.settings(**change.previous)
                    shown = ", ".join(
                        f"{name}={value!r}" for name, value in change.previous.items()
                    )
                    undone.append(Undone(f"Put the simulator settings back: {shown}.", False))
        except SimulatorControlError as error:
            if error.status is not None:  # no answer: the simulator and its state are gone
                raise
        return undone

    def remember_settings(self, owner: Owner, before: dict[str, Any], changed: Any) -> None:
        """Keep the values ``before`` of the settings named in ``changed`` (any case), to put
        them back when ``owner`` ends.

        Example: ``context.remember_settings(TEST, control.settings(), ["rateLimit"])``
        """
        names = {str(name).lower() for name in changed}
        previous = {name: value for name, value in before.items() if name.lower() in names}
        if previous:
            self.scopes.push(ChangedSettings(owner, previous))

    @property
    def plutora(self) -> PlutoraClient:
        return self.client(Product.PLUTORA)  # type: ignore[no-any-return]

    @property
    def plutora_test(self) -> PlutoraTestClient:
        return self.client(Product.PLUTORA_TEST)  # type: ignore[no-any-return]

    def use(self, config: PlutoraConfig) -> None:
        """Switch to another configuration; the old clients are closed, users switched back."""
        self.close_clients()
        self.scopes.forget(UserSwitch)
        if config != self.config:
            self.created.clear()  # records of another site
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
        # Fault ids and settings belong to the simulator that gave them.
        self.scopes.forget(InjectedFault, ChangedSettings)

    def forget_simulator(self) -> None:
        """Stop using a simulator's controls."""
        if self._control is not None:
            self._control.close()
        self._control = None
        self.scopes.forget(InjectedFault, ChangedSettings)

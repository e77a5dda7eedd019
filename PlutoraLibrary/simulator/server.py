"""Run the simulator: in the background of a Python process, or in the foreground (CLI)."""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from .app import build_app
from .config import Product, SimulatorConfig, UserAccount
from .state import SimulatorState


@dataclass(frozen=True)
class SimulatorUrls:
    """Where a running simulator answers; give these to any Plutora client."""

    base: str
    plutora_token_url: str
    plutora_api_url: str
    plutora_test_token_url: str
    plutora_test_api_url: str
    swagger_url: str
    control_url: str

    @classmethod
    def for_base(cls, base: str) -> SimulatorUrls:
        return cls(
            base=base,
            plutora_token_url=f"{base}/plutora/oauth/token",
            plutora_api_url=f"{base}/plutora/api",
            plutora_test_token_url=f"{base}/plutora-test/oauth/token",
            plutora_test_api_url=f"{base}/plutora-test/api",
            swagger_url=f"{base}/swagger",
            control_url=f"{base}/_sim",
        )

    def as_dict(self) -> dict[str, str]:
        """The URLs by field name, e.g. for a JSON ready file."""
        return asdict(self)


class PlutoraSimulator:
    """A local Plutora (both APIs and token servers) on a real loopback port.

    Starts on a free port in a background thread and stops cleanly; also a context manager.
    Example::

        with PlutoraSimulator(SimulatorConfig(seed=7)) as sim:
            print(sim.urls.plutora_api_url)      # http://127.0.0.1:PORT/plutora/api
            sim.expire_tokens()
    """

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        allowed_hosts: tuple[str, ...] = (),
    ) -> None:
        self.config = config or SimulatorConfig()
        self.host = host
        self.requested_port = port
        #: Host names the control API and Swagger accept besides IP addresses, ``localhost``
        #: and ``host`` (e.g. a container's service name).
        self.allowed_hosts = tuple(allowed_hosts)
        #: The IP address actually listened on (``host`` resolved), once started.
        self.bound_address: str | None = None
        self.state = SimulatorState(self.config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None

    def __repr__(self) -> str:
        where = self.urls.base if self.port else "not started"
        return f"PlutoraSimulator({where})"

    @property
    def urls(self) -> SimulatorUrls:
        """The URLs of the running simulator (raises if it has not been started)."""
        if self.port is None:
            raise RuntimeError("The simulator is not running: call start() first.")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return SimulatorUrls.for_base(f"http://{host}:{self.port}")

    def start(self) -> PlutoraSimulator:
        """Listen and serve in a background thread; returns once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("The simulator is already running.")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            sock = socket.create_server(
                (self.host, self.requested_port), family=family, backlog=256
            )
        except OverflowError:  # a port outside 0-65535
            raise RuntimeError(
                f"The simulator cannot listen on port {self.requested_port}: a port is a number "
                "from 1 to 65535; choose one, or 0 to pick a free one."
            ) from None
        except OSError as error:
            raise RuntimeError(self._listen_problem(error)) from None
        self._socket = sock
        self.bound_address, self.port = sock.getsockname()[:2]
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._serve, args=(ready, failure), name="plutora-simulator", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            self.stop()
            raise RuntimeError(f"The simulator failed to start: {failure[0]}") from failure[0]
        return self

    def _listen_problem(self, error: OSError) -> str:
        where = f"{self.host}:{self.requested_port}"
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            advice = "Choose another --port (0 picks a free one)."
        elif error.errno == errno.EACCES:
            advice = "Ports below 1024 need privileges: choose another --port (0 picks a free one)."
        elif isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
            advice = "Give --host an address of this machine, e.g. 127.0.0.1."
        else:
            advice = "Check --host and --port."
        return f"The simulator cannot listen on {where}: {reason}. {advice}"

    def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = self._loop
        assert loop is not None
        assert self._socket is not None
        asyncio.set_event_loop(loop)
        try:
            app = build_app(
                self.state,
                client_max_size=self.config.max_body_bytes,
                host=self.host,
                allowed_hosts=self.allowed_hosts,
            )
            self._runner = web.AppRunner(
                app, access_log=None, handle_signals=False, shutdown_timeout=1.0
            )
            loop.run_until_complete(self._runner.setup())
            site = web.SockSite(self._runner, self._socket)
            loop.run_until_complete(site.start())
        except BaseException as error:  # reported to start()
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup())
        # Handlers still inside a delay fault (their client gave up) end here, quietly.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:  # bounded: a task that ignores cancelling must not hold the stop up
            loop.run_until_complete(asyncio.wait(pending, timeout=1.0))
        loop.close()

    def stop(self) -> None:
        """Stop serving and free the port. Safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
        elif self._socket is not None:
            self._socket.close()
        self._loop = self._thread = None
        self._runner = None
        self.port = None

    def __enter__(self) -> PlutoraSimulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- in-process controls (the same as the /_sim/ control API) ----------------------------

    def reset(self, tokens: bool = False) -> None:
        """Back to the seeded state. Example: ``sim.reset()``."""
        self.state.reset(tokens=tokens)

    def expire_tokens(self, user: str | None = None) -> int:
        """Every issued token (of ``user``) expires now. Example: ``sim.expire_tokens()``."""
        return self.state.expire_tokens(user)

    def advance_clock(self, seconds: float) -> None:
        """Move the clock forward. Example: ``sim.advance_clock(12000)``."""
        self.state.advance_clock(seconds)

    def add_user(self, username: str, password: str, product: Product = "plutora") -> None:
        """Add a user. Example: ``sim.add_user("temp@example.com", "pw", "plutora")``."""
        self.state.add_user(UserAccount(username, password, product))

    def unlock_user(self, username: str, product: Product | None = None) -> bool:
        """Unlock a user. Example: ``sim.unlock_user("qa.lead@example.com")``."""
        return self.state.unlock_user(username, product)

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        """Change run-time settings. Example: ``sim.update_settings(rateLimit=300)``."""
        return self.state.update_settings(changes)

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token issued so far, for secret scans.
        Example: ``assert not any(t in log_text for t in sim.issued_tokens())``."""
        with self.state.lock:
            return list(self.state.issued_tokens)

    def counters(self) -> dict[str, Any]:
        """The counters. Example: ``sim.counters()["tokenGrants"]``."""
        with self.state.lock:
            return self.state.counters.describe()

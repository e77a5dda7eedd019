"""Run the simulator: in the background of a Python process, or in the foreground (CLI).

Two layouts. ``one-port`` (the default) serves everything under one address
(``/plutora/oauth/token``, ``/plutora/api/…``, ``/plutora-test/…``, ``/swagger``, ``/_sim``).
``ports`` serves that too, and each token server and each API at the root of a port of its
own, as the real hosts do (``https://usoauth.plutora.com/oauth/token``,
``https://usapi.plutora.com/releases``), so that a real client needs nothing but its base
URLs changed. Either may be served over TLS with a certificate made on this machine
(:mod:`.tls`).

Example::

    with PlutoraSimulator(layout="ports", tls=True) as sim:
        sim.urls.plutora_api_url       # https://127.0.0.1:PORT2
        sim.urls.ca_file               # trust this (REQUESTS_CA_BUNDLE=…)
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from aiohttp import web
from yarl import URL

from .app import STATE_KEY, build_app
from .config import Product, SimulatorConfig, UserAccount
from .state import SimulatorState
from .tls import Certificate, certificate_for, default_folder
from .urls import SimulatorUrls

Layout = Literal["one-port", "ports"]
#: The layouts: everything under one port, or also each token server and API on its own.
LAYOUTS: tuple[Layout, ...] = ("one-port", "ports")
#: What the ``ports`` layout serves on its own ports, in order: (product, part).
PORT_PARTS: tuple[tuple[Product, str], ...] = (
    ("plutora", "oauth"),
    ("plutora", "api"),
    ("plutora-test", "oauth"),
    ("plutora-test", "api"),
)


def _as_seen_from(
    answer: web.StreamResponse, inner: web.Request, outer: web.Request, prefix: str
) -> web.StreamResponse:
    """An answer of the dispatcher to ``inner`` (the prefixed request) as the client of
    ``outer`` must see it: a ``Location`` and the request URI quoted in a 404 name the URL
    the client used, not the one-port path."""
    location = answer.headers.get("Location")
    if location:
        target = URL(location)
        if target.path.lower().startswith(prefix.lower()):
            rest = target.raw_path[len(prefix) :] or "/"
            answer.headers["Location"] = str(
                outer.url.with_path(rest, encoded=True).with_query(target.raw_query_string)
            )
    if isinstance(answer, web.Response) and answer.status in (404, 405):
        body = answer.body
        if isinstance(body, bytes) and str(inner.url).encode() in body:
            answer.body = body.replace(str(inner.url).encode(), str(outer.url).encode())
    return answer


class PlutoraSimulator:
    """A local Plutora (both APIs and token servers) on a real loopback port.

    Starts on a free port in a background thread and stops cleanly; also a context manager.
    ``layout="ports"`` also serves each token server and API at the root of its own port
    (``ports``: the four, in :data:`PORT_PARTS` order; by default ``port`` + 1 … + 4, or
    free ones when ``port`` is 0); ``tls=True`` serves every port over HTTPS with a
    certificate kept in ``tls_dir`` (see :mod:`.tls`). Example::

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
        layout: Layout = "one-port",
        ports: Sequence[int] | None = None,
        tls: bool = False,
        tls_dir: Path | str | None = None,
    ) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"Unknown layout {layout!r}; use one of: {', '.join(LAYOUTS)}.")
        if ports is not None and (layout != "ports" or len(ports) != len(PORT_PARTS)):
            raise ValueError(
                f"ports takes {len(PORT_PARTS)} ports (Plutora token server, Plutora API, "
                "Plutora Test token server, Plutora Test API), with layout='ports'."
            )
        self.config = config or SimulatorConfig()
        self.host = host
        self.requested_port = port
        self.layout: Layout = layout
        self.requested_ports = tuple(ports) if ports is not None else None
        self.tls = tls
        self.tls_dir = Path(tls_dir) if tls_dir is not None else default_folder()
        #: With ``tls``, the certificate served (made or reused at start).
        self.certificate: Certificate | None = None
        #: With the ``ports`` layout, the ports of :data:`PORT_PARTS`, once started.
        self.ports: tuple[int, ...] = ()
        #: Host names the control API and Swagger accept besides IP addresses, ``localhost``
        #: and ``host`` (e.g. a container's service name).
        self.allowed_hosts = tuple(allowed_hosts)
        #: The IP address actually listened on (``host`` resolved), once started.
        self.bound_address: str | None = None
        self.state = SimulatorState(self.config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runners: list[web.AppRunner] = []
        self._socket: socket.socket | None = None
        self._part_sockets: list[socket.socket] = []
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
        scheme = "https" if self.tls else "http"
        ca_file = str(self.certificate.ca_file) if self.certificate else None
        base = f"{scheme}://{host}:{self.port}"
        if self.layout == "ports":
            roots = [f"{scheme}://{host}:{port}" for port in self.ports]
            return SimulatorUrls.for_ports(base, roots, ca_file)
        return SimulatorUrls.for_base(base, ca_file)

    def _listen(self, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            return socket.create_server((self.host, port), family=family, backlog=256)
        except OverflowError:  # a port outside 0-65535
            raise RuntimeError(
                f"The simulator cannot listen on port {port}: a port is a number "
                "from 1 to 65535; choose one, or 0 to pick a free one."
            ) from None
        except OSError as error:
            raise RuntimeError(self._listen_problem(error, port)) from None

    def _part_ports(self) -> tuple[int, ...]:
        if self.requested_ports is not None:
            return self.requested_ports
        if self.requested_port == 0:
            return (0,) * len(PORT_PARTS)
        return tuple(self.requested_port + n for n in range(1, len(PORT_PARTS) + 1))

    def start(self) -> PlutoraSimulator:
        """Listen and serve in a background thread; returns once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("The simulator is already running.")
        if self.tls:
            self.certificate = certificate_for(self.tls_dir, [self.host])
        sock = self._listen(self.requested_port)
        if self.layout == "ports":
            try:
                for port in self._part_ports():
                    self._part_sockets.append(self._listen(port))
            except RuntimeError:
                for opened in (sock, *self._part_sockets):
                    opened.close()
                self._part_sockets = []
                raise
            self.ports = tuple(s.getsockname()[1] for s in self._part_sockets)
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

    def _listen_problem(self, error: OSError, port: int) -> str:
        where = f"{self.host}:{port}"
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
            context = self.certificate.server_context() if self.certificate else None
            served = [(app, self._socket)]
            for (product, part), sock in zip(PORT_PARTS, self._part_sockets):  # noqa: B905
                served.append((self._part_app(app, product, part), sock))
            for application, sock in served:
                runner = web.AppRunner(
                    application, access_log=None, handle_signals=False, shutdown_timeout=1.0
                )
                self._runners.append(runner)
                loop.run_until_complete(runner.setup())
                site = web.SockSite(runner, sock, ssl_context=context)
                loop.run_until_complete(site.start())
        except BaseException as error:  # reported to start()
            failure.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        for runner in reversed(self._runners):
            loop.run_until_complete(runner.cleanup())
        # Handlers still inside a delay fault (their client gave up) end here, quietly.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:  # bounded: a task that ignores cancelling must not hold the stop up
            loop.run_until_complete(asyncio.wait(pending, timeout=1.0))
        loop.close()

    def _part_app(self, main: web.Application, product: Product, part: str) -> web.Application:
        """The application of one port of the ``ports`` layout: every request goes to the
        simulator's own dispatcher with the product's prefix added (``/releases`` on the
        Plutora API's port is ``/plutora/api/releases``), so faults, counters, limits and
        answers are those of the one-port layout; Swagger pages redirect to the main port."""
        prefix = f"/{product}/{part}" if part == "api" else f"/{product}"
        application = web.Application(client_max_size=self.config.max_body_bytes)
        application[STATE_KEY] = self.state

        async def forward(request: web.Request) -> web.StreamResponse:
            path = request.rel_url.raw_path
            if part == "api" and path.lower().split("/")[1:2] == ["swagger"]:
                assert self.port is not None
                target = (
                    request.url.with_port(self.port)
                    .with_path(prefix + path, encoded=True)
                    .with_query(request.rel_url.raw_query_string)
                )
                raise web.HTTPFound(str(target))
            inner = URL.build(
                path=prefix + path, query_string=request.rel_url.raw_query_string, encoded=True
            )
            clone = request.clone(rel_url=inner)
            match = await main.router.resolve(clone)
            handler: Callable[[web.Request], Awaitable[web.StreamResponse]] = match.handler
            answer = await handler(clone)
            return _as_seen_from(answer, clone, request, prefix)

        application.router.add_route("*", r"/{tail:[\s\S]*}", forward)
        return application

    def stop(self) -> None:
        """Stop serving and free the ports. Safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
        else:
            for sock in (self._socket, *self._part_sockets):
                if sock is not None:
                    sock.close()
        self._loop = self._thread = None
        self._runners = []
        self._part_sockets = []
        self.port = None
        self.ports = ()

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

"""The ``plutora`` command.

- ``plutora sim``: run the local Plutora simulator until interrupted;
- ``plutora check``: log in, call ``/me``, fetch and validate a page of each entity, print a
  table, exit non-zero on any failure (a CI gate);
- ``plutora token``: print a fresh access token alone on stdout, for scripts.

Example::

    plutora sim --port 8080 --seed 7
    PLUTORA_REGION=uk PLUTORA_CLIENT_ID=… plutora check
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from .simulator import DEMO_API_KEYS, DEMO_USERS, PlutoraSimulator, SimulatorConfig
from .simulator.config import SimulatorConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plutora", description="QA automation tools for the Plutora and Plutora Test APIs."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sim = commands.add_parser(
        "sim",
        help="run the local Plutora simulator until interrupted",
        description="Run a local Plutora (both APIs and token servers) until Ctrl+C.",
    )
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument(
        "--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)"
    )
    sim.add_argument(
        "--seed", type=int, default=None, help="seed of the generated data (default 1)"
    )
    sim.add_argument("--config", type=Path, default=None, metavar="FILE", help="TOML settings file")
    sim.add_argument(
        "--ready-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the URLs as JSON to FILE once the simulator accepts requests",
    )
    check = commands.add_parser(
        "check",
        help="check the configured site(s): login, /me, a page of each entity, schemas",
        description="Log in with the environment's settings (PLUTORA_…), call /me, fetch a "
        "page of each entity, validate each answer, print a table; exit 1 on any failure.",
    )
    check.add_argument("--no-validate", action="store_true", help="skip schema validation")
    token = commands.add_parser(
        "token",
        help="print a fresh access token alone on stdout",
        description="Log in with the environment's settings and print the access token.",
    )
    token.add_argument(
        "--product",
        choices=["plutora", "plutora-test"],
        default="plutora",
        help="which product's token (default plutora)",
    )
    return parser


def run_check(args: argparse.Namespace) -> int:
    """``plutora check``: 0 when every check passed, 1 on a failure, 2 on bad settings."""
    from .core.check import run_checks, table
    from .core.config import PlutoraConfig
    from .core.errors import ConfigurationError

    try:
        config = PlutoraConfig.from_env(validate_responses=False if args.no_validate else None)
        results = run_checks(config)
    except ConfigurationError as error:
        print(f"plutora check: {error}", file=sys.stderr)
        return 2
    print(table(results), flush=True)
    return 0 if all(result.passed for result in results) else 1


def run_token(args: argparse.Namespace) -> int:
    """``plutora token``: the access token alone on stdout; errors on stderr."""
    from .core.auth import TokenProvider
    from .core.config import PlutoraConfig, Product
    from .core.errors import ConfigurationError, PlutoraError
    from .core.transport import new_session

    try:
        config = PlutoraConfig.from_env()
        product = Product(args.product)
        config.product(product).require_credentials()
        session = new_session(config)
        provider = TokenProvider(
            config.product(product), session, (config.connect_timeout, config.read_timeout)
        )
        token = provider.token()
    except ConfigurationError as error:
        print(f"plutora token: {error}", file=sys.stderr)
        return 2
    except PlutoraError as error:
        print(f"plutora token: {error}", file=sys.stderr)
        return 1
    print(token.value, flush=True)
    return 0


def _describe(sim: PlutoraSimulator) -> str:
    urls = sim.urls
    lines = [
        f"Plutora simulator ready on {urls.base} (seed {sim.config.seed})",
        f"  Plutora token URL:       {urls.plutora_token_url}",
        f"  Plutora API URL:         {urls.plutora_api_url}",
        f"  Plutora Test token URL:  {urls.plutora_test_token_url}",
        f"  Plutora Test API URL:    {urls.plutora_test_api_url}",
        f"  Swagger UI:              {urls.swagger_url}",
        f"  Control API:             {urls.control_url}",
        "Credentials:",
    ]
    for key in sim.config.api_keys:
        secret = key.client_secret if key in DEMO_API_KEYS else "(from your settings file)"
        lines.append(f"  {key.product:<13} client_id={key.client_id}  client_secret={secret}")
    for user in sim.config.users:
        password = user.password if user in DEMO_USERS else "(from your settings file)"
        lines.append(f"  {user.product:<13} username={user.username}  password={password}")
    lines.append("The demo credentials are fake: they open only this simulator. Ctrl+C stops it.")
    return "\n".join(lines)


def run_simulator(args: argparse.Namespace) -> int:
    """``plutora sim``: serve until SIGINT or SIGTERM."""
    try:
        config = load_config(args.config) if args.config else SimulatorConfig()
        if args.seed is not None:
            config = config.with_changes(seed=args.seed)
        sim = PlutoraSimulator(config, host=args.host, port=args.port).start()
    except (SimulatorConfigError, RuntimeError) as error:
        print(f"plutora sim: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        print(_describe(sim), flush=True)
        if args.ready_file:
            # Written aside and renamed, so a watcher never reads half a file.
            partial = args.ready_file.with_name(args.ready_file.name + ".partial")
            partial.write_text(json.dumps(sim.urls.as_dict(), indent=2), encoding="utf-8")
            partial.replace(args.ready_file)
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    print("Plutora simulator stopped.", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``plutora`` command. Example: ``main(["sim", "--port", "0"])``."""
    args = _parser().parse_args(argv)
    if args.command == "sim":
        return run_simulator(args)
    if args.command == "check":
        return run_check(args)
    return run_token(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``plutora`` command. ``plutora sim`` runs the local Plutora simulator.

Example::

    plutora sim --port 8080 --seed 7
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
    return parser


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
    return 2  # pragma: no cover - argparse rejects unknown commands first


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

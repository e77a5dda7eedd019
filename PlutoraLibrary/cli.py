"""The ``plutora`` command.

- ``plutora sim``: run the local Plutora simulator until interrupted;
- ``plutora check``: log in, call ``/me``, fetch and validate a page of each entity, print a
  table, exit non-zero on any failure (a CI gate);
- ``plutora token``: print a fresh access token alone on stdout, for scripts;
- ``plutora links output.xml``: which Plutora Test items a Robot run's tests covered (tags
  ``tms:TC-12``, ``issue:DEF-0042``, …) and which have failed tests, for a whole pabot run.
- ``plutora record FILE``: a read-only smoke run of the site, every exchange recorded;
- ``plutora drift FILE``: the recording's drift from the contract (``--against-simulator``:
  and from a simulator seeded from it).

Example::

    plutora sim --port 8080 --seed 7
    plutora sim --port 8080 --layout ports --tls    # token servers and APIs on 8081-8084
    PLUTORA_REGION=uk PLUTORA_CLIENT_ID=… plutora check
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from .simulator import DEMO_API_KEYS, DEMO_USERS, PlutoraSimulator, SimulatorConfig
from .simulator.config import SimulatorConfigError, load_config
from .simulator.server import LAYOUTS


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
        "--seed-from",
        type=Path,
        default=None,
        metavar="FILE",
        help="use a recording's vocabulary and records (plutora record FILE)",
    )
    sim.add_argument(
        "--ready-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the URLs as JSON to FILE once the simulator accepts requests",
    )
    sim.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name the control API and Swagger also answer (e.g. a container's "
        "service name); IP addresses and localhost always work. Repeatable.",
    )
    sim.add_argument(
        "--layout",
        choices=list(LAYOUTS),
        default="one-port",
        help="one-port (default): everything under --port; ports: also each token server and "
        "API at the root of its own port (--port + 1 to + 4), as the real hosts are",
    )
    sim.add_argument(
        "--ports",
        default=None,
        metavar="P1,P2,P3,P4",
        help="with --layout ports: the ports of the Plutora token server, Plutora API, "
        "Plutora Test token server and Plutora Test API (0 picks a free one)",
    )
    sim.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a certificate for 127.0.0.1, ::1, localhost and --host, made "
        "on this machine; prints how to trust it",
    )
    sim.add_argument(
        "--tls-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="with --tls: where the certificate is kept and reused "
        "(default ~/.cache/plutora/simulator-tls)",
    )
    check = commands.add_parser(
        "check",
        help="check the configured site(s): login, /me, a page of each entity, schemas",
        description="Log in with the environment's settings (PLUTORA_…), call /me, fetch a "
        "page of each entity, validate each answer, print a table; exit 1 on any failure.",
    )
    check.add_argument("--no-validate", action="store_true", help="skip schema validation")
    record = commands.add_parser(
        "record",
        help="record a read-only smoke run of the configured site(s) into FILE",
        description="Log in with the environment's settings (PLUTORA_…), call /me, read a "
        "page of each entity of both APIs, one record of each, every lookup's values, and "
        "append every exchange, masked, to FILE (NDJSON). Exit 0 when every read was "
        "answered, 1 when one failed (still recorded), 2 on bad settings or an unwritable FILE.",
    )
    record.add_argument("file", type=Path, metavar="FILE", help="the recording (appended to)")
    record.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace e-mail addresses by stable pseudonyms (user-1a2b3c4d@example.invalid)",
    )
    drift = commands.add_parser(
        "drift",
        help="check a recording against the contract: missing fields, type changes, …",
        description="Check every answer of a recording against the shipped contract and "
        "print a table per operation. Exit 0: no failing drift; 1: failing drift; 2: the "
        "file cannot be read or is no recording.",
    )
    drift.add_argument("file", type=Path, metavar="FILE", help="a recording (plutora record)")
    drift.add_argument(
        "--fail-on",
        default="default",
        metavar="KINDS",
        help="comma-separated kinds that fail: status, missing, type, new, enum, lookup, "
        "custom-field, operation; or all, none, default (status,missing,type)",
    )
    drift.add_argument(
        "--format", choices=["text", "json", "junit"], default="text", help="output format"
    )
    drift.add_argument(
        "--output", type=Path, default=None, metavar="OUT", help="write the report to OUT"
    )
    drift.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="FILE",
        help="compare lookup values and custom fields with another recording's (default: "
        "the simulator's default site)",
    )
    drift.add_argument(
        "--against-simulator",
        action="store_true",
        help="also replay the recorded GETs against a simulator seeded from FILE and report "
        "where its answers differ in shape",
    )
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
    links = commands.add_parser(
        "links",
        help="sum up which Plutora Test items a Robot run covered (from output.xml)",
        description="Read a Robot output.xml (a pabot run's merged one), print which Plutora "
        "Test items the tests' tags name (tms:TC-12, issue:DEF-0042, requirement:REQ-3, "
        "testplan:TP-3) and which of them have failed tests; with --allure-dir, also write "
        "the summary there as an Allure result. Links use PLUTORA_TEST_UI_URL.",
    )
    links.add_argument("output", help="the run's output.xml")
    links.add_argument(
        "--allure-dir", metavar="DIR", help="write the summary as an Allure result into DIR"
    )
    return parser


def run_links(args: argparse.Namespace) -> int:
    """``plutora links``: the summary line on stdout (the report with ``--allure-dir``); 2
    when the file cannot be read or the settings are wrong."""
    from .core.config import PlutoraConfig
    from .core.errors import ConfigurationError
    from .core.item_links import ItemLinks

    try:
        links = ItemLinks.from_config(PlutoraConfig.from_env())
    except (ConfigurationError, ValueError) as error:
        print(f"plutora links: {error}", file=sys.stderr)
        return 2
    from robot.errors import DataError  # type: ignore[import-untyped]

    from .keywords.links import coverage_from_output

    try:
        coverage = coverage_from_output(args.output)
    except DataError as error:
        print(f"plutora links: cannot read {args.output}: {error}", file=sys.stderr)
        return 2
    print(coverage.line(), flush=True)
    if args.allure_dir:
        from .allure_items import write_coverage

        if write_coverage(coverage, links, args.allure_dir):
            print(f"plutora links: the summary is an Allure result in {args.allure_dir}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``plutora check``: 0 when every check passed, 1 on a failure, 2 on bad settings."""
    from .core.check import not_checked, run_checks, table
    from .core.config import PlutoraConfig
    from .core.errors import ConfigurationError

    try:
        config = PlutoraConfig.from_env(validate_responses=False if args.no_validate else None)
        results = run_checks(config)
    except ConfigurationError as error:
        print(f"plutora check: {error}", file=sys.stderr)
        return 2
    print(table(results), flush=True)
    for line in not_checked(config):
        print(f"plutora check: {line}", file=sys.stderr)
    return 0 if all(result.passed for result in results) else 1


def run_record(args: argparse.Namespace) -> int:
    """``plutora record FILE``: 0 when every read was answered, 1 when one failed (recorded
    all the same), 2 on bad settings or a file that cannot be written."""
    from .core.check import not_checked, table
    from .core.config import PlutoraConfig
    from .core.errors import ConfigurationError
    from .core.recording import RecordingError
    from .core.site_recording import record_site

    try:
        config = PlutoraConfig.from_env()
        results, recorder = record_site(config, args.file, args.pseudonymise)
    except (ConfigurationError, RecordingError) as error:
        print(f"plutora record: {error}", file=sys.stderr)
        return 2
    print(table(results), flush=True)
    print(f"{recorder.written} exchange(s) recorded in {args.file}", flush=True)
    for line in not_checked(config):
        print(f"plutora record: {line.replace('was not checked', 'was not recorded')}",
              file=sys.stderr)  # fmt: skip
    return 0 if all(result.passed for result in results) else 1


def run_drift(args: argparse.Namespace) -> int:
    """``plutora drift FILE``: 0 no failing drift, 1 failing drift, 2 a bad file (2 wins)."""
    from .core.drift import Vocabulary, check_drift, fail_kinds
    from .core.recording import RecordingError

    try:
        kinds = fail_kinds(args.fail_on)
    except ValueError as error:
        print(f"plutora drift: {error}", file=sys.stderr)
        return 2
    try:
        baseline = Vocabulary.of_recording(args.baseline) if args.baseline else None
        report = check_drift(args.file, kinds, baseline)
        gap = None
        if args.against_simulator:
            from .fidelity import compare_with_simulator

            gap = compare_with_simulator(args.file)  # the gap is reported, never failing
    except RecordingError as error:
        print(f"plutora drift: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        data = report.as_json()
        if gap is not None:
            data["againstSimulator"] = gap.as_json()
        text = json.dumps(data, indent=2, ensure_ascii=False)
    elif args.format == "junit":
        text = report.junit() if gap is None else _joined_junit(report.junit(), gap.junit())
    else:
        text = report.table() + ("" if gap is None else "\n\n" + gap.table())
    if args.output:
        try:
            args.output.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            print(f"plutora drift: --output {args.output}: {error.strerror}", file=sys.stderr)
            return 2
    else:
        print(text, flush=True)
    failing = report.failing() or (gap is not None and gap.failing())
    return 1 if failing else 0


def _joined_junit(first: str, second: str) -> str:
    """Two one-suite JUnit documents as one ``testsuites`` document."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    suites = [text.removeprefix(head).strip() for text in (first, second)]
    return head + "<testsuites>\n" + "\n".join(suites) + "\n</testsuites>\n"


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
        provider = TokenProvider.for_config(config, config.product(product), session)
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
    how = f"seed {sim.config.seed}" + (", layout ports" if sim.layout == "ports" else "")
    if sim.config.seed_from:
        how += f", seeded from the recording {sim.config.seed_from}"
    lines = [
        f"Plutora simulator ready on {urls.base} ({how})",
        f"  Plutora token URL:       {urls.plutora_token_url}",
        f"  Plutora API URL:         {urls.plutora_api_url}",
        f"  Plutora Test token URL:  {urls.plutora_test_token_url}",
        f"  Plutora Test API URL:    {urls.plutora_test_api_url}",
        f"  Swagger UI:              {urls.swagger_url}",
        f"  Control API:             {urls.control_url}",
    ]
    certificate = sim.certificate
    if certificate is not None:
        made = "made" if certificate.created else "reused"
        lines.append(
            f"TLS: a certificate for {', '.join(certificate.names)} ({made}, kept in "
            f"{certificate.folder}). Trust its authority {certificate.ca_file}:"
        )
        lines += [f"  {hint}" for hint in certificate.trust_hints(f"{urls.plutora_api_url}/me")]
    lines.append("Credentials:")
    for key in sim.config.api_keys:
        secret = key.client_secret if key in DEMO_API_KEYS else "(from your settings file)"
        lines.append(f"  {key.product:<13} client_id={key.client_id}  client_secret={secret}")
    for user in sim.config.users:
        password = user.password if user in DEMO_USERS else "(from your settings file)"
        lines.append(f"  {user.product:<13} username={user.username}  password={password}")
    lines.append("The demo credentials are fake: they open only this simulator. Ctrl+C stops it.")
    return "\n".join(lines)


def _sim_input_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with ``plutora sim``'s options, in one line naming the option and the
    fix; None when nothing is. Example: ``--port 99999`` gives "--port 99999 is not a port…"."""
    if not 0 <= args.port <= 65535:
        return (
            f"--port {args.port} is not a port: give a number from 1 to 65535, "
            "or 0 to pick a free one."
        )
    if args.ports is not None:
        if args.layout != "ports":
            return "--ports needs --layout ports."
        ports = _ports(args.ports)
        if ports is None:
            return (
                f"--ports {args.ports} is not four ports: give P1,P2,P3,P4 (the Plutora token "
                "server, Plutora API, Plutora Test token server, Plutora Test API), each from "
                "1 to 65535 or 0 to pick a free one."
            )
    if args.tls_dir is not None and not args.tls:
        return "--tls-dir needs --tls."
    ready: Path | None = args.ready_file
    if ready is not None:
        folder = ready.parent
        if ready.is_dir():
            return (
                f"--ready-file {ready} is a folder: name a file in it, e.g. {ready / 'ready.json'}."
            )
        if not folder.is_dir():
            return (
                f"--ready-file {ready}: the folder {folder} does not exist; create it first "
                "or name a file in an existing folder."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            return (
                f"--ready-file {ready}: you may not write in the folder {folder}; "
                "name a file in a folder of yours."
            )
    return None


def _ports(text: str) -> tuple[int, ...] | None:
    """``P1,P2,P3,P4`` as four ports, or None. Example: ``_ports("1,2,3,4") == (1, 2, 3, 4)``."""
    try:
        ports = tuple(int(part) for part in text.split(","))
    except ValueError:
        return None
    if len(ports) != 4 or not all(0 <= port <= 65535 for port in ports):
        return None
    return ports


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _write_ready_file(path: Path, urls: dict[str, str]) -> None:
    # Written aside and renamed, so a watcher never reads half a file.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(urls, indent=2), encoding="utf-8")
    partial.replace(path)


def run_simulator(args: argparse.Namespace) -> int:
    """``plutora sim``: serve until SIGINT or SIGTERM; 2 (with one line on stderr) when an
    option cannot be used."""
    problem = _sim_input_problem(args)
    if problem is not None:
        print(f"plutora sim: {problem}", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config) if args.config else SimulatorConfig()
        if args.seed is not None:
            config = config.with_changes(seed=args.seed)
        if args.seed_from is not None:
            config = config.with_changes(seed_from=str(args.seed_from))
        sim = PlutoraSimulator(
            config,
            host=args.host,
            port=args.port,
            allowed_hosts=tuple(args.allow_host),
            layout=args.layout,
            ports=_ports(args.ports) if args.ports is not None else None,
            tls=args.tls,
            tls_dir=args.tls_dir,
        ).start()
    except SimulatorConfigError as error:
        where = f"--config {args.config}: " if args.config else ""
        print(f"plutora sim: {where}{error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"plutora sim: {error}", file=sys.stderr)
        return 2
    if not _is_loopback(sim.bound_address or ""):
        print(
            f"plutora sim: WARNING: --host {args.host} listens on {sim.bound_address}, which is "
            "not a loopback address: anyone who can reach this machine can use the control API "
            "(/_sim) to reset the data, change settings and read every issued token. Use "
            "--host 127.0.0.1 unless the network is yours alone.",
            file=sys.stderr,
            flush=True,
        )
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        print(_describe(sim), flush=True)
        if args.ready_file:
            try:
                _write_ready_file(args.ready_file, sim.urls.as_dict())
            except OSError as error:
                print(
                    f"plutora sim: --ready-file {args.ready_file}: cannot write it "
                    f"({error.strerror}); name a file in a folder you may write.",
                    file=sys.stderr,
                )
                return 2
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
    if args.command == "links":
        return run_links(args)
    if args.command == "record":
        return run_record(args)
    if args.command == "drift":
        return run_drift(args)
    return run_token(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

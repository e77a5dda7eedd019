"""pytest_plutora: authenticated Plutora clients as fixtures (``pytest11`` entry point).

Settings come from the command line, the ini file and the environment, in that order of
precedence (``--plutora-region`` over ``plutora_region`` over ``PLUTORA_REGION``). Secrets
come only from the environment or from a file you name (``--plutora-secrets-file``): command
lines show up in process lists and CI logs.

``--plutora-sim`` starts the bundled simulator for the run and points every fixture at it.
Under pytest-xdist the controller starts it once.

The run's processes (the controller and every xdist worker) share one token per product, the
client-side rate limit and the memory of refused logins through one owner-only folder:
``PLUTORA_TOKEN_CACHE_DIR`` when set, else a run folder that the controller names, the first
process that needs it creates, and the controller removes at the end.

Every pytest run in an environment that has this distribution installed loads this module, so
it costs nothing when unused: at import it reads only the settings table (for the options);
the client, the simulator and their dependencies load inside the fixtures and hooks that use
them, the simulator starts when a fixture first needs it (or, under xdist, when the controller
starts its workers), and the run folder is only named until a client needs it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from PlutoraLibrary.core.settings import SETTINGS  # the table alone: no client, no simulator

if TYPE_CHECKING:
    from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient, Product, Token
    from PlutoraLibrary.core.errors import ConfigurationError
    from PlutoraLibrary.core.validation import Schemas
    from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorUrls
    from PlutoraLibrary.simulator.control_client import SimulatorControl

#: The settings pytest takes as options and ini keys: every one of the table but the secrets,
#: which come from the environment or the secrets file only (a command line is seen by all).
_OPTIONS = [setting for setting in SETTINGS.values() if not setting.secret]
#: The names a secrets file may hold: the secret settings' environment variables.
_SECRET_NAMES = {setting.env: name for name, setting in SETTINGS.items() if setting.secret}
_SIM_URL = "plutora_sim_url"
_SHARED_DIR = "plutora_shared_dir"


def _flag_value(option: str) -> Callable[[str], str]:
    """The check of a true/false option's value on the command line."""
    import argparse

    words = {"1", "true", "yes", "on", "0", "false", "no", "off"}

    def value(text: str) -> str:
        if text.strip().lower() in words:
            return text
        raise argparse.ArgumentTypeError(
            f"{text!r} is not true or false. A test path right after {option} is taken as its "
            f"value: write {option}=true, or put {option} after the test paths."
        )

    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("plutora", "Plutora and Plutora Test APIs (pytest_plutora)")
    for setting in _OPTIONS:
        text = f"{setting.doc[:-1] if setting.doc.endswith('.') else setting.doc} ({setting.env})"
        # A true/false setting alone on the command line means true (--plutora-check-links);
        # argparse then takes a following test path as its value: refused loudly, not lost.
        flag: dict[str, Any] = {}
        if setting.kind == "bool":
            flag = {"nargs": "?", "const": "true", "type": _flag_value(setting.option)}
        group.addoption(
            setting.option, dest=setting.ini, default=None, metavar=setting.kind.upper(),
            help=f"{text}.", **flag,
        )  # fmt: skip
        parser.addini(setting.ini, f"{text}.", default=None)
    # Short forms of --plutora-validate-responses true / false.
    group.addoption(
        "--plutora-validate",
        dest="plutora_validate_responses",
        action="store_const",
        const="true",
        help="validate every answer against its JSON Schema (the default).",
    )
    group.addoption(
        "--plutora-no-validate",
        dest="plutora_validate_responses",
        action="store_const",
        const="false",
        help="do not validate answers against their JSON Schemas.",
    )
    group.addoption(
        "--plutora-secrets-file",
        dest="plutora_secrets_file",
        default=None,
        help="a file of PLUTORA_CLIENT_SECRET=…, PLUTORA_PASSWORD=… lines (owner-only).",
    )
    parser.addini(
        "plutora_secrets_file", "file holding the secrets (KEY=value lines).", default=None
    )
    group.addoption(
        "--plutora-sim",
        dest="plutora_sim",
        action="store_true",
        default=None,
        help="start the bundled Plutora simulator for the run and point every fixture at it.",
    )
    parser.addini(
        "plutora_sim", "start the bundled simulator for the run.", type="bool", default=None
    )
    group.addoption(
        "--plutora-required",
        dest="plutora_required",
        action="store_true",
        default=None,
        help="fail (not skip) the tests of a product that is not configured: a CI job that "
        "lost its secrets goes red.",
    )
    parser.addini(
        "plutora_required",
        "fail (not skip) the tests of a product that is not configured.",
        type="bool",
        default=None,
    )
    group.addoption(
        "--plutora-sim-seed-from",
        dest="plutora_sim_seed_from",
        default=None,
        metavar="FILE",
        help="with --plutora-sim: seed the simulator from a recording (plutora record FILE).",
    )
    parser.addini(
        "plutora_sim_seed_from", "with plutora_sim: a recording to seed from.", default=None
    )
    group.addoption(
        "--plutora-drift",
        dest="plutora_drift",
        default=None,
        metavar="FILE",
        help="after the run, check the recording FILE against the contract (plutora drift); "
        "failing drift fails the run (exit 1), a file that is no recording exits 4.",
    )
    group.addoption(
        "--plutora-drift-baseline",
        dest="plutora_drift_baseline",
        default=None,
        metavar="FILE",
        help="with --plutora-drift: the recording whose lookup values and custom fields count "
        "as known (default: the simulator's default site).",
    )
    group.addoption(
        "--plutora-drift-fail-on",
        dest="plutora_drift_fail_on",
        default="default",
        metavar="KINDS",
        help="the drift kinds that fail (as plutora drift --fail-on; default status,missing,type).",
    )


def _setting(config: pytest.Config, name: str) -> Any:
    """Command line, then ini; None leaves it to the environment."""
    value = config.getoption(f"plutora_{name}")
    if value is None:
        value = config.getini(f"plutora_{name}") or None
    return value


def _from_the_command_line(config: pytest.Config) -> dict[str, str]:
    """Where each setting given to pytest came from, as an error names it."""
    given: dict[str, str] = {}
    for setting in _OPTIONS:
        if config.getoption(setting.ini) is not None:
            given[setting.name] = setting.option
        elif config.getini(setting.ini):
            given[setting.name] = f"ini {setting.ini}"
    return given


def _read_secrets(path: str) -> dict[str, str]:
    """The ``NAME=value`` lines of a secrets file (read by python-dotenv: ``export``, quotes
    and comments as a shell takes them), as config arguments."""
    import stat

    from dotenv import dotenv_values

    from PlutoraLibrary.core.errors import ConfigurationError

    file = Path(path).expanduser()
    try:
        mode = file.stat().st_mode
        with file.open(encoding="utf-8") as stream:
            values = dotenv_values(stream=stream, interpolate=False)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise ConfigurationError(
            [f"Cannot read the secrets file {str(file)!r}: {reason}."]
        ) from None
    problems = []
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        problems.append(f"The secrets file {str(file)!r} is readable by others: chmod 600 it.")
    secrets: dict[str, str] = {}
    for key, value in values.items():
        if key not in _SECRET_NAMES or value is None:
            problems.append(
                f"{file.name}: {key!r} is not one of {', '.join(_SECRET_NAMES)} = value "
                "(other settings are options or environment variables, not secrets)."
            )
            continue
        secrets[_SECRET_NAMES[key]] = value
    if problems:
        raise ConfigurationError(problems)
    return secrets


def resolve_config(config: pytest.Config) -> PlutoraConfig:
    """The client configuration of this run, in this process (each xdist worker too); with
    ``--plutora-sim``, pointed at the run's simulator (started now if it is not yet).

    Example: ``resolve_config(pytestconfig).plutora.api_url``
    """
    resolved = _configured(config)
    sim_url = _simulator_url(config)
    if not sim_url:
        return resolved
    from PlutoraLibrary.simulator_target import config_for_simulator

    return config_for_simulator(sim_url, resolved)


def _configured(config: pytest.Config) -> PlutoraConfig:
    """The configuration from the command line, ini, secrets file and environment."""
    from PlutoraLibrary.core.config import PlutoraConfig
    from PlutoraLibrary.core.errors import ConfigurationError

    arguments: dict[str, Any] = {s.name: _setting(config, s.name) for s in _OPTIONS}
    secrets_file = _setting(config, "secrets_file")
    if secrets_file:
        arguments.update(_read_secrets(str(secrets_file)))
    if arguments["token_cache_dir"] is None and not os.environ.get("PLUTORA_TOKEN_CACHE_DIR"):
        arguments["token_cache_dir"] = _shared_folder(config)  # the user's own folder wins
    try:
        return PlutoraConfig.from_env(**arguments)
    except ConfigurationError as error:
        raise _naming_options(error, _from_the_command_line(config)) from None


def _naming_options(error: ConfigurationError, given: dict[str, str]) -> ConfigurationError:
    """The error with each problem naming the option or ini key the value came from."""
    from PlutoraLibrary.core.errors import ConfigurationError

    problems = []
    for problem in error.problems:
        for name, source in given.items():
            setting = SETTINGS[name]
            prefix = f"{name} ({setting.env})"
            if problem.startswith(prefix):
                problem = f"{name} ({source})" + problem[len(prefix) :]
                break
        problems.append(problem)
    return ConfigurationError(problems)


_sim_key: pytest.StashKey[PlutoraSimulator] = pytest.StashKey()
_sim_url_key = pytest.StashKey[str]()
_shared_key = pytest.StashKey[str]()


def _wants_simulator(config: pytest.Config) -> bool:
    option = config.getoption("plutora_sim")
    if option is not None:
        return bool(option)
    if config.getini("plutora_sim"):
        return True
    return os.environ.get("PLUTORA_SIM", "").strip().lower() in ("1", "true", "yes", "on")


def _worker_input(config: pytest.Config) -> dict[str, Any]:
    """What the xdist controller handed this worker (empty in the controller or alone)."""
    return getattr(config, "workerinput", {})


def _shared_folder(config: pytest.Config) -> str:
    """The run's shared folder: the controller's in a worker; else named on first need (not
    created: the first client that uses it creates it owner-only) and removed at the end."""
    handed = _worker_input(config).get(_SHARED_DIR)
    if handed:
        return str(handed)
    if _shared_key not in config.stash:
        import secrets
        import tempfile

        config.stash[_shared_key] = os.path.join(
            tempfile.gettempdir(), f"plutora-run-{os.getpid()}-{secrets.token_hex(8)}"
        )
    return config.stash[_shared_key]


def _simulator_url(config: pytest.Config) -> str | None:
    """The base URL of the run's simulator, starting it on first need; None without
    ``--plutora-sim`` (or when pytest only shows help or collects)."""
    if hasattr(config, "workerinput"):
        return _worker_input(config).get(_SIM_URL)  # the controller's, if it runs one
    if _sim_url_key in config.stash:
        return config.stash[_sim_url_key]
    if not _wants_simulator(config) or _plugin_not_used(config):
        return None
    from PlutoraLibrary.core.config import PlutoraConfig
    from PlutoraLibrary.core.errors import ConfigurationError
    from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig
    from PlutoraLibrary.simulator_target import accepting

    try:  # the simulator accepts the run's own credentials, if any, besides the demo ones
        own = _configured(config)
    except ConfigurationError:
        own = PlutoraConfig.from_env({})
    seed_from = config.getoption("plutora_sim_seed_from", None) or config.getini(
        "plutora_sim_seed_from"
    )
    settings = SimulatorConfig(seed_from=str(seed_from)) if seed_from else SimulatorConfig()
    simulator = PlutoraSimulator(accepting(settings, own)).start()
    config.stash[_sim_key] = simulator
    config.stash[_sim_url_key] = simulator.urls.base
    return simulator.urls.base


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "plutora_simulator: the test drives the simulator's controls (faults, clock, reset); "
        "skipped unless the run uses --plutora-sim.",
    )
    # Tests marked plutora(test_case=…, defect=…): Allure links, checks, the run's summary.
    from .links import ItemLinksPlugin

    config.pluginmanager.register(ItemLinksPlugin(), "plutora-item-links")


def _plugin_not_used(config: pytest.Config) -> bool:
    return bool(config.getoption("help", False)) or bool(config.getoption("collectonly", False))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand every worker the controller's simulator (started with the first worker,
    under ``--plutora-sim``) and the name of the run's shared folder (created by the first
    process that needs it)."""
    config = node.config
    node.workerinput[_SHARED_DIR] = _shared_folder(config)
    sim_url = _simulator_url(config)
    if sim_url:
        node.workerinput[_SIM_URL] = sim_url


def pytest_unconfigure(config: pytest.Config) -> None:
    simulator = config.stash.get(_sim_key, None)
    if simulator is not None:
        simulator.stop()
    shared = config.stash.get(_shared_key, None)
    if shared:
        import shutil

        shutil.rmtree(shared, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: Any, right: Any
) -> list[str] | None:
    """Keep secrets out of assertion diffs: pytest would diff two texts character by
    character, and the fields of two credentials one by one."""
    from PlutoraLibrary.core.secret import holds_secret  # small: the texts the run has seen

    try:
        secret = holds_secret(left) or holds_secret(right)
    except Exception:  # an odd object's attributes: leave the explanation to pytest
        return None
    if secret:
        return [
            f"{type(left).__name__} {op} {type(right).__name__} failed: the values are secrets "
            "(a client secret, password or token), so they are not shown."
        ]
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if hasattr(config, "workerinput"):
        running_sim = _SIM_URL in _worker_input(config)
    else:
        running_sim = _wants_simulator(config)
    if running_sim:
        return
    skip = pytest.mark.skip(reason="needs the Plutora simulator's controls: run with --plutora-sim")
    for item in items:
        if item.get_closest_marker("plutora_simulator"):
            item.add_marker(skip)


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def plutora_config(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> PlutoraConfig:
    """The run's resolved configuration (command line > ini > environment).

    Example::

        def test_region(plutora_config):
            assert plutora_config.plutora.api_url.startswith("https://")
    """
    from PlutoraLibrary.core.errors import ConfigurationError

    _record_calls_at_info(request)
    try:
        return resolve_config(pytestconfig)
    except ConfigurationError as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)


def _record_calls_at_info(request: pytest.FixtureRequest) -> None:
    """Every call (its attempts, waits, renewals) in pytest's captured log, shown with a
    failed test: the ``PlutoraLibrary.http`` logger at INFO, unless a level was set for it
    (``log_level``/``--log-level`` set the root's, which this logger then no longer follows:
    set ``PlutoraLibrary.http``'s own to change it)."""
    import logging

    calls = logging.getLogger("PlutoraLibrary.http")
    if calls.level == logging.NOTSET:
        calls.setLevel(logging.INFO)
        request.addfinalizer(lambda: calls.setLevel(logging.NOTSET))


def _required(config: pytest.Config) -> bool:
    """``--plutora-required``, the ini ``plutora_required`` or ``PLUTORA_REQUIRED``."""
    if config.getoption("plutora_required"):
        return True
    if config.getini("plutora_required"):
        return True
    return os.environ.get("PLUTORA_REQUIRED", "").strip().lower() in ("1", "true", "yes", "on")


def _skip_unless_configured(
    config: PlutoraConfig, product: Product, pytestconfig: pytest.Config
) -> None:
    """Skip (or, with ``--plutora-required``, fail) a test of a product not configured."""
    from PlutoraLibrary.core.errors import ConfigurationError

    try:
        config.product(product).require_credentials()
    except ConfigurationError as error:
        said = f"{product.label} is not configured ({'; '.join(error.problems)})"
        if _required(pytestconfig):
            pytest.fail(f"{said}; --plutora-required makes that a failure.", pytrace=False)
        pytest.skip(f"{said} - or run with --plutora-sim.")


@pytest.fixture(scope="session")
def plutora(plutora_config: PlutoraConfig, pytestconfig: pytest.Config) -> Iterator[PlutoraClient]:
    """An authenticated Plutora client for the session (skipped when not configured; a
    failure with ``--plutora-required``).

    Example::

        def test_drafts(plutora):
            assert plutora.releases(where("status").equals("Draft"))
    """
    from PlutoraLibrary.core.config import Product
    from PlutoraLibrary.core.plutora import PlutoraClient

    _skip_unless_configured(plutora_config, Product.PLUTORA, pytestconfig)
    with PlutoraClient(plutora_config) as client:
        yield client


@pytest.fixture(scope="session")
def plutora_test(
    plutora_config: PlutoraConfig, pytestconfig: pytest.Config
) -> Iterator[PlutoraTestClient]:
    """An authenticated Plutora Test client for the session (skipped when not configured; a
    failure with ``--plutora-required``).

    Example::

        def test_open_defects(plutora_test):
            assert plutora_test.search_defects([SearchFilter("Status", "Equals", "Open")]).items
    """
    from PlutoraLibrary.core.config import Product
    from PlutoraLibrary.core.test_management import PlutoraTestClient

    _skip_unless_configured(plutora_config, Product.PLUTORA_TEST, pytestconfig)
    with PlutoraTestClient(plutora_config) as client:
        yield client


class PlutoraCleanupWarning(UserWarning):
    """Some records a test created through the library could not be deleted."""


@pytest.fixture
def plutora_cleanup(plutora: PlutoraClient) -> Iterator[PlutoraClient]:
    """The Plutora client, cleaning up after the test (opt-in): what the test created through
    it (copies, records a POST of ``call`` created) is deleted when the test ends, newest
    first; what earlier tests created stays. What could not be deleted is reported as a
    :class:`PlutoraCleanupWarning` in the summary.

    Example::

        def test_copy(plutora_cleanup):
            copy = plutora_cleanup.copy_release(source_id, name="Copy", identifier="COPY-1")
            # deleted after the test
    """
    earlier = frozenset(plutora.created.newest_first())
    yield plutora
    import warnings

    from PlutoraLibrary.core.created import delete_created

    report = delete_created(plutora, keep=earlier)
    if report.failed:
        warnings.warn(PlutoraCleanupWarning(report.summary()), stacklevel=1)


@pytest.fixture
def plutora_token(plutora: PlutoraClient) -> Token:
    """A valid Plutora access token; its repr and str never show the value (``.value`` does).

    Example::

        def test_header(plutora_token):
            headers = {"Authorization": f"bearer {plutora_token.value}"}
    """
    return plutora.transport.tokens.token()


@dataclass
class SimulatorHandle:
    """The run's simulator: its URLs and its controls (faults, clock, users, reset, counters)."""

    urls: SimulatorUrls
    control: SimulatorControl

    def __repr__(self) -> str:
        return f"SimulatorHandle({self.urls.base})"


@pytest.fixture(scope="session")
def plutora_simulator(pytestconfig: pytest.Config) -> Iterator[SimulatorHandle]:
    """The simulator of a ``--plutora-sim`` run: URLs and controls (skipped otherwise).

    Example::

        @pytest.mark.plutora_simulator
        def test_retries(plutora, plutora_simulator):
            plutora_simulator.control.inject_fault("/releases$", status=503, count=2)
            assert plutora.releases()
    """
    base = _simulator_url(pytestconfig)
    if not base:
        pytest.skip("needs the Plutora simulator: run with --plutora-sim")
    from PlutoraLibrary.simulator import SimulatorUrls
    from PlutoraLibrary.simulator.control_client import SimulatorControl

    control = SimulatorControl(base)
    try:
        yield SimulatorHandle(SimulatorUrls.for_base(base), control)
    finally:
        control.close()


class InjectedFaults:
    """Faults for one test: queued through the simulator's controls, and what no request used
    is removed when the test ends, so that it cannot hit the next test. Faults of other tests
    and workers are left alone.

    Example::

        def test_retries(plutora, plutora_faults):
            plutora_faults.inject("/releases$", status=503, count=2)
            assert plutora.releases()
    """

    def __init__(self, control: SimulatorControl) -> None:
        self.control = control
        self.ids: list[int] = []

    def __repr__(self) -> str:
        return f"InjectedFaults({len(self.ids)} injected)"

    def inject(self, path: str, kind: str = "status", **details: Any) -> dict[str, Any]:
        """Queue a fault (``status``, ``rate_limit``, ``delay`` or ``drop``; details as in
        ``docs/simulator.md``: ``status``, ``count``, ``retryAfter``, ``seconds``, ``method``,
        ``stage``, ``body``, ``user``); returns it as the simulator shows it, with its ``id``.

        Example: ``plutora_faults.inject("/me", kind="rate_limit", retryAfter=1)``
        """
        fault = self.control.inject_fault(path, kind, **details)
        self.ids.append(int(fault["id"]))
        return fault

    def remove_unused(self) -> list[int]:
        """Remove the faults no request used; returns their ids.

        Example: ``assert plutora_faults.remove_unused() == []  # every fault was hit``
        """
        removed = [fault_id for fault_id in self.ids if self.control.remove_fault(fault_id)]
        self.ids.clear()
        return removed


@pytest.fixture
def plutora_faults(plutora_simulator: SimulatorHandle) -> Iterator[InjectedFaults]:
    """Faults for this test only (needs ``--plutora-sim``): ``inject(path, kind, **details)``;
    those no request used are removed when the test ends.

    Example::

        def test_rate_limited(plutora, plutora_faults):
            plutora_faults.inject("/me$", kind="rate_limit", retryAfter=1)
            assert plutora.current_user()  # waited once, then answered
    """
    faults = InjectedFaults(plutora_simulator.control)
    try:
        yield faults
    finally:
        faults.remove_unused()


class SchemaAssertions:
    """Schema checks that read well in pytest's assertion rewriting.

    Example::

        def test_release_shape(plutora, plutora_schema):
            release = plutora.release(some_id)
            assert plutora_schema.mismatches(release, "release") == []
    """

    def __init__(self, schemas: Schemas) -> None:
        self.schemas = schemas

    def mismatches(self, data: Any, schema: str, shape: str = "one") -> list[str]:
        """Every difference from a shipped schema, one line each (``[]`` when it matches)."""
        return self.schemas.mismatches(data, schema, shape)

    def file_mismatches(self, data: Any, path: str | Path) -> list[str]:
        """The first difference from your own schema file (``[]`` when it matches)."""
        from PlutoraLibrary.core import SchemaMismatch

        try:
            self.schemas.validate_file(data, path)
        except SchemaMismatch as error:
            return [f"{error.json_path}: expected {error.expected}, got {error.actual}"]
        return []


@pytest.fixture(scope="session")
def plutora_schema() -> SchemaAssertions:
    """Schema assertions with readable diffs.

    Example: ``assert plutora_schema.mismatches(defect, "defect") == []``
    """
    from PlutoraLibrary.core.validation import shared_schemas

    return SchemaAssertions(shared_schemas())


# -- Allure (kept last and self-contained: nothing is imported unless allure-pytest writes) --


def pytest_sessionstart(session: pytest.Session) -> None:
    """Every Plutora call as an Allure step, when allure-pytest writes results (``--alluredir``)."""
    config = session.config
    if not (
        config.pluginmanager.hasplugin("allure_pytest")
        and config.getoption("allure_report_dir", None)
    ):
        return
    from PlutoraLibrary.allure_report import ALLURE_OBSERVER
    from PlutoraLibrary.core.calls import OBSERVERS

    if ALLURE_OBSERVER not in OBSERVERS:
        OBSERVERS.add(ALLURE_OBSERVER)
        config.add_cleanup(lambda: OBSERVERS.remove(ALLURE_OBSERVER))


# -- schema mismatches, every one (kept last and self-contained) ------------------------------


@pytest.hookimpl(specname="pytest_assertrepr_compare")
def pytest_assertrepr_compare_of_schema_mismatches(
    config: pytest.Config, op: str, left: Any, right: Any
) -> list[str] | None:
    """``assert plutora_schema.mismatches(data, "release") == []`` fails with every mismatch
    (path, expected, got), not pytest's "Left contains 15 more items"."""
    if op != "==" or "PlutoraLibrary.core.validation" not in sys.modules:
        return None  # nothing made a Mismatches yet: an unrelated assertion, nothing imported
    from PlutoraLibrary.core.validation import Mismatches

    if isinstance(left, Mismatches) and right == []:
        return left.explain()
    if isinstance(right, Mismatches) and left == []:
        return right.explain()
    return None


# -- drift of a recording (kept last and self-contained) --------------------------------------

_drift_key = pytest.StashKey[str]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """``--plutora-drift FILE``: check the recording once the run is over (in the controller
    under xdist, after every worker wrote to it); failing drift fails the run."""
    config = session.config
    path = config.getoption("plutora_drift", None)
    if not path or hasattr(config, "workerinput"):
        return
    from PlutoraLibrary.core.drift import Vocabulary, check_drift, fail_kinds
    from PlutoraLibrary.core.recording import RecordingError

    try:
        baseline_path = config.getoption("plutora_drift_baseline", None)
        baseline = Vocabulary.of_recording(baseline_path) if baseline_path else None
        kinds = fail_kinds(config.getoption("plutora_drift_fail_on"))
        report = check_drift(path, kinds, baseline)
    except (RecordingError, ValueError) as error:
        config.stash[_drift_key] = f"--plutora-drift: {error}"
        session.exitstatus = pytest.ExitCode.USAGE_ERROR
        return
    config.stash[_drift_key] = report.table()
    if report.failing() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    text = config.stash.get(_drift_key, None)
    if text:
        terminalreporter.section("Plutora drift")
        terminalreporter.write_line(text)

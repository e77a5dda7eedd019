"""PlutoraLibrary: Robot Framework keywords for the Plutora and Plutora Test APIs."""

from __future__ import annotations

import inspect
from typing import Any

from robot.api import logger as robot_logger
from robot.api.deco import keyword
from robot.api.types import Secret
from robotlibcore import HybridCore

from . import __version__
from .core.config import SECRET_NAMES
from .core.settings import SETTINGS, Setting
from .keywords.api_calls import ApiCallKeywords
from .keywords.auth import AuthKeywords, reveal_secret
from .keywords.change_systems_comments_users import (
    ChangeSystemKeywords,
    CommentKeywords,
    UserKeywords,
)
from .keywords.change_writes import ChangeWriteKeywords
from .keywords.context import PlutoraContext, Undone
from .keywords.defects import DefectKeywords
from .keywords.deploys import DeployKeywords
from .keywords.environment_groups import EnvironmentGroupKeywords
from .keywords.environments import EnvironmentKeywords
from .keywords.links import RobotItemLinks
from .keywords.release_framework import ReleaseFrameworkKeywords
from .keywords.release_systems import ReleaseSystemKeywords
from .keywords.release_writes import ReleaseWriteKeywords
from .keywords.releases import ReleaseKeywords
from .keywords.robot_logging import follow_robot_log_level
from .keywords.schemas import SchemaKeywords
from .keywords.scopes import GLOBAL, TEST, suite_owner
from .keywords.simulator import SimulatorKeywords
from .keywords.stakeholders import StakeholderKeywords
from .keywords.systems import SystemKeywords
from .keywords.tebrs import TebrKeywords
from .keywords.tecrs import TecrKeywords
from .keywords.test_items import TestManagementKeywords

_IMPORT = "the PlutoraLibrary import"


def _import_type(setting: Setting) -> Any:
    """The type Robot converts an import argument to (``Secret | str`` for a secret)."""
    if setting.secret:
        return Secret | str | None
    return setting.value_type | None


#: The import arguments: one per setting of the table, in its order, all optional.
_IMPORT_TYPES: dict[str, Any] = {name: _import_type(s) for name, s in SETTINGS.items()}
_IMPORT_SIGNATURE = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [
        inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=kind
        )
        for name, kind in _IMPORT_TYPES.items()
    ]
)


def _settings_table() -> str:
    """The settings table in libdoc's Robot format (indented as the class docstring)."""
    rows = ["| =Argument= | =Environment variable= | =Default= | =What it does= |"]
    for setting in SETTINGS.values():
        doc = setting.doc.replace("|", "\\|")
        rows.append(
            f"| ``{setting.name}`` | ``{setting.env}`` | {setting.default_shown()} | {doc} |"
        )
    return "\n    ".join(rows)


def _report(undone: list[Undone], scope: str) -> None:
    """Say what the end of a test, suite or run undid on the simulator: in the test's log; for
    a suite or the run (its log closed by then), a fault no request used as a warning of the
    run."""
    for item in undone:
        message = f"End of the {scope}: {item.message}"
        if scope != "test" and item.unexpected:
            robot_logger.warn(message)
        else:
            robot_logger.info(message)


class PlutoraLibrary(HybridCore):  # type: ignore[misc]
    """Keywords for the Plutora (release management) and Plutora Test (test management) APIs.

    = Settings =

    With no arguments the library reads the environment: ``PLUTORA_REGION`` (us, uk, au, eu)
    or ``PLUTORA_AUTH_URL`` and ``PLUTORA_API_URL``, ``PLUTORA_CLIENT_ID``,
    ``PLUTORA_CLIENT_SECRET``, ``PLUTORA_USERNAME``, ``PLUTORA_PASSWORD``, the same with
    ``PLUTORA_TEST_`` for Plutora Test, and options such as ``PLUTORA_READ_TIMEOUT``.
    Import arguments override them; every setting is one (the settings table below). Give
    secrets as ``Secret`` values so that they never show in the log:

    | ``*** Variables ***``
    | ${CLIENT_SECRET: Secret}    %{PLUTORA_CLIENT_SECRET}
    |
    | ``*** Settings ***``
    | Library    PlutoraLibrary    region=uk    client_secret=${CLIENT_SECRET}    read_timeout=60

    Importing does no network I/O: the first keyword that needs a token logs in. One client
    per product is reused by every test (library scope GLOBAL); `Close Plutora Connections`
    closes them.

    SETTINGS_TABLE

    = Offline =

    `Start Plutora Simulator` runs a local Plutora in the test process and points the library
    at it; `Use Plutora Simulator` points it at one started with ``plutora sim``. Simulator
    keywords (`Inject Fault`, `Expire Tokens`, …) drive resilience tests.

    = Errors =

    Failures are the library's typed errors, named in the message so that negative tests can
    match them: ``Run Keyword And Expect Error    NotFound: *    Get Release    ${id}``.
    ``InvalidClient``, ``LoginRejected`` (``AccountInactive`` for an Inactive user) and
    ``AccountLocked`` come from the token server
    (never retried); ``AccessDenied``, ``TokenRejected``, ``NotFound``, ``ValidationFailed``,
    ``BusinessRuleViolation``, ``UnsupportedMediaType``, ``RateLimited``, ``ServerError``,
    ``UnexpectedResponse`` from the API; ``OutcomeUnknown`` when an answer was lost.
    `Call Plutora API` adds ``UnexpectedStatus``; ``ReadOnlyRefused`` is a write refused before
    sending in a read-only run (``read_only=true``); ``NameNotFound`` and ``NameAmbiguous``
    come from `Get Id By Name`, ``CustomFieldRefused`` from the custom field keywords.

    = Safety on a real site =

    With ``read_only=true`` (``PLUTORA_READ_ONLY=1``) only GETs and searches are sent: any
    other call fails with ``ReadOnlyRefused`` before it is sent. What a suite creates through
    the library is remembered; `Delete Created Items` in a suite teardown removes it.

    = Logging =

    Every API call is logged at INFO as a short summary (method, path, status, time) with the
    masked request and response bodies cut to ``log_body_limit`` characters (whole at DEBUG),
    and, with the ``allure_robotframework`` listener, as an Allure step with attachments.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_VERSION = __version__
    ROBOT_LIBRARY_DOC_FORMAT = "ROBOT"
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, *args: Any, **settings: Any) -> None:
        """Reads the environment, then applies the arguments given: every setting of the
        settings table (`Settings`), e.g. ``region=uk``, ``read_timeout=60``, ``retries=0``,
        ``client_secret=${CLIENT_SECRET}`` (a ``Secret``)."""
        bound = _IMPORT_SIGNATURE.bind(self, *args, **settings)
        arguments: dict[str, Any] = {
            name: reveal_secret(value, name, _IMPORT) if name in SECRET_NAMES else value
            for name, value in bound.arguments.items()
            if name != "self"
        }
        self.context = PlutoraContext(arguments)
        if self.context.refused is not None:  # said here, raised by every call to the API
            robot_logger.error(str(self.context.refused))
        self.ROBOT_LIBRARY_LISTENER = self
        self.item_links = RobotItemLinks(self.context)
        follow_robot_log_level()
        super().__init__(
            [
                AuthKeywords(self.context),
                DefectKeywords(self.context),
                ReleaseKeywords(self.context),
                EnvironmentKeywords(self.context),
                SchemaKeywords(self.context),
                SimulatorKeywords(self.context),
                TestManagementKeywords(self.context),
                ApiCallKeywords(self.context),
                DeployKeywords(self.context),
                ReleaseSystemKeywords(self.context),
                TecrKeywords(self.context),
                ChangeWriteKeywords(self.context),
                EnvironmentGroupKeywords(self.context),
                TebrKeywords(self.context),
                SystemKeywords(self.context),
                StakeholderKeywords(self.context),
                ReleaseWriteKeywords(self.context),
                ReleaseFrameworkKeywords(self.context),
                ChangeSystemKeywords(self.context),
                CommentKeywords(self.context),
                UserKeywords(self.context),
                self,
            ]
        )

    __doc__ = (__doc__ or "").replace("SETTINGS_TABLE", _settings_table())

    # The import arguments are the settings table's: libdoc lists them all, and Robot
    # converts each to its type (a test keeps the two in step).
    __init__.__signature__ = _IMPORT_SIGNATURE  # type: ignore[attr-defined]
    __init__.robot_types = _IMPORT_TYPES  # type: ignore[attr-defined]

    def _start_test(self, data: Any, result: Any) -> None:
        # Follow `Set Log Level` between tests: the core builds masked records only when read.
        follow_robot_log_level()
        # Tags such as tms:TC-12 become Allure links to the item (and are checked when asked).
        self.item_links.start_test(data, result)

    def _end_test(self, data: Any, result: Any) -> None:
        # `Use Plutora User`, `Inject Fault` and `Set Simulator Settings` last until its end.
        _report(self.context.end_scope(TEST), "test")
        self.item_links.end_test(data, result)

    def _end_suite(self, data: Any, result: Any) -> None:
        _report(self.context.end_scope(suite_owner(str(data.full_name))), "suite")

    def _close(self) -> None:
        # Robot calls it when the library goes out of scope: for this GLOBAL library, at the
        # end of the run (of this process, under pabot). `scope=Global` changes end here.
        _report(self.context.end_scope(GLOBAL), "run")
        self.item_links.close()

    @keyword(tags=["connections"])
    def close_plutora_connections(self) -> None:
        """Closes every connection and forgets the clients and their tokens; the next keyword
        starts afresh. Also stops a simulator started by `Start Plutora Simulator`.

        | Suite Teardown | Close Plutora Connections |
        """
        self.context.close_clients()
        simulator, self.context.simulator = self.context.simulator, None
        if simulator is not None:
            self.context.forget_simulator()
            simulator.stop()

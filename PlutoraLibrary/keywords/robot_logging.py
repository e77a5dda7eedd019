"""The library's log records and call records, straight into Robot Framework's log.

Robot's own bridge from ``logging`` costs about 60 µs a record, so the library gives the
``PlutoraLibrary`` logger a handler of its own, at the run's log level, that writes through
``robot.api.logger``. Calls come as records (:mod:`PlutoraLibrary.core.calls`) to
:class:`RobotLogObserver`, which takes the place of the core's logging observer while the
library is loaded: one INFO message per call, with every attempt, wait, renewal and login,
and the masked bodies (JSON pretty-printed) in expandable sections.
"""

from __future__ import annotations

import html
import logging

from robot.api import logger as robot_logger
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

from ..allure_report import ALLURE_OBSERVER
from ..core.calls import (
    LOGGING_OBSERVER,
    OBSERVERS,
    CallObserver,
    CallRecord,
    Detail,
    pretty_json,
    shown,
)

_LEVELS = {"TRACE": logging.DEBUG, "DEBUG": logging.DEBUG, "INFO": logging.INFO}
_LIBRARY_LOGGER = logging.getLogger("PlutoraLibrary")


class RobotLogHandler(logging.Handler):
    """Writes records to the Robot log at the matching level (WARNING and above as WARN)."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno < logging.INFO:
            robot_logger.debug(message)
        elif record.levelno < logging.WARNING or record.name == "PlutoraLibrary.http":
            robot_logger.info(message)  # an error status is the test's business, not a warning
        else:
            robot_logger.warn(message)


class RobotLogObserver(CallObserver):
    """Each call as one message of Robot's log: the summary (every attempt with its status and
    time), the waits (``waited 2 s (Retry-After: 2)``), renewals and logins, the outcome when
    not a success, and the masked bodies in expandable sections, JSON pretty-printed; at
    DEBUG a second message with the whole bodies when the first had to cut them.

    Example (what :func:`follow_robot_log_level` does): ``OBSERVERS.add(ROBOT_LOG_OBSERVER)``
    """

    def wants(self) -> Detail:
        if _LIBRARY_LOGGER.isEnabledFor(logging.DEBUG):
            return Detail.WHOLE
        return Detail.CUT if _LIBRARY_LOGGER.isEnabledFor(logging.INFO) else Detail.NONE

    def finished(self, call: CallRecord) -> None:
        if not _LIBRARY_LOGGER.isEnabledFor(call.level):
            return
        limit = call.body_limit
        robot_logger.info(message_html(call, limit), html=True)
        if call.detail >= Detail.WHOLE and _LIBRARY_LOGGER.isEnabledFor(logging.DEBUG):
            last = call.attempts[-1] if call.attempts else None
            longest = max(len(call.request_body), len(last.response_body) if last else 0)
            if longest > limit:
                robot_logger.debug(message_html(call, 10**9), html=True)


def message_html(call: CallRecord, limit: int) -> str:
    """A call as Robot's log shows it (HTML): its lines, then the request and the last
    answer's body, each in a ``<details>`` section, cut to ``limit`` characters.

    Example: ``message_html(call, 1000)`` → ``'GET /plutora/api/me → 200 (9 ms)<details>…'``
    """
    text = html.escape("\n".join(call.lines()), quote=False)
    if call.request_body:
        text += _section("request", call.request_body, call.request_size, limit)
    attempts = call.attempts
    if attempts and attempts[-1].response_body:
        last = attempts[-1]
        title = f"response {last.status}"
        text += _section(title, last.response_body, last.response_size, limit)
    return text


def _section(title: str, body: str, size: int | None, limit: int) -> str:
    cut = size is not None or len(body) > limit
    content = (None if cut else pretty_json(body, size)) or shown(body, size, limit)
    return (
        f"<details><summary>{html.escape(title)}</summary>"
        f"<pre>{html.escape(content, quote=False)}</pre></details>"
    )


#: The library's observer of calls (added while the library is loaded).
ROBOT_LOG_OBSERVER = RobotLogObserver()
_HANDLER = RobotLogHandler()


def follow_robot_log_level() -> None:
    """Give the ``PlutoraLibrary`` logger the handler and the run's current log level, have
    calls logged by :data:`ROBOT_LOG_OBSERVER` instead of the core's logging observer (which
    would log them a second time through the handler), and add the Allure observer.

    Outside a Robot run (libdoc, the library used from Python or a pytest test) it changes
    nothing: the core's logging stays as the program set it up.

    Example: ``follow_robot_log_level()`` when the library is created and at each test start.
    """
    try:
        name = str(BuiltIn().get_variable_value("${LOG_LEVEL}", "INFO")).upper()
    except RobotNotRunningError:
        return
    if _HANDLER not in _LIBRARY_LOGGER.handlers:
        _LIBRARY_LOGGER.addHandler(_HANDLER)
        _LIBRARY_LOGGER.propagate = False
    if ROBOT_LOG_OBSERVER not in OBSERVERS:
        OBSERVERS.remove(LOGGING_OBSERVER)
        OBSERVERS.add(ROBOT_LOG_OBSERVER)
        OBSERVERS.add(ALLURE_OBSERVER)  # steps only while an Allure listener is active
    _LIBRARY_LOGGER.setLevel(_LEVELS.get(name, logging.WARNING))

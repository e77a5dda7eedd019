"""Routes the core's log records straight into Robot Framework's log.

Robot's own bridge from ``logging`` costs about 60 µs a record, and the core builds masked
records whenever its logger is enabled; so the library gives the ``PlutoraLibrary`` logger a
handler of its own, at the run's log level, that writes through ``robot.api.logger``, and has
the core hand each HTTP exchange straight to Robot's log (no ``logging`` record at all).
"""

from __future__ import annotations

import logging

from robot.api import logger as robot_logger
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

from ..core.reporting import Exchange, route_exchanges

_LEVELS = {"TRACE": logging.DEBUG, "DEBUG": logging.DEBUG, "INFO": logging.INFO}


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


_HANDLER = RobotLogHandler()


def _write_exchange(level: int, message: str, exchange: Exchange) -> None:
    """An HTTP exchange into Robot's log: INFO (an error status is the test's business, not a
    warning), DEBUG for the whole bodies."""
    if level < logging.INFO:
        robot_logger.debug(message)
    else:
        robot_logger.info(message)


def follow_robot_log_level() -> None:
    """Give the ``PlutoraLibrary`` logger the handler and the run's current log level."""
    library_logger = logging.getLogger("PlutoraLibrary")
    if _HANDLER not in library_logger.handlers:
        library_logger.addHandler(_HANDLER)
        library_logger.propagate = False
        route_exchanges(_write_exchange)
    try:
        name = str(BuiltIn().get_variable_value("${LOG_LEVEL}", "INFO")).upper()
    except RobotNotRunningError:  # libdoc, or imported outside a run
        name = "INFO"
    library_logger.setLevel(_LEVELS.get(name, logging.WARNING))

"""robotframework-plutora: QA automation for the Plutora and Plutora Test APIs.

``Library    PlutoraLibrary`` in Robot Framework imports the keyword library class from
:mod:`PlutoraLibrary.library`. It is loaded lazily, so that the core client
(:mod:`PlutoraLibrary.core`) and the simulator (:mod:`PlutoraLibrary.simulator`) can be used
without importing Robot Framework at all.
"""

import logging
from typing import Any

__version__ = "0.2.0"

# Quiet by default: a script that configures no logging gets nothing on stderr from the
# library (Python's last-resort handler would print every warning); an application's own
# logging configuration decides what shows.
logging.getLogger("PlutoraLibrary").addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    if name == "PlutoraLibrary":
        from .library import PlutoraLibrary

        return PlutoraLibrary
    raise AttributeError(f"module 'PlutoraLibrary' has no attribute {name!r}")

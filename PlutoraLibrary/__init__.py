"""robotframework-plutora: QA automation for the Plutora and Plutora Test APIs.

``Library    PlutoraLibrary`` in Robot Framework imports the keyword library class from
:mod:`PlutoraLibrary.library`. It is loaded lazily, so that the core client
(:mod:`PlutoraLibrary.core`) and the simulator (:mod:`PlutoraLibrary.simulator`) can be used
without importing Robot Framework at all.
"""

from typing import Any

__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    if name == "PlutoraLibrary":
        from .library import PlutoraLibrary

        return PlutoraLibrary
    raise AttributeError(f"module 'PlutoraLibrary' has no attribute {name!r}")

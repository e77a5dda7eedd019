"""A helper library for ``bench/keywords.robot``: the same core call, made directly and from
the thinnest possible keyword, to set beside the ``Get Release`` keyword."""

from __future__ import annotations

import logging
import time
from typing import Any

from robot.libraries.BuiltIn import BuiltIn


def _client() -> Any:
    return BuiltIn().get_library_instance("PlutoraLibrary").context.plutora


class KeywordBench:
    """Keywords that time direct core calls inside the same Robot run."""

    def time_core_release_calls(self, release_id: str, calls: int) -> float:
        """Calls ``PlutoraClient.release`` directly ``calls`` times, with the core's logging as
        a plain Python program has it (off); returns the seconds per call."""
        client = _client()
        core_logger = logging.getLogger("PlutoraLibrary")
        level = core_logger.level
        core_logger.setLevel(logging.WARNING)
        try:
            started = time.perf_counter()
            for _ in range(int(calls)):
                client.release(release_id)
            return (time.perf_counter() - started) / int(calls)
        finally:
            core_logger.setLevel(level)

    def bare_keyword_release(self, release_id: str) -> Any:
        """The thinnest keyword around the same core call: Robot's own cost per keyword."""
        return _client().release(release_id)

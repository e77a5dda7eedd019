"""A helper library for ``bench/keywords.robot``: the same core call, made directly and from
the thinnest possible keyword, to set beside the ``Get Release`` keyword."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from robot.libraries.BuiltIn import BuiltIn


def _record(kind: str, seconds: float) -> None:
    """Append a timing to the file the benchmark reads (Robot's log may be off)."""
    target = os.environ.get("KEYWORD_BENCH_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as timings:
            timings.write(json.dumps({"kind": kind, "seconds": seconds}) + "\n")


def _client() -> Any:
    return BuiltIn().get_library_instance("PlutoraLibrary").context.plutora


class KeywordBench:
    """Keywords that time direct core calls inside the same Robot run."""

    def time_core_release_calls(self, release_id: str, calls: int, logged: bool = False) -> float:
        """Calls ``PlutoraClient.release`` directly ``calls`` times and returns the seconds per
        call. ``logged=False``: the core's logging as a plain Python program has it (off).
        ``logged=True``: the same records a keyword logs (INFO, masked bodies), written by a
        standard ``logging.FileHandler``, as a Python program that keeps a log has it."""
        client = _client()
        core_logger = logging.getLogger("PlutoraLibrary")
        level, handlers = core_logger.level, list(core_logger.handlers)
        with tempfile.TemporaryDirectory() as folder:
            file_handler = logging.FileHandler(Path(folder) / "core.log", encoding="utf-8")
            file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            core_logger.handlers = [file_handler]
            core_logger.setLevel(logging.INFO if logged else logging.WARNING)
            try:
                started = time.perf_counter()
                for _ in range(int(calls)):
                    client.release(release_id)
                seconds = (time.perf_counter() - started) / int(calls)
                _record("logged" if logged else "core", seconds)
                return seconds
            finally:
                core_logger.setLevel(level)
                core_logger.handlers = handlers
                file_handler.close()

    def bare_keyword_release(self, release_id: str) -> Any:
        """The thinnest keyword around the same core call: Robot's own cost per keyword."""
        return _client().release(release_id)

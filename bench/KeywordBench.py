"""A helper library for ``bench/keywords.robot``: the same core calls, made from Python directly
(inside the same Robot loop, and in a tight loop) and from the thinnest possible keyword, to set
beside the library's keywords."""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from robot.libraries.BuiltIn import BuiltIn

from PlutoraLibrary.core.calls import LOGGING_OBSERVER, OBSERVERS
from PlutoraLibrary.keywords.robot_logging import ROBOT_LOG_OBSERVER


def _record(kind: str, seconds: float) -> None:
    """Append a timing to the file the benchmark reads (Robot's log may be off)."""
    target = os.environ.get("KEYWORD_BENCH_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as timings:
            timings.write(json.dumps({"kind": kind, "seconds": seconds}) + "\n")


#: Seconds of each direct call made inside the Robot loop, by kind, until recorded.
_DIRECT: dict[str, list[float]] = defaultdict(list)


def _context() -> Any:
    return BuiltIn().get_library_instance("PlutoraLibrary").context


@contextmanager
def _python_logging(logged: bool) -> Iterator[None]:
    """The core's logging as a Python program has it: off, or (``logged``) the same records a
    keyword logs (INFO, masked bodies) written by a standard ``logging.FileHandler``."""
    core_logger = logging.getLogger("PlutoraLibrary")
    level, handlers = core_logger.level, list(core_logger.handlers)
    # Calls through ``logging``, not into Robot's log.
    OBSERVERS.remove(ROBOT_LOG_OBSERVER)
    OBSERVERS.add(LOGGING_OBSERVER)
    with tempfile.TemporaryDirectory() as folder:
        file_handler = logging.FileHandler(Path(folder) / "core.log", encoding="utf-8")
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        core_logger.handlers = [file_handler]
        core_logger.setLevel(logging.INFO if logged else logging.WARNING)
        try:
            yield
        finally:
            core_logger.setLevel(level)
            core_logger.handlers = handlers
            file_handler.close()
            OBSERVERS.remove(LOGGING_OBSERVER)
            OBSERVERS.add(ROBOT_LOG_OBSERVER)


def _timed(kind: str, calls: int, call: Callable[[], Any], logged: bool) -> float:
    with _python_logging(logged):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        seconds = (time.perf_counter() - started) / calls
    _record(f"{'logged' if logged else 'core'}:{kind}", seconds)
    return seconds


class KeywordBench:
    """Keywords that time direct core calls inside the same Robot run."""

    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self) -> None:
        self._context: Any = None

    @property
    def context(self) -> Any:
        """PlutoraLibrary's context (its clients), found once."""
        if self._context is None:
            self._context = _context()
        return self._context

    def time_core_release_calls(self, release_id: str, calls: int, logged: bool = False) -> float:
        """``PlutoraClient.release`` ``calls`` times; returns the seconds per call.
        ``logged``: with the core's records written to a file (else logging is off)."""
        client = _context().plutora
        return _timed("release", int(calls), lambda: client.release(release_id), logged)

    def time_core_search_calls(self, calls: int, logged: bool = False) -> None:
        """``search_defects`` (a page of 25) and ``search_changes`` (a page of 100), ``calls``
        times each, as ``Search Defects    page_size=25`` and ``Search Changes    page_size=100``
        make them."""
        context = _context()
        plutora, plutora_test = context.plutora, context.plutora_test
        _timed("defects", int(calls), lambda: plutora_test.search_defects([], 0, 25), logged)
        _timed("changes", int(calls), lambda: plutora.search_changes([], 0, 100), logged)

    # The direct calls and the bare keyword find the library's context as `Get Release` does
    # (an attribute, looked up once), so that nothing extra runs just before the call.

    def direct_release(self, release_id: str) -> None:
        """``PlutoraClient.release`` called from Python directly, timed around that call only:
        a Robot loop of these sets the direct call in the same conditions as the keyword's."""
        client = self.context.plutora
        started = time.perf_counter()
        client.release(release_id)
        _DIRECT["release"].append(time.perf_counter() - started)

    def direct_search_defects(self) -> None:
        """``search_defects`` (a page of 25) from Python directly, timed around that call."""
        client = self.context.plutora_test
        started = time.perf_counter()
        client.search_defects([], 0, 25)
        _DIRECT["defects"].append(time.perf_counter() - started)

    def direct_search_changes(self) -> None:
        """``search_changes`` (a page of 100) from Python directly, timed around that call."""
        client = self.context.plutora
        started = time.perf_counter()
        client.search_changes([], 0, 100)
        _DIRECT["changes"].append(time.perf_counter() - started)

    def record_direct_calls(self) -> None:
        """Write the mean of the direct calls timed since the last record, by kind."""
        for kind, seconds in _DIRECT.items():
            _record(f"direct:{kind}", statistics.fmean(seconds))
        _DIRECT.clear()

    def bare_keyword_release(self, release_id: str) -> Any:
        """The thinnest keyword around the same core call: Robot's own cost per keyword."""
        return self.context.plutora.release(release_id)

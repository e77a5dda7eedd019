"""Recordings: every exchange with a site, masked, one JSON line each (NDJSON).

A recording is what a site really answered, kept to measure its drift from the contract
(:mod:`.drift`) and to seed the simulator with its vocabulary (``plutora sim --seed-from``).
The file streams: a first line naming the format and its version, then one exchange a line,
so that it is written and read in constant memory, and processes of one run (pytest-xdist,
pabot) append to it under a lock (``.FILE.lock`` beside it, hidden; filelock).

The :class:`Recorder` is a call observer (:mod:`.calls`): it asks for whole bodies, and
writes each attempt of a call to the site it records. Everything in a call's record is
masked already (the ``Authorization`` header, tokens, the login form, client secrets and
passwords under any key, every configured or issued secret wherever it appears); the line
is scrubbed once more before it is written, and e-mail addresses can be pseudonymised.

Example::

    from PlutoraLibrary.core.recording import recording, read_recording

    with recording(config, "site.ndjson"):
        client.release_page(0, 5)
    for exchange in read_recording("site.ndjson"):
        print(exchange["method"], exchange["path"], exchange["status"])

The line format (version 1)::

    {"format": "plutora-recording", "version": 1, "created": "2026-12-05T23:59:00Z", ...}
    {"time": "…", "api": "plutora", "kind": "api", "method": "GET", "path": "/releases",
     "query": {"pageNum": "0"}, "request": {"headers": {…}, "body": null}, "status": 200,
     "response": {"headers": {"Content-Type": "…"}, "body": {…}}, "ms": 12.3, "attempt": 1,
     "outcome": "success"}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .calls import OBSERVERS, CallObserver, CallRecord, Detail
from .config import PlutoraConfig
from .reporting import SECRETS, mask_url

#: The first line's ``format`` value.
FORMAT = "plutora-recording"
#: The version this library writes and reads.
VERSION = 1
#: The request headers kept (lower case); ``Authorization`` is kept as ``***`` (it was sent).
KEPT_REQUEST_HEADERS = frozenset({"content-type", "accept", "plutora-info", "authorization"})
#: The longest wait for another process's append (seconds).
LOCK_TIMEOUT = 60.0
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class RecordingError(ValueError):
    """A recording that cannot be read or written; the message names the file, the line and
    what to do."""


@dataclass(frozen=True)
class Site:
    """Where one API of a recorded site lives: its API base and token URL (masked).

    Example: ``Site("plutora", "https://usapi.plutora.com", "https://usoauth…/oauth/token")``
    """

    api: str
    api_url: str
    token_url: str


def sites_of(config: PlutoraConfig) -> tuple[Site, ...]:
    """The APIs of ``config`` that have URLs. Example: ``sites_of(config)[0].api``."""
    found = []
    for product in (config.plutora, config.plutora_test):
        if product.api_url or product.token_url:
            found.append(
                Site(product.product.value, mask_url(product.api_url), mask_url(product.token_url))
            )
    return tuple(found)


class Pseudonyms:
    """E-mail addresses replaced by stable stand-ins: the same address, the same pseudonym
    within one recording (a random key per :class:`Pseudonyms`, never written), another one
    in the next, so that a recording cannot be matched against a list of addresses.

    Example: ``Pseudonyms().text("qa@example.com")`` → ``'user-3f9a1c2b@example.invalid'``
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(16)

    def address(self, email: str) -> str:
        """The pseudonym of one address (case does not matter)."""
        digest = hashlib.blake2b(email.lower().encode(), key=self._key, digest_size=4).hexdigest()
        return f"user-{digest}@example.invalid"

    def text(self, text: str) -> str:
        """``text`` with every e-mail address replaced by its pseudonym."""
        return _EMAIL.sub(lambda match: self.address(match.group(0)), text)


class RecordingWriter:
    """Appends lines to a recording under a lock shared by processes: the first writer of an
    empty (or new) file writes the format line first.

    Example: ``RecordingWriter("site.ndjson").append([{"method": "GET", …}])``
    """

    def __init__(self, path: str | Path) -> None:
        from filelock import FileLock  # loaded when recording (start-up time otherwise)

        self.path = Path(path)
        # Hidden: an artifact glob of the recordings (site*.ndjson*) leaves it out.
        lock_file = self.path.with_name(f".{self.path.name}.lock")
        self.lock = FileLock(str(lock_file), timeout=LOCK_TIMEOUT)
        self._thread_lock = threading.Lock()
        self._checked = False

    def start(self) -> None:
        """Write the format line into a new or empty file; check that of a file appended to.
        Raises :class:`RecordingError` for a file that cannot be written or is no recording.

        Example: ``RecordingWriter("site.ndjson").start()``
        """
        folder = self.path.absolute().parent
        if not folder.is_dir():  # filelock would create it: a typo would go unnoticed
            raise RecordingError(
                f"Cannot write the recording {self.path}: the folder {folder} does not exist. "
                "Create it, or give a file in an existing folder."
            )
        self.append([])

    def append(self, exchanges: list[dict[str, Any]], scrub: Any = None) -> None:
        """Write ``exchanges`` as lines (``scrub``: a function applied to each line's text)."""
        from filelock import Timeout

        lines = []
        for exchange in exchanges:
            text = SECRETS.scrub(json.dumps(exchange, ensure_ascii=False, separators=(",", ":")))
            lines.append((scrub(text) if scrub else text) + "\n")
        try:
            with (
                self._thread_lock,
                self.lock,
                open(self.path, "a+", encoding="utf-8") as file,
            ):
                if file.tell() == 0:
                    file.write(json.dumps(header(), separators=(",", ":")) + "\n")
                elif not self._checked:
                    file.seek(0)
                    check_header(file.readline(), self.path)
                self._checked = True
                file.writelines(lines)
        except Timeout:
            raise RecordingError(
                f"Could not append to the recording {self.path}: another process held its lock "
                f"({self.lock.lock_file}) for {LOCK_TIMEOUT:g} s. If no run is writing it, "
                "delete the lock file."
            ) from None
        except OSError as error:
            raise RecordingError(
                f"Cannot write the recording {self.path}: {error.strerror or error}. Give a "
                "file in a folder this user can write."
            ) from None
        except UnicodeDecodeError:
            raise RecordingError(
                f"{self.path} is not a recording (not UTF-8 text): give a new file's name."
            ) from None


def header() -> dict[str, Any]:
    """The first line of a recording. Example: ``header()["version"]`` → ``1``."""
    from .. import __version__

    return {
        "format": FORMAT,
        "version": VERSION,
        "created": _now(),
        "library": f"robotframework-plutora {__version__}",
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _body(text: str, size: int | None, content_type: str) -> Any:
    """A masked body as the line holds it: parsed JSON when it is JSON, else its text."""
    if not text:
        return None
    if size is None and ("json" in content_type.lower() or text[:1] in '[{"'):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def _query(query: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in found:
            earlier = found[key]
            found[key] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
        else:
            found[key] = value
    return found


def exchanges_of(call: CallRecord, sites: tuple[Site, ...]) -> list[dict[str, Any]]:
    """The lines of one call to one of ``sites`` (one per attempt), or none for a call
    elsewhere. Example: ``exchanges_of(call, sites_of(config))``."""
    parts = urlsplit(call.url)
    plain = f"{parts.scheme}://{parts.netloc}{parts.path}"
    api, path = None, ""
    for site in sites:
        if call.kind == "login" and site.token_url and plain.rstrip("/") == site.token_url:
            api, path = site.api, "/oauth/token"
            break
        base = site.api_url.rstrip("/")
        if base and (plain == base or plain.startswith(base + "/")):
            api, path = site.api, plain[len(base) :] or "/"
            break
    if api is None:
        return []
    request_headers = {
        name: value
        for name, value in call.request_headers.items()
        if name.lower() in KEPT_REQUEST_HEADERS
    }
    request = {
        "headers": request_headers,
        "body": _body(call.request_body, call.request_size, call.request_type),
    }
    time = _now()
    lines = []
    attempts = call.attempts
    for number, attempt in enumerate(attempts, 1):
        line: dict[str, Any] = {
            "time": time,
            "api": api,
            "kind": call.kind,
            "method": call.method,
            "path": path,
            "query": _query(parts.query),
            "request": request,
            "status": attempt.status,
            "response": {
                "headers": attempt.response_headers,
                "body": _body(attempt.response_body, attempt.response_size, attempt.response_type),
            },
            "ms": round(attempt.elapsed_ms, 1),
            "attempt": number,
            "outcome": call.outcome.value if call.outcome and number == len(attempts) else None,
        }
        if attempt.failure:
            line["failure"] = attempt.failure
        lines.append(line)
    return lines


class Recorder(CallObserver):
    """Writes every call to ``sites`` into the recording at ``path`` (whole bodies, masked).

    Example::

        with OBSERVERS.observing(Recorder("site.ndjson", sites_of(config))):
            client.current_user()
    """

    def __init__(
        self, path: str | Path, sites: tuple[Site, ...], pseudonymise: bool = False
    ) -> None:
        self.writer = RecordingWriter(path)
        self.sites = sites
        self.pseudonyms = Pseudonyms() if pseudonymise else None
        #: Exchanges written by this recorder (all processes' are in the file).
        self.written = 0

    @property
    def path(self) -> Path:
        """The recording's file."""
        return self.writer.path

    def wants(self) -> Detail:
        return Detail.WHOLE

    def finished(self, call: CallRecord) -> None:
        lines = exchanges_of(call, self.sites)
        if lines:
            scrub = self.pseudonyms.text if self.pseudonyms else None
            self.writer.append(lines, scrub)
            self.written += len(lines)


_ACTIVE: dict[str, tuple[Recorder, int]] = {}
_ACTIVE_LOCK = threading.Lock()


def start_recording(config: PlutoraConfig) -> Recorder | None:
    """The recorder of ``config.record`` (shared by the clients of this process that record
    to the same file), registered as an observer; None when ``config.record`` is unset.
    Each call must be matched by :func:`stop_recording`.

    Example: ``recorder = start_recording(config)``
    """
    if not config.record:
        return None
    key = os.path.abspath(config.record)
    with _ACTIVE_LOCK:
        recorder, users = _ACTIVE.get(key, (None, 0))
        if recorder is None:
            recorder = Recorder(key, sites_of(config))
            recorder.writer.start()
        else:
            recorder.sites = tuple(dict.fromkeys((*recorder.sites, *sites_of(config))))
        _ACTIVE[key] = (recorder, users + 1)
        OBSERVERS.add(recorder)
    return recorder


def stop_recording(recorder: Recorder | None) -> None:
    """Release one use of ``recorder``; the last release removes the observer."""
    if recorder is None:
        return
    key = str(recorder.path)
    with _ACTIVE_LOCK:
        _, users = _ACTIVE.get(key, (recorder, 1))
        if users <= 1:
            _ACTIVE.pop(key, None)
            OBSERVERS.remove(recorder)
        else:
            _ACTIVE[key] = (recorder, users - 1)


@contextmanager
def recording(
    config: PlutoraConfig, path: str | Path, pseudonymise: bool = False
) -> Iterator[Recorder]:
    """Record every call to the site of ``config`` made in the block into ``path``.

    Example: ``with recording(config, "site.ndjson"): client.current_user()``
    """
    recorder = Recorder(path, sites_of(config), pseudonymise)
    recorder.writer.start()
    with OBSERVERS.observing(recorder):
        yield recorder


def read_recording(path: str | Path) -> Iterator[dict[str, Any]]:
    """The exchanges of a recording, one at a time (constant memory).

    Raises :class:`RecordingError` naming the file and line for a file that cannot be read,
    is not a recording of a version this library reads, or holds a line that is not an
    exchange.

    Example: ``sum(1 for _ in read_recording("site.ndjson"))``
    """
    path = Path(path)
    try:
        file = open(path, encoding="utf-8")  # noqa: SIM115 - closed below, also on error
    except OSError as error:
        raise RecordingError(
            f"Cannot read the recording {path}: {error.strerror or error}. Check the path "
            "(record one with `plutora record FILE`)."
        ) from None
    with file:
        try:
            first = file.readline()
            check_header(first, path)
            for number, line in enumerate(file, 2):
                if not line.strip():
                    continue
                yield parse_exchange(line, path, number)
        except UnicodeDecodeError:
            raise RecordingError(
                f"The recording {path} is not UTF-8 text: it was not written by this library."
            ) from None


def check_header(line: str, path: str | Path) -> dict[str, Any]:
    """The first line of a recording, checked. Example: ``check_header(first_line, path)``."""
    try:
        found = json.loads(line) if line.strip() else None
    except ValueError:
        found = None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise RecordingError(
            f"{path} is not a recording: its first line must name the format "
            f'{{"format": "{FORMAT}", "version": {VERSION}, …}}. Record one with '
            "`plutora record FILE`, `--plutora-record FILE` or `record=FILE`."
        )
    if found.get("version") != VERSION:
        raise RecordingError(
            f"{path} is a recording of format version {found.get('version')!r}; this library "
            f"reads version {VERSION}. Record it again with this version."
        )
    return found


_NEEDED = ("method", "path", "status")


def parse_exchange(line: str, path: str | Path, number: int) -> dict[str, Any]:
    """One line of a recording, checked. Example: ``parse_exchange(line, "site.ndjson", 2)``."""
    try:
        found = json.loads(line)
    except ValueError as error:
        raise RecordingError(
            f"{path}, line {number}: not JSON ({error}); the file was cut or edited. Record it "
            "again, or delete the line."
        ) from None
    if not isinstance(found, dict) or any(key not in found for key in _NEEDED):
        raise RecordingError(
            f"{path}, line {number}: not an exchange (it needs {', '.join(_NEEDED)}). Record "
            "the file again, or delete the line."
        )
    return found

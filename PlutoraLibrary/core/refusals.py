"""The memory of refused logins: one attempt per user and credentials per run.

Five failed logins lock a real Plutora account, and a run is often many processes (pabot,
xdist) that each close and reopen clients. So a refusal is remembered where the run's
processes share state, for ``refusal_memory_seconds`` (an hour by default), and any process
that would log in with the same user and credentials raises the remembered error instead,
sending nothing. Other credentials for the same user (the password fixed) are tried at once;
when they work, the old refusal is forgotten.

A record never reveals the credentials: it holds a salted scrypt hash of them (a slow key
derivation: a record left behind cannot be tested against guesses cheaply), the server's
scrubbed words and when the refusal expires. It is named after a hash of the token URL,
client id and username, none of which is a secret.

The store behind :class:`RefusalMemory` is small on purpose (:class:`RefusalStore`): a folder
here, another engine (Redis) for runs spread over machines.

Example::

    memory = RefusalMemory.for_folder("/tmp/run", lifetime=3600)
    refusal = memory.recall(identity)          # None: go ahead and log in
    memory.remember(identity, Refusal.now("LoginRejected", 400, "validation_error", "…", 3600))
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from .config import Credentials
from .errors import hide_library_frames

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: scrypt cost: about 30-60 ms a derivation, paid only when a refusal is recorded or found.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


def record_name(token_url: str, client_id: str, username: str) -> str:
    """The name of a user's refusal record: a hash of who logs in where (no secret).

    Example: ``record_name("https://usoauth.plutora.com/oauth/token", "id", "qa@example.com")``
    """
    text = "|".join((token_url, client_id, username.lower()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class LoginIdentity:
    """Who logs in where, and with which credentials (which stay in memory only).

    Example: ``LoginIdentity("https://usoauth.plutora.com/oauth/token", credentials)``
    """

    token_url: str
    credentials: Credentials

    def __repr__(self) -> str:
        return f"LoginIdentity({self.who})"

    @property
    def who(self) -> str:
        """The record's name: a hash of the token URL, client id and username (no secret)."""
        return record_name(self.token_url, self.credentials.client_id, self.credentials.username)

    def material(self) -> bytes:
        """What the slow hash is taken of: everything that decides the server's answer."""
        c = self.credentials
        parts = (self.token_url, c.client_id, c.username, c.client_secret, c.password)
        return "\0".join(parts).encode()


@dataclass(frozen=True)
class Refusal:
    """A refused login as remembered: the error's kind, the server's (scrubbed) words, when.

    Example: ``Refusal.now("LoginRejected", 400, "validation_error", "Login failed", 3600)``
    """

    kind: str
    status: int
    error: str | None
    description: str | None
    refused_at: float
    expires_at: float
    #: Where it is remembered (a folder, or "this process"), for messages.
    where: str = "this process"

    @classmethod
    def now(
        cls, kind: str, status: int, error: str | None, description: str | None, lifetime: float
    ) -> Refusal:
        """A refusal that happened now and is remembered for ``lifetime`` seconds."""
        moment = time.time()
        return cls(kind, status, error, description, moment, moment + lifetime)

    def expired(self, now: float | None = None) -> bool:
        """Whether the memory of it has run out."""
        return (time.time() if now is None else now) >= self.expires_at

    def note(self) -> str:
        """The sentence an error adds: when it happened, that nothing was sent, until when."""
        at = time.strftime("%H:%M:%S UTC", time.gmtime(self.refused_at))
        until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.expires_at))
        return (
            f"This is the refusal of {at}, remembered in {self.where}: nothing was sent now, "
            "since a refused login is tried once per run. Other credentials are tried at once; "
            f"these are not tried again before {until} (refusal_memory_seconds)."
        )


class RefusalStore(Protocol):
    """Where refusal records live, shared by the run's processes."""

    where: str

    def load(self, who: str) -> dict[str, Any] | None:
        """The record named ``who``, or None."""

    def save(self, who: str, record: dict[str, Any]) -> None:
        """Write (or replace) the record named ``who``."""

    def delete(self, who: str) -> None:
        """Forget the record named ``who`` (no error if there is none)."""


class ProcessStore:
    """Records in this process's memory. Example: ``RefusalMemory(ProcessStore(), 3600)``."""

    def __init__(self) -> None:
        self.where = "this process"
        self._records: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def load(self, who: str) -> dict[str, Any] | None:
        with self._lock:
            return self._records.get(who)

    def save(self, who: str, record: dict[str, Any]) -> None:
        with self._lock:
            self._records[who] = record

    def delete(self, who: str) -> None:
        with self._lock:
            self._records.pop(who, None)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()


class FolderStore:
    """Records as owner-only JSON files in a folder the run's processes share.

    Example: ``RefusalMemory(FolderStore(Path("/tmp/run")), 3600)``
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.where = str(folder)

    def _path(self, who: str) -> Path:
        return self.folder / f"refusal-{who}.json"

    def load(self, who: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(who).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def save(self, who: str, record: dict[str, Any]) -> None:
        path = self._path(who)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        partial.replace(path)

    def delete(self, who: str) -> None:
        with contextlib.suppress(OSError):
            self._path(who).unlink()


class RefusalMemory:
    """Remembers refused logins in a store; answers whether a login was refused already.

    Example::

        memory = RefusalMemory(FolderStore(Path("/tmp/run")), lifetime=3600)
        if (refusal := memory.recall(identity)) is not None:
            raise_it(refusal)
    """

    def __init__(self, store: RefusalStore, lifetime: float, slow: bool = True) -> None:
        self.store = store
        self.lifetime = lifetime
        #: scrypt for records other processes (or a later reader of the folder) can see.
        self.slow = slow

    @classmethod
    def for_folder(cls, folder: str | Path, lifetime: float) -> RefusalMemory:
        """A memory in ``folder`` (created owner-only when missing)."""
        path = Path(folder)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls(FolderStore(path), lifetime)

    def _digest(self, identity: LoginIdentity, salt: bytes) -> str:
        if self.slow:
            key = hashlib.scrypt(identity.material(), salt=salt, **_SCRYPT)
        else:
            key = hashlib.sha256(salt + identity.material()).digest()
        return key.hex()

    def recall(self, identity: LoginIdentity) -> Refusal | None:
        """The refusal remembered for these very credentials, if it has not expired.

        A record of other credentials for the same user is left for :meth:`forget` (when
        the new ones work) or :meth:`remember` (when they are refused too).
        """
        if self.lifetime <= 0:
            return None
        record = self.store.load(identity.who)
        if record is None:
            return None
        try:
            fields = dict(record["refusal"])
            refusal = Refusal(**{**fields, "where": fields.get("where") or self.store.where})
            salt = bytes.fromhex(str(record["salt"]))
            digest = str(record["digest"])
        except (KeyError, TypeError, ValueError):
            return None  # unreadable: as good as none
        if refusal.expired():
            return None
        if not hmac.compare_digest(self._digest(identity, salt), digest):
            return None  # other credentials: they get their one attempt
        return refusal

    def remember(self, identity: LoginIdentity, refusal: Refusal) -> None:
        """Record ``refusal`` for these credentials (replacing any record of the user)."""
        if self.lifetime <= 0:
            return
        salt = secrets.token_bytes(16)
        stored = asdict(refusal)
        if not isinstance(self.store, ProcessStore):  # a reader names the store it read it from
            del stored["where"]
        self.store.save(
            identity.who,
            {"refusal": stored, "salt": salt.hex(), "digest": self._digest(identity, salt)},
        )

    def forget(self, identity: LoginIdentity) -> None:
        """Forget the user's refusal (their credentials worked)."""
        self.store.delete(identity.who)


_PROCESS_STORE = ProcessStore()
#: Refusals this process saw, whatever client saw them: they outlive closed connections.
PROCESS_REFUSALS = RefusalMemory(_PROCESS_STORE, lifetime=float("inf"), slow=False)


def forget_user_refusals(
    token_url: str,
    client_id: str,
    username: str,
    folder: str | None,
    store: RefusalStore | None = None,
) -> None:
    """Forget a user's refusal, whatever credentials it was for, in this process, in the
    run's ``folder`` and in ``store`` (the run's Redis): after an administrator (or the
    simulator's control API) unlocked them.

    Example: ``forget_user_refusals(config.plutora.token_url, "id", "qa@example.com", None)``
    """
    who = record_name(token_url, client_id, username)
    _PROCESS_STORE.delete(who)
    if folder:
        FolderStore(Path(folder)).delete(who)
    if store is not None:
        store.delete(who)


def forget_process_refusals() -> None:
    """Forget the refusals this process remembers (not those in a shared folder): for a
    long-lived process whose user was unlocked, and for tests.

    Example: ``forget_process_refusals()``
    """
    _PROCESS_STORE.clear()

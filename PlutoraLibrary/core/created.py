"""What a run created through the library, so that it can be removed at the end.

Every client keeps a :class:`CreatedItems`: a copy of a release, and anything a generic POST
created (an answer with an ``id``), each with the path that deletes it. :func:`delete_created`
removes them newest first (a change before the release it was created in) and reports what it
could not delete; an item already gone (404) counts as deleted.

Example::

    copy = client.copy_release(source_id, name="R1 copy", identifier="R1-COPY")
    report = delete_created(client)
    report.deleted      # ['release R1-COPY (DELETE /releases/…)']
    report.failed       # []
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import PlutoraError, hide_library_frames

if TYPE_CHECKING:
    from .client import ApiClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames


@dataclass(frozen=True)
class CreatedItem:
    """One record created through the library: the path that deletes it and a label.

    Example: ``CreatedItem("/releases/6f1c…", "release R1-COPY")``
    """

    path: str
    label: str

    def __str__(self) -> str:
        return f"{self.label} (DELETE {self.path})"


class CreatedItems:
    """The records a client created, oldest first; thread-safe.

    Example: ``client.created.add("/releases/6f1c…", "release R1-COPY")``
    """

    def __init__(self) -> None:
        self._items: list[CreatedItem] = []
        self._lock = threading.Lock()

    def add(self, path: str, label: str) -> CreatedItem:
        """Remember a created record. Example: ``created.add("/changes/…", "change 42")``."""
        item = CreatedItem(path, label)
        with self._lock:
            self._items.append(item)
        return item

    def newest_first(self) -> list[CreatedItem]:
        """The records, the newest first. Example: ``[str(i) for i in created.newest_first()]``."""
        with self._lock:
            return list(reversed(self._items))

    def forget(self, item: CreatedItem) -> None:
        """Forget one record (deleted, or not to delete). Example: ``created.forget(item)``."""
        with self._lock:
            if item in self._items:
                self._items.remove(item)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __repr__(self) -> str:
        return f"CreatedItems({len(self)} records)"


@dataclass
class DeletionReport:
    """What :func:`delete_created` did: ``deleted`` and ``failed`` (each with the reason).

    Example: ``assert report.failed == [], report.summary()``
    """

    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One paragraph for a log. Example: ``report.summary()`` → ``'Deleted 2 records …'``."""
        text = f"Deleted {len(self.deleted)} record(s) created through the library"
        text += ": " + "; ".join(self.deleted) + "." if self.deleted else "."
        if self.failed:
            text += f" Could not delete {len(self.failed)}: " + "; ".join(self.failed) + "."
        return text


def delete_created(client: ApiClient, keep: Collection[CreatedItem] = ()) -> DeletionReport:
    """Delete what ``client`` created, newest first, but the records in ``keep`` (those
    created before a test began, say). A record already gone (404) counts as deleted; one that
    cannot be deleted (an error, a read-only run) stays in the registry and is named in the
    report with the reason: nothing is raised for it.

    Example: ``delete_created(plutora).failed`` → ``[]``
    """
    report = DeletionReport()
    for item in client.created.newest_first():
        if item in keep:
            continue
        try:
            answer: Any = client.call("DELETE", item.path, expected_status="any")
        except PlutoraError as error:
            report.failed.append(f"{item}: {type(error).__name__}: {error}")
            continue
        status = answer.status
        if 200 <= status < 300 or status == 404:
            client.created.forget(item)
            gone = " (already gone)" if status == 404 else ""
            report.deleted.append(f"{item}{gone}")
        else:
            said = answer.text[:200] if answer.text else "no message"
            report.failed.append(f"{item}: answered {status}: {said}")
    return report

"""The one spelling of a record type argument (``record_type``) shared by the stakeholders,
linked items and comments of a record: a caller gives it in any case, singular or plural
(``"release"``, ``"Releases"``, ``"tecrs"``), and each function says which types it takes.

Example::

    record_type("Releases", ("release", "system", "change"), "Stakeholders")  # 'release'
    record_type("tecr", ("Release", "Change", "TECR"), "Comments")  # 'TECR'
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import hide_library_frames

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames


def record_type(value: str, types: Sequence[str], what: str) -> str:
    """The one of ``types`` (in the spelling given there) that ``value`` names, in any case,
    singular or plural; otherwise a ``ValueError`` saying ``what`` (e.g. ``"Stakeholders"``)
    belongs to those types and nothing was sent.

    Example: ``record_type("Changes", ("release", "change"), "Linked items")`` → ``'change'``
    """
    text = " ".join(str(value or "").split()).casefold()
    for name in types:
        folded = name.casefold()
        if text in (folded, f"{folded}s"):
            return name
    raise ValueError(
        f"{what} belong to a record of type {', '.join(types)} (any case, singular or plural), "
        f"not {value!r}; nothing was sent."
    )

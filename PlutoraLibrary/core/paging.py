"""The two list shapes, and lazy iteration over all pages in constant memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import SchemaMismatch, hide_library_frames

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

Record = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """One page of records, whichever shape the API answered in.

    Example: ``page.items``, ``page.total_count``, ``page.page_num``, ``page.is_last``.
    """

    items: list[Record]
    total_count: int
    page_num: int
    records_per_page: int

    @property
    def is_last(self) -> bool:
        """Whether no record lies beyond this page."""
        seen = self.page_num * self.records_per_page + len(self.items)
        return len(self.items) < self.records_per_page or seen >= self.total_count

    @classmethod
    def from_plutora(cls, body: Any, where: str = "") -> Page:
        """The Plutora shape: ``{resultSet, returnCount, totalCount, pageNum, recordsPerPage}``;
        a plain array (the shape without ``pageNum``) is one whole page. Another shape (seen
        only with validation off) raises :class:`SchemaMismatch` naming what is missing."""
        if isinstance(body, list):
            return cls(body, len(body), 0, max(len(body), 1))
        keys = ("resultSet", "totalCount", "pageNum", "recordsPerPage")
        resultset, total, number, size = _fields(body, keys, "page", where)
        return cls(list(resultset), int(total), int(number), int(size))

    @classmethod
    def from_defects(cls, data: Any, page_num: int, page_size: int, where: str = "") -> Page:
        """The Plutora Test shape: ``Data = {ResultSet, TotalCount, PageNum, RecordsPerPage}``."""
        resultset, total = _fields(
            data, ("ResultSet", "TotalCount"), "defect page", where, "$.Data"
        )
        return cls(
            list(resultset),
            int(total),
            int(data.get("PageNum", page_num)),
            int(data.get("RecordsPerPage", page_size)),
        )


def shaped(data: Any, kind: type, schema: str, where: str = "") -> Any:
    """``data`` when it is a ``kind`` (``dict`` or ``list``), else a :class:`SchemaMismatch`:
    with validation off, an answer of another shape reads as such, not as the keys of an
    object taken for a list or a ``TypeError``.

    Example: ``shaped(answer, list, "release-list-item", "GET /releases")``
    """
    if not isinstance(data, kind):
        wanted = "an object" if kind is dict else "a list"
        raise SchemaMismatch(schema, "$", wanted, type(data).__name__, where)
    return data


def _fields(body: Any, keys: tuple[str, ...], shape: str, where: str, at: str = "$") -> list[Any]:
    """The values of ``keys`` in ``body``, or a :class:`SchemaMismatch` naming the first one
    missing (or of the wrong type): a cut or foreign answer reads as such, not as a KeyError."""
    if not isinstance(body, dict):
        raise SchemaMismatch(
            shape, at, f"an object with {', '.join(keys)}", type(body).__name__, where
        )
    values = []
    for key in keys:
        value = body.get(key)
        wanted = "a list" if key.lower() == "resultset" else "a number"
        ok = (
            isinstance(value, list)
            if wanted == "a list"
            else (isinstance(value, (int, float, str)) and not isinstance(value, bool))
        )
        if not ok:
            got = "nothing (missing)" if key not in body else repr(value)[:40]
            raise SchemaMismatch(shape, f"{at}.{key}", wanted, got, where)
        values.append(value)
    return values


def iterate_pages(fetch: Callable[[int], Page], first_page: int = 0) -> Iterator[Record]:
    """Every record of every page, fetching one page at a time as the caller advances.

    Only the current page is held, so memory stays flat however many records there are.
    Example: ``for defect in iterate_pages(lambda n: client.search_defects(page=n)): ...``
    """
    number = first_page
    while True:
        page = fetch(number)
        items = page.items
        is_last = page.is_last
        del page
        yield from items
        del items
        if is_last:
            return
        number += 1

"""The two list shapes, and lazy iteration over all pages in constant memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

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
    def from_plutora(cls, body: Any) -> Page:
        """The Plutora shape: ``{resultSet, returnCount, totalCount, pageNum, recordsPerPage}``;
        a plain array (the shape without ``pageNum``) is one whole page."""
        if isinstance(body, list):
            return cls(body, len(body), 0, max(len(body), 1))
        return cls(
            list(body["resultSet"]),
            int(body["totalCount"]),
            int(body["pageNum"]),
            int(body["recordsPerPage"]),
        )

    @classmethod
    def from_defects(cls, data: Any, page_num: int, page_size: int) -> Page:
        """The Plutora Test shape: ``Data = {ResultSet, TotalCount, PageNum, RecordsPerPage}``."""
        return cls(
            list(data["ResultSet"]),
            int(data["TotalCount"]),
            int(data.get("PageNum", page_num)),
            int(data.get("RecordsPerPage", page_size)),
        )


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

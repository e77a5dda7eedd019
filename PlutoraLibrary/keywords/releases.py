"""Plutora releases and changes."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from ..core import Direction
from .context import PlutoraContext
from .rows import filters_from_row


class ReleaseKeywords:
    """Keywords about releases and changes."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["releases"])
    def get_release(self, release_id: str) -> dict[str, Any]:
        """Returns one release with every field.

        | ${release} =    | Get Release | ${id} |
        | Should Be Equal | ${release}[plutoraReleaseType] | Independent |
        """
        return self.context.plutora.release(release_id)

    @keyword(tags=["releases"])
    def get_releases(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every release (the high-level view), optionally filtered by an expression:
        ``\\`field\\` Operator \\`value\\``` terms joined by AND / OR.

        | ${releases} =    | Get Releases |
        | ${drafts} =      | Get Releases | \\`releaseStatusType\\` Equals \\`Draft\\` AND \\`name\\` Contains \\`Portal\\` |
        """
        return self.context.plutora.releases(filter)

    @keyword(tags=["releases"])
    def search_releases(
        self,
        *filters: str,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 100,
        limit: int | None = None,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches releases (``POST /releases/filter``): filters in the row as in
        `Search Defects`, sort, page, page size, limit.

        | ${page} =    | Search Releases | plutoraReleaseType | Equals | Integrated | AND | identifier | DESC | page_size=10 |
        """
        parsed = filters_from_row(filters, sort_by, direction if sort_by else None)
        client = self.context.plutora
        if all_pages:
            return list(client.iter_search_releases(parsed, page_size, limit))
        return client.search_releases(parsed, page, page_size, limit).items

    @keyword(tags=["releases"])
    def copy_release(
        self, source_id: str, name: str, identifier: str, **changes: Any
    ) -> dict[str, Any]:
        """Copies a release as the vendor's help page does: reads it, changes the name, the
        identifier and any field given, and POSTs it. Returns the new release.

        Fails with ``BusinessRuleViolation`` for an Enterprise release before sending, and
        with the server's refusal (the same error, naming the rule) for a status in an end
        state, which no answer tells beforehand. If the answer is lost, the copy is looked up
        by its identifier: it is never POSTed twice.

        | ${copy} =    | Copy Release | ${source}[id] | name=R1 copy | identifier=R1-COPY |
        | ${copy} =    | Copy Release | ${source}[id] | R2 copy | R2-COPY | location=Berlin |
        """
        return self.context.plutora.copy_release(
            source_id, name=name, identifier=identifier, **changes
        )

    @keyword(tags=["changes"])
    def get_change(self, change_id: str) -> dict[str, Any]:
        """Returns one change.

        | ${change} =    | Get Change | ${id} |
        """
        return self.context.plutora.change(change_id)

    @keyword(tags=["changes"])
    def get_changes(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every change, optionally filtered by an expression (see `Get Releases`).

        | ${changes} =    | Get Changes | \\`changeId\\` > \\`290\\` |
        """
        return self.context.plutora.changes(filter)

    @keyword(tags=["changes"])
    def search_changes(
        self,
        *filters: str,
        sort_by: str | None = None,
        direction: Direction = Direction.ASC,
        page: int = 0,
        page_size: int = 100,
        limit: int | None = None,
        all_pages: bool = False,
    ) -> list[dict[str, Any]]:
        """Searches changes (``POST /changes/filter``): filters in the row as in
        `Search Defects`, sort, page, page size, and ``limit`` (10,000 at most).

        | ${page} =    | Search Changes | Status | Contains | N/A | AND | ChangeId | DESC | page_size=10 |
        | ${last} =    | Search Changes | sort_by=ChangeId | direction=DESC | limit=5 |
        """
        parsed = filters_from_row(filters, sort_by, direction if sort_by else None)
        client = self.context.plutora
        if all_pages:
            return list(client.iter_changes(parsed, page_size, limit))
        return client.search_changes(parsed, page, page_size, limit).items

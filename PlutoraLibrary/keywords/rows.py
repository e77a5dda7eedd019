"""Search filters written naturally in a Robot row.

``Status    Equals    Open    AND    Priority    IsWithin    High,Critical    AND    DisplayId    DESC``
is three filters: two conditions and a sort. A group is ``property operator value``,
``property operator value direction`` or ``property direction``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core import Direction, SearchFilter

_DIRECTIONS = {"asc", "ascending", "desc", "descending"}


def filters_from_row(
    cells: Sequence[str], sort_by: str | None = None, direction: Direction | None = None
) -> list[SearchFilter]:
    """The search filters of a Robot row (groups joined by ``AND``), plus an optional sort.

    Example: ``filters_from_row(["Status", "Equals", "Open", "AND", "Name", "DESC"])``
    """
    groups: list[list[str]] = [[]]
    for cell in cells:
        if str(cell).strip().upper() == "AND":
            groups.append([])
        else:
            groups[-1].append(str(cell))
    filters = []
    for number, group in enumerate(groups, start=1):
        if not group:
            if len(groups) > 1:
                raise ValueError(
                    f"Search filter {number} is empty: write 'property operator value' between the ANDs."
                )
            continue
        if len(group) == 2 and group[1].strip().lower() in _DIRECTIONS:
            filters.append(SearchFilter(group[0], direction=group[1]))
        elif len(group) == 3:
            filters.append(SearchFilter(group[0], group[1], group[2]))
        elif len(group) == 4 and group[3].strip().lower() in _DIRECTIONS:
            filters.append(SearchFilter(group[0], group[1], group[2], group[3]))
        else:
            raise ValueError(
                f"Search filter {number} ({'    '.join(group)}) is not 'property operator value', "
                "'property operator value direction' or 'property direction'. Join filters with AND."
            )
    if sort_by:
        filters.append(SearchFilter(sort_by, direction=direction or Direction.ASC))
    return filters

"""Names instead of GUIDs: a record's id from its name, a lookup value's id from its text.

Each kind of record is found by the fields of :data:`FINDABLE` (case-insensitively): a
release by its ``identifier`` or its ``name``, a user by ``userName`` or ``email``, the others
by ``name``. Where the API filters a list (``filter=`` on releases, changes, environments,
hosts, organizations and systems) one filtered request asks for the name; the lists of TECRs,
TEBRs and users have no filter (the public clients filter them themselves), so they are read
whole. A name with a backtick, which a ``filter=`` term cannot hold, is looked for page by page.

Found ids are kept for the run and forgotten as soon as the client sends anything that may
change the site. Nothing or several found: :class:`NameNotFound` / :class:`NameAmbiguous`,
naming the closest names the site has (difflib).

Example::

    billing = client.id_of("systems", "billing engine")
    draft = client.lookup_id("ReleaseStatusType", "draft")
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import NameAmbiguous, NameNotFound, NotFound, hide_library_frames
from .filters import Expression, where

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

_PAGE = 100


@dataclass(frozen=True)
class Findable:
    """A kind of record found by name: its list's path, the fields matched (in order of
    preference) and whether the API filters that list (``filter=``).

    Example: ``FINDABLE["releases"].fields`` → ``('identifier', 'name')``
    """

    path: str
    fields: tuple[str, ...]
    filtered: bool


#: The kinds of record :func:`id_of` finds, by the name users give them (plural, lower case).
FINDABLE: dict[str, Findable] = {
    "systems": Findable("/systems", ("name",), True),
    "environments": Findable("/environments", ("name",), True),
    "hosts": Findable("/hosts", ("name",), True),
    "organizations": Findable("/organizations", ("name",), True),
    "releases": Findable("/releases", ("identifier", "name"), True),
    "changes": Findable("/changes", ("name",), True),
    "tecrs": Findable("/TECRs", ("name",), False),
    "tebrs": Findable("/TEBRs", ("name",), False),
    "users": Findable("/users", ("userName", "email"), False),
}


def findable(entity: str) -> tuple[str, Findable]:
    """The kind of record ``entity`` names (any case, singular or plural), or a ``ValueError``
    listing the kinds. Example: ``findable("System")[0]`` → ``'systems'``."""
    key = str(entity).strip().lower()
    for candidate in (key, key + "s", key.removesuffix("s") + "s"):
        if candidate in FINDABLE:
            return candidate, FINDABLE[candidate]
    raise ValueError(
        f"Records of kind {entity!r} cannot be found by name; use one of: {', '.join(FINDABLE)}."
    )


class NameCache:
    """Ids found by name, kept while the client sends nothing that may change the site.

    Example: ``cache.get(("systems", "crm"), transport.writes)``
    """

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str] = {}
        self._writes = 0

    def get(self, key: tuple[str, str], writes: int) -> str | None:
        """The id kept for ``key``, unless a write happened since (then all are forgotten)."""
        if writes != self._writes:
            self._ids.clear()
            self._writes = writes
        return self._ids.get(key)

    def put(self, key: tuple[str, str], value: str, writes: int) -> None:
        """Keep an id found while ``writes`` writes had been sent."""
        if writes == self._writes:
            self._ids[key] = value


def id_of(client: PlutoraClient, entity: str, name: str) -> str:
    """The id of the one record of kind ``entity`` whose name (see :data:`FINDABLE`) is
    ``name``, case-insensitively. Example: ``id_of(client, "systems", "CRM")``."""
    kind, spec = findable(entity)
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"Give the name of the {kind[:-1]} to find, not {name!r}.")
    wanted = name.strip()
    key = (kind, wanted.casefold())
    writes = client.transport.writes
    cached = client.names.get(key, writes)
    if cached is not None:
        return cached
    if spec.filtered and "`" not in wanted:
        expression: Expression | None = None
        for field in spec.fields:
            term = where(field).equals(wanted)
            expression = term if expression is None else expression | term
        records = client.call("GET", spec.path, params={"filter": str(expression)}).json or []
    else:
        records = list(_scan(client, spec))
    found = _matching(records, spec, wanted)
    every: list[dict[str, Any]] | None = None
    if not found and spec.filtered:
        # A site whose filter compares case-sensitively: the whole list settles it (and gives
        # the closest names if it is not there at all).
        every = list(_scan(client, spec))
        found = _matching(every, spec, wanted)
    if len(found) == 1:
        record_id = str(found[0].get("id"))
        client.names.put(key, record_id, writes)
        return record_id
    if found:
        ids = [str(record.get("id")) for record in found]
        raise NameAmbiguous(
            kind,
            wanted,
            f"{len(found)} {kind} have the {' or '.join(spec.fields)} {wanted!r} (ids "
            f"{', '.join(ids)}): use the id, or rename all but one on the site.",
            ids,
        )
    if every is None:
        every = records if isinstance(records, list) else []
    names = sorted({str(r.get(f)) for r in every for f in spec.fields if r.get(f)})
    near = _near(wanted, names)
    said = f" The closest: {', '.join(repr(n) for n in near)}." if near else ""
    raise NameNotFound(
        kind,
        wanted,
        f"No {kind[:-1]} has the {' or '.join(spec.fields)} {wanted!r} (case ignored).{said} "
        f"Check the name, or list them: GET {spec.path}.",
        near,
    )


def _matching(records: Any, spec: Findable, wanted: str) -> list[dict[str, Any]]:
    """The records whose first matching field equals ``wanted`` (case ignored): a release by
    identifier before one by name."""
    if isinstance(records, dict):  # a paged answer
        records = records.get("resultSet") or []
    folded = wanted.casefold()
    for field in spec.fields:
        found = [
            r
            for r in records
            if isinstance(r, dict) and str(r.get(field) or "").casefold() == folded
        ]
        if found:
            return found
    return []


def _scan(client: PlutoraClient, spec: Findable) -> Iterator[dict[str, Any]]:
    """Every record of a list: page by page where the API pages it, else the whole array."""
    if not spec.filtered:
        yield from client.call("GET", spec.path).json or []
        return
    page = 0
    while True:
        params = {"pageNum": page, "recordsPerPage": _PAGE}
        answer = client.call("GET", spec.path, params=params).json or {}
        items = answer.get("resultSet") or []
        yield from items
        if len(items) < _PAGE or (page + 1) * _PAGE >= int(answer.get("totalCount") or 0):
            return
        page += 1


def _near(wanted: str, names: list[str]) -> list[str]:
    folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=5, cutoff=0.5)
    close += [f for f in folded if wanted.casefold() in f and f not in close][: 5 - len(close)]
    return [folded[c] for c in close]


def lookup_id(client: PlutoraClient, lookup_type: str, value: str) -> str:
    """The id of the value ``value`` (case ignored) of the lookup type ``lookup_type``; a
    :class:`NameNotFound` listing the allowed values when none matches.

    Example: ``lookup_id(client, "ReleaseStatusType", "draft")``
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Give the lookup value to find, e.g. 'Draft', not {value!r}.")
    key = (f"lookup:{str(lookup_type).casefold()}", value.strip().casefold())
    writes = client.transport.writes
    cached = client.names.get(key, writes)
    if cached is not None:
        return cached
    try:
        items = client.lookup(lookup_type)
    except NotFound:
        types = [str(t.get("name")) for t in client.lookup_types()]
        raise NameNotFound(
            "lookup types",
            str(lookup_type),
            f"There is no lookup type {lookup_type!r}; the site's types: {', '.join(types)}.",
            _near(str(lookup_type), types) or types,
        ) from None
    found = [i for i in items if str(i.get("value", "")).casefold() == key[1]]
    if len(found) == 1:
        client.names.put(key, str(found[0]["id"]), writes)
        return str(found[0]["id"])
    allowed = [str(i.get("value")) for i in items]
    if found:
        raise NameAmbiguous(
            lookup_type,
            value,
            f"The lookup type {lookup_type} has {len(found)} values {value!r}; use the id.",
            [str(i["id"]) for i in found],
        )
    raise NameNotFound(
        lookup_type,
        value,
        f"The lookup type {lookup_type} has no value {value.strip()!r} (case ignored); its "
        f"values: {', '.join(allowed) or 'none'}.",
        _near(value.strip(), allowed) or allowed,
    )

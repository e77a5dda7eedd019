"""Reference data the other areas point at: lookup fields, people, organizations, systems."""

from __future__ import annotations

from typing import Any

from ... import contract
from ..query import entity
from ..seed import LOOKUP_VALUES, SeedData
from .errors import NotFound
from .records import Record, Records, by_id
from .request_lookups import REQUEST_LOOKUP_VALUES, extra_lookups

ORGANIZATIONS = entity("Organization", contract.properties("plutora", "Organization"))
SYSTEMS = entity("System", contract.properties("plutora", "System"))
#: Every lookup type the site has: the seed's, then those of environment requests and reviews.
LOOKUP_TYPES: dict[str, tuple[str, list[str]]] = {**LOOKUP_VALUES, **REQUEST_LOOKUP_VALUES}


class CatalogueBackend:
    """Lookup fields (``GET /lookupfields``), people (release managers, change raisers),
    organizations and systems.

    Example::

        catalogue = CatalogueBackend(build_seed(1))
        catalogue.lookup("releasestatustype")[0]["value"]   # "Draft" (any case of the type)
        catalogue.lookup_by_id("ReleaseType")[some_id]["value"]
    """

    def __init__(self, seed: SeedData) -> None:
        self.lookups: dict[str, list[Record]] = {}
        self.people: dict[str, Record] = {}
        self.organizations = Records("Organization", ORGANIZATIONS)
        self.systems = Records("System", SYSTEMS)
        self._lookup_ids: dict[str, dict[str, Record]] = {}
        self.reset(seed)

    def reset(self, seed: SeedData) -> None:
        """Hold the reference data of a freshly seeded site."""
        self.lookups = {**extra_lookups(), **seed.lookups}
        self.people = by_id(seed.people)
        self.organizations.load(seed.organizations)
        self.systems.load(seed.systems)
        self._lookup_ids = {kind: by_id(items) for kind, items in self.lookups.items()}

    def lookup_types(self) -> list[dict[str, Any]]:
        """The lookup field types the API lists, with their descriptions."""
        return [{"name": name, "description": text} for name, (text, _v) in LOOKUP_TYPES.items()]

    def lookup(self, kind: str) -> list[Record]:
        """The values of lookup type ``kind`` (any case) in sort order, or :class:`NotFound`."""
        wanted = kind.lower()
        for name in LOOKUP_TYPES:
            if name.lower() == wanted:
                return self.lookups[name]
        raise NotFound(
            f"Lookup field type '{kind}' was not found. Known types: {', '.join(LOOKUP_TYPES)}."
        )

    def lookup_by_id(self, kind: str) -> dict[str, Record]:
        """The values of lookup type ``kind`` (exact name) by lower-case id."""
        return self._lookup_ids[kind]

    def lookup_value(self, kind: str, value: str) -> Record:
        """The item of lookup type ``kind`` whose value is ``value`` (exact)."""
        return next(item for item in self.lookups[kind] if item["value"] == value)

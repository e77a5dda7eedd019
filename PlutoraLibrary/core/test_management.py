"""The Plutora Test (formerly Stryka) API client: defects."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .. import contract
from .client import ApiClient, path_segment
from .config import Product
from .errors import (
    ChangeNotPersisted,
    NotFound,
    OutcomeUnknown,
    SchemaMismatch,
    ValidationFailed,
    hide_library_frames,
)
from .filters import SearchFilter, search_body
from .paging import Page, Record, iterate_pages

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

log = logging.getLogger("PlutoraLibrary")

#: Defects per page unless asked otherwise (the contract's default).
DEFAULT_PAGE_SIZE = contract.paging("plutora-test").default
#: The properties a PATCH may change, in the API's spelling (the contract's writable ones).
WRITABLE_DEFECT_FIELDS = contract.writable("plutora-test", "Defect")
#: The properties the server sets (``readOnly`` in the contract).
READ_ONLY_DEFECT_FIELDS = tuple(
    name
    for name in contract.properties("plutora-test", "Defect")
    if name not in WRITABLE_DEFECT_FIELDS
)
_LOOKUPS = ("Status", "Priority", "Severity")


class PlutoraTestClient(ApiClient):
    """The Plutora Test API: search, read and patch defects.

    Example::

        with PlutoraTestClient(PlutoraConfig.from_env()) as tests:
            page = tests.search_defects([SearchFilter("Status", "Equals", "Open")])
            tests.patch_defect(page.items[0]["Id"], {"Name": "Renamed"}, verify=True)
    """

    product = Product.PLUTORA_TEST

    def search_defects(
        self,
        filters: Iterable[SearchFilter] = (),
        page: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Page:
        """``POST /defects/search``: one page (25 defects unless ``page_size`` says otherwise).

        Example: ``client.search_defects([SearchFilter("Priority", "Equals", "High")], page=1)``
        """
        body = search_body(list(filters), page, page_size, style="pascal")
        where = "POST /defects/search"
        found: Page = self.transport.call(
            "POST",
            "/defects/search",
            json_body=body,
            idempotent=True,
            parse=self._parser(
                "defect-search-envelope",
                "one",
                where,
                lambda envelope: Page.from_defects(
                    _data(envelope, dict, where), page, page_size, where
                ),
            ),
        )
        return found

    def iter_defects(
        self,
        filters: Iterable[SearchFilter] = (),
        page_size: int = contract.paging("plutora-test").cap,
    ) -> Iterator[Record]:
        """Every matching defect, fetched page by page as you iterate (constant memory).

        Example: ``sum(1 for _ in client.iter_defects())``
        """
        fixed = list(filters)
        return iterate_pages(lambda number: self.search_defects(fixed, number, page_size))

    def defect(self, defect_id: str) -> Record:
        """One defect by id. Example: ``client.defect("…")["Name"]``."""
        path = f"/defects/{path_segment(defect_id)}"
        return dict(
            self._get(path, "defect-envelope", then=lambda e: _data(e, dict, f"GET {path}"))
        )

    def defect_by_display_id(self, display_id: str) -> Record:
        """One defect by its display id. Example: ``client.defect_by_display_id("DEF-0042")``."""
        path = f"/defects/GetByDisplayId/{path_segment(display_id)}"
        found = self._get(
            path, "defect-list-envelope", then=lambda e: _data(e, list, f"GET {path}")
        )
        if not found:
            raise NotFound("GET", path, 200, f"No defect has the display id {display_id!r}.")
        return dict(found[0])

    def patch_defect(
        self, defect_id: str, delta: Mapping[str, Any], verify: bool = False
    ) -> Record:
        """Change only the properties named in ``delta``; returns the updated defect.

        The delta is checked against the writable properties before anything is sent. With
        ``verify`` the defect is read back and each change compared. If the answer to the
        PATCH is lost, the defect is read back to tell whether it was applied; the PATCH is
        never sent twice.

        Example: ``client.patch_defect(defect_id, {"Name": "New name"}, verify=True)``
        """
        canonical = canonical_delta(delta)
        path = f"/defects/{path_segment(defect_id)}"
        try:
            updated = dict(
                self.transport.call(
                    "PATCH",
                    path,
                    json_body=canonical,
                    parse=self._parser(
                        "defect-envelope",
                        "one",
                        f"PATCH {path}",
                        lambda envelope: _data(envelope, dict, f"PATCH {path}"),
                    ),
                )
            )
        except OutcomeUnknown:
            current = self.defect(defect_id)
            if not _differences(canonical, current):
                log.info("The answer to PATCH %s was lost, but the change is there.", path)
                return current
            raise
        if verify:
            differences = _differences(canonical, self.defect(defect_id))
            if differences:
                raise ChangeNotPersisted(
                    f"PATCH {path} was accepted, but reading the defect back shows "
                    + "; ".join(differences)
                    + ". Another user or an automation may have changed it; read it and try again."
                )
        return updated


def canonical_delta(delta: Mapping[str, Any]) -> dict[str, Any]:
    """The delta with property names in the API's spelling, or :class:`ValidationFailed`
    listing every property that cannot be written (nothing is sent then).

    Example: ``canonical_delta({"name": "x"})`` → ``{"Name": "x"}``
    """
    if not isinstance(delta, Mapping) or not delta:
        raise ValueError(
            "A defect delta names at least one property to change, e.g. {'Name': 'New name'}. "
            f"Writable: {', '.join(WRITABLE_DEFECT_FIELDS)}."
        )
    writable = {name.lower(): name for name in WRITABLE_DEFECT_FIELDS}
    read_only = {name.lower(): name for name in READ_ONLY_DEFECT_FIELDS}
    canonical: dict[str, Any] = {}
    problems = []
    for key, value in delta.items():
        lowered = str(key).lower()
        if lowered in read_only:
            problems.append(f"'{read_only[lowered]}' is read-only")
        elif lowered not in writable:
            problems.append(f"'{key}' is not a property of a defect")
        else:
            canonical[writable[lowered]] = value
    if problems:
        raise ValidationFailed(
            "PATCH",
            "/defects/{id}",
            0,
            "; ".join(problems),
            messages={"": problems},
            advice=f"Nothing was sent. Writable properties: {', '.join(WRITABLE_DEFECT_FIELDS)}.",
        )
    return canonical


def _data(envelope: Any, kind: type, where: str) -> Any:
    """The ``Data`` of a Plutora Test envelope, or a :class:`SchemaMismatch` (seen only with
    validation off) instead of a KeyError."""
    data = envelope.get("Data") if isinstance(envelope, dict) else None
    if not isinstance(data, kind):
        got = "nothing (missing)" if data is None else type(data).__name__
        wanted = "an object" if kind is dict else "a list"
        raise SchemaMismatch("defect envelope", "$.Data", wanted, got, where)
    return data


def _differences(delta: Mapping[str, Any], defect: Record) -> list[str]:
    """How ``defect`` differs from what ``delta`` asked for (empty when all is there)."""
    differences = []
    for name, wanted in delta.items():
        actual = defect.get(name)
        if name in _LOOKUPS:
            same = _lookup_matches(wanted, actual)
        elif name == "Fields":
            same = _fields_match(wanted, actual)
        elif name == "ReleaseId" and isinstance(wanted, str) and isinstance(actual, str):
            same = wanted.lower() == actual.lower()
        else:
            same = wanted == actual
        if not same:
            differences.append(f"{name} is {actual!r}, not {wanted!r}")
    return differences


def _lookup_matches(wanted: Any, actual: Any) -> bool:
    if not isinstance(actual, dict):
        return wanted is None and actual is None
    if isinstance(wanted, dict):
        wanted_id = next((v for k, v in wanted.items() if k.lower() == "id"), None)
        wanted_value = next((v for k, v in wanted.items() if k.lower() == "value"), None)
    else:
        wanted_id, wanted_value = None, wanted
    if wanted_id is not None:
        return str(actual.get("Id", "")).lower() == str(wanted_id).lower()
    return str(actual.get("Value", "")).lower() == str(wanted_value).lower()


def _fields_match(wanted: Any, actual: Any) -> bool:
    if not isinstance(wanted, list) or not isinstance(actual, list):
        return bool(wanted == actual)
    present = {
        str(f.get("Name", "")).lower(): f.get("Value") for f in actual if isinstance(f, dict)
    }
    for item in wanted:
        if not isinstance(item, dict):
            return False
        name = next((v for k, v in item.items() if k.lower() == "name"), None)
        value = next((v for k, v in item.items() if k.lower() == "value"), None)
        shown = None if value is None else str(value)
        if present.get(str(name).lower(), "<missing>") != shown:
            return False
    return True

"""``plutora record FILE``: a read-only smoke run of a site, every exchange recorded.

It logs in, calls ``/me``, reads one page of each readable entity of both APIs, one record
of each by id, every lookup type's values, and so the custom-field definitions the records
carry (``additionalInformation``, a defect's ``Fields``). Nothing is created or changed: it
sends GETs, and Plutora Test's defect search (a POST that only reads: the API has no other
way to list defects). Answers are not validated while recording: the shape is what
``plutora drift`` judges.

Example::

    results = record_site(PlutoraConfig.from_env(), "site.ndjson")
    print(table(results))    # the check table, a line per read
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from .check import CheckResult, _id_of, _run
from .config import PlutoraConfig, Product
from .errors import ConfigurationError
from .plutora import PlutoraClient
from .recording import Recorder, recording
from .test_management import PlutoraTestClient

#: Records per page read of each entity.
PAGE_SIZE = 25


def recording_config(config: PlutoraConfig) -> PlutoraConfig:
    """The configuration the smoke run uses: ``config`` read-only (anything but a read or a
    search is refused before it is sent, whatever the settings say), without validation
    (drift judges the shape) and without ``record`` (the run records through its own
    recorder).

    Example: ``recording_config(PlutoraConfig.from_env()).read_only`` → ``True``
    """
    return replace(config, validate_responses=False, record=None, read_only=True)


def _first_id(records: Any, key: str = "id") -> str | None:
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return _id_of(records[0], key)
    return None


def _by_id(
    product: str,
    name: str,
    records: Any,
    read: Callable[[str], Any],
    results: list[CheckResult],
    key: str = "id",
) -> Any:
    if not records:
        return None
    return _run(product, name, lambda: [read(str(_first_id(records, key)))], results)


def _page_of(client: PlutoraClient, entity: str, schema: str) -> Callable[[], Any]:
    """The read of the first page of ``entity``."""
    return lambda: client._page(entity, schema, None, 0, PAGE_SIZE).items


def _json_of(client: PlutoraClient, path: str) -> Any:
    """The answer of ``GET path`` through the generic call."""
    return client.call("GET", path).json


def _record_plutora(client: PlutoraClient, results: list[CheckResult]) -> None:
    name = Product.PLUTORA.label
    me = _run(name, "token and /me", client.current_user, results)
    if me is None:
        return
    pages: dict[str, Any] = {}
    for entity, schema, read in (
        ("releases", "release-list-item", client.release),
        ("changes", "change", client.change),
        ("environments", "environment-list-item", client.environment),
        ("hosts", "host", client.host),
        ("organizations", "organization", client.organization),
        ("systems", "system", client.system),
    ):
        page = _run(
            name, f"{entity} (page of {PAGE_SIZE})", _page_of(client, entity, schema), results
        )
        pages[entity] = page
        found = _by_id(name, f"{entity[:-1]} by id", page, read, results)
        if entity == "hosts" and found:
            layers = found[0].get("layers") if isinstance(found[0], dict) else None
            _by_id(name, "layer by id", layers, client.layer, results)
        if entity in ("releases", "changes", "environments", "systems"):
            # The custom-field definitions (data types, list items) of one record of each
            fields = partial(client.custom_fields, entity[:-1])
            _by_id(name, f"{entity[:-1]} custom fields", page, fields, results)
        first = _first_id(page) if page else None
        if entity in ("releases", "changes", "systems") and first:
            people = partial(client.stakeholders, entity[:-1], first)
            _run(name, f"{entity[:-1]} stakeholders", people, results)
        if entity in ("releases", "changes"):  # a sub-resource of each
            links = partial(client.linked_items, entity[:-1])
            _by_id(name, f"{entity[:-1]} linked items", page, links, results)
        if entity == "releases":
            _by_id(name, "release changes", page, client.release_changes, results)
    _run(name, "organization tree", lambda: [client.organization_tree()], results)

    _record_framework(client, name, results)
    tecrs = _run(name, "TECRs", client.tecrs, results)
    _by_id(name, "TECR by id", tecrs, client.tecr, results)
    _by_id(name, "TECR custom fields", tecrs, partial(client.custom_fields, "tecr"), results)
    _record_groups_and_bookings(client, results)
    # Change systems, comments and users (issue 18).
    _by_id(name, "change systems", pages.get("changes"), client.change_systems, results)
    for entity in ("releases", "changes"):
        comments = partial(client.comments, entity[:-1])
        _by_id(name, f"{entity[:-1]} comments", pages.get(entity), comments, results)
    users = _run(name, "users", client.users, results)
    # The recording's own user first: a simulator seeded from the recording has it (people
    # are pseudonymised, login accounts are not).
    mine = [u for u in users or () if str(u.get("userName", "")).casefold() == str(me).casefold()]
    _by_id(name, "user by id", mine or users, client.user, results)
    types = _run(name, "lookup fields", client.lookup_types, results)
    for lookup in types or ():
        kind = lookup.get("name") if isinstance(lookup, dict) else None
        if isinstance(kind, str) and kind:
            _run(name, f"lookup {kind}", partial(client.lookup, kind), results)


def _record_groups_and_bookings(client: PlutoraClient, results: list[CheckResult]) -> None:
    """A page of environment groups (one by id), connectivities, the TEBRs (one by id, its
    bookings) and a page of bookings."""
    name = Product.PLUTORA.label
    groups = _run(
        name,
        f"environment groups (page of {PAGE_SIZE})",
        _page_of(client, "environmentgroups", "environment-group"),
        results,
    )
    _by_id(name, "environment group by id", groups, client.environment_group, results)
    _run(
        name,
        f"connectivities (page of {PAGE_SIZE})",
        _page_of(client, "connectivities", "connectivity"),
        results,
    )
    # The whole list (a GET, as the scripts read it): a recording holds reads only.
    tebrs = _run(name, "TEBRs", partial(_json_of, client, "TEBRs"), results)
    _by_id(name, "TEBR by id", tebrs, client.tebr, results)
    _by_id(name, "TEBR bookings", tebrs, client.tebr_bookings, results)
    _run(
        name,
        f"bookings (page of {PAGE_SIZE})",
        lambda: client.booking_page(page_size=PAGE_SIZE).items,
        results,
    )


def _record_framework(client: PlutoraClient, name: str, results: list[CheckResult]) -> None:
    """The phase and gate names, and the phases, gates and activities of the first page's
    releases that have any (up to five releases: enough for a simulator to serve them)."""
    _run(name, "phase names", client.phase_names, results)
    _run(name, "gate names", client.gate_names, results)
    releases = _run(
        name, "releases for their phases", _page_of(client, "releases", "release-list-item"), []
    )
    for release in (releases or [])[:5]:
        if not isinstance(release, dict) or not isinstance(release.get("id"), str):
            continue
        release_id = release["id"]
        label = release.get("identifier") or release_id
        for kind, read in (
            ("phases", client.release_phases),
            ("gates", client.release_gates),
            ("activities", client.release_activities),
        ):
            _run(name, f"{kind} of {label}", partial(read, release_id), results)


def _items_of(search: Callable[..., Any]) -> Any:
    """The first page's items of a Plutora Test search."""
    return search(page_size=PAGE_SIZE).items


def _record_plutora_test(client: PlutoraTestClient, results: list[CheckResult]) -> None:
    name = Product.PLUTORA_TEST.label
    if _run(name, "token and /me", client.current_user, results) is None:
        return
    defects = _run(
        name,
        f"defects (search, {PAGE_SIZE})",
        lambda: client.search_defects(page_size=PAGE_SIZE).items,
        results,
    )
    _by_id(name, "defect by id", defects, client.defect, results, "Id")
    _by_id(name, "defect by display id", defects, client.defect_by_display_id, results, "DisplayId")
    for kind, search, read in (
        ("requirements", client.search_requirements, client.requirement),
        ("test cases", partial(client.search_test_cases, execution_summary=True), client.test_case),
        ("test plans", client.search_test_plans, client.test_plan),
        ("category settings", client.search_category_settings, None),
    ):
        items = _run(name, f"{kind} (search, {PAGE_SIZE})", partial(_items_of, search), results)
        if read is not None:
            _by_id(name, f"{kind[:-1]} by id", items, read, results, "Id")


def record_site(
    config: PlutoraConfig, path: str | Path, pseudonymise: bool = False
) -> tuple[list[CheckResult], Recorder]:
    """Read every configured product's site once, recording each exchange into ``path``.

    Returns the table's results (as ``plutora check``'s) and the recorder (``written``: the
    exchanges written). Raises :class:`ConfigurationError` when no product is configured.

    Example: ``results, recorder = record_site(config, "site.ndjson", pseudonymise=True)``
    """
    if not config.plutora.configured and not config.plutora_test.configured:
        problems: list[str] = []
        for product in (config.plutora, config.plutora_test):
            try:
                product.require_credentials()
            except ConfigurationError as error:
                problems.extend(error.problems)
        raise ConfigurationError(["Nothing to record: neither product is configured.", *problems])
    config = recording_config(config)
    results: list[CheckResult] = []
    with recording(config, path, pseudonymise) as recorder:
        if config.plutora.configured:
            with PlutoraClient(config) as plutora:
                _record_plutora(plutora, results)
        if config.plutora_test.configured:
            with PlutoraTestClient(config) as plutora_test:
                _record_plutora_test(plutora_test, results)
    return results, recorder

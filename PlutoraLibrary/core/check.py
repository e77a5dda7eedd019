"""``plutora check``: a CI gate in one command — log in, call ``/me``, fetch a page of each
entity, validate each answer against its schema, print a table, fail on any failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import PlutoraConfig, Product
from .errors import ConfigurationError, PlutoraError, SchemaMismatch
from .filters import SearchFilter
from .plutora import PlutoraClient
from .test_management import PlutoraTestClient


@dataclass(frozen=True)
class CheckResult:
    """One line of the table: what was checked, whether it passed, and why not."""

    product: str
    check: str
    passed: bool
    detail: str
    milliseconds: float


def _run(product: str, name: str, step: Callable[[], Any], results: list[CheckResult]) -> Any:
    started = time.perf_counter()
    try:
        value = step()
    except ConfigurationError:
        raise  # the settings, not the site: the command reports it and exits 2
    except PlutoraError as error:
        results.append(
            CheckResult(product, name, False, str(error), (time.perf_counter() - started) * 1000)
        )
        return None
    except (KeyError, IndexError, TypeError) as error:
        # Only reachable with validation off (--no-validate): the schema check would have
        # named what is wrong with the answer.
        detail = (
            f"The answer does not have the API's shape ({type(error).__name__}: {error}); "
            "run without --no-validate to see which field is wrong."
        )
        results.append(
            CheckResult(product, name, False, detail, (time.perf_counter() - started) * 1000)
        )
        return None
    detail = f"{len(value)} record(s)" if isinstance(value, list) else "ok"
    results.append(CheckResult(product, name, True, detail, (time.perf_counter() - started) * 1000))
    return value


def _check_plutora(client: PlutoraClient, results: list[CheckResult]) -> None:
    name = Product.PLUTORA.label
    if _run(name, "token and /me", client.current_user, results) is None:
        return
    page = _run(name, "releases (page of 5)", lambda: client.release_page(0, 5).items, results)
    if page:
        _run(name, "release by id", lambda: [client.release(_id_of(page[0], "id"))], results)
        first = _id_of(page[0], "id")
        _run(name, "release systems", lambda: client.release_systems(first), results)
        _run(name, "release changes", lambda: client.release_changes(first), results)
        linked = client.linked_items
        _run(name, "release linked items", lambda: linked("release", first), results)
    changes = _run(
        name, "changes (search, 5)", lambda: client.search_changes(page_size=5).items, results
    )
    if changes:
        change = _id_of(changes[0], "id")
        _run(name, "change linked items", lambda: client.linked_items("change", change), results)
    environments = _run(name, "environments", client.environments, results)
    if environments:
        first = _id_of(environments[0], "id")
        _run(name, "environment health", lambda: client.current_health([first]), results)
    _run(name, "hosts", client.hosts, results)
    tecrs = _run(name, "TECRs (search, 5)", lambda: client.search_tecrs(page_size=5).items, results)
    if tecrs:
        tecr = _id_of(tecrs[0], "id")
        _run(name, "TECR linked changes", lambda: client.tecr_linked_changes(tecr), results)
    _run(name, "lookup fields", client.lookup_types, results)
    _run(name, "release statuses", lambda: client.lookup("ReleaseStatusType"), results)
    _run(name, "organizations", client.organizations, results)
    systems = _run(name, "systems", client.systems, results)
    # Change systems, comments and users (issue 18).
    if changes:
        change = _id_of(changes[0], "id")
        _run(name, "change systems", lambda: client.change_systems(change), results)
        _run(name, "change comments", lambda: client.comments("Change", change), results)
    users = _run(name, "users", client.users, results)
    if users:
        _run(name, "user by id", lambda: [client.user(_id_of(users[0], "id"))], results)
    _run(name, "phase names", client.phase_names, results)
    _run(name, "gate names", client.gate_names, results)
    if page:
        planned = _id_of(page[0], "id")
        _run(name, "release phases", lambda: client.release_phases(planned), results)
        _run(name, "release gates", lambda: client.release_gates(planned), results)
        _run(name, "release activities", lambda: client.release_activities(planned), results)
    _check_environment_groups_and_bookings(client, results)
    _check_stakeholders(client, (page, changes, systems), results)


def _check_environment_groups_and_bookings(
    client: PlutoraClient, results: list[CheckResult]
) -> None:
    """A page of environment groups (one read by id, its connectivities), TEBRs (searched;
    the first one's bookings) and bookings."""
    name = Product.PLUTORA.label
    groups = _run(name, "environment groups", client.environment_groups, results)
    if groups:
        first = _id_of(groups[0], "id")
        _run(name, "environment group by id", lambda: [client.environment_group(first)], results)
        _run(name, "connectivities", lambda: client.environment_connectivities(first), results)
    tebrs = _run(name, "TEBRs (search, 5)", lambda: client.search_tebrs(page_size=5).items, results)
    if tebrs:
        tebr = _id_of(tebrs[0], "id")
        _run(name, "TEBR bookings", lambda: client.tebr_bookings(tebr), results)
    _run(name, "bookings (page of 5)", lambda: client.booking_page(page_size=5).items, results)


def _check_stakeholders(
    client: PlutoraClient, read: tuple[Any, Any, Any], results: list[CheckResult]
) -> None:
    """The organization tree, and the stakeholders of the first release, change and system
    read (``read``: the releases, changes and systems)."""
    name = Product.PLUTORA.label
    releases, changes, systems = read
    _run(name, "organization tree", lambda: [client.organization_tree()], results)
    if releases:
        first = _id_of(releases[0], "id")
        _run(name, "release stakeholders", lambda: client.stakeholders("release", first), results)
    if changes:
        change = _id_of(changes[0], "id")
        _run(name, "change stakeholders", lambda: client.stakeholders("change", change), results)
    if systems:
        system = _id_of(systems[0], "id")
        _run(name, "system stakeholders", lambda: client.stakeholders("system", system), results)


def _check_plutora_test(client: PlutoraTestClient, results: list[CheckResult]) -> None:
    name = Product.PLUTORA_TEST.label
    if _run(name, "token and /me", client.current_user, results) is None:
        return
    defects = _run(
        name, "defects (search, 5)", lambda: client.search_defects(page_size=5).items, results
    )
    if defects:
        _run(name, "defect by id", lambda: [client.defect(_id_of(defects[0], "Id"))], results)
        _run(
            name,
            "defect by search",
            lambda: (
                client.search_defects(
                    [SearchFilter("DisplayId", "Equals", _id_of(defects[0], "DisplayId"))]
                ).items
            ),
            results,
        )


def _id_of(record: Any, key: str) -> str:
    """``record[key]`` as an id, or :class:`SchemaMismatch` when the listed record lacks it
    (seen only with validation off)."""
    value = record.get(key) if isinstance(record, dict) else None
    if not isinstance(value, str) or not value:
        got = "nothing (missing)" if value is None else repr(value)[:40]
        raise SchemaMismatch("list item", f"$[0].{key}", "an id (a text)", got, "the first record")
    return value


def run_checks(config: PlutoraConfig) -> list[CheckResult]:
    """Check every configured product. Example: ``all(r.passed for r in run_checks(config))``.

    Raises :class:`ConfigurationError` when no product is configured. The checks run
    read-only (``read_only``): they can send nothing that changes the site.
    """
    if not config.plutora.configured and not config.plutora_test.configured:
        problems: list[str] = []
        for product in (config.plutora, config.plutora_test):
            try:
                product.require_credentials()
            except ConfigurationError as error:
                problems.extend(error.problems)
        raise ConfigurationError(["Nothing to check: neither product is configured.", *problems])
    results: list[CheckResult] = []
    config = config.with_options(read_only=True)
    if config.plutora.configured:
        with PlutoraClient(config) as plutora:
            _check_plutora(plutora, results)
    if config.plutora_test.configured:
        with PlutoraTestClient(config) as plutora_test:
            _check_plutora_test(plutora_test, results)
    return results


def not_checked(config: PlutoraConfig) -> list[str]:
    """A line for each product that :func:`run_checks` leaves out, saying what to set, so
    that a gate over one product does not read as a gate over both.

    Example: ``not_checked(config)`` → ``['Plutora Test was not checked: …']``
    """
    lines = []
    for product in (config.plutora, config.plutora_test):
        if product.configured:
            continue
        try:
            product.require_credentials()
        except ConfigurationError as error:
            missing = "; ".join(error.problems)
        else:  # pragma: no cover - not configured means a problem is named
            missing = "its settings are incomplete"
        lines.append(f"{product.product.label} was not checked: {missing}")
    return lines


def table(results: list[CheckResult]) -> str:
    """The results as a plain-text table."""
    rows = [("product", "check", "result", "ms", "detail")]
    rows += [
        (r.product, r.check, "PASS" if r.passed else "FAIL", f"{r.milliseconds:.0f}", r.detail)
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)

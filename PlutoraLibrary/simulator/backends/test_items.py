"""Plutora Test beyond defects: requirements, test cases, test plans, category settings, and
the bulk updates (``BulkUpdateSearch``) of defects, requirements and test cases.

Each collection searches as the defects do (the same filters, sorting, paging and index) and
reads by id and by display id. A bulk update selects with search filters and applies one
delta to every match, all or nothing: the delta is checked once (read-only, unknown and
ill-typed properties, unknown lookup values), and nothing changes when any problem is found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ... import contract
from ..index import SearchIndex
from ..parameters import shown as spelled
from ..query import Entity, Getter, SearchFilter, field_of
from ..seed import SeedData, iso_precise
from .clock import Clock
from .errors import ModelState, NotFound
from .records import GUID, Record


@dataclass(frozen=True)
class ItemKind:
    """What a backend needs to know of one kind of item.

    ``lookups`` maps a property holding ``{Id, Value}`` to the lookup that lists its values;
    ``label`` names the kind in messages.
    Example: ``ItemKind("TestCase", "test case", {"Status": "TestCaseStatus"})``.
    """

    schema: str
    label: str
    lookups: Mapping[str, str]
    indexed: tuple[str, ...] = ("Status", "Priority")

    @property
    def fields(self) -> tuple[str, ...]:
        """The properties of an item, in the contract's order."""
        return contract.properties("plutora-test", self.schema)

    @property
    def writable(self) -> tuple[str, ...]:
        """What a bulk update may change (the contract's properties but ``readOnly`` ones)."""
        return contract.writable("plutora-test", self.schema)


REQUIREMENT = ItemKind(
    "Requirement",
    "requirement",
    {"Status": "RequirementStatus", "Priority": "RequirementPriority"},
    ("Status", "Priority", "AssignedTo", "ReleaseId"),
)
TEST_CASE = ItemKind(
    "TestCase",
    "test case",
    {"Status": "TestCaseStatus", "Priority": "TestCasePriority", "Type": "TestCaseType"},
    ("Status", "Priority", "Type", "AssignedTo"),
)
TEST_PLAN = ItemKind("TestPlan", "test plan", {"Status": "TestPlanStatus"}, ("Status",))
CATEGORY_SETTING = ItemKind("CategorySetting", "category setting", {}, ("EntityType", "Name"))


def _getter(key: str, lookup: bool) -> Getter:
    if lookup:

        def value_of(record: Record) -> Any:
            item = record.get(key)
            return item.get("Value") if isinstance(item, dict) else None

        return value_of

    def plain(record: Record) -> Any:
        value = record.get(key)
        if isinstance(value, list):  # a list of ids: Contains and Equals read it as text
            return ",".join(str(item) for item in value) if value else None
        return value

    return plain


def entity_of(kind: ItemKind) -> Entity:
    """The query engine's view of ``kind``: plain properties, lookups by their ``Value``,
    lists of ids as comma-joined text; custom fields are not searchable (the help page:
    "Filters do not work on custom fields"). Example: ``entity_of(TEST_CASE).getter("type")``.
    """
    return Entity(
        kind.schema,
        {
            key.lower(): _getter(key, key in kind.lookups)
            for key in kind.fields
            if key not in ("Fields", "Values")
        },
    )


def searchable(kind: ItemKind) -> tuple[str, ...]:
    """The properties a search filter may name. Example: ``searchable(TEST_PLAN)``."""
    return tuple(key for key in kind.fields if key not in ("Fields", "Values"))


class ItemsBackend:
    """One kind of Plutora Test item: search (as defects), read by id and display id, and
    bulk update.

    Example::

        cases = ItemsBackend(TEST_CASE, seed.test_cases, seed.test_lookups, clock)
        cases.search([], page=0, size=25)[1]          # 200 on a default site
        cases.bulk_update([SearchFilter("Status", "Equals", "Ready")], {"Priority": "High"},
                          ModelState("Delta"))
    """

    def __init__(
        self,
        kind: ItemKind,
        records: dict[str, Record],
        lookups: Mapping[str, list[Record]],
        clock: Clock,
    ) -> None:
        self.kind = kind
        self.clock = clock
        self.lookups = lookups
        self.by_id: dict[str, Record] = {}
        self._by_display_id: dict[str, Record] = {}
        self.version = 0
        self.index = SearchIndex(entity_of(kind), kind.indexed)
        self.reset(records, lookups)

    def __len__(self) -> int:
        return len(self.by_id)

    def reset(self, records: dict[str, Record], lookups: Mapping[str, list[Record]]) -> None:
        """Hold the items of a freshly seeded site."""
        self.by_id = records
        self.lookups = lookups
        self.version += 1
        self._by_display_id = {
            str(r["DisplayId"]).lower(): r for r in records.values() if "DisplayId" in r
        }

    def get(self, item_id: str) -> Record:
        """An item by id, or :class:`NotFound`."""
        item = self.by_id.get(item_id.lower())
        if item is None:
            raise NotFound(f"{self.kind.label.capitalize()} '{item_id}' was not found.")
        return item

    def by_display_id(self, display_id: str) -> Record:
        """An item by its display id (any case), or :class:`NotFound`."""
        item = self._by_display_id.get(display_id.lower())
        if item is None:
            raise NotFound(f"{self.kind.label.capitalize()} '{display_id}' was not found.")
        return item

    def matches(self, filters: Sequence[SearchFilter]) -> Any:
        """Every item matching ``filters``, in their order (the index's :class:`Matches`)."""
        return self.index.search(self.by_id.values(), self.version, filters)

    def search(
        self, filters: Sequence[SearchFilter], page: int, size: int
    ) -> tuple[list[Record], int]:
        """One page of the items matching ``filters``, and how many match in all."""
        found = self.matches(filters)
        return found.slice(page * size, (page + 1) * size), len(found)

    def bulk_update(
        self, filters: Sequence[SearchFilter], delta: Any, model: ModelState
    ) -> list[Record]:
        """Apply ``delta`` to every item ``filters`` select; the items changed. All or
        nothing: any problem of the delta (:class:`Invalid`) changes nothing."""
        items = bulk_update(
            self.matches(filters),
            delta,
            model,
            lambda item, given, problems: delta_changes(
                self.kind, self.lookups, item, given, problems
            ),
            self._touched,
        )
        stamp(items, self.clock)
        return items

    def _touched(self) -> None:
        self.version += 1


Changes = Callable[[Record, Record, ModelState], Record]


def bulk_update(
    found: Any, delta: Any, model: ModelState, changes_of: Changes, touched: Callable[[], None]
) -> list[Record]:
    """Check ``delta`` (against the first match, or an empty item when none matches), then
    apply it to every match of ``found``; the items changed, stamped as modified now.
    Example: ``bulk_update(matches, {"Priority": "High"}, ModelState("Delta"), ...)``."""
    if not isinstance(delta, dict) or not delta:
        model.add("", "Delta must name at least one property to change.")
        model.check()
    items: list[Record] = found.slice(0, len(found))
    changes = [changes_of(item, delta, model) for item in items[:1]] or [
        changes_of({}, delta, model)
    ]
    model.check()
    for number, item in enumerate(items):
        item.update(changes[0] if number == 0 else changes_of(item, delta, model))
    if items:
        touched()
    return items


def stamp(items: list[Record], clock: Clock) -> None:
    """Set ``LastModifiedDate`` of ``items`` to the clock's now."""
    now = iso_precise(clock.moment())
    for item in items:
        item["LastModifiedDate"] = now


def delta_changes(
    kind: ItemKind,
    lookups: Mapping[str, list[Record]],
    item: Record,
    delta: Record,
    model: ModelState,
) -> Record:
    """The changes ``delta`` makes to ``item``, each problem recorded in ``model`` (the
    caller checks it): read-only and unknown properties, a blank Name, a ReleaseId that is no
    GUID, a lookup value the site does not know, Fields that are no list of Name/Value.
    Example: ``delta_changes(TEST_CASE, lookups, case, {"Priority": "High"}, model)``."""
    changes: Record = {}
    writable = {name.lower(): name for name in kind.writable}
    read_only = {name.lower(): name for name in kind.fields if name not in kind.writable}
    for key, value in delta.items():
        name = writable.get(str(key).lower())
        if str(key).lower() in read_only:
            model.add(
                key, f"Property '{read_only[str(key).lower()]}' is read-only and cannot be changed."
            )
        elif name is None:
            model.add(
                key,
                f"Property '{key}' does not exist on a {kind.label}. "
                f"Writable properties: {', '.join(kind.writable)}.",
            )
        elif model.has(name):
            continue  # the request's validation already said what is wrong with it
        elif name == "Name":
            if not isinstance(value, str) or not value.strip():
                model.add(name, "Name must be a non-empty string.")
            else:
                changes[name] = value
        elif name == "ReleaseId":
            if value is not None and (not isinstance(value, str) or not GUID.match(value)):
                model.add(name, f"ReleaseId must be a GUID or null, not {spelled(value)}.")
            else:
                changes[name] = value.lower() if isinstance(value, str) else None
        elif name in kind.lookups:
            items = lookups.get(kind.lookups[name], [])
            found = lookup_item(items, value)
            if found is None:
                allowed = ", ".join(entry["value"] for entry in items)
                shown = (
                    field_of(value, "Value") or field_of(value, "Id")
                    if isinstance(value, dict)
                    else value
                )
                model.add(name, f"{name} '{shown}' is not known; use one of {allowed}.")
            else:
                changes[name] = {"Id": found["id"], "Value": found["value"]}
        elif name == "Fields":
            fields = merged_fields(item.get("Fields") or [], value)
            if fields is None:
                model.add(name, "Fields must be a list of objects with a Name and a Value.")
            else:
                changes[name] = fields
        elif value is not None and not isinstance(value, str):
            model.add(name, f"{name} must be a string or null.")
        else:
            changes[name] = value
    return changes


def lookup_item(items: list[Record], value: Any) -> Record | None:
    """The lookup item ``value`` names: ``{"Id": …}``, ``{"Value": …}`` or a plain value."""
    if isinstance(value, dict):
        wanted_id = field_of(value, "Id")
        wanted_value = field_of(value, "Value")
    else:
        wanted_id, wanted_value = None, value
    for item in items:
        if isinstance(wanted_id, str) and item["id"] == wanted_id.lower():
            return item
        if isinstance(wanted_value, str) and item["value"].lower() == wanted_value.lower():
            return item
    return None


def merged_fields(current: list[Record], value: Any) -> list[Record] | None:
    """``current`` custom fields with ``value``'s merged in by Name; None when ``value`` is
    no list of objects with a Name."""
    if not isinstance(value, list):
        return None
    merged = [dict(item) for item in current]
    for item in value:
        name = field_of(item, "Name") if isinstance(item, dict) else None
        new = field_of(item, "Value") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name or isinstance(new, (dict, list)):
            return None
        text = None if new is None else str(new)
        for existing in merged:
            if existing["Name"].lower() == name.lower():
                existing["Value"] = existing["StringValue"] = text
                break
        else:
            merged.append({"Name": name, "Value": text, "StringValue": text})
    return merged


class TestManagementBackend:
    """The four kinds beside defects, reset together from one seed.

    Example: ``TestManagementBackend(seed, clock).test_cases.get(case_id)["Name"]``
    """

    def __init__(self, seed: SeedData, clock: Clock) -> None:
        self.clock = clock
        lookups = seed.test_lookups
        self.requirements = ItemsBackend(REQUIREMENT, seed.requirements, lookups, clock)
        self.test_cases = ItemsBackend(TEST_CASE, seed.test_cases, lookups, clock)
        self.test_plans = ItemsBackend(TEST_PLAN, seed.test_plans, lookups, clock)
        self.category_settings = ItemsBackend(
            CATEGORY_SETTING, seed.category_settings, lookups, clock
        )

    def reset(self, seed: SeedData) -> None:
        """Hold the items of a freshly seeded site."""
        lookups = seed.test_lookups
        self.requirements.reset(seed.requirements, lookups)
        self.test_cases.reset(seed.test_cases, lookups)
        self.test_plans.reset(seed.test_plans, lookups)
        self.category_settings.reset(seed.category_settings, lookups)

"""A site's own vocabulary and records over the generated data: settings and recordings.

The generated site (:mod:`.seed`) is the same for the same seed. Two things make it look like
another site, applied after generation so that the generated draws never change (the default
site of seed 1 stays exactly as it was):

- settings (:class:`~.config.SimulatorConfig`): ``lookup_values`` replaces the values of
  lookup types, ``extra_custom_fields`` adds FreeText custom fields to every release, and
  ``renamed_fields`` answers fields under other names (:func:`renamed`);
- a recording (``seed_from``, written by ``plutora record``): its lookup values and custom
  field definitions replace the generated ones, its change display-name spelling is used,
  and its releases, changes, organizations, systems, defects, environments, hosts, layers,
  TECRs, TEBRs, environment groups, requirements, test cases and test plans are added (ids
  kept, people replaced by generated ones; references to records that were not recorded
  point to generated records of the same kind).

The simulator imports nothing from the client: the recording's lines are read here, with
the standard library (the format is documented in ``docs/recording.md``).

Example::

    data = seeded(SimulatorConfig(seed_from="site.ndjson"))
    data.lookups["ReleaseStatusType"][0]["value"]   # the site's first release status
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import SimulatorConfig, SimulatorConfigError
from .seed import SeedData, build_seed, custom_field

Record = dict[str, Any]

#: The first line's ``format`` a recording starts with, and the version read here.
RECORDING_FORMAT = "plutora-recording"
RECORDING_VERSION = 1
#: The collections a recording adds records to, by the first segment of their paths.
KINDS = {
    "releases": "releases", "changes": "changes", "organizations": "organizations",
    "systems": "systems", "defects": "defects", "environments": "environments",
    "hosts": "hosts", "layers": "layers", "tecrs": "tecrs", "tebrs": "tebrs",
    "requirement": "requirements", "requirements": "requirements", "testcase": "test_cases",
    "testplan": "test_plans", "environmentgroups": "environmentgroups",
}  # fmt: skip
#: A release's sub-resources kept by release (not records of their own), and the names of
#: phases and gates (``WorkItemNames/…``) by the kind they name.
FRAMEWORK_KINDS = ("phases", "gates", "activities")
FRAMEWORK_NAMES = {"phases": "phase", "gates": "gate"}
#: Kinds of the Plutora Test API, whose records are PascalCase (``Id``, ``DisplayId``).
PASCAL_KINDS = frozenset({"defects", "requirements", "test_cases", "test_plans"})
#: Kinds the backends generate themselves (not in :class:`SeedData`): their recorded records
#: are handed to the backend (:func:`recorded_requests`) and added there.
BACKEND_KINDS = ("tecrs", "tebrs", "environmentgroups")
#: Records nested in records of a kind, taken as records of their own: an environment's
#: hosts, a host's layers.
NESTED = {"environments": ("hosts", "hosts"), "hosts": ("layers", "layers")}
#: Fields that name people: always taken from a generated record (people are pseudonymised).
PEOPLE_FIELDS = frozenset(
    {
        "manager", "managerId", "raisedBy", "raisedById", "lastModifiedBy", "environmentMgr",
        "AssignedTo", "assignedToId", "CreatedBy", "ModifiedBy",
    }
)  # fmt: skip
#: Unique keys of a kind besides the id: a generated record sharing one gives way.
UNIQUE_KEYS = {
    "releases": "identifier", "changes": "changeId", "defects": "DisplayId",
    "requirements": "DisplayId", "test_cases": "DisplayId", "test_plans": "DisplayId",
}  # fmt: skip
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass
class Recorded:
    """What a recording tells about its site: lookup values by type, custom-field
    definitions by entity, records by kind, and the change display-name spelling.

    Example: ``Recorded.read("site.ndjson").lookups["ReleaseStatusType"]``
    """

    lookups: dict[str, list[Record]] = field(default_factory=dict)
    #: Entity -> field name -> a recorded item (its dataType and a value).
    custom_fields: dict[str, dict[str, list[Record]]] = field(default_factory=dict)
    #: Defect custom fields (``Fields``): name -> recorded values.
    defect_fields: dict[str, list[str]] = field(default_factory=dict)
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    #: "named" when recorded changes spell display names ``changeStatusName``.
    change_display_names: str | None = None
    #: A release's recorded phases, gates and activities: kind -> release id -> items.
    framework: dict[str, dict[str, list[Record]]] = field(default_factory=dict)
    #: The recorded names of phases and gates (``WorkItemNames/Phases|Gates``) by kind.
    work_item_names: dict[str, list[Record]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path) -> Recorded:
        """Read a recording, line by line. Raises :class:`SimulatorConfigError` naming the
        file and line when it is not a recording this simulator reads."""
        found = cls()
        for exchange in _exchanges(Path(path)):
            found._take(exchange)
        return found

    def _take(self, exchange: Record) -> None:
        status = exchange.get("status")
        if not isinstance(status, int) or not 200 <= status < 300:
            return
        body = (exchange.get("response") or {}).get("body")
        path = str(exchange.get("path", "")).strip("/")
        segments = path.split("/")
        method = str(exchange.get("method", "")).upper()
        if method == "GET" and len(segments) == 2 and segments[0].lower() == "lookupfields":
            if isinstance(body, list):
                items = [i for i in body if isinstance(i, dict) and isinstance(i.get("value"), str)]
                if items:
                    self.lookups[str(items[0].get("type") or segments[1])] = items
            return
        if method == "GET" and self._framework(segments, body):
            return
        if len(segments) >= 3 and _GUID.match(segments[1]):
            # A record's sub-resource (its systems, stakeholders, linked items, comments,
            # bookings, linked changes…) holds no records of the record's kind; its custom
            # fields are definitions of that kind's fields.
            if segments[2].lower() == "additionalinformation" and isinstance(body, list):
                self._definitions({"additionalInformation": body})
            return
        kind = KINDS.get(segments[0].lower()) if segments and segments[0] else None
        if kind is None or method not in ("GET", "POST"):
            return
        if len(segments) > 2 and segments[1].lower() != "getbydisplayid":
            return  # a record's sub-resource (custom fields, stakeholders, …): not its records
        if kind == "organizations" and segments[-1].lower() == "tree":
            for node in _tree_nodes(body):
                self._record(kind, node)
            return
        for record in _records_in(body):
            self._record(kind, record)
            if kind == "changes":
                if "changeStatusName" in record and "changeStatus" not in record:
                    self.change_display_names = "named"
                elif "changeStatus" in record:
                    self.change_display_names = "classic"

    def _framework(self, segments: list[str], body: Any) -> bool:
        """Take a release's phases, gates or activities, or the phase and gate names, from a
        GET's answer; whether ``segments`` (the path) named one of them (then they are not
        taken as records of the release kind)."""
        lowered = [segment.lower() for segment in segments]
        items = [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []
        if len(lowered) == 2 and lowered[0] == "workitemnames" and lowered[1] in FRAMEWORK_NAMES:
            named = [i for i in items if _GUID.match(str(i.get("id"))) and i.get("name")]
            if named:
                self.work_item_names[FRAMEWORK_NAMES[lowered[1]]] = named
            return True
        if len(lowered) == 3 and lowered[0] == "releases" and lowered[2] in FRAMEWORK_KINDS:
            if _GUID.match(segments[1]):
                kept = [i for i in items if _GUID.match(str(i.get("id")))]
                self.framework.setdefault(lowered[2], {})[lowered[1]] = kept
            return True
        return False

    def _record(self, kind: str, record: Record) -> None:
        key = "Id" if kind in PASCAL_KINDS else "id"
        record_id = record.get(key)
        if not isinstance(record_id, str) or not _GUID.match(record_id):
            return
        known = self.records.setdefault(kind, {})
        known[record_id.lower()] = {**known.get(record_id.lower(), {}), **record}
        self._definitions(record)
        if kind in NESTED:
            field_name, nested_kind = NESTED[kind]
            for item in record.get(field_name) or ():
                if isinstance(item, dict):
                    self._record(nested_kind, item)

    def _definitions(self, record: Record) -> None:
        for item in record.get("additionalInformation") or ():
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                entity = str(item.get("type") or "Release")
                seen = self.custom_fields.setdefault(entity, {}).setdefault(item["name"], [])
                if len(seen) < 20:
                    seen.append(item)
        for item in record.get("Fields") or ():
            if isinstance(item, dict) and isinstance(item.get("Name"), str):
                values = self.defect_fields.setdefault(item["Name"], [])
                if len(values) < 20:
                    values.append(str(item.get("Value") or ""))


def _exchanges(path: Path) -> Iterator[Record]:
    try:
        file = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise SimulatorConfigError(
            f"seed_from: cannot read the recording {str(path)!r}: {error.strerror or error}; "
            "check the path (record one with `plutora record FILE`)."
        ) from None
    with file:
        try:
            first = file.readline()
            try:
                head = json.loads(first) if first.strip() else None
            except ValueError:
                head = None
            if not isinstance(head, dict) or head.get("format") != RECORDING_FORMAT:
                raise SimulatorConfigError(
                    f"seed_from: {str(path)!r} is not a recording (its first line must name "
                    f'the format "{RECORDING_FORMAT}"); record one with `plutora record FILE`.'
                )
            if head.get("version") != RECORDING_VERSION:
                raise SimulatorConfigError(
                    f"seed_from: {str(path)!r} is a recording of version "
                    f"{head.get('version')!r}; this simulator reads version {RECORDING_VERSION}."
                )
            for number, line in enumerate(file, 2):
                if not line.strip():
                    continue
                try:
                    exchange = json.loads(line)
                except ValueError:
                    raise SimulatorConfigError(
                        f"seed_from: {str(path)!r}, line {number} is not JSON: the file was cut "
                        "or edited; record it again or delete the line."
                    ) from None
                if isinstance(exchange, dict):
                    yield exchange
        except UnicodeDecodeError:
            raise SimulatorConfigError(
                f"seed_from: {str(path)!r} is not UTF-8 text, so not a recording."
            ) from None


def _tree_nodes(node: Any) -> Iterator[Record]:
    """The organizations of ``GET /organizations/tree``'s answer, each without its
    ``children``."""
    if isinstance(node, dict):
        yield {key: value for key, value in node.items() if key != "children"}
        for child in node.get("children") or ():
            yield from _tree_nodes(child)


def _records_in(body: Any) -> Iterator[Record]:
    """The records of an answer: a record, a list, a page's ``resultSet``, an envelope's
    ``Data`` (itself one of those)."""
    if isinstance(body, list):
        yield from (item for item in body if isinstance(item, dict))
    elif isinstance(body, dict):
        if "Data" in body and "Status" in body:
            yield from _records_in(body["Data"])
        elif isinstance(body.get("resultSet"), list):
            yield from _records_in(body["resultSet"])
        elif isinstance(body.get("ResultSet"), list):
            yield from _records_in(body["ResultSet"])
        else:
            yield body


# -- applying ---------------------------------------------------------------------------------


def configured(config: SimulatorConfig) -> SimulatorConfig:
    """``config`` with what its recording says about settings (the change display-name
    spelling); unchanged without ``seed_from``. Example: ``configured(config)``."""
    if not config.seed_from:
        return config
    spelling = _recorded(config.seed_from).change_display_names
    if spelling and spelling != config.change_display_names:
        return config.with_changes(change_display_names=spelling)
    return config


_CACHE: dict[tuple[str, float, int], Recorded] = {}


def _recorded(path: str) -> Recorded:
    """A recording read once per version of the file (a reset seeds from it again)."""
    target = Path(path)
    try:
        stat = target.stat()
        key = (str(target.resolve()), stat.st_mtime, stat.st_size)
    except OSError:
        return Recorded.read(target)  # raises the clear error
    found = _CACHE.get(key)
    if found is None:
        _CACHE.clear()
        found = _CACHE[key] = Recorded.read(target)
    return found


def seeded(config: SimulatorConfig) -> SeedData:
    """The site of ``config``: generated from its seed, then its settings' vocabulary, then
    its recording's (``seed_from``). Example: ``seeded(SimulatorConfig()).releases``."""
    data = build_seed(config.seed, config.defect_count, config.release_count, config.change_count)
    rng = random.Random(f"site:{config.seed}")
    for kind, values in config.lookup_values:
        if kind not in data.lookups:
            raise SimulatorConfigError(
                f"lookup_values names the lookup type {kind!r}, which the simulator does not "
                f"have; known types: {', '.join(sorted(data.lookups))}."
            )
        old = data.lookups[kind]
        items = [
            {
                "id": old[index]["id"] if index < len(old) else _guid(rng),
                "value": value,
                "sortOrder": index,
                "type": kind,
            }
            for index, value in enumerate(values)
        ]
        replace_lookup(data, kind, items)
    for name in config.extra_custom_fields:
        for release in data.releases.values():
            release["additionalInformation"] = [
                *release["additionalInformation"],
                custom_field(_guid(rng), name, "Release", text=f"{name} {rng.randint(1, 99)}"),
            ]
    if config.seed_from:
        add_recording(data, _recorded(config.seed_from), rng)
    return data


def _guid(rng: random.Random) -> str:
    text = f"{rng.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:]}"


def _collections(data: SeedData) -> list[dict[str, Record]]:
    return [
        data.releases, data.changes, data.environments, data.hosts, data.layers,
        data.systems, data.organizations, data.defects, data.requirements, data.test_cases,
        data.test_plans,
    ]  # fmt: skip


def replace_lookup(data: SeedData, kind: str, items: list[Record]) -> None:
    """Give lookup type ``kind`` the values ``items``: each generated value is replaced by
    the one at its position (cycling when there are fewer), in every record that points at
    it (its id and its display value). Example: ``replace_lookup(data, "ReleaseType", items)``.
    """
    old = data.lookups.get(kind, [])
    if not items:
        return
    mapping = {
        str(item["id"]).lower(): (str(item["value"]), items[index % len(items)])
        for index, item in enumerate(old)
    }
    data.lookups[kind] = items
    for collection in _collections(data):
        for record in collection.values():
            _repoint(record, mapping)


def _repoint(node: Any, mapping: dict[str, tuple[str, Record]]) -> None:
    """Point every reference to a replaced lookup value at its replacement, in place."""
    if isinstance(node, list):
        for item in node:
            _repoint(item, mapping)
        return
    if not isinstance(node, dict):
        return
    for key, value in list(node.items()):
        if isinstance(value, str) and value.lower() in mapping:
            old_value, new = mapping[value.lower()]
            node[key] = new["id"]
            siblings: tuple[str, ...] = ("Value", "value") if key in ("Id", "id") else ()
            if key.endswith(("Id", "ID")) and key not in ("Id", "id"):
                base = key[:-2]
                siblings = (base, base + "Name", base + "Value")
            for sibling in siblings:
                if node.get(sibling) == old_value:
                    node[sibling] = new["value"]
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            if any(v.lower() in mapping for v in value):
                pairs = [mapping.get(v.lower()) for v in value]
                node[key] = [
                    pair[1]["id"] if pair else v for v, pair in zip(value, pairs, strict=True)
                ]
                if key.endswith("Ids"):
                    names = key[:-3] + "s"
                    olds = [pair[0] for pair in pairs if pair]
                    if node.get(names) in olds:
                        node[names] = next(p[1]["value"] for p in pairs if p)
        elif isinstance(value, (dict, list)):
            _repoint(value, mapping)


def add_recording(data: SeedData, recorded: Recorded, rng: random.Random) -> None:
    """The recording's vocabulary and records over ``data`` (see the module's documentation).

    Example: ``add_recording(data, Recorded.read("site.ndjson"), random.Random(1))``
    """
    for kind, items in recorded.lookups.items():
        if kind in data.lookups:
            replace_lookup(data, kind, [dict(item) for item in items])
    _replace_custom_fields(data, recorded, rng)
    known = _known_ids(data)
    for records in recorded.records.values():
        known.update(records)
    people = [person.get("email") for person in data.people if person.get("email")]
    for kind, records in recorded.records.items():
        if kind in BACKEND_KINDS:
            continue
        collection: dict[str, Record] = getattr(data, kind)
        templates = list(collection.values())
        if not templates:
            continue
        unique = UNIQUE_KEYS.get(kind)
        for number, (record_id, recorded_record) in enumerate(records.items()):
            template = templates[number % len(templates)]
            built = _built(recorded_record, template, known, people)
            if unique and built.get(unique) is not None:
                _give_way(collection, unique, built[unique], record_id)
            collection.pop(record_id, None)
            collection[record_id] = built


def recorded_requests(config: SimulatorConfig) -> dict[str, list[Record]]:
    """The recorded TECRs and TEBRs of ``config``'s recording (``seed_from``), by kind; empty
    without one. Example: ``recorded_requests(config).get("tecrs", [])``."""
    if not config.seed_from:
        return {}
    records = _recorded(config.seed_from).records
    return {kind: list(records[kind].values()) for kind in BACKEND_KINDS if kind in records}


def recorded_framework(config: SimulatorConfig) -> Recorded | None:
    """What ``config``'s recording (``seed_from``) holds of releases' phases, gates and
    activities and of the phase and gate names; None without one.
    Example: ``recorded_framework(config).framework.get("phases", {})``."""
    if not config.seed_from:
        return None
    return _recorded(config.seed_from)


def added_from_recording(
    data: SeedData, recorded: list[Record], generated: list[Record]
) -> list[Record]:
    """``recorded`` records of a kind a backend generates, as :func:`add_recording` adds the
    others: each over a generated one (``generated``, cycled) as its template, references to
    records this site does not have and people taken from the template.

    Example: ``added_from_recording(seed, recorded_requests(config)["tecrs"], tecrs)``
    """
    if not generated:
        return []
    known = _known_ids(data)
    known.update(str(record.get("id", "")).lower() for record in [*generated, *recorded])
    people = [person.get("email") for person in data.people if person.get("email")]
    return [
        _built(record, generated[number % len(generated)], known, people)
        for number, record in enumerate(recorded)
    ]


def _known_ids(data: SeedData) -> set[str]:
    known: set[str] = set()
    for collection in _collections(data):
        known.update(key.lower() for key in collection)
    for items in data.lookups.values():
        known.update(str(item["id"]).lower() for item in items)
    known.update(str(person.get("id", "")).lower() for person in data.people)
    return known


def _built(recorded: Record, template: Record, known: set[str], people: list[Any]) -> Record:
    """A record of ``template``'s kind with ``recorded``'s fields: references to records that
    were not recorded (nor generated) and people taken from ``template``."""
    built = copy.deepcopy(template)
    for key, value in recorded.items():
        if key in PEOPLE_FIELDS or key not in template:
            continue
        if _dangling(key, value, known):
            continue
        built[key] = copy.deepcopy(value)
        if key.endswith(("Id", "ID")) and key[:-2] in template and key[:-2] in recorded:
            built[key[:-2]] = recorded[key[:-2]]
    for key in list(built):  # a display value kept whose reference was not: the template's
        if key.endswith(("Id", "ID")) and _dangling(key, recorded.get(key), known):
            for sibling in (key[:-2], key[:-2] + "Name"):
                if sibling in template:
                    built[sibling] = copy.deepcopy(template[sibling])
    return _pseudonymised(built, people)


def _dangling(key: str, value: Any, known: set[str]) -> bool:
    """Whether ``value`` (under ``key``) points at a record this site does not have."""
    if isinstance(value, str):
        return bool(_GUID.match(value)) and value.lower() not in known and key not in ("id", "Id")
    if isinstance(value, dict):
        return any(_dangling(k, v, known) for k, v in value.items() if k not in ("id", "Id")) or (
            isinstance(value.get("id") or value.get("Id"), str)
            and str(value.get("id") or value.get("Id")).lower() not in known
        )
    if isinstance(value, list):
        return any(_dangling(key, item, known) for item in value)
    return False


def _pseudonymised(record: Record, people: list[Any]) -> Record:
    """Every e-mail address in ``record`` replaced by a generated person's (stable)."""
    if not people:
        return record
    text = json.dumps(record, ensure_ascii=False)

    def person(match: re.Match[str]) -> str:
        digest = int(hashlib.sha256(match.group(0).lower().encode()).hexdigest(), 16)
        return str(people[digest % len(people)])

    return dict(json.loads(_EMAIL.sub(person, text)))


def _give_way(collection: dict[str, Record], key: str, value: Any, keep: str) -> None:
    """A generated record whose ``key`` equals a recorded one's takes another value."""
    for record_id, record in collection.items():
        if record_id == keep or record.get(key) != value:
            continue
        if isinstance(value, int):
            record[key] = max(r.get(key) or 0 for r in collection.values()) + 1
        else:
            record[key] = f"{value}-G"


def _replace_custom_fields(data: SeedData, recorded: Recorded, rng: random.Random) -> None:
    """Generated custom fields of an entity the recording shows replaced by the recorded
    definitions (a recorded value each); defects' ``Fields`` likewise."""
    entities = {"Release": data.releases, "Change": data.changes, "System": data.systems}
    for entity, definitions in recorded.custom_fields.items():
        collection = entities.get(entity)
        if collection is None:
            continue
        for number, record in enumerate(collection.values()):
            fields = []
            for name, seen in definitions.items():
                sample = dict(seen[number % len(seen)])
                sample["id"] = _guid(rng)
                sample["name"], sample["type"] = name, entity
                fields.append(sample)
            record["additionalInformation"] = fields
    if recorded.defect_fields:
        for number, defect in enumerate(data.defects.values()):
            defect["Fields"] = [
                {"Name": name, "Value": values[number % len(values)],
                 "StringValue": values[number % len(values)]}
                for name, values in recorded.defect_fields.items()
            ]  # fmt: skip


def renamed(payload: Any, names: dict[str, str]) -> Any:
    """``payload`` with every object key in ``names`` answered under its new name (the
    ``renamed_fields`` setting). Example: ``renamed({"a": 1}, {"a": "b"})`` → ``{"b": 1}``."""
    if isinstance(payload, list):
        return [renamed(item, names) for item in payload]
    if isinstance(payload, dict):
        return {names.get(key, key): renamed(value, names) for key, value in payload.items()}
    return payload

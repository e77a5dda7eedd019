"""Custom fields (``additionalInformation``): the fields each entity type has on the site, and
the values one record holds.

``GET /{entity}/{id}/additionalInformation`` answers every field of the record's entity type,
with the record's value where it has one and nulls elsewhere (the vendor's CSV import reads a
release's list as "the fields releases have"); a list field also carries its ``listItems``
(ours: see docs/contract-decisions.md). ``PUT`` takes the whole list back: an item names a
field by ``id`` or ``name``; its value sits in the property of its ``dataType``; a value of
the wrong type or a list item the field does not offer is refused (400, ``modelState``), and
nothing changes then.

The definitions are fixed (not drawn from the seed), with ids derived from their names, so a
seed's records are what they were before custom fields had an endpoint; a field a record holds
that they lack (the ``extra_custom_fields`` setting, a recording's fields) is a field of its
entity type too, with the record's data type (and the list items it or the records show).

One source of truth: a record's ``additionalInformation`` *is* its custom fields. When the
backend starts, and after every write (through the record or through the sub-resource),
:meth:`CustomFieldsBackend.settle` stores on the record every field of its entity type with
its values, so ``GET /{entity}/{id}`` and ``GET /{entity}/{id}/additionalInformation`` answer
the same fields and values (the sub-resource adds a list field's ``listItems``).

Example::

    backend = CustomFieldsBackend()
    backend.fields("Release", release)[0]["name"]      # 'Budget Code'
    backend.update("Release", release, [{"name": "Risk Owner", "listItem": {"id": …}}])
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import Any

from .errors import Invalid

Record = dict[str, Any]

_NAMESPACE = uuid.UUID("5b0d5f0e-3c41-4f83-9a3e-3f4c2f6e9a10")
#: The value property of each data type (the public clients' table).
VALUE_KEYS = {
    "FreeText": "text",
    "Number": "number",
    "Decimal": "decimal",
    "DatePicker": "date",
    "TimePicker": "time",
    "DateTimePicker": "dateTime",
    "ListField": "listItem",
    "ListSelect": "multiListItem",
}
VALUE_PROPERTIES = ("text", "number", "decimal", "date", "time", "dateTime", "listItem",
                    "multiListItem")  # fmt: skip

#: The site's custom fields by entity type: (name, data type, list items).
DEFINITIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "Release": [
        ("Budget Code", "FreeText", ()),
        ("Risk Owner", "ListField", ("QA", "Development", "Operations", "Business")),
        ("Go-live", "DatePicker", ()),
        ("Story Points", "Number", ()),
        ("Cost Estimate", "Decimal", ()),
        ("Cutover Start", "TimePicker", ()),
        ("Approved At", "DateTimePicker", ()),
        ("Platforms", "ListSelect", ("Web", "iOS", "Android", "Desktop")),
    ],
    "Change": [
        ("JIRA ID", "FreeText", ()),
        ("Story Points", "Number", ()),
        ("Risk Owner", "ListField", ("QA", "Development", "Operations", "Business")),
    ],
    "System": [
        ("Support Tier", "FreeText", ()),
        ("Go-Live", "DatePicker", ()),
        ("Hosting", "ListField", ("On premises", "AWS", "Azure", "SaaS")),
    ],
    "Environment": [
        ("Cost Centre", "FreeText", ()),
        ("Data Classification", "ListField", ("Public", "Internal", "Confidential")),
    ],
    "TECR": [
        ("Octopus Package Name", "FreeText", ()),
        ("Deploy Window", "DateTimePicker", ()),
    ],
    "TEBR": [
        ("Template Tag", "FreeText", ()),
        ("Region", "ListField", ("us-east-1", "eu-west-1", "ap-southeast-2")),
    ],
}


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def definition(entity: str, name: str, data_type: str, items: Sequence[str]) -> Record:
    """A field's definition as GET answers it with no value: every value property null, and
    a list field's items. Example: ``definition("Release", "Go-live", "DatePicker", ())``."""
    field: Record = {"id": _guid(entity, name), "name": name, "type": entity, "dataType": data_type}
    for key in VALUE_PROPERTIES:
        field[key] = None
    if VALUE_KEYS[data_type] in ("listItem", "multiListItem"):
        field["listItems"] = [
            {"id": _guid(entity, name, value), "value": value, "sortOrder": order, "type": name}
            for order, value in enumerate(items)
        ]
    return field


class CustomFieldsBackend:
    """The custom fields of each entity type, and reading and writing a record's values."""

    def __init__(self, records: dict[str, Iterable[Record]] | None = None) -> None:
        """The fixed definitions, plus every field the ``records`` of each entity type hold
        that they lack; then each of those records settled (:meth:`settle`)."""
        self.definitions: dict[str, list[Record]] = {
            entity: [definition(entity, *spec) for spec in specs]
            for entity, specs in DEFINITIONS.items()
        }
        for entity, found in (records or {}).items():
            held = list(found)
            self._discover(entity, held)
            for record in held:
                self.settle(entity, record)

    def _discover(self, entity: str, records: list[Record]) -> None:
        """Add the fields ``records`` hold that ``entity`` has no definition of."""
        known = {f["name"].casefold() for f in self.definitions[entity]}
        extra: dict[str, Record] = {}
        items: dict[str, dict[str, None]] = {}
        for record in records:
            for item in record.get("additionalInformation") or ():
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    continue
                key = item["name"].casefold()
                if key in known:
                    continue
                extra.setdefault(key, item)
                chosen = item.get("listItem")
                chosen = [chosen] if isinstance(chosen, dict) else item.get("multiListItem")
                for one in [*(item.get("listItems") or ()), *(chosen or ())]:
                    if isinstance(one, dict) and isinstance(one.get("value"), str):
                        items.setdefault(key, {})[one["value"]] = None
        for key, item in extra.items():
            data_type = item.get("dataType")
            if data_type not in VALUE_KEYS:
                data_type = "FreeText"
            self.definitions[entity].append(
                definition(entity, item["name"], str(data_type), tuple(items.get(key, ())))
            )

    def settle(self, entity: str, record: Record) -> None:
        """Store on ``record`` every field of ``entity`` with its values (no ``listItems``):
        what ``GET`` of the record and of its sub-resource both answer."""
        record["additionalInformation"] = [
            {k: v for k, v in item.items() if k != "listItems"}
            for item in self.fields(entity, record)
        ]

    def fields(self, entity: str, record: Record) -> list[Record]:
        """Every field of ``entity`` with ``record``'s values (its stored items by name)."""
        stored = {
            str(item.get("name", "")).casefold(): item
            for item in record.get("additionalInformation") or []
            if isinstance(item, dict)
        }
        answer = []
        for field in self.definitions[entity]:
            item = dict(field)
            held = stored.get(field["name"].casefold())
            if held is not None:
                for key in VALUE_PROPERTIES:
                    item[key] = held.get(key)
            answer.append(item)
        return answer

    def update(self, entity: str, record: Record, body: Any) -> None:
        """Take the list PUT for ``record``: every item checked first (:class:`Invalid` with
        every problem, nothing changed), then the values stored on the record."""
        if not isinstance(body, list):
            raise Invalid({"": ["The body must be a JSON array of additionalInformation items."]})
        by_id = {f["id"].lower(): f for f in self.definitions[entity]}
        by_name = {f["name"].casefold(): f for f in self.definitions[entity]}
        problems: dict[str, list[str]] = {}
        values: dict[str, Record] = {}
        for index, item in enumerate(body):
            where = f"additionalInformation[{index}]"
            if not isinstance(item, dict):
                problems.setdefault(where, []).append("An item must be an object.")
                continue
            field = by_id.get(str(item.get("id") or "").lower()) or by_name.get(
                str(item.get("name") or "").casefold()
            )
            if field is None:
                problems.setdefault(where, []).append(
                    f"The {entity} has no custom field {item.get('name') or item.get('id')!r}."
                )
                continue
            try:
                values[field["name"]] = _value(field, item)
            except ValueError as error:
                problems.setdefault(f"{where}.{VALUE_KEYS[field['dataType']]}", []).append(
                    str(error)
                )
        if problems:
            raise Invalid(problems)
        stored = {
            str(i.get("name", "")).casefold(): i
            for i in record.get("additionalInformation") or []
            if isinstance(i, dict)
        }
        for name, value in values.items():
            field = by_name[name.casefold()]
            item = stored.get(name.casefold())
            if item is None:
                item = {k: v for k, v in field.items() if k != "listItems"}
                stored[name.casefold()] = item
            for key in VALUE_PROPERTIES:
                item[key] = None
            item[VALUE_KEYS[field["dataType"]]] = value
        record["additionalInformation"] = list(stored.values())
        self.settle(entity, record)


def _value(field: Record, item: Record) -> Any:
    """The value of ``item`` for ``field``, checked (ValueError says why not)."""
    key = VALUE_KEYS[field["dataType"]]
    value = item.get(key)
    if value is None:
        return None
    name = field["name"]
    if key == "text":
        if not isinstance(value, str):
            raise ValueError(f"'{name}' takes text.")
        return value
    if key == "number":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"'{name}' takes a whole number.")
        return value
    if key == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"'{name}' takes a number.")
        return float(value)
    if key in ("date", "dateTime"):
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"'{name}' takes a date (2027-01-31T00:00:00).") from None
        if key == "date":
            return f"{moment.date().isoformat()}T00:00:00"
        return moment.replace(tzinfo=None, microsecond=0).isoformat()
    if key == "time":
        try:
            return time.fromisoformat(str(value)).replace(microsecond=0).isoformat()
        except ValueError:
            raise ValueError(f"'{name}' takes a time (17:30:00).") from None
    offered = {i["id"].lower(): i for i in field.get("listItems") or []}
    chosen = value if key == "multiListItem" else [value]
    if not isinstance(chosen, list):
        raise ValueError(f"'{name}' takes a list of items.")
    picked = []
    for one in chosen:
        found = offered.get(str(one.get("id") if isinstance(one, dict) else "").lower())
        if found is None:
            allowed = ", ".join(i["value"] for i in field.get("listItems") or [])
            raise ValueError(f"'{name}' has no such list item {one!r}; its items: {allowed}.")
        picked.append({k: found[k] for k in ("id", "value", "sortOrder", "type")})
    return picked if key == "multiListItem" else picked[0]

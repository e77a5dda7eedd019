"""Custom fields (``additionalInformation``) read and set by their name.

A record's custom fields are a list at ``/{entity}/{id}/additionalInformation`` (releases,
changes, systems, environments, TECRs, TEBRs): each item names the field (``name``), its
``dataType``, and holds its value in the property that data type uses, the others null
(the public clients' mapping: FreeText → ``text``, Number → ``number``, Decimal →
``decimal``, DatePicker → ``date``, TimePicker → ``time``, DateTimePicker → ``dateTime``,
ListField → ``listItem``, ListSelect (or MultiListField) → ``multiListItem``). The whole list
is PUT back, as the public clients do.

A value is converted to its field's type before anything is sent: a number that is not one,
a date that is no date, or a list item the field does not offer fails with
:class:`CustomFieldRefused`, naming what the field takes. A list field's items are its
``listItems`` (see ``docs/contract-decisions.md``: no public source shows where the API
lists them); when a site does not send them, a list value must be given as the item itself
(``{"id": …}``).

Example::

    client.set_custom_fields("release", release_id, {"Risk Owner": "QA", "Go-live": "2027-01-31"})
    client.custom_field("release", release_id, "Go-live")   # '2027-01-31'

Reading gives a value in the form it is set in, so it round-trips: a DatePicker answers its
date (``2027-01-31``, not the ``2027-01-31T00:00:00`` the API sends), a TimePicker
``HH:MM:SS``, a DateTimePicker its ISO date-time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .errors import CustomFieldRefused, hide_library_frames

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The records with custom fields, by the name users give them, and their path.
ENTITIES: dict[str, str] = {
    "release": "releases",
    "change": "changes",
    "system": "systems",
    "environment": "environments",
    "tecr": "TECRs",
    "tebr": "TEBRs",
}
#: The value property of each data type (the public clients' own table).
VALUE_KEYS: dict[str, str] = {
    "freetext": "text",
    "number": "number",
    "decimal": "decimal",
    "datepicker": "date",
    "timepicker": "time",
    "datetimepicker": "dateTime",
    "listfield": "listItem",
    "listselect": "multiListItem",
    "multilistfield": "multiListItem",
}
VALUE_PROPERTIES = ("text", "number", "decimal", "date", "time", "dateTime", "listItem",
                    "multiListItem")  # fmt: skip
#: Properties of a field's definition that are read, never sent back.
_DEFINITION_ONLY = ("listItems",)


def fields_path(entity: str, record_id: str) -> str:
    """``/releases/{id}/additionalInformation`` for ``("release", id)``; a ``ValueError``
    names the entities that have custom fields. Example: ``fields_path("TECR", "…")``."""
    key = str(entity).strip().lower().removesuffix("s")
    if key not in ENTITIES:
        raise ValueError(
            f"Records of kind {entity!r} have no custom fields the library knows; use one of: "
            f"{', '.join(ENTITIES)}."
        )
    return f"/{ENTITIES[key]}/{path_segment(record_id)}/additionalInformation"


def value_key(field: Mapping[str, Any]) -> str:
    """The property holding ``field``'s value (``text`` for an unknown data type, as the
    public clients do). Example: ``value_key({"dataType": "DatePicker"})`` → ``'date'``."""
    return VALUE_KEYS.get(str(field.get("dataType") or "").replace(" ", "").lower(), "text")


def value_of(field: Mapping[str, Any]) -> Any:
    """A field's value as a user reads it, in the form it is set in: a DatePicker's date
    (``2027-01-31``, though the API sends ``2027-01-31T00:00:00``), a TimePicker's
    ``HH:MM:SS``, a DateTimePicker's ISO date-time, a list item's text, a multi-list's texts,
    else the value property as the API sends it (a value that is no such date or time, as
    sent). Example: ``value_of({"dataType": "DatePicker", "date": "2027-01-31T00:00:00"})``
    → ``'2027-01-31'``."""
    key = value_key(field)
    value = field.get(key)
    if key == "listItem":
        return value.get("value") if isinstance(value, Mapping) else value
    if key == "multiListItem":
        return [i.get("value") if isinstance(i, Mapping) else i for i in value or []]
    if key in ("date", "time", "dateTime") and isinstance(value, str) and value:
        return _moment_text(key, value)
    return value


def _moment_text(key: str, value: str) -> str:
    """A date, time or date-time property's text in the form it is set in (unchanged when it
    is none of them)."""
    try:
        if key == "time":
            return time.fromisoformat(value).replace(microsecond=0).isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if key == "date":
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat()


def find_field(fields: Sequence[Mapping[str, Any]], name: str, where: str) -> Mapping[str, Any]:
    """The field named ``name`` (case ignored), or :class:`CustomFieldRefused` naming the
    fields the record has. Example: ``find_field(fields, "risk owner", "release …")``."""
    folded = str(name).strip().casefold()
    for field in fields:
        if str(field.get("name", "")).casefold() == folded:
            return field
    names = ", ".join(repr(str(f.get("name"))) for f in fields) or "none"
    raise CustomFieldRefused(
        str(name),
        f"The {where} has no custom field {name!r}; its custom fields: {names}. Nothing was sent.",
    )


def converted(field: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The item to send for ``field`` set to ``value``: every value property null but the
    one of its data type, holding ``value`` converted (or :class:`CustomFieldRefused`).

    Example: ``converted({"name": "Points", "dataType": "Number"}, "8")["number"]`` → ``8``
    """
    key = value_key(field)
    name = str(field.get("name"))
    item = {k: v for k, v in field.items() if k not in _DEFINITION_ONLY}
    for prop in VALUE_PROPERTIES:
        item[prop] = None
    if value is None or value == "":
        return item  # cleared
    kind = str(field.get("dataType") or "FreeText")
    try:
        item[key] = _CONVERTERS[key](field, value)
    except CustomFieldRefused:
        raise
    except (TypeError, ValueError) as error:
        raise CustomFieldRefused(
            name,
            f"The custom field {name!r} ({kind}) cannot take {value!r}: {error}. Nothing was sent.",
        ) from None
    return item


def _text(field: Mapping[str, Any], value: Any) -> str:
    return str(value)


def _number(field: Mapping[str, Any], value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("give a whole number, e.g. 8")
    try:
        return int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
    except ValueError:
        raise ValueError("give a whole number, e.g. 8") from None


def _decimal(field: Mapping[str, Any], value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("give a number, e.g. 2.5")
    try:
        number = float(str(value).strip().replace(",", ".") if isinstance(value, str) else value)
    except ValueError:
        raise ValueError("give a number, e.g. 2.5") from None
    if not math.isfinite(number):  # JSON has no NaN or Infinity
        raise ValueError("give a finite number, e.g. 2.5")
    return number


def _date(field: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00"
    text = str(value).strip()
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError("give a date as YYYY-MM-DD, e.g. 2027-01-31") from None
    if text[10:] and not re.fullmatch(r"T00:00(:00(\.0+)?)?", text[10:]):
        raise ValueError("give a date without a time, e.g. 2027-01-31")
    return f"{day.isoformat()}T00:00:00"


def _time(field: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    try:
        return time.fromisoformat(str(value).strip()).replace(microsecond=0).isoformat()
    except ValueError:
        raise ValueError("give a time as HH:MM or HH:MM:SS, e.g. 17:30") from None


def _date_time(field: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("give a date and time, e.g. 2027-01-31T17:30:00") from None
    if moment.tzinfo is not None:  # the API's date-times are UTC without an offset
        moment = moment.astimezone(timezone.utc)
    return moment.replace(microsecond=0, tzinfo=None).isoformat()


def _items(field: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    offered = field.get("listItems")
    return [i for i in offered if isinstance(i, Mapping)] if isinstance(offered, list) else None


def _one_item(field: Mapping[str, Any], value: Any) -> dict[str, Any]:
    name = str(field.get("name"))
    if isinstance(value, Mapping):
        if not value.get("id"):
            raise ValueError("a list item given as a dictionary needs its 'id'")
        return dict(value)
    offered = _items(field)
    if offered is None:
        raise CustomFieldRefused(
            name,
            f"The site does not list the items of the custom field {name!r}, so {value!r} "
            "cannot be checked or turned into an item: give the item itself, e.g. "
            "{'id': '<item id>'}. Nothing was sent.",
        )
    folded = str(value).strip().casefold()
    for item in offered:
        if str(item.get("value", "")).casefold() == folded:
            return dict(item)
    allowed = [str(i.get("value")) for i in offered]
    raise CustomFieldRefused(
        name,
        f"The custom field {name!r} has no list item {value!r}; its items: "
        f"{', '.join(allowed) or 'none'}. Nothing was sent.",
        allowed,
    )


def _multi(field: Mapping[str, Any], value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        values: list[Any] = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, Mapping):
        values = [value]
    else:
        values = list(value)
    return [_one_item(field, one) for one in values]


_CONVERTERS = {
    "text": _text,
    "number": _number,
    "decimal": _decimal,
    "date": _date,
    "time": _time,
    "dateTime": _date_time,
    "listItem": _one_item,
    "multiListItem": _multi,
}


def custom_fields(client: PlutoraClient, entity: str, record_id: str) -> list[dict[str, Any]]:
    """Every custom field of a record, as the API sends them.
    Example: ``custom_fields(client, "release", release_id)[0]["name"]``."""
    found = client.call("GET", fields_path(entity, record_id)).json
    if not isinstance(found, list):
        raise CustomFieldRefused(
            "",
            f"GET {fields_path(entity, record_id)} did not answer a list of custom fields "
            f"but {type(found).__name__}.",
        )
    return [dict(f) for f in found if isinstance(f, Mapping)]


def custom_field(client: PlutoraClient, entity: str, record_id: str, name: str) -> Any:
    """One custom field's value by its name (see :func:`value_of`).
    Example: ``custom_field(client, "release", release_id, "Risk Owner")`` → ``'QA'``."""
    fields = custom_fields(client, entity, record_id)
    return value_of(find_field(fields, name, f"{entity} {record_id}"))


def set_custom_fields(
    client: PlutoraClient, entity: str, record_id: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Set custom fields by name: every value is checked and converted first (nothing is
    sent if one is wrong), then the record's whole list is PUT back. Returns the values set,
    as :func:`value_of` reads them.

    Example: ``set_custom_fields(client, "change", change_id, {"Story Points": 8})``
    """
    if not values:
        raise ValueError("Give at least one custom field to set, e.g. {'Risk Owner': 'QA'}.")
    path = fields_path(entity, record_id)
    fields = custom_fields(client, entity, record_id)
    where = f"{entity} {record_id}"
    changed: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        field = find_field(fields, name, where)
        changed[str(field["name"]).casefold()] = converted(field, value)
    body = [
        changed.get(
            str(f.get("name", "")).casefold(),
            {k: v for k, v in f.items() if k not in _DEFINITION_ONLY},
        )
        for f in fields
    ]
    client.call("PUT", path, json=body)
    return {str(item["name"]): value_of(item) for item in changed.values()}

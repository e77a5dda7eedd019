"""The Plutora Test (formerly Stryka) API: defects in their envelope (contract section 6)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from .plutora_api import me
from .protocol import Call, Handler, Reply, envelope, test_failure
from .query import (
    SEARCH_OPERATORS,
    Entity,
    QueryError,
    UnknownField,
    apply_filters,
    field_of,
    page_size,
    parse_search_filters,
    whole_number,
)
from .seed import iso_precise

Record = dict[str, Any]

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
WRITABLE = (
    "Name",
    "Description",
    "Status",
    "Priority",
    "Severity",
    "AssignedTo",
    "ReleaseId",
    "Fields",
)
READ_ONLY = ("Id", "DisplayId", "CreatedDate", "LastModifiedDate")
_LOOKUP_OF = {"Status": "DefectStatus", "Priority": "DefectPriority", "Severity": "DefectSeverity"}
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def _value_of(key: str) -> Any:
    def get(defect: Record) -> Any:
        item = defect.get(key)
        return item.get("Value") if isinstance(item, dict) else None

    return get


def _plain(key: str) -> Any:
    return lambda defect: defect.get(key)


DEFECTS = Entity(
    "Defect",
    {
        **{key.lower(): _plain(key) for key in ("Id", "DisplayId", "Name", "Description")},
        **{key.lower(): _plain(key) for key in ("AssignedTo", "ReleaseId")},
        **{key.lower(): _plain(key) for key in ("CreatedDate", "LastModifiedDate")},
        **{key.lower(): _value_of(key) for key in _LOOKUP_OF},
    },
)


def _find(call: Call) -> Record:
    defect = call.state.data.defects.get(call.params["id"].lower())
    if defect is None:
        raise test_failure(404, f"Defect '{call.params['id']}' was not found.")
    return defect


def search_defects(call: Call) -> Reply:
    """``POST /defects/search``: filters, sort, ``PageNum`` and ``RecordsPerPage`` (25)."""
    body = {} if call.body is None else call.body
    if not isinstance(body, dict):
        raise test_failure(400, "The body must be a JSON object with SearchFilters.")
    try:
        filters = parse_search_filters(field_of(body, "SearchFilters"), SEARCH_OPERATORS)
        page = whole_number(field_of(body, "PageNum"), 0, "PageNum", 0, 10**9)
        size = page_size(
            field_of(body, "RecordsPerPage"), DEFAULT_PAGE_SIZE, "RecordsPerPage", MAX_PAGE_SIZE
        )
        matched = apply_filters(DEFECTS, call.state.data.defects.values(), filters)
    except QueryError as error:
        raise test_failure(400, error.message) from None
    except UnknownField as error:
        raise test_failure(
            400,
            f"Defects have no property '{error.name}'. Search on one of: "
            "Id, DisplayId, Name, Description, Status, Priority, Severity, AssignedTo, "
            "ReleaseId, CreatedDate, LastModifiedDate.",
        ) from None
    chunk = matched[page * size : (page + 1) * size]
    data = {"ResultSet": chunk, "TotalCount": len(matched), "PageNum": page, "RecordsPerPage": size}
    return Reply(200, envelope(data))


def get_defect(call: Call) -> Reply:
    return Reply(200, envelope(_find(call)))


def get_defect_by_display_id(call: Call) -> Reply:
    wanted = call.params["displayId"].lower()
    for defect in call.state.data.defects.values():
        if defect["DisplayId"].lower() == wanted:
            return Reply(200, envelope([defect]))
    raise test_failure(404, f"Defect '{call.params['displayId']}' was not found.")


def patch_defect(call: Call) -> Reply:
    """``PATCH /defects/{id}``: change only the properties named; all or nothing."""
    defect = _find(call)
    delta = call.body
    if not isinstance(delta, dict) or not delta:
        raise test_failure(
            400,
            "The defect delta must be a JSON object naming at least one property to change. "
            f"Writable properties: {', '.join(WRITABLE)}.",
        )
    messages: list[str] = []
    changes: Record = {}
    writable = {name.lower(): name for name in WRITABLE}
    read_only = {name.lower(): name for name in READ_ONLY}
    lookups = call.state.data.lookups
    for key, value in delta.items():
        name = writable.get(key.lower())
        if key.lower() in read_only:
            messages.append(
                f"Property '{read_only[key.lower()]}' is read-only and cannot be changed."
            )
        elif name is None:
            messages.append(
                f"Property '{key}' does not exist on a defect. "
                f"Writable properties: {', '.join(WRITABLE)}."
            )
        elif name == "Name":
            if not isinstance(value, str) or not value.strip():
                messages.append("Name must be a non-empty string.")
            else:
                changes[name] = value
        elif name in ("Description", "AssignedTo"):
            if value is not None and not isinstance(value, str):
                messages.append(f"{name} must be a string or null.")
            else:
                changes[name] = value
        elif name == "ReleaseId":
            if value is not None and (not isinstance(value, str) or not _GUID_RE.match(value)):
                messages.append(f"ReleaseId must be a GUID or null, not {value!r}.")
            else:
                changes[name] = value.lower() if isinstance(value, str) else None
        elif name in _LOOKUP_OF:
            item = _lookup_item(lookups[_LOOKUP_OF[name]], value)
            if item is None:
                allowed = ", ".join(entry["value"] for entry in lookups[_LOOKUP_OF[name]])
                shown = (
                    field_of(value, "Value") or field_of(value, "Id")
                    if isinstance(value, dict)
                    else value
                )
                messages.append(f"{name} '{shown}' is not known; use one of {allowed}.")
            else:
                changes[name] = {"Id": item["id"], "Value": item["value"]}
        else:  # Fields
            fields = _merged_fields(defect["Fields"], value)
            if fields is None:
                messages.append("Fields must be a list of objects with a Name and a Value.")
            else:
                changes[name] = fields
    if messages:
        raise test_failure(400, *messages)
    defect.update(changes)
    defect["LastModifiedDate"] = iso_precise(datetime.fromtimestamp(call.state.now(), timezone.utc))
    return Reply(200, envelope(defect))


def _lookup_item(items: list[Record], value: Any) -> Record | None:
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


def _merged_fields(current: list[Record], value: Any) -> list[Record] | None:
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


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/me", me),
    ("POST", "/defects/search", search_defects),
    ("GET", "/defects/getbydisplayid/{displayId}", get_defect_by_display_id),
    ("GET", "/defects/{id}", get_defect),
    ("PATCH", "/defects/{id}", patch_defect),
]

"""A release's framework: its phases and gates (each named from ``WorkItemNames/Phases`` or
``/Gates``, with a start and an end) and the activities (on a phase) and criteria (on a gate)
assigned to them.

Names are given as a user reads them: a phase is added by its name (``"SIT"``), an activity
is assigned to the release's phase or gate by name or by id. What the contract states is
checked before anything is sent: a name the site does not list, a name the release already
has, an end before its start, a status the contract does not have, a phase or gate that
still has activities when it is removed; each is refused naming what there is. Every write
keeps the rules of :mod:`.writes` (a POST sent once, its lost answer recovered by reading
back; a PUT answering 204, read back and compared with ``verify=True``).

Example::

    phase = client.add_release_phase(release_id, "SIT", "2026-03-02", "2026-03-13")
    gate = client.add_release_gate(release_id, "Go/No-Go", "2026-03-16", "2026-03-16T12:00")
    check = client.add_release_activity(release_id, "Go/No-Go approved", "Go/No-Go")
    client.set_activity_status(release_id, check["id"], "Completed", verify=True)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .. import contract
from .client import path_segment
from .errors import BusinessRuleViolation, NameNotFound, NotFound, hide_library_frames
from .writes import Record, create, delete, prepared_body, replace

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The two kinds of a release's framework, with the path of their names and their schemas.
KINDS: dict[str, tuple[str, str, str]] = {
    "phase": ("/WorkItemNames/Phases", "ReleasePhaseInput", "ReleasePhase"),
    "gate": ("/WorkItemNames/Gates", "ReleaseGateInput", "ReleaseGate"),
}
#: An activity's statuses and types, as the contract lists them.
STATUSES: tuple[str, ...] = tuple(
    contract.schema("plutora", "ReleaseActivity")["properties"]["status"]["enum"]
)
TYPES: tuple[str, ...] = tuple(
    contract.schema("plutora", "ReleaseActivity")["properties"]["type"]["enum"]
)


def _kind(kind: str) -> str:
    key = str(kind).strip().lower().removesuffix("s")
    if key not in KINDS:
        raise ValueError(f"A release's framework has phases and gates, not {kind!r}.")
    return key


def _items_path(release_id: str, kind: str) -> str:
    return f"/releases/{path_segment(release_id)}/{kind}s"


def _item_path(release_id: str, kind: str, item_id: str) -> str:
    return f"{_items_path(release_id, kind)}/{path_segment(item_id)}"


def _activities_path(release_id: str) -> str:
    return f"/releases/{path_segment(release_id)}/activities"


def _activity_path(release_id: str, activity_id: str) -> str:
    return f"{_activities_path(release_id)}/{path_segment(activity_id)}"


def _listed(client: PlutoraClient, path: str) -> list[Record]:
    return client.listed("GET", path)


# -- names ---------------------------------------------------------------------------------


def work_item_names(client: PlutoraClient, kind: str) -> list[Record]:
    """``GET /WorkItemNames/Phases`` (``kind`` phase) or ``/Gates``: ``[{id, name}]``."""
    return _listed(client, KINDS[_kind(kind)][0])


def name_id(client: PlutoraClient, kind: str, name: str) -> str:
    """The id of a phase (gate) name, given its name (any case) or its id; an unknown one is
    :class:`NameNotFound` listing the names the site has (nothing is sent)."""
    kind = _kind(kind)
    wanted = str(name or "").strip()
    names = work_item_names(client, kind)
    for item in names:
        if wanted.casefold() in (str(item.get("name", "")).casefold(), str(item["id"]).lower()):
            return str(item["id"])
    listed = [str(item.get("name")) for item in names]
    raise NameNotFound(
        f"{kind} names",
        wanted,
        f"{wanted!r} is not a {kind} name of this site; the {kind}s a release may have are: "
        f"{', '.join(listed) or 'none'} (WorkItemNames/{kind.capitalize()}s, set in the "
        f"Release {kind.capitalize()} Customization). Nothing was sent.",
        listed,
    )


# -- phases and gates ----------------------------------------------------------------------


def release_items(client: PlutoraClient, release_id: str, kind: str) -> list[Record]:
    """``GET /releases/{id}/phases`` (or gates), in start order."""
    return _listed(client, _items_path(release_id, _kind(kind)))


def release_item(client: PlutoraClient, release_id: str, kind: str, item: str) -> Record:
    """One phase (gate) of a release by its id or its name, or :class:`NotFound` naming
    those the release has."""
    kind = _kind(kind)
    items = release_items(client, release_id, kind)
    wanted = str(item or "").strip().casefold()
    for found in items:
        if wanted in (
            str(found.get("id", "")).lower(),
            str(found.get("workItemName", "")).casefold(),
        ):
            return found
    names = ", ".join(str(found.get("workItemName")) for found in items) or "none"
    raise NotFound.not_listed(
        _items_path(release_id, kind),
        f"the release has no {kind} {item!r} (its {kind}s: {names})",
        f"Add it first (add_release_{kind} / Add {kind.title()} To Release).",
    )


def add_release_item(
    client: PlutoraClient, release_id: str, kind: str, name: str, fields: Mapping[str, Any]
) -> Record:
    """``POST /releases/{id}/phases`` (or gates) with the name's id; a name the release has
    already, or an end before the start, is refused before sending."""
    kind = _kind(kind)
    path = _items_path(release_id, kind)
    _, schema, read_schema = KINDS[kind]
    name_ref = name_id(client, kind, name)
    body = prepared_body(schema, {**fields, "workItemNameID": name_ref}, "POST", path, read_schema)
    _dates_in_order(body, "POST", path)

    def matching() -> list[Record]:
        return [
            found
            for found in release_items(client, release_id, kind)
            if str(found.get("workItemNameID", "")).lower() == name_ref.lower()
        ]

    already = matching()
    if already:
        rule = f"The release already has the {kind} '{already[0].get('workItemName')}'"
        raise BusinessRuleViolation(
            "POST",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice=f"Checked before sending (nothing was sent): a release has each {kind} "
            f"once; change that one (update_release_{kind} / Update Release {kind.title()}, id "
            f"{already[0].get('id')}).",
        )
    label = f"{kind} {name} of release {release_id}"
    read_first = [already]  # what create reads before the POST: just read, not read again

    def matching_now() -> list[Record]:
        return read_first.pop() if read_first else matching()

    return create(
        client,
        path,
        body,
        label,
        matching_now,
        registry_label=lambda added: f"{kind} {added.get('workItemName')} of a release",
    )


def update_release_item(
    client: PlutoraClient,
    release_id: str,
    kind: str,
    item: str,
    fields: Mapping[str, Any],
    verify: bool,
) -> Record | None:
    """``PUT /releases/{id}/phases/{phaseId}`` (or gates) with the phase as read, ``fields``
    changed (a ``name`` is turned into its ``workItemNameID``); 204."""
    kind = _kind(kind)
    current = release_item(client, release_id, kind, item)
    changes = dict(fields)
    name = changes.pop("name", None)
    path = _item_path(release_id, kind, str(current["id"]))
    if name is not None:
        changes["workItemNameID"] = name_id(client, kind, str(name))
        _not_had_already(client, release_id, kind, current, changes["workItemNameID"], path)
    _, schema, read_schema = KINDS[kind]
    body = prepared_body(schema, {**current, **changes}, "PUT", path, read_schema)
    _dates_in_order(body, "PUT", path)
    return replace(
        client,
        path,
        body,
        verify,
        lambda: release_item(client, release_id, kind, str(current["id"])),
    )


def _not_had_already(
    client: PlutoraClient,
    release_id: str,
    kind: str,
    current: Record,
    name_ref: str,
    path: str,
) -> None:
    """Refuse (nothing sent) renaming a phase (gate) to a name another one of the release has."""
    for found in release_items(client, release_id, kind):
        if str(found.get("id", "")).lower() == str(current.get("id", "")).lower():
            continue
        if str(found.get("workItemNameID", "")).lower() == name_ref.lower():
            rule = f"The release already has the {kind} '{found.get('workItemName')}'"
            raise BusinessRuleViolation(
                "PUT",
                path,
                0,
                rule,
                messages={"internalServerValidationError": [rule]},
                advice=f"Checked before sending (nothing was sent): a release has each {kind} "
                f"once; change that one (update_release_{kind} / Update Release {kind.title()}, "
                f"id {found.get('id')}) or give "
                "this one another name.",
            )


def remove_release_item(client: PlutoraClient, release_id: str, kind: str, item: str) -> None:
    """``DELETE /releases/{id}/phases/{phaseId}`` (or gates); refused before sending while
    activities are assigned to it, naming them."""
    kind = _kind(kind)
    current = release_item(client, release_id, kind, item)
    path = _item_path(release_id, kind, str(current["id"]))
    owned = [
        str(activity.get("title"))
        for activity in release_activities(client, release_id)
        if str(activity.get("assignedWorkItemID", "")).lower() == str(current["id"]).lower()
    ]
    if owned:
        rule = f"The {kind} '{current.get('workItemName')}' has activities: {', '.join(owned)}"
        raise BusinessRuleViolation(
            "DELETE",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice="Checked before sending (nothing was sent): delete its activities "
            "(delete_release_activity / Delete Release Activity) or assign them elsewhere "
            "first (update_release_activity / Update Release Activity).",
        )
    delete(client, path)


# -- activities ----------------------------------------------------------------------------


def release_activities(client: PlutoraClient, release_id: str) -> list[Record]:
    """``GET /releases/{id}/activities``: activities and criteria."""
    return _listed(client, _activities_path(release_id))


def release_activity(client: PlutoraClient, release_id: str, activity_id: str) -> Record:
    """One activity of a release, or :class:`NotFound` naming the titles it has."""
    items = release_activities(client, release_id)
    for found in items:
        if str(found.get("id", "")).lower() == str(activity_id).strip().lower():
            return found
    titles = ", ".join(repr(found.get("title")) for found in items[:10])
    has = f"its activities include {titles}" if titles else "it has none"
    raise NotFound.not_listed(
        _activities_path(release_id),
        f"the release has no activity {activity_id!r} ({has})",
        "Check the id: release_activities / Get Release Activities lists them with their ids.",
    )


def add_release_activity(
    client: PlutoraClient, release_id: str, title: str, work_item: str, fields: Mapping[str, Any]
) -> Record:
    """``POST /releases/{id}/activities`` assigned to the release's phase or gate
    ``work_item`` (its id or name); a lost answer is recovered by its title and phase."""
    path = _activities_path(release_id)
    owner = _owner(client, release_id, work_item)
    body = prepared_body(
        "ReleaseActivityInput",
        {**fields, "title": title, "assignedWorkItemID": owner["id"]},
        "POST",
        path,
        "ReleaseActivity",
    )
    _checked_choices(body)
    _dates_in_order(body, "POST", path)

    def matching() -> list[Record]:
        return [
            found
            for found in release_activities(client, release_id)
            if found.get("title") == body["title"]
            and str(found.get("assignedWorkItemID", "")).lower() == str(owner["id"]).lower()
        ]

    label = f"activity {title!r} of release {release_id}"
    return create(
        client, path, body, label, matching, registry_label=f"activity {title!r} of a release"
    )


def update_release_activity(
    client: PlutoraClient,
    release_id: str,
    activity_id: str,
    fields: Mapping[str, Any],
    verify: bool,
) -> Record | None:
    """``PUT /releases/{id}/activities/{activityId}`` with the activity as read, ``fields``
    changed (a ``workItem`` given by name or id becomes its ``assignedWorkItemID``); 204."""
    current = release_activity(client, release_id, activity_id)
    changes = dict(fields)
    work_item = changes.pop("workItem", None)
    if work_item is not None:
        changes["assignedWorkItemID"] = _owner(client, release_id, str(work_item))["id"]
    path = _activity_path(release_id, str(current["id"]))
    body = prepared_body(
        "ReleaseActivityInput", {**current, **changes}, "PUT", path, "ReleaseActivity"
    )
    _checked_choices(body)
    _dates_in_order(body, "PUT", path)
    return replace(
        client,
        path,
        body,
        verify,
        lambda: release_activity(client, release_id, str(current["id"])),
    )


def delete_release_activity(client: PlutoraClient, release_id: str, activity_id: str) -> None:
    """``DELETE /releases/{id}/activities/{activityId}``."""
    delete(client, _activity_path(release_id, activity_id))


# -- checks --------------------------------------------------------------------------------


def _owner(client: PlutoraClient, release_id: str, work_item: str) -> Record:
    """The release's phase or gate named (or with the id) ``work_item``."""
    wanted = str(work_item or "").strip().casefold()
    every: list[Record] = []
    for kind in KINDS:
        for found in release_items(client, release_id, kind):
            every.append(found)
            if wanted in (
                str(found.get("id", "")).lower(),
                str(found.get("workItemName", "")).casefold(),
            ):
                return found
    names = ", ".join(str(found.get("workItemName")) for found in every) or "none"
    raise NotFound.not_listed(
        _items_path(release_id, "phase"),
        f"the release has no phase or gate {work_item!r} (its phases and gates: {names})",
        "An activity goes on a phase or gate of its release: add it first (add_release_phase "
        "/ Add Phase To Release, add_release_gate / Add Gate To Release).",
    )


def _named(found: Record, wanted: str) -> bool:
    """Whether a phase or gate has the id, or the name, ``wanted`` (casefolded)."""
    return wanted in (
        str(found.get("id", "")).lower(),
        str(found.get("workItemName", "")).casefold(),
    )


def _checked_choices(body: Record) -> None:
    """An activity's status and type in the contract's spelling (``in progress`` is
    ``InProgress``), or ValueError naming the values there are."""
    for name, allowed in (("status", STATUSES), ("type", TYPES)):
        value = body.get(name)
        if value is None:
            continue
        for choice in allowed:
            if str(value).replace(" ", "").casefold() == choice.casefold():
                body[name] = choice
                break
        else:
            raise ValueError(
                f"An activity's {name} is one of {', '.join(allowed)}, not {value!r}; nothing "
                "was sent."
            )


def _dates_in_order(body: Mapping[str, Any], method: str, path: str) -> None:
    """Both dates parsed (a date, or a date-time; one with an offset compared in UTC) and the
    end not before the start, or an error before anything is sent."""
    start = _parsed_date(body, "startDate")
    end = _parsed_date(body, "endDate")
    if start is None or end is None:
        return
    if end < start:
        rule = f"The end ({body.get('endDate')}) is before the start ({body.get('startDate')})"
        raise BusinessRuleViolation(
            method,
            path,
            0,
            rule,
            messages={"endDate": [rule]},
            advice="Checked before sending (nothing was sent): give an end on or after the "
            "start (ISO 8601; a date alone is midnight).",
        )


def _parsed_date(body: Mapping[str, Any], field: str) -> datetime | None:
    """``body[field]`` as a moment (naive, in UTC when it has an offset), None when not given,
    or ValueError naming the field and the form a date takes."""
    value = body.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text))
        except ValueError:
            raise ValueError(
                f'{field} {value!r} is not a date; give it as "2027-01-31" or '
                '"2027-01-31T09:00:00Z" (ISO 8601). Nothing was sent.'
            ) from None
    if moment.utcoffset() is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment

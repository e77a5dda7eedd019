"""The stakeholders of a release, a system or a change: a user or a user group, with roles
(``StakeholderRole`` values, by name or id) and RACI flags.

A stakeholder's id is the id of the user or group it is (``…/stakeholders/{userId}``, as the
vendor's CSV import script sends it). What the contract states is checked before sending:
exactly one of a user and a group; a user or group that is a stakeholder already is not added
again (update it instead); the owner of a release stays its Accountable stakeholder. Every
write keeps the rules of :mod:`.writes`.

Example::

    me = client.id_of("users", "qa.lead@example.com")
    client.add_stakeholder("release", release_id, user_id=me, roles=["Tester"], informed=True)
    client.update_stakeholder("release", release_id, me, {"consulted": True}, verify=True)
    client.remove_stakeholder("release", release_id, me)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .errors import BusinessRuleViolation, ChangeNotPersisted, NotFound, hide_library_frames
from .record_types import record_type as _record_type
from .writes import _GUID, Record, create, delete, prepared_body, replace, same

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The records that have stakeholders (a ``record_type``), and their collections.
RECORD_TYPES: dict[str, str] = {"release": "releases", "system": "systems", "change": "changes"}
#: The RACI flags.
FLAGS: tuple[str, ...] = ("responsible", "accountable", "informed", "consulted")


def _type(record_type: str) -> str:
    return _record_type(record_type, tuple(RECORD_TYPES), "Stakeholders")


def _path(record_type: str, record_id: str) -> str:
    return f"/{RECORD_TYPES[_type(record_type)]}/{path_segment(record_id)}/stakeholders"


def stakeholders(client: PlutoraClient, record_type: str, record_id: str) -> list[Record]:
    """``GET /{record_type}s/{id}/stakeholders``."""
    return client.listed("GET", _path(record_type, record_id))


def stakeholder(
    client: PlutoraClient, record_type: str, record_id: str, stakeholder_id: str
) -> Record:
    """``GET /{record_type}s/{id}/stakeholders/{stakeholderId}`` (the user's or group's id)."""
    found = client.call(
        "GET", f"{_path(record_type, record_id)}/{path_segment(stakeholder_id)}"
    ).json
    return dict(found) if isinstance(found, dict) else {}


def role_ids(client: PlutoraClient, roles: Iterable[str] | str | None) -> list[str]:
    """Stakeholder roles as ids: each a ``StakeholderRole`` value (any case) or an id; a
    value the lookup does not have is :class:`NameNotFound` listing them (nothing sent).

    Example: ``role_ids(client, ["Tester"])`` → ``['6f1c…']``
    """
    if roles is None:
        return []
    items = [roles] if isinstance(roles, str) else list(roles)
    found = []
    for role in items:
        text = str(role).strip()
        found.append(text if _GUID.match(text) else client.lookup_id("StakeholderRole", text))
    return found


def add_stakeholder(
    client: PlutoraClient,
    record_type: str,
    record_id: str,
    user_id: str | None,
    group_id: str | None,
    roles: Iterable[str] | str | None,
    flags: Mapping[str, bool],
) -> Record:
    """``POST …/stakeholders`` (201); one that is a stakeholder already is refused before
    sending; a lost answer is recovered from the record's stakeholders."""
    path = _path(record_type, record_id)
    if (user_id is None) == (group_id is None):
        raise ValueError(
            "A stakeholder is a user (user_id) or a user group (group_id): give exactly one; "
            "nothing was sent."
        )
    who = str(user_id or group_id)
    fields: dict[str, Any] = {
        "userId": user_id,
        "groupId": group_id,
        "stakeholderRoleIds": role_ids(client, roles),
        **{flag: False for flag in FLAGS},
        **_settings(flags, "POST", path),
    }
    body = prepared_body("StakeholderInput", fields, "POST", path, "Stakeholder")

    def matching() -> list[Record]:
        return [
            item
            for item in stakeholders(client, record_type, record_id)
            if same(who, item.get("id"))
        ]

    there = matching()
    if there:
        name = there[0].get("user") or there[0].get("group") or who
        rule = f"'{name}' is already a stakeholder of this {_type(record_type)}"
        raise BusinessRuleViolation(
            "POST",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice="Checked before sending (nothing was sent): change its roles and RACI flags "
            "with update_stakeholder / Update Stakeholder instead.",
        )
    label = f"stakeholder {who} of {_type(record_type)} {record_id}"
    return create(
        client,
        path,
        body,
        label,
        matching,
        registry_label=lambda added: f"stakeholder {added.get('user') or added.get('group')}",
    )


def update_stakeholder(
    client: PlutoraClient,
    record_type: str,
    record_id: str,
    stakeholder_id: str,
    changes: Mapping[str, Any],
    verify: bool,
) -> Record | None:
    """Read the stakeholder, apply ``changes`` (RACI flags; ``roles`` by name or id, or
    ``stakeholderRoleIds``), PUT it back (204). Making a release's owner non-accountable is
    refused before sending."""
    path = f"{_path(record_type, record_id)}/{path_segment(stakeholder_id)}"
    current = _existing(client, record_type, record_id, stakeholder_id)
    wanted = _settings(
        changes, "PUT", path, also=("roles", "stakeholderRoleIds", "userId", "groupId", "id")
    )
    if "roles" in wanted:
        wanted["stakeholderRoleIds"] = role_ids(client, wanted.pop("roles"))
    fields = {**current, **wanted}
    if _type(record_type) == "release" and not fields.get("accountable"):
        _owner_stays(client, record_id, current, "PUT", path, "made non-accountable")
    body = prepared_body("StakeholderInput", fields, "PUT", path, "Stakeholder")
    compare = {key: value for key, value in body.items() if key in FLAGS}
    current_after = replace(
        client,
        path,
        body,
        verify,
        lambda: stakeholder(client, record_type, record_id, stakeholder_id),
        compare=compare,
    )
    if current_after is not None:
        sent = sorted(str(i).lower() for i in body.get("stakeholderRoleIds") or [])
        read = sorted(str(i).lower() for i in current_after.get("stakeholderRoleIds") or [])
        if sent != read:
            raise ChangeNotPersisted(
                f"PUT {path} was accepted, but the stakeholder read back has roles "
                f"{current_after.get('stakeholderRoles')!r}. Another user may have changed it; "
                "read it and try again."
            )
    return current_after


def remove_stakeholder(
    client: PlutoraClient, record_type: str, record_id: str, stakeholder_id: str
) -> None:
    """``DELETE …/stakeholders/{stakeholderId}``; a release's owner is refused before sending."""
    path = f"{_path(record_type, record_id)}/{path_segment(stakeholder_id)}"
    if _type(record_type) == "release":
        current = _existing(client, record_type, record_id, stakeholder_id)
        _owner_stays(client, record_id, current, "DELETE", path, "removed")
    delete(client, path)


def _existing(
    client: PlutoraClient, record_type: str, record_id: str, stakeholder_id: str
) -> Record:
    items = stakeholders(client, record_type, record_id)
    for item in items:
        if same(stakeholder_id, item.get("id")):
            return item
    names = ", ".join(str(i.get("user") or i.get("group")) for i in items) or "none"
    raise NotFound.not_listed(
        _path(record_type, record_id),
        f"{stakeholder_id!r} is not a stakeholder of the {_type(record_type)} (its "
        f"stakeholders: {names})",
        "Add it first (add_stakeholder / Add Stakeholder).",
    )


def _owner_stays(
    client: PlutoraClient, release_id: str, item: Record, method: str, path: str, what: str
) -> None:
    owner = client.release(release_id).get("managerId")
    if owner and same(owner, item.get("id")):
        rule = f"'{item.get('user')}' owns the release and is its Accountable stakeholder"
        raise BusinessRuleViolation(
            method,
            path,
            0,
            f"{rule}: it cannot be {what}",
            messages={"internalServerValidationError": [rule]},
            advice="Checked before sending (nothing was sent): change the release's owner "
            "(managerId) first.",
        )


def _settings(
    fields: Mapping[str, Any], method: str, path: str, also: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``fields`` with their names in the contract's spelling (any case given) and the RACI
    flags as booleans (``True``/``False`` or the text ``"true"``/``"false"``, any case, as
    Robot passes named arguments); any other name or flag value is a ValueError."""
    spelled = {name.lower(): name for name in (*FLAGS, *also)}
    unknown = [name for name in fields if str(name).lower() not in spelled]
    if unknown:
        raise ValueError(
            f"{method} {path}: {', '.join(map(repr, unknown))} is not a stakeholder setting; "
            f"it takes roles and the RACI flags {', '.join(FLAGS)}. Nothing was sent."
        )
    settings: dict[str, Any] = {}
    for name, value in fields.items():
        key = spelled[str(name).lower()]
        settings[key] = _flag(key, value, method, path) if key in FLAGS else value
    return settings


def _flag(name: str, value: Any, method: str, path: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(
        f"{method} {path}: the RACI flag {name!r} is True or False, not {value!r}. "
        "Nothing was sent."
    )

"""The systems a change impacts: listing them (``GET /changes/{id}/systems``), adding one
(``POST``, 201) and taking one out (``DELETE /changes/{id}/systems/{systemId}``).

They are the change's own ``systems`` (``GET /changes/{id}`` shows the same list). A system
already on the change is refused before sending (the server refuses it too), naming the
change's systems. Every write keeps the rules of :mod:`.writes`: the POST is sent once and a
lost answer is recovered from the change's systems; the system added is remembered for the
clean-up.

Example::

    client.add_change_system(change_id, client.id_of("systems", "Billing Engine"))
    [s["system"] for s in client.change_systems(change_id)]
    client.remove_change_system(change_id, system_id)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .client import path_segment
from .errors import BusinessRuleViolation, NotFound, hide_library_frames
from .writes import Record, create, delete, prepared_body

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

ROLES = ("Impact", "Dependency")


def _systems_path(change_id: str) -> str:
    return f"/changes/{path_segment(change_id)}/systems"


def change_systems(client: PlutoraClient, change_id: str) -> list[Record]:
    """``GET /changes/{id}/systems``: ``[{systemId, system, systemRoleType}, ...]``."""
    return client.listed("GET", _systems_path(change_id))


def add_change_system(
    client: PlutoraClient, change_id: str, system_id: str, role: str = "Impact"
) -> Record:
    """``POST /changes/{id}/systems`` once; a system already there is refused before sending."""
    path = _systems_path(change_id)
    wanted_role = _role(role)
    body = prepared_body(
        "ChangeSystemInput",
        {"systemId": system_id, "systemRoleType": wanted_role},
        "POST",
        path,
        "ChangeSystemItem",
    )
    current = change_systems(client, change_id)
    if any(_same_id(item.get("systemId"), system_id) for item in current):
        names = ", ".join(str(item.get("system")) for item in current)
        name = next(
            str(item.get("system")) for item in current if _same_id(item.get("systemId"), system_id)
        )
        rule = f"System {name!r} ({system_id}) is already on the change"
        raise BusinessRuleViolation(
            "POST",
            path,
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice=f"Checked before sending (nothing was sent): the change's systems are {names}.",
        )

    def matching() -> list[Record]:
        return [
            item
            for item in change_systems(client, change_id)
            if _same_id(item.get("systemId"), system_id)
        ]

    label = f"system {system_id} of change {change_id}"
    added = create(client, path, body, label, matching)
    client.created.add(
        f"{path}/{path_segment(system_id)}", f"system {added.get('system')} of a change"
    )
    return added


def remove_change_system(client: PlutoraClient, change_id: str, system_id: str) -> None:
    """``DELETE /changes/{id}/systems/{systemId}``; :class:`NotFound` names the change's
    systems when it does not have that one."""
    try:
        delete(client, f"{_systems_path(change_id)}/{path_segment(system_id)}")
    except NotFound as missing:
        names = ", ".join(str(s.get("system")) for s in change_systems(client, change_id))
        raise NotFound(
            missing.method,
            missing.path,
            missing.status,
            missing.server_message,
            missing.body,
            advice=f"The change's systems are: {names or 'none'}.",
        ) from missing


def _role(role: str) -> str:
    text = str(role or "").strip().lower()
    for name in ROLES:
        if name.lower() == text:
            return name
    raise ValueError(
        f"A change's system is impacted as {' or '.join(ROLES)}, not {role!r}; nothing was sent."
    )


def _same_id(left: object, right: object) -> bool:
    return str(left or "").strip().lower() == str(right or "").strip().lower()

"""The site's users: one by id (``GET /users/{id}``) and their roles and status
(``PATCH /users/{id}``, 204).

The PATCH is a merge patch: only ``roles`` (the whole list) and ``status`` (Active,
Inactive) change. Checked before sending: role and status names (any case), at least one
role, and that the caller does not lock themself out (make their own user Inactive, or take
away their own Administrator role), which the server refuses too. A PATCH is never sent
twice: when its answer is lost the user is read back, and if it shows the change the call
succeeded; otherwise :class:`OutcomeUnknown` says so. With ``verify=True`` the user is read
back and compared.

Example::

    user_id = client.id_of("users", "devon.patel@example.com")
    client.update_user(user_id, roles=["Release Manager"], verify=True)
    client.update_user(user_id, status="Inactive")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import contract
from .client import path_segment
from .errors import (
    AccessDenied,
    BusinessRuleViolation,
    ChangeNotPersisted,
    OutcomeUnknown,
    hide_library_frames,
)
from .writes import Record, prepared_body

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

_PATCH = contract.schema("plutora", "UserPatch")["properties"]
ROLES: tuple[str, ...] = tuple(_PATCH["roles"]["items"]["enum"])
STATUSES: tuple[str, ...] = tuple(_PATCH["status"]["enum"])
ADMINISTRATOR = "Administrator"


def users(client: PlutoraClient) -> list[Record]:
    """``GET /users``: every user (a plain array)."""
    return client.listed("GET", "/users")


def user(client: PlutoraClient, user_id: str) -> Record:
    """``GET /users/{id}``."""
    found = client.call("GET", f"/users/{path_segment(user_id)}").json
    return dict(found) if isinstance(found, dict) else {}


def update_user(
    client: PlutoraClient,
    user_id: str,
    roles: Iterable[str] | str | None,
    status: str | None,
    verify: bool,
) -> Record | None:
    """``PATCH /users/{id}`` with the roles and/or status given (see the module)."""
    path = f"/users/{path_segment(user_id)}"
    fields: dict[str, Any] = {}
    if roles is not None:
        fields["roles"] = _roles(roles)
    if status is not None:
        fields["status"] = _named(status, STATUSES, "status")
    if not fields:
        raise ValueError(
            "Give the roles or the status to change (nothing else of a user can change "
            "through the API); nothing was sent."
        )
    body = prepared_body("UserPatch", fields, "PATCH", path, "User")
    current = user(client, user_id)
    _not_locking_out(client, current, body, path)
    try:
        client.call("PATCH", path, json=body)
    except OutcomeUnknown as lost:
        now = user(client, user_id)
        if _differences(body, now):
            raise OutcomeUnknown(
                f"PATCH {path}: the answer was lost and reading the user back does not show "
                "the change. It was not sent again (a PATCH is never repeated): read the "
                "user and send it again if it is still needed."
            ) from lost
        return now if verify else None
    except AccessDenied as refused:
        raise AccessDenied(
            refused.method,
            refused.path,
            refused.status,
            refused.server_message,
            refused.body,
            advice="Only an Administrator may change users: log in as one (or, if every "
            "call answers 403, ask for this machine's IP address to be whitelisted).",
        ) from refused
    if not verify:
        return None
    now = user(client, user_id)
    differences = _differences(body, now)
    if differences:
        raise ChangeNotPersisted(
            f"PATCH {path} was accepted, but reading the user back shows "
            + "; ".join(differences)
            + ". Another administrator may have changed it; read it and try again."
        )
    return now


def _not_locking_out(client: PlutoraClient, current: Record, body: Record, path: str) -> None:
    """Refuse before sending a change that would lock the caller out of the site."""
    me = client.current_user().casefold()
    if str(current.get("userName") or "").casefold() != me:
        return
    rules = []
    if body.get("status") == "Inactive":
        rules.append("You cannot make your own user Inactive: you could not log in again")
    roles = body.get("roles")
    had_admin = ADMINISTRATOR in (current.get("roles") or [])
    if roles is not None and had_admin and ADMINISTRATOR not in roles:
        rules.append("You cannot take away your own Administrator role")
    if rules:
        raise BusinessRuleViolation(
            "PATCH",
            path,
            0,
            "; ".join(rules),
            messages={"internalServerValidationError": rules},
            advice="Checked before sending (nothing was sent): ask another Administrator to "
            "make this change, or log in as one.",
        )


def _roles(roles: Iterable[str] | str) -> list[str]:
    if isinstance(roles, str):
        roles = [part for part in roles.split(",") if part.strip()]
    named = [_named(role, ROLES, "role") for role in roles]
    if not named:
        raise ValueError(
            f"A user needs at least one role (of {', '.join(ROLES)}); nothing was sent."
        )
    return list(dict.fromkeys(named))


def _named(value: str, names: tuple[str, ...], what: str) -> str:
    text = str(value or "").strip().lower().replace(" ", "")
    for name in names:
        if name.lower().replace(" ", "") == text:
            return name
    raise ValueError(
        f"A user's {what} is one of {', '.join(names)}, not {value!r}; nothing was sent."
    )


def _differences(sent: Record, current: Record) -> list[str]:
    found = []
    if "roles" in sent and sorted(sent["roles"]) != sorted(current.get("roles") or []):
        found.append(f"roles: sent {sent['roles']!r}, read {current.get('roles')!r}")
    if "status" in sent and sent["status"] != current.get("status"):
        found.append(f"status: sent {sent['status']!r}, read {current.get('status')!r}")
    return found

"""A release's systems: adding one, its deployment status (Completed, RollbackPending,
Rejected) and its deployment dates.

The moves a deployment status may make are the contract's (``DeploymentStatus``'s
``x-transitions``): a status the system cannot reach from the one it has is refused before
anything is sent, naming the moves it has; so is ``Completed`` for a system whose deployment
dates (read with it) are none, which the server refuses too. Every write keeps the rules of
:mod:`.writes`.

Example::

    client.add_release_system(release_id, system_id)
    client.add_deployment_date(release_id, system_id, "2026-03-01T10:00", "2026-03-01T12:00")
    client.set_deployment_status(release_id, system_id, "Completed", verify=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import contract
from .client import path_segment
from .errors import BusinessRuleViolation, NotFound, hide_library_frames
from .writes import Record, create, delete, prepared_body, replace

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

_STATUS = contract.schema("plutora", "DeploymentStatus")
#: What the API sets (the Swagger page's three), and where each status may go.
SETTABLE: tuple[str, ...] = tuple(_STATUS["x-settable"])
TRANSITIONS: dict[str, tuple[str, ...]] = {
    key: tuple(value) for key, value in _STATUS["x-transitions"].items()
}


def _systems_path(release_id: str) -> str:
    return f"/releases/{path_segment(release_id)}/systems"


def _system_path(release_id: str, system_id: str) -> str:
    return f"{_systems_path(release_id)}/{path_segment(system_id)}"


def release_systems(client: PlutoraClient, release_id: str) -> list[Record]:
    """``GET /releases/{id}/systems``."""
    return client.listed("GET", _systems_path(release_id))


def release_system(client: PlutoraClient, release_id: str, system_id: str) -> Record:
    """One system of a release, or :class:`NotFound` naming the systems it has."""
    items = release_systems(client, release_id)
    for item in items:
        if str(item.get("systemId", "")).lower() == system_id.strip().lower():
            return item
    names = ", ".join(str(item.get("system")) for item in items) or "none"
    raise NotFound.not_listed(
        _systems_path(release_id),
        f"system {system_id!r} is not in the release (its systems: {names})",
        "Add it first (add_release_system / Add System To Release).",
    )


def add_release_system(
    client: PlutoraClient,
    release_id: str,
    system_id: str,
    role: str,
    dependency_type_id: str | None,
) -> Record:
    """``POST /releases/{id}/systems``; a lost answer is recovered from the release's systems."""
    path = _systems_path(release_id)
    fields: dict[str, Any] = {"systemId": system_id, "systemRoleType": role}
    if dependency_type_id is not None:
        fields["systemRoleDependencyTypeId"] = dependency_type_id
    body = prepared_body("ReleaseSystemInput", fields, "POST", path, "ReleaseSystem")

    def matching() -> list[Record]:
        try:
            return [release_system(client, release_id, system_id)]
        except NotFound:
            return []

    added = create(client, path, body, f"system {system_id} of release {release_id}", matching)
    client.created.add(
        _system_path(release_id, system_id), f"system {added.get('system')} of a release"
    )
    return added


def remove_release_system(client: PlutoraClient, release_id: str, system_id: str) -> None:
    """``DELETE /releases/{id}/systems/{systemId}``."""
    delete(client, _system_path(release_id, system_id))


def set_deployment_status(
    client: PlutoraClient, release_id: str, system_id: str, status: str, verify: bool
) -> Record | None:
    """Read the release system, check the move against the contract's transitions (and that
    a system to be Completed has a deployment date), PUT it back with the new status (204)."""
    wanted = _status(status)
    current = release_system(client, release_id, system_id)
    now = str(current.get("deploymentStatus") or "")
    if wanted != now and wanted not in TRANSITIONS.get(now, ()):
        allowed = ", ".join(TRANSITIONS.get(now, ()))
        if allowed:
            then = f"from {now} it may go to {allowed}"
        elif now in TRANSITIONS:
            then = f"{now} is a final status: nothing changes it any more"
        else:
            then = f"the status {now or '(none)'} is not one the API knows; no move is allowed"
        name = current.get("system")
        rule = f"The deployment status of system '{name}' cannot go from {now} to {wanted}"
        raise BusinessRuleViolation(
            "PUT",
            _system_path(release_id, system_id),
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice=f"Checked before sending (nothing was sent): {then}.",
        )
    dates = current.get("deploymentDates")
    if wanted == "Completed" != now and isinstance(dates, list) and not dates:
        name = current.get("system")
        rule = f"System '{name}' has no deployment date: add one before its deployment is Completed"
        raise BusinessRuleViolation(
            "PUT",
            _system_path(release_id, system_id),
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice=(
                "Checked before sending (nothing was sent): add a deployment date first "
                "(add_deployment_date / Add Deployment Date)."
            ),
        )
    body = prepared_body(
        "ReleaseSystemInput",
        {**current, "deploymentStatus": wanted},
        "PUT",
        _system_path(release_id, system_id),
        "ReleaseSystem",
    )
    return replace(
        client,
        _system_path(release_id, system_id),
        body,
        verify,
        lambda: release_system(client, release_id, system_id),
    )


def _status(status: str) -> str:
    text = str(status or "").strip()
    for name in SETTABLE:
        if name.lower() == text.lower().replace(" ", ""):
            return name
    raise ValueError(
        f"A deployment status is set to one of {', '.join(SETTABLE)}, not {status!r}; nothing "
        "was sent."
    )


# -- deployment dates --------------------------------------------------------------------------


def _dates_path(release_id: str, system_id: str) -> str:
    return f"{_system_path(release_id, system_id)}/deploymentDates"


def deployment_dates(client: PlutoraClient, release_id: str, system_id: str) -> list[Record]:
    """``GET …/deploymentDates``, in start order."""
    return client.listed("GET", _dates_path(release_id, system_id))


def add_deployment_date(
    client: PlutoraClient, release_id: str, system_id: str, fields: dict[str, Any]
) -> Record:
    """``POST …/deploymentDates``; a lost answer is recovered by finding the same window."""
    path = _dates_path(release_id, system_id)
    body = prepared_body("DeploymentDateInput", fields, "POST", path, "DeploymentDate")
    body.pop("id", None)

    def matching() -> list[Record]:
        return [
            date
            for date in deployment_dates(client, release_id, system_id)
            if str(date.get("startDate", "")).startswith(str(body["startDate"])[:16])
            and str(date.get("endDate", "")).startswith(str(body["endDate"])[:16])
        ]

    label = f"deployment date {body['startDate']} of a release system"
    return create(client, path, body, label, matching, registry_label=label)


def update_deployment_date(
    client: PlutoraClient,
    release_id: str,
    system_id: str,
    date_id: str,
    fields: dict[str, Any],
    verify: bool,
) -> Record | None:
    """``PUT …/deploymentDates`` with the date's id in the body (204)."""
    path = _dates_path(release_id, system_id)
    body = prepared_body(
        "DeploymentDateInput", {**fields, "id": date_id}, "PUT", path, "DeploymentDate"
    )

    def read_back() -> Record:
        for date in deployment_dates(client, release_id, system_id):
            if str(date.get("id", "")).lower() == date_id.lower():
                return date
        raise NotFound.not_listed(
            path,
            f"the deployment date {date_id!r} is gone",
            "Another user or an automation may have deleted it; read the dates again.",
            then="the PUT was sent and accepted",
        )

    return replace(client, path, body, verify, read_back)


def delete_deployment_date(
    client: PlutoraClient, release_id: str, system_id: str, date_id: str
) -> None:
    """``DELETE …/deploymentDates/{deploymentDateId}``."""
    delete(client, f"{_dates_path(release_id, system_id)}/{path_segment(date_id)}")

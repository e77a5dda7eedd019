"""A release's systems: adding them, their deployment dates and deployment status."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .types import DeploymentStatus, SystemRole, member_of


class ReleaseSystemKeywords:
    """Keywords about the systems of a release and their deployments."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["releases"])
    def get_release_systems(self, release_id: str) -> list[dict[str, Any]]:
        """Returns the systems of a release, each with ``systemId``, ``system``,
        ``systemRoleType``, ``deploymentStatus`` (``NotStarted``, ``Completed``,
        ``RollbackPending``, ``Rejected``) and ``deploymentDates``.

        | ${systems} =    | Get Release Systems | ${id} |
        | Should Not Be Empty | ${systems} |
        """
        return self.context.plutora.release_systems(release_id)

    @keyword(tags=["releases", "writes"])
    def add_system_to_release(
        self,
        release_id: str,
        system_id: str,
        role: SystemRole = SystemRole.IMPACT,
        dependency_type_id: str | None = None,
    ) -> dict[str, Any]:
        """Adds a system to a release (``role`` Impact or Dependency, with the id of a
        ``SystemRoleDependencyType`` value for a dependency); returns the release system,
        ``NotStarted``. Remembered for `Delete Created Items`.

        | ${system} =    | Get Id By Name | systems | Billing Engine |
        | ${added} =     | Add System To Release | ${id} | ${system} |
        | Should Be Equal | ${added}[deploymentStatus] | NotStarted |
        """
        return self.context.plutora.add_release_system(
            release_id, system_id, member_of(SystemRole, role).value, dependency_type_id
        )

    @keyword(tags=["releases", "writes"])
    def set_deployment_status(
        self, release_id: str, system_id: str, status: DeploymentStatus, verify: bool = False
    ) -> dict[str, Any] | None:
        """Sets a release system's deployment status: ``Completed``, ``RollbackPending`` or
        ``Rejected``. A move that is not allowed from the current status (RollbackPending
        before Completed, anything after Rejected) fails before anything is sent, naming the
        moves there are; so does Completed for a system with no deployment date (add one
        first with `Add Deployment Date`). Returns nothing, or with
        ``verify=True`` the release system read back.

        | ${done} =      | Set Deployment Status | ${id} | ${system} | Completed | verify=${True} |
        | Should Be Equal | ${done}[deploymentStatus] | Completed |
        """
        return self.context.plutora.set_deployment_status(
            release_id, system_id, member_of(DeploymentStatus, status).value, verify
        )

    @keyword(tags=["releases", "writes"])
    def remove_system_from_release(self, release_id: str, system_id: str) -> None:
        """Takes a system out of a release, with its deployment dates.

        | Remove System From Release | ${id} | ${system} |
        """
        self.context.plutora.remove_release_system(release_id, system_id)

    @keyword(tags=["releases"])
    def get_deployment_dates(self, release_id: str, system_id: str) -> list[dict[str, Any]]:
        """Returns a release system's deployment dates, in start order.

        | ${dates} =     | Get Deployment Dates | ${id} | ${system} |
        """
        return self.context.plutora.deployment_dates(release_id, system_id)

    @keyword(tags=["releases", "writes"])
    def add_deployment_date(
        self,
        release_id: str,
        system_id: str,
        start: str,
        end: str,
        environment_id: str | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Adds a deployment window (ISO 8601 start and end; a date alone is midnight) to a
        release system, optionally in an environment; returns it with its ``id``.

        | ${date} =      | Add Deployment Date | ${id} | ${system} | 2026-03-01T10:00 | 2026-03-01T12:00 |
        | Should Be Equal | ${date}[startDate] | 2026-03-01T10:00:00 |
        """
        return self.context.plutora.add_deployment_date(
            release_id, system_id, start, end, environment_id, description
        )

    @keyword(tags=["releases", "writes"])
    def update_deployment_date(
        self, release_id: str, system_id: str, date_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named of a deployment date (read, changed, sent back). Returns
        nothing, or with ``verify=True`` the date read back.

        | ${moved} =     | Update Deployment Date | ${id} | ${system} | ${date}[id] | endDate=2026-03-01T14:00 | verify=${True} |
        | Should Be Equal | ${moved}[endDate] | 2026-03-01T14:00:00 |
        """
        plutora = self.context.plutora
        current = next(
            (d for d in plutora.deployment_dates(release_id, system_id) if d["id"] == date_id),
            {},
        )
        return plutora.update_deployment_date(
            release_id, system_id, date_id, {**current, **changes}, verify
        )

    @keyword(tags=["releases", "writes"])
    def delete_deployment_date(self, release_id: str, system_id: str, date_id: str) -> None:
        """Deletes a deployment date.

        | Delete Deployment Date | ${id} | ${system} | ${date}[id] |
        """
        self.context.plutora.delete_deployment_date(release_id, system_id, date_id)

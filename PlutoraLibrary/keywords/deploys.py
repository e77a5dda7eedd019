"""What a CI deploy writes: environments and hosts, and environment health checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword

from .context import PlutoraContext


class DeployKeywords:
    """Keywords that create, change and delete environments and hosts, and post health
    checks."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["environments", "writes"])
    def create_environment(self, name: str, **fields: Any) -> dict[str, Any]:
        """Creates an environment and returns it with its ``id``. ``usageWorkItemId`` and
        ``environmentStatusId`` are required (ids of ``UsedForWorkItem`` and
        ``EnvironmentStatus`` values: `Get Lookup Id`); other fields as the API names them
        (``url``, ``vendor``, ``linkedSystemId``, ``color``, ``isSharedEnvironment``, …, in
        any case). A field an environment does not have fails before anything is sent; the
        environment is remembered for `Delete Created Items`.

        | ${dev} =       | Get Lookup Id | UsedForWorkItem | Dev |
        | ${active} =    | Get Lookup Id | EnvironmentStatus | Active |
        | ${env} =       | Create Environment | SIT9 | usageWorkItemId=${dev} | environmentStatusId=${active} |
        | Should Be Equal | ${env}[environmentStatusId] | ${active} |
        """
        return self.context.plutora.create_environment({"name": name, **fields})

    @keyword(tags=["environments", "writes"])
    def update_environment(
        self, environment_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named (the environment is read, changed and sent back whole, as
        the vendor's primer does). Returns nothing (the API answers 204), or with
        ``verify=True`` the environment read back, each field sent compared
        (``ChangeNotPersisted`` otherwise).

        | ${env} =       | Update Environment | ${id} | description=Rebuilt by build 42 | verify=${True} |
        | Should Be Equal | ${env}[description] | Rebuilt by build 42 |
        """
        plutora = self.context.plutora
        body = {**plutora.environment(environment_id), **changes}
        return plutora.update_environment(environment_id, body, verify=verify)

    @keyword(tags=["environments", "writes"])
    def delete_environment(self, environment_id: str) -> None:
        """Deletes an environment with its hosts and layers; an environment an open TECR
        points at is refused (``BusinessRuleViolation``).

        | Delete Environment | ${env}[id] |
        """
        self.context.plutora.delete_environment(environment_id)

    @keyword(tags=["environments", "writes"])
    def create_host(self, environment_id: str, name: str) -> dict[str, Any]:
        """Creates a host in an environment and returns it with its ``id`` (no layers yet).

        | ${host} =      | Create Host | ${env}[id] | sit9-web-1 |
        | Should Be Equal | ${host}[environmentID] | ${env}[id] |
        """
        return self.context.plutora.create_host({"name": name, "environmentID": environment_id})

    @keyword(tags=["environments", "writes"])
    def rename_host(self, host_id: str, name: str, verify: bool = False) -> dict[str, Any] | None:
        """Renames a host (it stays in its environment). Returns nothing, or with
        ``verify=True`` the host read back.

        | ${host} =      | Rename Host | ${host}[id] | sit9-web-01 | verify=${True} |
        | Should Be Equal | ${host}[name] | sit9-web-01 |
        """
        plutora = self.context.plutora
        body = {**plutora.host(host_id), "name": name}
        return plutora.update_host(host_id, body, verify=verify)

    @keyword(tags=["environments", "writes"])
    def delete_host(self, host_id: str) -> None:
        """Deletes a host with its layers.

        | Delete Host | ${host}[id] |
        """
        self.context.plutora.delete_host(host_id)

    @keyword(tags=["health checks", "writes"])
    def post_health_check(
        self,
        environment_id: str,
        health: int | str,
        test_name: str,
        log_file: Path | None = None,
    ) -> dict[str, Any]:
        """Posts an environment health check and returns it as recorded. ``health`` is 0-3
        or its name: ``Unknown``, ``Online``, ``Offline``, ``Issue``. ``log_file`` is the
        test's log (UTF-8 text, at most 1 MiB): masked like any body in the log, attached to
        Allure. Sent once: when the answer is lost, the environment's current status tells
        whether it was recorded.

        | ${check} =     | Post Health Check | ${id} | Online | smoke | log_file=${CURDIR}/smoke.log |
        | Should Be Equal | ${check}[healthName] | Online |
        """
        check = self.context.plutora.record_health_check(
            environment_id, health, test_name, log_file
        )
        logger.info(f"Health check {test_name!r}: {check.get('healthName', health)}.")
        return check

    @keyword(tags=["health checks"])
    def get_current_health(self, *environment_ids: str) -> list[dict[str, Any]]:
        """Returns the current health of the environments: the latest check per test name of
        the last 7 days.

        | ${current} =   | Get Current Health | ${id} |
        | Should Not Be Empty | ${current} |
        """
        return self.context.plutora.current_health(environment_ids)

    @keyword(tags=["health checks"])
    def get_health_history(self, *environment_ids: str) -> list[dict[str, Any]]:
        """Returns every health check of the environments, newest first.

        | ${history} =   | Get Health History | ${id} |
        | Should Be Equal | ${history}[0][environmentId] | ${id} |
        """
        return self.context.plutora.health_history(environment_ids)

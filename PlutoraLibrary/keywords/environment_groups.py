"""Environment groups (environments linked for booking and the environment map) and the
connectivities between their environments."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .types import ConnectivityDirection, member_of


class EnvironmentGroupKeywords:
    """Keywords that read, create, change and delete environment groups, and connect the
    environments of a group."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["environments", "environment groups"])
    def get_environment_groups(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every environment group (``id``, ``name``, ``environmentIDs``,
        ``isAutoApproved``, …), or those a ``filter`` expression matches.

        | ${groups} =    | Get Environment Groups |
        | ${dev} =       | Get Environment Groups | \\`name\\` Equals \\`Development\\` |
        | Length Should Be | ${dev}[0][environmentIDs] | 2 |
        """
        return self.context.plutora.environment_groups(filter)

    @keyword(tags=["environments", "environment groups"])
    def get_environment_group(self, group_id: str) -> dict[str, Any]:
        """Returns one environment group.

        | ${groups} =    | Get Environment Groups |
        | ${group} =     | Get Environment Group | ${groups}[0][id] |
        | Should Be Equal | ${group}[name] | ${groups}[0][name] |
        """
        return self.context.plutora.environment_group(group_id)

    @keyword(tags=["environments", "environment groups", "writes"])
    def create_environment_group(
        self, name: str, *environment_ids: str, **fields: Any
    ) -> dict[str, Any]:
        """Creates an environment group linking the environments whose ids follow the name,
        and returns it with its ``id``. Other fields as the API names them (``description``,
        ``color``, ``vendor``, ``usageWorkItemId``, ``organizationId``, ``isAutoApproved``,
        ``displayBookingAlert``, ``bookingAlertMessage``; any case). A field a group does not
        have, or a name another group has, fails; the group is remembered for `Delete Created
        Items` (its connectivities go with it).

        | ${environments} =    | Get Environments |
        | ${group} =     | Create Environment Group | SIT pair | ${environments}[2][id] | ${environments}[3][id] | isAutoApproved=${True} |
        | Length Should Be | ${group}[environmentIDs] | 2 |
        """
        body = {"name": name, "environmentIDs": list(environment_ids), **fields}
        return self.context.plutora.create_environment_group(body)

    @keyword(tags=["environments", "environment groups", "writes"])
    def update_environment_group(
        self, group_id: str, *environment_ids: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named (the group is read, changed and sent back whole); ids
        given after the group's replace its environments (connectivities of an environment
        taken out go with it). Returns nothing (the API answers 204), or with ``verify=True``
        the group read back and compared (``ChangeNotPersisted`` otherwise).

        | ${groups} =    | Get Environment Groups | \\`name\\` Equals \\`Development\\` |
        | ${group} =     | Update Environment Group | ${groups}[0][id] | description=DEV1 and DEV2 | verify=${True} |
        | Should Be Equal | ${group}[description] | DEV1 and DEV2 |
        """
        plutora = self.context.plutora
        body = {**plutora.environment_group(group_id), **changes}
        if environment_ids:
            body["environmentIDs"] = list(environment_ids)
        return plutora.update_environment_group(group_id, body, verify=verify)

    @keyword(tags=["environments", "environment groups", "writes"])
    def delete_environment_group(self, group_id: str) -> None:
        """Deletes an environment group with its connectivities (its environments stay).

        | ${environments} =    | Get Environments |
        | ${group} =     | Create Environment Group | Short-lived | ${environments}[0][id] |
        | Delete Environment Group | ${group}[id] |
        """
        self.context.plutora.delete_environment_group(group_id)

    @keyword(tags=["environments", "environment groups"])
    def get_environment_connectivities(self, group: str | None = None) -> list[dict[str, Any]]:
        """Returns the connectivities of an environment group, given by its name (any case) or
        its id (every group's without one): ``sourceId``, ``targetId``,
        ``connectivityTypeId``, ``connectivityType``, ``direction``. A group the site does not
        have fails naming the closest names; `Get Environment Groups` lists them.

        | ${groups} =    | Get Environment Groups | \\`name\\` Equals \\`System Test\\` |
        | ${links} =     | Get Environment Connectivities | System Test |
        | Should Be Equal | ${links}[0][sourceId] | ${groups}[0][environmentIDs][0] |
        """
        return self.context.plutora.environment_connectivities(group)

    @keyword(tags=["environments", "environment groups", "writes"])
    def connect_environments(
        self,
        group_id: str,
        source_id: str,
        target_id: str,
        connectivity_type: str = "HTTPS",
        direction: ConnectivityDirection = ConnectivityDirection.OUT,
    ) -> dict[str, Any]:
        """Connects two environments of a group and returns the connectivity (read back: the
        API answers no body). ``connectivity_type``: an ``EnvironmentMapConnectivityType``
        value (``HTTPS``, ``JDBC``, …) or its id; ``direction``: ``In``, ``Out`` or
        ``InAndOut``. Environments outside the group, an environment connected to itself, or
        a second connectivity between the same two are refused.

        | ${environments} =    | Get Environments |
        | ${group} =     | Create Environment Group | Map | ${environments}[0][id] | ${environments}[1][id] |
        | ${link} =      | Connect Environments | ${group}[id] | ${environments}[0][id] | ${environments}[1][id] | JDBC | InAndOut |
        | Should Be Equal | ${link}[connectivityType] | JDBC |
        """
        plutora = self.context.plutora
        kind = connectivity_type
        if not _looks_like_id(kind):
            kind = plutora.lookup_id("EnvironmentMapConnectivityType", connectivity_type)
        return plutora.connect_environments(
            group_id, source_id, target_id, kind, member_of(ConnectivityDirection, direction).value
        )


def _looks_like_id(text: str) -> bool:
    parts = str(text).split("-")
    return [len(part) for part in parts] == [8, 4, 4, 4, 12]

"""Environments, hosts, layers and lookup fields."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from ..core import where
from .context import PlutoraContext


class EnvironmentKeywords:
    """Keywords about environments, hosts, layers and lookups."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["environments"])
    def get_environments(self, filter: str | None = None) -> list[dict[str, Any]]:
        """Returns every environment as lists show it: ``id``, ``name``, ``url``,
        ``linkedSystem``, ``usageWorkItem``, ``status``, ``color`` (`Get Environment` for the
        detail and its hosts).

        | ${environments} =    | Get Environments |
        | ${sit} =             | Get Environments | \\`name\\` Contains \\`SIT\\` |
        """
        return self.context.plutora.environments(filter)

    @keyword(tags=["environments"])
    def get_environment(self, environment_id: str) -> dict[str, Any]:
        """Returns one environment with every field and its hosts.

        | ${environment} =    | Get Environment | ${environments}[0][id] |
        | Should Not Be Empty | ${environment}[hosts] |
        """
        return self.context.plutora.environment(environment_id)

    @keyword(tags=["environments"])
    def get_hosts(
        self, environment_id: str | None = None, filter: str | None = None
    ) -> list[dict[str, Any]]:
        """Returns every host (with its layers), or those of one environment.

        | ${hosts} =    | Get Hosts |
        | ${hosts} =    | Get Hosts | environment_id=${environment}[id] |
        """
        if environment_id is not None and filter is not None:
            raise ValueError("Give environment_id or filter, not both.")
        if environment_id is not None:
            return self.context.plutora.hosts(where("environmentID").equals(environment_id))
        return self.context.plutora.hosts(filter)

    @keyword(tags=["environments"])
    def get_host(self, host_id: str) -> dict[str, Any]:
        """Returns one host with its layers.

        | ${host} =    | Get Host | ${id} |
        """
        return self.context.plutora.host(host_id)

    @keyword(tags=["environments"])
    def get_layers(self, host_id: str) -> list[dict[str, Any]]:
        """Returns the layers of a host, each read from ``GET /layers/{id}`` with its
        ``stackLayerID``, ``stackLayer`` and ``stackLayerType``.

        | ${layers} =    | Get Layers | ${host}[id] |
        | Should Be Equal | ${layers}[0][stackLayerType] | StackLayer |
        """
        plutora = self.context.plutora
        return [plutora.layer(layer["id"]) for layer in plutora.host(host_id)["layers"]]

    @keyword(tags=["lookups"])
    def get_lookup_fields(self, lookup_type: str | None = None) -> list[dict[str, Any]]:
        """Returns the lookup field types, or the values of one type.

        | ${types} =       | Get Lookup Fields |
        | ${statuses} =    | Get Lookup Fields | ReleaseStatusType |
        """
        if lookup_type is None:
            return self.context.plutora.lookup_types()
        return self.context.plutora.lookup(lookup_type)

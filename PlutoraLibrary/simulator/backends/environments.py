"""Environments, their hosts and the hosts' layers (components on a stack layer)."""

from __future__ import annotations

from ... import contract
from ..query import entity
from ..seed import SeedData
from .records import Record, Records

#: Where a list item's field comes from when the detail names it otherwise (the primer: the
#: list says ``status``, the detail ``environmentStatus``).
LIST_ITEM_SOURCES = {"status": "environmentStatus"}
ENVIRONMENTS = entity(
    "Environment", contract.properties("plutora", "Environment"), LIST_ITEM_SOURCES
)
HOSTS = entity("Host", contract.properties("plutora", "Host"))
LAYERS = entity("Layer", contract.properties("plutora", "Layer"))


class EnvironmentsBackend:
    """Environments (each with its hosts), hosts (each with its layers), layers.

    Example::

        environments = EnvironmentsBackend(build_seed(1))
        environments.environments.select("`status` = `Active`").slice(0, 100)
        environments.layers.get(layer_id)["stackLayer"]
    """

    def __init__(self, seed: SeedData) -> None:
        self.environments = Records("Environment", ENVIRONMENTS)
        self.hosts = Records("Host", HOSTS)
        self.layers = Records("Layer", LAYERS)
        self.reset(seed)

    def reset(self, seed: SeedData) -> None:
        """Hold the environments of a freshly seeded site."""
        self.environments.load(seed.environments)
        self.hosts.load(seed.hosts)
        self.layers.load(seed.layers)

    def environment(self, environment_id: str) -> Record:
        """An environment by id, or :class:`NotFound`."""
        return self.environments.get(environment_id)

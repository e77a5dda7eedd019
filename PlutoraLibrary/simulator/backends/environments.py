"""Environments, their hosts and the hosts' layers (components on a stack layer)."""

from __future__ import annotations

from ... import contract
from ..query import entity
from ..seed import SeedData
from .errors import ModelState
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

    def update_layer(
        self, layer_id: str, body: Record, model: ModelState, stack: dict[str, Record]
    ) -> None:
        """``PUT /layers/{id}``: take the layer's component name, version and stack layer
        (``stack``: the StackLayer lookup values by lower-case id); its host and environment
        stay (a layer does not move by PUT). An ``id`` in the body must be the path's. The
        host and environment holding the layer show the change."""
        body_id = body.get("id")
        if body_id not in (None, "") and str(body_id).lower() != layer_id.lower():
            model.add("id", "The id in the body does not match the id in the URL.")
        stack_id = body.get("stackLayerID")
        item = stack.get(str(stack_id).lower()) if stack_id not in (None, "") else None
        if stack_id not in (None, "") and item is None:
            model.add("stackLayerID", f"The stack layer '{stack_id}' was not found.")
        model.check()
        layer = self.layers.get(layer_id)
        layer["componentName"] = body["componentName"]
        layer["version"] = body.get("version")
        if item is not None:
            layer["stackLayerID"] = item["id"]
            layer["stackLayer"] = item["value"]
        # The host's and environment's answers embed the layer (the same record).
        self.layers.changed()
        self.hosts.changed()
        self.environments.changed()

    def environment(self, environment_id: str) -> Record:
        """An environment by id, or :class:`NotFound`."""
        return self.environments.get(environment_id)

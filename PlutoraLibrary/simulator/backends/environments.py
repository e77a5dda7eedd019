"""Environments, their hosts and the hosts' layers (components on a stack layer)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from ... import contract
from ..query import entity
from ..seed import SeedData
from .errors import ModelState, RulesBroken
from .records import Record, Records, reference, text

#: Where a list item's field comes from when the detail names it otherwise (the primer: the
#: list says ``status``, the detail ``environmentStatus``).
LIST_ITEM_SOURCES = {"status": "environmentStatus"}
ENVIRONMENT_FIELDS = contract.properties("plutora", "Environment")
ENVIRONMENTS = entity("Environment", ENVIRONMENT_FIELDS, LIST_ITEM_SOURCES)
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


#: What a body sets on an environment (the contract's ``EnvironmentInput``, hosts aside).
_ENVIRONMENT_TEXT = ("description", "url", "vendor", "environmentMgr", "color")


class EnvironmentWrites:
    """Creating, replacing and deleting environments and hosts, with their rules.

    Rules (docs/contract-decisions.md, "Environments and hosts"): an environment's name is
    unique ignoring case; its usage work item, status and linked system must be ids of a
    ``UsedForWorkItem`` value, an ``EnvironmentStatus`` value and a system; a host's name is
    unique in its environment; a host stays in its environment; deleting an environment
    deletes its hosts and layers, and is refused while an open TECR (not Completed or
    Rejected) points at it.

    Example::

        writes = state.environment_writes   # EnvironmentWrites(environments, catalogue, tecrs)
        created = writes.create_environment(body, ModelState("environment"))
    """

    def __init__(
        self,
        environments: EnvironmentsBackend,
        catalogue: Any,
        tecrs: Callable[[], Records],
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.area = environments
        self.catalogue = catalogue
        self.tecrs = tecrs
        self.new_id = new_id

    # -- environments ---------------------------------------------------------------------

    def create_environment(self, body: Record, model: ModelState) -> Record:
        """``POST /environments``: the new environment (no hosts yet)."""
        fields = self._environment_fields(body, model)
        self._unique_name(fields["name"], own_id=None)
        environment: Record = {"id": self.new_id(), **fields, "hosts": []}
        stored = {name: environment.get(name) for name in ENVIRONMENT_FIELDS}
        self.area.environments.add(stored)
        return stored

    def update_environment(self, environment_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /environments/{id}``: replace its fields; its hosts stay. The body is judged
        first (400), then the id (404), as the vendor's Cypress suite sees."""
        _same_id(body, environment_id, model)
        fields = self._environment_fields(body, model)
        current = self.area.environments.get(environment_id)
        self._unique_name(fields["name"], own_id=current["id"])
        current.update(fields)
        self.area.environments.changed()
        return current

    def delete_environment(self, environment_id: str) -> None:
        """``DELETE /environments/{id}``: with its hosts and layers; refused while a TECR
        points at it."""
        environment = self.area.environments.get(environment_id)
        held = open_tecrs(self.tecrs(), environment["id"])
        if held:
            raise RulesBroken(
                [
                    f"Environment '{environment['name']}' has {len(held)} open TECR(s) and "
                    "cannot be deleted: complete or reject them first."
                ]
            )
        for host in list(environment["hosts"]):
            self._drop_host(host)
        self.area.environments.remove(environment["id"])

    # -- hosts ------------------------------------------------------------------------------

    def create_host(self, body: Record, model: ModelState) -> Record:
        """``POST /hosts``: a host (no layers yet) in an existing environment."""
        name = text(body, "name") or ""
        environment = reference(
            body, model, "environmentID", self.area.environments.by_id, required=True
        )
        model.check()
        assert environment is not None
        self._unique_host(environment, name, own_id=None)
        host: Record = {
            "id": self.new_id(),
            "name": name,
            "environmentID": environment["id"],
            "layers": [],
        }
        environment["hosts"].append(host)
        self.area.hosts.add(host)
        self.area.environments.changed()
        return host

    def update_host(self, host_id: str, body: Record, model: ModelState) -> Record:
        """``PUT /hosts/{id}``: rename it; it stays in its environment (400 otherwise)."""
        _same_id(body, host_id, model)
        name = text(body, "name") or ""
        wanted = reference(body, model, "environmentID", self.area.environments.by_id, True)
        model.check()
        host = self.area.hosts.get(host_id)
        assert wanted is not None
        if wanted["id"].lower() != host["environmentID"].lower():
            raise RulesBroken(["A host cannot be moved to another environment."])
        environment = self.area.environments.get(host["environmentID"])
        self._unique_host(environment, name, own_id=host["id"])
        host["name"] = name
        self.area.hosts.changed()
        self.area.environments.changed()
        return host

    def delete_host(self, host_id: str) -> None:
        """``DELETE /hosts/{id}``: with its layers."""
        host = self.area.hosts.get(host_id)
        environment = self.area.environments.by_id.get(host["environmentID"].lower())
        if environment is not None:
            environment["hosts"] = [h for h in environment["hosts"] if h["id"] != host["id"]]
            self.area.environments.changed()
        self._drop_host(host)

    # -- rules ------------------------------------------------------------------------------

    def _environment_fields(self, body: Record, model: ModelState) -> Record:
        catalogue = self.catalogue
        fields: Record = {name: text(body, name) for name in _ENVIRONMENT_TEXT}
        fields["name"] = text(body, "name") or ""
        shared = body.get("isSharedEnvironment")
        fields["isSharedEnvironment"] = bool(shared) if shared is not None else False
        for name, kind, label in (
            ("usageWorkItemId", "UsedForWorkItem", "usageWorkItem"),
            ("environmentStatusId", "EnvironmentStatus", "environmentStatus"),
        ):
            item = reference(body, model, name, catalogue.lookup_by_id(kind), True)
            fields[name] = item["id"] if item else None
            # The vendor's Cypress suite reads these names null on an environment it wrote
            # through the API ("this returns null???"): docs/contract-decisions.md.
            fields[label] = None
        system = reference(body, model, "linkedSystemId", catalogue.systems.by_id, False)
        fields["linkedSystemId"] = system["id"] if system else None
        fields["linkedSystem"] = system["name"] if system else None
        model.check()
        return fields

    def _unique_name(self, name: str, own_id: str | None) -> None:
        for environment in self.area.environments:
            if environment["name"].casefold() == name.casefold() and environment["id"] != own_id:
                raise RulesBroken([f"An environment named '{name}' already exists."])

    @staticmethod
    def _unique_host(environment: Record, name: str, own_id: str | None) -> None:
        for host in environment["hosts"]:
            if host["name"].casefold() == name.casefold() and host["id"] != own_id:
                raise RulesBroken(
                    [f"Environment '{environment['name']}' already has a host named '{name}'."]
                )

    def _drop_host(self, host: Record) -> None:
        for layer in host["layers"]:
            self.area.layers.remove(layer["id"])
        self.area.hosts.remove(host["id"])


#: TECR statuses that no longer hold their environment (the request is over).
CLOSED_TECR_STATUSES = frozenset({"Completed", "Rejected"})


def open_tecrs(tecrs: Iterable[Record], environment_id: str) -> list[Record]:
    """The TECRs of an environment that are not over (not Completed or Rejected).

    Example: ``open_tecrs(state.requests.tecrs, environment["id"])``
    """
    own = environment_id.lower()
    return [
        tecr
        for tecr in tecrs
        if str(tecr.get("environmentId") or "").lower() == own
        and tecr.get("crStatus") not in CLOSED_TECR_STATUSES
    ]


def _same_id(body: Record, record_id: str, model: ModelState) -> None:
    body_id = body.get("id")
    if body_id not in (None, "") and str(body_id).lower() != record_id.lower():
        model.add("id", "The id in the body does not match the id in the URL.")

"""Systems (create, replace, delete) and organizations (create, replace, the tree).

A system needs ``name``, ``vendor``, ``status`` (Active or Inactive) and ``organizationId``
(the primer); an organization ``name``, ``type`` (Division or Department below the top
Company) and, when created, the ``parentId`` it sits under (the top's id:
``organization_tree(client)["id"]``). Missing or unknown fields fail before anything is sent.
Every write keeps the rules of :mod:`.writes`: a POST is sent once (a lost answer is recovered
by finding the one new record with the name), a PUT returns None or, with ``verify``, the
record read back and compared.

Example::

    top = client.organization_tree()
    team = client.create_organization({"name": "Payments QA", "type": "Department",
                                       "parentId": top["id"]})
    billing = client.create_system({"name": "Ledger", "vendor": "SAP", "status": "Active",
                                    "organizationId": team["id"]})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .errors import ChangeNotPersisted, ValidationFailed, hide_library_frames
from .writes import Record, create, delete, prepared_body, replace, same

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames


# -- systems ----------------------------------------------------------------------------------


def create_system(client: PlutoraClient, fields: Mapping[str, Any]) -> Record:
    """``POST /systems`` (201); a lost answer is recovered by looking the name up."""
    body = prepared_body("SystemInput", fields, "POST", "/systems", "System")
    body.pop("id", None)
    name = str(body["name"])

    def matching() -> list[Record]:
        wanted = name.strip().casefold()
        return [s for s in client.systems() if str(s.get("name", "")).strip().casefold() == wanted]

    return create(client, "/systems", body, f"system {name}", matching)


def update_system(
    client: PlutoraClient, system_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /systems/{id}`` with the system as read, changed (its custom fields are set
    through ``additionalInformation``, not here)."""
    path = f"/systems/{path_segment(system_id)}"
    body = prepared_body("SystemInput", fields, "PUT", path, "System")
    return replace(client, path, body, verify, lambda: client.system(system_id))


def delete_system(client: PlutoraClient, system_id: str) -> None:
    """``DELETE /systems/{id}``; refused by the API while an environment is linked to it
    (:class:`BusinessRuleViolation` quoting it)."""
    delete(client, f"/systems/{path_segment(system_id)}")


# -- organizations ----------------------------------------------------------------------------


def organization_tree(client: PlutoraClient) -> Record:
    """``GET /organizations/tree``: the top organization, those under it in ``children``."""
    found = client.call("GET", "/organizations/tree").json
    return dict(found) if isinstance(found, dict) else {}


def walk(node: Mapping[str, Any], parent: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """Each ``(organization, parent)`` of a tree, the top first (its parent None).

    Example: ``{o["name"]: p and p["name"] for o, p in walk(client.organization_tree())}``
    """
    yield node, parent
    for child in node.get("children") or []:
        if isinstance(child, Mapping):
            yield from walk(child, node)


def organization_parent(client: PlutoraClient, organization_id: str) -> str | None:
    """The id of the organization one sits under (None for the top), read from the tree;
    ``KeyError`` when the tree does not hold it."""
    for node, parent in walk(organization_tree(client)):
        if same(organization_id, node.get("id")):
            return str(parent["id"]) if parent else None
    raise KeyError(organization_id)


def create_organization(client: PlutoraClient, fields: Mapping[str, Any]) -> Record:
    """``POST /organizations`` (201) under ``parentId``; a lost answer is recovered by finding
    the one new organization with the name."""
    body = prepared_body("OrganizationInput", fields, "POST", "/organizations", "OrganizationNode")
    body.pop("id", None)
    if not body.get("parentId"):
        problem = "'parentId' is required: the organization it sits under"
        raise ValidationFailed(
            "POST",
            "/organizations",
            0,
            problem,
            messages={"parentId": [problem]},
            advice="Nothing was sent. Every organization but the top one sits under another: "
            "give the top's id (organization_tree()['id'] / Get Organization Tree) or another's.",
        )
    name = str(body["name"])

    def matching() -> list[Record]:
        wanted = name.strip().casefold()
        return [
            org
            for org in client.organizations()
            if str(org.get("name", "")).strip().casefold() == wanted
        ]

    label = f"organization {name}"
    return create(client, "/organizations", body, label, matching, deletable=False)


def update_organization(
    client: PlutoraClient, organization_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /organizations/{id}`` (204): its name, type, and with ``parentId`` where it sits.
    With ``verify`` the organization read back (and its place in the tree) is compared."""
    path = f"/organizations/{path_segment(organization_id)}"
    body = prepared_body("OrganizationInput", fields, "PUT", path, "OrganizationNode")
    shown = {key: value for key, value in body.items() if key != "parentId"}
    current = replace(
        client, path, body, verify, lambda: client.organization(organization_id), compare=shown
    )
    wanted = body.get("parentId")
    if current is not None and wanted:
        parent = organization_parent(client, organization_id)
        if not same(wanted, parent):
            raise ChangeNotPersisted(
                f"PUT {path} was accepted, but the organization tree shows it under {parent!r}, "
                f"not {wanted!r}. Another user may have moved it; read the tree and try again."
            )
    return current

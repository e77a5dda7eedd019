"""Environment groups (environments linked for booking and the environment map) and the
connectivities between the environments of a group.

Every write keeps the rules of :mod:`.writes`: a group's body is checked against the
contract's ``EnvironmentGroupInput`` before sending, a POST is sent once (a lost answer is
recovered by finding the one new group of that name), a PUT answers 204 (``verify=True``
reads the group back and compares), and a created group is remembered for the clean-up
(its connectivities go with it). ``POST /connectivities`` answers no body, so the
connectivity it made is read back from the group's connectivities.

Example::

    group = client.create_environment_group({"name": "SIT pair",
                                             "environmentIDs": [sit1, sit2]})
    https = client.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
    link = client.connect_environments(group["id"], sit1, sit2, https, direction="InAndOut")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import contract
from .client import path_segment
from .errors import (
    ChangeNotPersisted,
    NameAmbiguous,
    NameNotFound,
    OutcomeUnknown,
    hide_library_frames,
)
from .filters import Expression, where
from .names import _near
from .writes import Record, create, delete, prepared_body, replace

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The directions a connectivity takes (the contract's ``ConnectivityDirection``).
DIRECTIONS: tuple[str, ...] = tuple(contract.schema("plutora", "ConnectivityDirection")["enum"])
_GROUPS = "/environmentgroups"
_CONNECTIVITIES = "/connectivities"


def _group_path(group_id: str) -> str:
    return f"{_GROUPS}/{path_segment(group_id)}"


def environment_groups(
    client: PlutoraClient, filter: Expression | str | None = None
) -> list[Record]:
    """``GET /environmentgroups`` (``filter=`` when given), every page."""
    return client._list("environmentgroups", "environment-group", filter)


def environment_group(client: PlutoraClient, group_id: str) -> Record:
    """``GET /environmentgroups/{id}``."""
    found = client.call("GET", _group_path(group_id)).json
    return dict(found) if isinstance(found, dict) else {}


def create_environment_group(client: PlutoraClient, fields: Mapping[str, Any]) -> Record:
    """``POST /environmentgroups``; a lost answer is recovered by looking the name up."""
    body = prepared_body("EnvironmentGroupInput", fields, "POST", _GROUPS, "EnvironmentGroup")
    name = str(body["name"]).strip()

    def matching() -> list[Record]:
        wanted = name.casefold()
        return [
            g
            for g in environment_groups(client)
            if str(g.get("name", "")).strip().casefold() == wanted
        ]

    label = f"environment group {name}"
    return create(client, _GROUPS, body, label, matching, registry_label=label)


def update_environment_group(
    client: PlutoraClient, group_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /environmentgroups/{id}`` (204): None, or with ``verify`` the group read back
    (its environments compared as a set of ids, in any case)."""
    path = _group_path(group_id)
    body = prepared_body("EnvironmentGroupInput", fields, "PUT", path, "EnvironmentGroup")
    sent = {key: value for key, value in body.items() if key != "environmentIDs"}
    current = replace(client, path, body, verify, lambda: environment_group(client, group_id), sent)
    if current is not None and "environmentIDs" in body:
        wanted = {str(i).lower() for i in body.get("environmentIDs") or ()}
        read = {str(i).lower() for i in current.get("environmentIDs") or ()}
        if wanted != read:
            raise ChangeNotPersisted(
                f"PUT {path} was accepted, but reading the group back shows environments "
                f"{sorted(read)}, not the {sorted(wanted)} sent. Another user or an automation "
                "may have changed it; read it and try again."
            )
    return current


def delete_environment_group(client: PlutoraClient, group_id: str) -> None:
    """``DELETE /environmentgroups/{id}``: with its connectivities (its environments stay)."""
    delete(client, _group_path(group_id))


# -- connectivities ----------------------------------------------------------------------------


def connectivities(client: PlutoraClient, group: str | None = None) -> list[Record]:
    """``GET /connectivities``, those of one group when ``group`` (its name, any case, or its
    id) is given; a group the site does not have is :class:`NameNotFound` (nothing listed)."""
    if group is None or not str(group).strip():
        return client._list("connectivities", "connectivity", None)
    return _group_connectivities(client, environment_group_id(client, str(group)))


def _group_connectivities(client: PlutoraClient, group_id: str) -> list[Record]:
    return client._list(
        "connectivities", "connectivity", where("environmentGroupId").equals(group_id)
    )


def environment_group_id(client: PlutoraClient, group: str) -> str:
    """The id of the environment group named ``group`` (any case) or with that id, or
    :class:`NameNotFound` / :class:`NameAmbiguous` naming the groups there are.

    Example: ``environment_group_id(client, "sit pair")``
    """
    wanted = str(group).strip()
    groups = environment_groups(client)
    for found in groups:
        if str(found.get("id", "")).lower() == wanted.lower():
            return str(found["id"])
    named = [g for g in groups if str(g.get("name", "")).strip().casefold() == wanted.casefold()]
    if len(named) == 1:
        return str(named[0]["id"])
    if named:
        ids = [str(g.get("id")) for g in named]
        raise NameAmbiguous(
            "environment groups",
            wanted,
            f"{len(named)} environment groups are named {wanted!r} (ids {', '.join(ids)}): "
            "give the group's id (environment_groups / Get Environment Groups list them).",
            ids,
        )
    names = sorted({str(g.get("name")) for g in groups if g.get("name")})
    near = _near(wanted, names)
    said = f" The closest: {', '.join(repr(n) for n in near)}." if near else ""
    raise NameNotFound(
        "environment groups",
        wanted,
        f"No environment group has the name or id {wanted!r} (case ignored).{said} List the "
        "groups (environment_groups / Get Environment Groups) and give one's name or id.",
        near,
    )


def connect_environments(
    client: PlutoraClient,
    group_id: str,
    source_id: str,
    target_id: str,
    connectivity_type_id: str,
    direction: str,
) -> Record:
    """``POST /connectivities`` once, then the connectivity read back from the group's (the
    POST answers no body); a lost answer is recovered the same way."""
    fields = {
        "environmentGroupId": group_id,
        "sourceId": source_id,
        "targetId": target_id,
        "connectivityTypeId": connectivity_type_id,
        "direction": _direction(direction),
    }
    body = prepared_body("ConnectivityInput", fields, "POST", _CONNECTIVITIES, "Connectivity")

    def matching() -> list[Record]:
        return [
            link
            for link in _group_connectivities(client, group_id)
            if str(link.get("sourceId", "")).lower() == source_id.lower()
            and str(link.get("targetId", "")).lower() == target_id.lower()
        ]

    label = f"connectivity {source_id} → {target_id} in group {group_id}"
    # Deleted with its group: nothing to remember for the clean-up.
    made = create(client, _CONNECTIVITIES, body, label, matching, deletable=False)
    if made.get("id"):
        return made
    found = matching()
    if len(found) == 1:
        return found[0]
    raise OutcomeUnknown(
        f"POST {_CONNECTIVITIES} was accepted (no body, as the API answers), but reading the "
        f"group's connectivities back shows {len(found)} from {source_id} to {target_id}. "
        "Nothing was sent twice: look them up (environment_connectivities / Get Environment "
        "Connectivities)."
    )


def _direction(direction: str) -> str:
    text = str(direction or "").strip().lower().replace(" ", "")
    for name in DIRECTIONS:
        if name.lower() == text:
            return name
    raise ValueError(
        f"A connectivity's direction is one of {', '.join(DIRECTIONS)}, not {direction!r}; "
        "nothing was sent."
    )

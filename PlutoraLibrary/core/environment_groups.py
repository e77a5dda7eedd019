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
from .errors import ChangeNotPersisted, OutcomeUnknown, hide_library_frames
from .filters import Expression
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


def connectivities(client: PlutoraClient, group_id: str | None = None) -> list[Record]:
    """``GET /connectivities``, those of one group when ``group_id`` is given."""
    filter = f"`environmentGroupId` = `{group_id}`" if group_id else None
    return client._list("connectivities", "connectivity", filter)


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
            for link in connectivities(client, group_id)
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
        "Nothing was sent twice: look them up with environment_connectivities."
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

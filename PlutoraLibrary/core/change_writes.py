"""Raising, changing and deleting changes, and linking a change to the release it is delivered
in (``PUT /changes/{id}/deliveryReleases/{releaseId}``). Every write keeps the rules of
:mod:`.writes`.

Example::

    change = client.create_change({"name": "Fix login", "changeStatusId": new, ...})
    client.link_change_to_release(change["id"], release_id, target=True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .errors import ChangeNotPersisted, hide_library_frames
from .filters import SearchFilter
from .writes import Record, create, delete, prepared_body, replace, same

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames


def create_change(client: PlutoraClient, fields: Mapping[str, Any], form: bool) -> Record:
    """``POST /changes`` as JSON or (``form``) a form; a lost answer is recovered when exactly
    one change has the name sent."""
    body = prepared_body("ChangeInput", fields, "POST", "/changes", "Change")
    name = str(body["name"])

    def recover() -> Record | None:
        found = client.search_changes([SearchFilter("name", "Equals", name)]).items
        return dict(found[0]) if len(found) == 1 else None

    return create(client, "/changes", body, f"change {name}", recover, form=form)


def update_change(
    client: PlutoraClient, change_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /changes/{id}`` with the change as read, changed."""
    path = f"/changes/{path_segment(change_id)}"
    body = prepared_body("ChangeInput", fields, "PUT", path, "Change")
    return replace(client, path, body, verify, lambda: client.change(change_id))


def delete_change(client: PlutoraClient, change_id: str) -> None:
    """``DELETE /changes/{id}``."""
    delete(client, f"/changes/{path_segment(change_id)}")


def link_change_to_release(
    client: PlutoraClient,
    change_id: str,
    release_id: str,
    target: bool,
    actual: bool,
    verify: bool,
) -> Record | None:
    """``PUT /changes/{id}/deliveryReleases/{releaseId}`` (204); with ``verify`` the change
    read back, its delivery release for that release compared."""
    path = f"/changes/{path_segment(change_id)}/deliveryReleases/{path_segment(release_id)}"
    body = prepared_body(
        "ChangeDeliveryRelease",
        {"releaseId": release_id, "targetRelease": target, "actualDeliveryRelease": actual},
        "PUT",
        path,
    )
    client.call("PUT", path, json=body)
    if not verify:
        return None
    change = client.change(change_id)
    items = [
        item
        for item in change.get("deliveryReleases") or []
        if same(release_id, item.get("releaseId"))
    ]
    wanted = (target, actual)
    if (
        not items
        or (items[0].get("targetRelease"), items[0].get("actualDeliveryRelease")) != wanted
    ):
        raise ChangeNotPersisted(
            f"PUT {path} was accepted, but the change read back shows "
            f"{items[0] if items else 'no delivery release for that release'}. Another user or "
            "an automation may have changed it; read it and try again."
        )
    return change

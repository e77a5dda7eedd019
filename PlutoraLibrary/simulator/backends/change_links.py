"""Linking a change to a release it is delivered in (``PUT
/changes/{id}/deliveryReleases/{releaseId}``, the vendor's Cypress ``linkChangeToRelease``).

The body is one ``deliveryReleases`` item; it replaces the change's item for that release, or
is added; ``DELETE`` on the same path takes the change out of the release. A change's
``deliveryReleases`` are the one source of a release's changes (``GET /releases/{id}/changes``,
:func:`.linked_items.release_changes`). Example::

    link_delivery_release(state.changes, state.releases.records, change_id, release_id,
                          {"releaseId": release_id, "targetRelease": True}, ModelState())
"""

from __future__ import annotations

from ... import contract
from .changes import ChangesBackend
from .errors import ModelState, NotFound
from .records import Record, Records

DELIVERY_RELEASE_FIELDS = contract.properties("plutora", "ChangeDeliveryRelease")


def link_delivery_release(
    changes: ChangesBackend,
    releases: Records,
    change_id: str,
    release_id: str,
    body: Record,
    model: ModelState,
) -> Record:
    """The change's delivery release for ``release_id``, added or replaced: the body judged
    first (400: a ``releaseId`` other than the path's), then the change and the release
    (404)."""
    sent = body.get("releaseId")
    if sent not in (None, "") and str(sent).lower() != release_id.lower():
        model.add("releaseId", "The releaseId in the body does not match the one in the URL.")
    model.check()
    change = changes.get(change_id)
    release = releases.get(release_id)
    item: Record = {name: body.get(name) for name in DELIVERY_RELEASE_FIELDS}
    item["releaseId"] = release["id"]
    for flag in ("targetRelease", "actualDeliveryRelease"):
        item[flag] = bool(item.get(flag))
    kept = [
        existing
        for existing in change.get("deliveryReleases") or []
        if str(existing.get("releaseId", "")).lower() != release["id"].lower()
    ]
    change["deliveryReleases"] = [*kept, item]
    changes.records.changed()
    return item


def unlink_delivery_release(
    changes: ChangesBackend, releases: Records, change_id: str, release_id: str
) -> None:
    """``DELETE /changes/{id}/deliveryReleases/{releaseId}``: the change's delivery release
    for ``release_id`` removed; 404 for an unknown change or release, or a change not
    delivered in it."""
    change = changes.get(change_id)
    release = releases.get(release_id)
    items = change.get("deliveryReleases") or []
    wanted = release["id"].lower()
    kept = [item for item in items if str(item.get("releaseId", "")).lower() != wanted]
    if len(kept) == len(items):
        raise NotFound(
            f"Change '{change['name']}' is not delivered in release '{release['identifier']}'."
        )
    change["deliveryReleases"] = kept
    changes.records.changed()

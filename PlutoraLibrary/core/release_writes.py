"""Releases created from their fields, replaced and deleted, and the changes delivered in a
release (listed, added, taken out). Every write keeps the rules of :mod:`.writes`.

A release's changes have one source: each change's ``deliveryReleases``. Adding a change to
a release is ``PUT /changes/{id}/deliveryReleases/{releaseId}`` (the vendor's Cypress suite),
taking it out ``DELETE`` on the same path, and ``GET /releases/{id}/changes`` (the vendor's
Jira integration) lists the changes whose delivery releases name the release.

Example::

    release = client.create_release({"identifier": "R-42", "name": "Release 42",
                                     "implementationDate": "2027-01-31",
                                     "releaseStatusTypeId": draft,
                                     "plutoraReleaseType": "Independent"})
    client.update_release(release["id"], {**release, "summary": "Go-live"}, verify=True)
    client.link_change_to_release(change_id, release["id"])
    client.release_changes(release["id"])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .client import path_segment
from .errors import (
    BusinessRuleViolation,
    NotFound,
    PlutoraError,
    hide_library_frames,
)
from .filters import SearchFilter
from .writes import Record, create, delete, prepared_body, replace

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames


def _release_path(release_id: str) -> str:
    return f"/releases/{path_segment(release_id)}"


def create_release(client: PlutoraClient, fields: Mapping[str, Any]) -> Record:
    """``POST /releases`` from ``fields``; an Enterprise release is refused before sending
    (the help page's rule); a lost answer is recovered by the identifier, which is unique."""
    body = prepared_body("ReleaseInput", fields, "POST", "/releases", "Release")
    identifier = str(body["identifier"])
    if str(body.get("plutoraReleaseType") or "").lower() == "enterprise":
        rule = "Enterprise releases cannot be created through the API."
        raise BusinessRuleViolation(
            "POST",
            "/releases",
            0,
            rule,
            messages={"internalServerValidationError": [rule]},
            advice="Checked before sending (nothing was sent): create an Independent or "
            "Integrated (Project) release.",
        )

    def matching() -> list[Record]:
        page = client.search_releases([SearchFilter("identifier", "Equals", identifier)])
        return [
            dict(item)
            for item in page.items
            if str(item.get("identifier", "")).casefold() == identifier.casefold()
        ]

    def read(found: Record) -> Record:
        return client.release(str(found["id"]))

    label = f"release {identifier}"
    return create(client, "/releases", body, label, matching, read=read, registry_label=label)


def update_release(
    client: PlutoraClient, release_id: str, fields: Mapping[str, Any], verify: bool
) -> Record | None:
    """``PUT /releases/{id}`` (204) with the release as read, changed."""
    path = _release_path(release_id)
    body = prepared_body("ReleaseInput", fields, "PUT", path, "Release")
    body_id = fields.get("id")
    if body_id not in (None, "") and str(body_id).lower() != release_id.strip().lower():
        raise ValueError(
            f"The fields are those of release {body_id!r}, not of {release_id!r}: read the "
            "release to change (client.release(release_id) / Get Release) and change that; nothing "
            "was sent."
        )
    return replace(client, path, body, verify, lambda: client.release(release_id))


def delete_release(client: PlutoraClient, release_id: str) -> None:
    """``DELETE /releases/{id}`` (200); a release with child releases is refused by the
    server (:class:`BusinessRuleViolation`)."""
    delete(client, _release_path(release_id))


# -- a release's changes ----------------------------------------------------------------------


def release_changes(client: PlutoraClient, release_id: str) -> list[Record]:
    """``GET /releases/{id}/changes``: the changes delivered in the release."""
    return client.listed("GET", f"{_release_path(release_id)}/changes")


def remove_change_from_release(client: PlutoraClient, change_id: str, release_id: str) -> None:
    """``DELETE /changes/{id}/deliveryReleases/{releaseId}`` (200); a change not delivered in
    the release is a :class:`NotFound` naming the release's changes."""
    path = f"/changes/{path_segment(change_id)}/deliveryReleases/{path_segment(release_id)}"
    try:
        delete(client, path)
    except NotFound as error:
        try:
            names = ", ".join(str(c.get("name")) for c in release_changes(client, release_id))
        except PlutoraError:  # the release itself is unknown: the server's words say so
            raise error from None
        raise NotFound(
            "DELETE",
            path,
            404,
            error.server_message,
            advice=f"The release's changes: {names or 'none'}.",
        ) from error

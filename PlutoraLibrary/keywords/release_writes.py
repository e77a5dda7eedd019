"""Releases created, updated and deleted; the changes delivered in a release; items linked to
releases and changes."""

from __future__ import annotations

import re
from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .types import LinkedItemType, LinkedRecordType, LinkType, ReleaseType, member_of

#: An id as the API spells it; anything else given as ``manager=`` is a user's login or e-mail.
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class ReleaseWriteKeywords:
    """Keywords that write releases, their changes and their linked items."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["releases", "writes"])
    def create_release(
        self,
        identifier: str,
        name: str,
        implementation_date: str,
        status: str = "Draft",
        release_type: ReleaseType = ReleaseType.INDEPENDENT,
        **fields: Any,
    ) -> dict[str, Any]:
        """Creates a release and returns it with its ``id``. ``identifier`` must be unique;
        ``status`` is a ``ReleaseStatusType`` value (or give ``releaseStatusTypeId``);
        ``release_type`` is ``Independent`` or ``Integrated`` (Enterprise releases cannot be
        created through the API: refused before anything is sent). ``manager=`` names the
        release's owner by login or e-mail (or give ``managerId``): the owner is its
        accountable stakeholder; a release made without one has none. Other fields as the API
        names them (``summary``, ``organizationId``, ``parentReleaseId``, …, in any case).
        Remembered for `Delete Created Items`.

        | ${release} =   | Create Release | R-42 | Release 42 | 2027-01-31 | summary=Built by CI |
        | Should Be Equal | ${release}[releaseStatusType] | Draft |
        | ${owned} =     | Create Release | R-43 | Release 43 | 2027-02-28 | manager=qa.lead@example.com |
        | Should Be Equal | ${owned}[manager] | Qa Lead |
        """
        plutora = self.context.plutora
        manager = next((fields.pop(key) for key in list(fields) if key.lower() == "manager"), None)
        if manager is not None:
            fields["managerId"] = (
                manager if _GUID.match(str(manager)) else plutora.id_of("users", str(manager))
            )
        body: dict[str, Any] = {
            "identifier": identifier,
            "name": name,
            "implementationDate": implementation_date,
            "plutoraReleaseType": member_of(ReleaseType, release_type).value,
            **fields,
        }
        if not any(key.lower() == "releasestatustypeid" for key in fields):
            body["releaseStatusTypeId"] = plutora.lookup_id("ReleaseStatusType", status)
        return plutora.create_release(body)

    @keyword(tags=["releases", "writes"])
    def update_release(
        self, release_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named (the release is read, changed and sent back whole).
        Returns nothing (the API answers 204), or with ``verify=True`` the release read back,
        each field sent compared (``ChangeNotPersisted`` otherwise).

        | ${release} =   | Update Release | ${id} | summary=Go-live moved | verify=${True} |
        | Should Be Equal | ${release}[summary] | Go-live moved |
        """
        plutora = self.context.plutora
        body = {**plutora.release(release_id), **changes}
        return plutora.update_release(release_id, body, verify=verify)

    @keyword(tags=["releases", "writes"])
    def delete_release(self, release_id: str) -> None:
        """Deletes a release; one with child releases is refused (``BusinessRuleViolation``).

        | Delete Release | ${release}[id] |
        """
        self.context.plutora.delete_release(release_id)

    @keyword(tags=["releases", "changes"])
    def get_release_changes(self, release_id: str) -> list[dict[str, Any]]:
        """Returns the changes delivered in a release (those whose ``deliveryReleases`` name
        it), as `Get Change` shows them.

        | ${changes} =   | Get Release Changes | ${id} |
        | Should Not Be Empty | ${changes} |
        """
        return self.context.plutora.release_changes(release_id)

    @keyword(tags=["releases", "changes", "writes"])
    def remove_change_from_release(self, change_id: str, release_id: str) -> None:
        """Takes a change out of a release (the opposite of `Link Change To Release`, the
        same order of arguments); a change not in the release fails, naming the release's
        changes.

        | Remove Change From Release | ${change} | ${id} |
        """
        self.context.plutora.remove_change_from_release(change_id, release_id)

    @keyword(tags=["releases", "changes"])
    def get_linked_items(
        self, record_type: LinkedRecordType, record_id: str
    ) -> list[dict[str, Any]]:
        """Returns the items linked to a release or a change (``record_type`` ``release`` or
        ``change``, any case, singular or plural), each with ``id``, ``linkedItemId``, ``linkedItemType`` (Release,
        Change), ``linkedItem`` (a release's identifier, a change's name) and ``linkType``
        (``Depends on``, ``Is dependent on``, ``Related to``).

        | ${links} =     | Get Linked Items | release | ${id} |
        | Should Be Empty | ${links} |
        """
        return self.context.plutora.linked_items(_record(record_type), record_id)

    @keyword(tags=["releases", "changes", "writes"])
    def link_items(
        self,
        record_type: LinkedRecordType,
        record_id: str,
        linked_item_id: str,
        linked_item_type: LinkedItemType = LinkedItemType.RELEASE,
        link_type: LinkType = LinkType.DEPENDS_ON,
    ) -> dict[str, Any]:
        """Links a release or a change (``record_type``) to another release or change; the other
        gets the mirror link (``Depends on`` ↔ ``Is dependent on``, ``Related to`` both
        ways). A link to itself, or to a record linked already, fails before anything is
        sent. Returns the link; remembered for `Delete Created Items`.

        | ${link} =      | Link Items | release | ${id} | ${other} | Release | Depends on |
        | Should Be Equal | ${link}[linkType] | Depends on |
        """
        return self.context.plutora.link_items(
            _record(record_type),
            record_id,
            linked_item_id,
            member_of(LinkedItemType, linked_item_type).value,
            member_of(LinkType, link_type).value,
        )

    @keyword(tags=["releases", "changes", "writes"])
    def unlink_item(self, record_type: LinkedRecordType, record_id: str, link_id: str) -> None:
        """Removes a link of a release or a change, and its mirror on the other record.

        | Unlink Item | release | ${id} | ${link}[id] |
        """
        self.context.plutora.unlink_item(_record(record_type), record_id, link_id)


def _record(record_type: LinkedRecordType | str) -> str:
    return member_of(LinkedRecordType, record_type).value

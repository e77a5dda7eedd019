"""The stakeholders of releases, systems and changes: users or groups with RACI flags."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .types import StakeholderRecordType, member_of


class StakeholderKeywords:
    """Keywords that read, add, change and remove the stakeholders of a release, a system or
    a change."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["stakeholders"])
    def get_stakeholders(
        self, record_type: StakeholderRecordType, record_id: str
    ) -> list[dict[str, Any]]:
        """Returns the stakeholders of a record (``record_type`` ``release``, ``system`` or
        ``change``, any case, singular or plural): each with
        ``id`` (its user's or group's id), ``user`` or ``group``, ``stakeholderRoles`` and the
        RACI flags ``responsible``, ``accountable``, ``informed``, ``consulted``. A release's
        owner is always one, accountable.

        | ${people} =    | Get Stakeholders | release | ${id} |
        | Should Be True | ${people}[0][accountable] |
        """
        return self.context.plutora.stakeholders(_record(record_type), record_id)

    @keyword(tags=["stakeholders"])
    def get_stakeholder(
        self, record_type: StakeholderRecordType, record_id: str, stakeholder_id: str
    ) -> dict[str, Any]:
        """Returns one stakeholder of a release, system or change, by its user's or group's
        id.

        | ${owner} =     | Get Stakeholder | release | ${id} | ${release}[managerId] |
        | Should Be True | ${owner}[accountable] |
        """
        return self.context.plutora.stakeholder(_record(record_type), record_id, stakeholder_id)

    @keyword(tags=["stakeholders", "writes"])
    def add_stakeholder(
        self,
        record_type: StakeholderRecordType,
        record_id: str,
        user_id: str | None = None,
        group_id: str | None = None,
        roles: list[str] | str | None = None,
        responsible: bool = False,
        accountable: bool = False,
        informed: bool = False,
        consulted: bool = False,
    ) -> dict[str, Any]:
        """Adds a user (``user_id``: `Get Id By Name` users) or a user group (``group_id``)
        as a stakeholder of a release, system or change, with ``roles`` (``StakeholderRole``
        values or ids, one or a list) and RACI flags; returns it. One that is a stakeholder
        already fails before anything is sent (use `Update Stakeholder`); it is remembered
        for `Delete Created Items`.

        | ${me} =        | Get Id By Name | users | qa.lead@example.com |
        | ${added} =     | Add Stakeholder | release | ${id} | user_id=${me} | roles=Tester | informed=${True} |
        | Should Be Equal | ${added}[stakeholderRoles] | Tester |
        """
        return self.context.plutora.add_stakeholder(
            _record(record_type),
            record_id,
            user_id=user_id,
            group_id=group_id,
            roles=roles,
            responsible=responsible,
            accountable=accountable,
            informed=informed,
            consulted=consulted,
        )

    @keyword(tags=["stakeholders", "writes"])
    def update_stakeholder(
        self,
        record_type: StakeholderRecordType,
        record_id: str,
        stakeholder_id: str,
        verify: bool = False,
        **changes: Any,
    ) -> dict[str, Any] | None:
        """Changes a stakeholder's RACI flags (``responsible=${True}``, or the text
        ``responsible=True`` / ``false``; the names in any case) or ``roles`` (a list of
        ``StakeholderRole`` values); what is not named stays. The owner of a release
        stays accountable (refused before sending). Returns nothing, or with ``verify=True``
        the stakeholder read back.

        | ${changed} =   | Update Stakeholder | release | ${id} | ${me} | consulted=${True} | verify=${True} |
        | Should Be True | ${changed}[consulted] |
        """
        return self.context.plutora.update_stakeholder(
            _record(record_type), record_id, stakeholder_id, changes, verify=verify
        )

    @keyword(tags=["stakeholders", "writes"])
    def remove_stakeholder(
        self, record_type: StakeholderRecordType, record_id: str, stakeholder_id: str
    ) -> None:
        """Removes a stakeholder from a release, system or change (a release's owner cannot
        be removed: change the owner first).

        | Remove Stakeholder | release | ${id} | ${me} |
        """
        self.context.plutora.remove_stakeholder(_record(record_type), record_id, stakeholder_id)


def _record(record_type: StakeholderRecordType | str) -> str:
    return member_of(StakeholderRecordType, record_type).value

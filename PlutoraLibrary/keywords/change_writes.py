"""Raising, changing and deleting changes, and linking them to releases."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext


class ChangeWriteKeywords:
    """Keywords that write changes."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["changes", "writes"])
    def raise_change(self, name: str, form: bool = False, **fields: Any) -> dict[str, Any]:
        """Raises a change and returns it with its ``id`` and ``changeId``. ``changeStatusId``,
        ``changePriorityId`` and ``changeTypeId`` are required (`Get Lookup Id`); other fields
        as the API names them, in any case. ``form=True`` sends a form, as the vendor's
        scripts do. Remembered for `Delete Created Items`.

        | ${new} =       | Get Lookup Id | ChangeStatus | New |
        | ${high} =      | Get Lookup Id | ChangePriority | High |
        | ${fix} =       | Get Lookup Id | ChangeType | Defect Fix |
        | ${change} =    | Raise Change | Login times out | changeStatusId=${new} | changePriorityId=${high} | changeTypeId=${fix} |
        | Should Be True | ${change}[changeId] > 0 |
        """
        return self.context.plutora.create_change({"name": name, **fields}, form=form)

    @keyword(tags=["changes", "writes"])
    def update_change(
        self, change_id: str, verify: bool = False, **changes: Any
    ) -> dict[str, Any] | None:
        """Changes the fields named (the change is read, changed and sent back whole).
        Returns nothing, or with ``verify=True`` the change read back, each field compared.

        | ${change} =    | Update Change | ${id} | description=Fixed in build 42 | verify=${True} |
        | Should Be Equal | ${change}[description] | Fixed in build 42 |
        """
        plutora = self.context.plutora
        body = {**plutora.change(change_id), **changes}
        return plutora.update_change(change_id, body, verify=verify)

    @keyword(tags=["changes", "writes"])
    def delete_change(self, change_id: str) -> None:
        """Deletes a change.

        | Delete Change | ${id} |
        """
        self.context.plutora.delete_change(change_id)

    @keyword(tags=["changes", "releases", "writes"])
    def link_change_to_release(
        self,
        change_id: str,
        release_id: str,
        target: bool = True,
        actual: bool = False,
        verify: bool = False,
    ) -> dict[str, Any] | None:
        """Says which release a change is delivered in: ``target`` (planned) and ``actual``
        (delivered). Returns nothing, or with ``verify=True`` the change read back.

        | ${change} =    | Link Change To Release | ${id} | ${release} | verify=${True} |
        | Should Be Equal | ${change}[deliveryReleases][-1][releaseId] | ${release} |
        """
        return self.context.plutora.link_change_to_release(
            change_id, release_id, target, actual, verify
        )

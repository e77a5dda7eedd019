"""The systems a change impacts, comments on records, and the site's users."""

from __future__ import annotations

from typing import Any

from robot.api.deco import keyword

from .context import PlutoraContext
from .types import CommentRecordType, SystemRole, UserStatus, member_of


class ChangeSystemKeywords:
    """Keywords about the systems a change impacts."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["changes"])
    def get_change_systems(self, change_id: str) -> list[dict[str, Any]]:
        """Returns the systems a change impacts, each with ``systemId``, ``system`` (its
        name) and ``systemRoleType`` (Impact or Dependency): the change's own ``systems``.

        | ${systems} =    | Get Change Systems | ${id} |
        | Should Not Be Empty | ${systems} |
        """
        return self.context.plutora.change_systems(change_id)

    @keyword(tags=["changes", "writes"])
    def add_system_to_change(
        self, change_id: str, system_id: str, role: SystemRole = SystemRole.IMPACT
    ) -> dict[str, Any]:
        """Adds a system the change impacts (``role`` Impact or Dependency) and returns it.
        A system already on the change fails before anything is sent. Remembered for
        `Delete Created Items`.

        | ${system} =    | Get Id By Name | systems | Billing Engine |
        | ${added} =     | Add System To Change | ${id} | ${system} |
        | Should Be Equal | ${added}[system] | Billing Engine |
        """
        return self.context.plutora.add_change_system(
            change_id, system_id, member_of(SystemRole, role).value
        )

    @keyword(tags=["changes", "writes"])
    def remove_system_from_change(self, change_id: str, system_id: str) -> None:
        """Takes a system off a change; fails naming the change's systems when it is not on
        it.

        | Remove System From Change | ${id} | ${system} |
        """
        self.context.plutora.remove_change_system(change_id, system_id)


class CommentKeywords:
    """Keywords about comments on releases, changes, environments, systems, TECRs, TEBRs."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["comments"])
    def get_comments(self, record_type: CommentRecordType, record_id: str) -> list[dict[str, Any]]:
        """Returns the comments on a record (``record_type`` Release, Change, Environment,
        System, TECR or TEBR, any case), oldest first: ``id``, ``text``, ``parentId`` (the
        comment a reply answers), ``userId``, ``user`` and ``createdDate``.

        | ${comments} =  | Get Comments | Release | ${id} |
        | Log Many       | @{comments} |
        """
        return self.context.plutora.comments(_record(record_type), record_id)

    @keyword(tags=["comments", "writes"])
    def add_comment(
        self,
        record_type: CommentRecordType,
        record_id: str,
        text: str,
        reply_to: str | None = None,
    ) -> dict[str, Any]:
        """Comments on a record, or with ``reply_to`` (a comment's id) replies to one of its
        comments; returns the comment with its author and date. Sent once. The call's request
        and answer are logged masked like any body (``db_password=…`` in the text shows as
        ``***``), but Robot itself logs the keyword's arguments and the value assigned from it
        as they are: keep secrets out of comments (a comment cannot be deleted).

        | ${note} =      | Add Comment | Release | ${id} | Go/no-go moved to 10:00 |
        | ${reply} =     | Add Comment | Release | ${id} | Agreed | reply_to=${note}[id] |
        | Should Be Equal | ${reply}[parentId] | ${note}[id] |
        """
        return self.context.plutora.add_comment(_record(record_type), record_id, text, reply_to)


class UserKeywords:
    """Keywords about the site's users, their roles and status."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["users"])
    def get_users(self) -> list[dict[str, Any]]:
        """Returns every user: ``id``, ``userName``, ``firstName``, ``lastName``, ``email``,
        ``roles`` and ``status`` (Active or Inactive).

        | ${users} =     | Get Users |
        | Should Not Be Empty | ${users} |
        """
        return self.context.plutora.users()

    @keyword(tags=["users"])
    def get_user(self, user_id: str) -> dict[str, Any]:
        """Returns one user by id (find it by user name with `Get Id By Name`).

        | ${me} =        | Get Current User |
        | ${id} =        | Get Id By Name | users | ${me} |
        | ${user} =      | Get User | ${id} |
        | Should Contain | ${user}[roles] | Administrator |
        """
        return self.context.plutora.user(user_id)

    @keyword(tags=["users", "writes"])
    def update_user(
        self,
        user_id: str,
        roles: list[str] | str | None = None,
        status: UserStatus | None = None,
        verify: bool = False,
    ) -> dict[str, Any] | None:
        """Changes a user's ``roles`` (the whole list, or one text with commas: Administrator,
        Release Manager, Environment Manager, Test Manager, Contributor, Read Only, any case)
        and/or ``status`` (Active or Inactive; an Inactive user cannot log in). Only an
        Administrator may; you cannot make yourself Inactive nor drop your own Administrator
        role (refused before anything is sent). Never sent twice. Returns nothing, or with
        ``verify=True`` the user read back.

        | ${id} =        | Get Id By Name | users | devon.patel@example.com |
        | ${user} =      | Update User | ${id} | roles=${{["Release Manager"]}} | verify=${True} |
        | Should Be Equal | ${user}[roles] | ${{["Release Manager"]}} |
        | Update User    | ${id} | roles=Test Manager, Read Only | status=Inactive |
        """
        return self.context.plutora.update_user(
            user_id,
            roles,
            member_of(UserStatus, status).value if status is not None else None,
            verify,
        )


def _record(record_type: CommentRecordType | str) -> str:
    return member_of(CommentRecordType, record_type).value

"""Comments on a release, change, environment, system, TECR or TEBR
(``GET``/``POST /comments/{type}/{id}``): reading them, posting one, replying to one.

A comment is ``{id, text, parentId, userId, user, createdDate}``; the author is the caller.
The type is checked before sending (any case: ``release`` is ``Release``), and so is a
reply's parent (a comment on the same record). The POST is sent once: a lost answer is
recovered by finding the one new comment of the caller with the same text.

A comment's text may hold what a user pasted (a password, a token): it is masked in logs,
recordings and errors like any body (:func:`~.reporting.mask_json`).

Example::

    note = client.add_comment("Release", release_id, "Go/no-go moved to 10:00")
    client.add_comment("Release", release_id, "Agreed", reply_to=note["id"])
    [c["text"] for c in client.comments("Release", release_id)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .client import path_segment
from .errors import ValidationFailed, hide_library_frames
from .record_types import record_type as _record_type
from .writes import Record, create, prepared_body

if TYPE_CHECKING:
    from .plutora import PlutoraClient

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The kinds of record that take comments, as the API spells them.
COMMENT_TYPES = ("Release", "Change", "Environment", "System", "TECR", "TEBR")


def comment_type(record_type: str) -> str:
    """The API's spelling of a record type (any case, singular or plural), or a
    ``ValueError`` naming the types.

    Example: ``comment_type("tecr")`` → ``'TECR'``
    """
    return _record_type(record_type, COMMENT_TYPES, "Comments")


def _path(record_type: str, record_id: str) -> str:
    return f"/comments/{comment_type(record_type)}/{path_segment(record_id)}"


def comments(client: PlutoraClient, record_type: str, record_id: str) -> list[Record]:
    """``GET /comments/{type}/{id}``: oldest first."""
    return client.listed("GET", _path(record_type, record_id))


def add_comment(
    client: PlutoraClient, record_type: str, record_id: str, text: str, reply_to: str | None
) -> Record:
    """``POST /comments/{type}/{id}`` once; a reply's parent is checked before sending."""
    path = _path(record_type, record_id)
    fields: dict[str, object] = {"text": text}
    if reply_to:
        fields["parentId"] = reply_to
    body = prepared_body("CommentInput", fields, "POST", path, "Comment")
    before = comments(client, record_type, record_id)
    if reply_to and not any(_same(c.get("id"), reply_to) for c in before):
        problem = f"parentId {reply_to!r} is not a comment on this {comment_type(record_type)}"
        raise ValidationFailed(
            "POST",
            path,
            0,
            problem,
            messages={"parentId": [problem]},
            advice="Checked before sending (nothing was sent): reply to one of "
            f"the record's {len(before)} comments (comments / Get Comments list them).",
        )
    me = client.current_user()

    def matching() -> list[Record]:
        return [
            c
            for c in comments(client, record_type, record_id)
            if c.get("text") == body["text"]
            and _same(c.get("parentId"), body.get("parentId"))
            and _is_mine(client, c, me)
        ]

    label = f"comment on {comment_type(record_type)} {record_id}"
    return create(client, path, body, label, matching, deletable=False)


def _is_mine(client: PlutoraClient, comment: Record, me: str) -> bool:
    """Whether ``comment`` is the caller's (its ``user`` names them, or its ``userId`` is
    theirs); unknown authors count as possibly theirs."""
    if not comment.get("userId"):
        return True
    try:
        return _same(comment.get("userId"), client.id_of("users", me))
    except (LookupError, ValueError):
        return True


def _same(left: object, right: object) -> bool:
    return str(left or "").strip().lower() == str(right or "").strip().lower()

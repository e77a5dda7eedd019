"""Comments on releases, changes, environments, systems, TECRs and TEBRs
(``GET``/``POST /comments/{type}/{id}``).

A comment is ``{id, text, parentId, userId, user, createdDate}``: the author is the caller
(its user of the site), the date the simulator's clock; a reply names the comment it answers
(``parentId``, a comment on the same record). The list is flat and oldest first. A change's
comments are its own ``comments`` (one source: ``GET /changes/{id}`` shows them); those of
the other types are kept here.

The seeded site has a few comments (some with a reply) on about one release, change and
environment in five, by the site's people, drawn from a generator of their own so the rest
of a seed is unchanged.

Example::

    comments = CommentsBackend(records_of, users, clock)
    comments.reset(1)
    comments.add("release", release_id, {"text": "Go/no-go at 10:00"}, model, "qa@x.com")
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..seed import ANCHOR, iso_precise
from .errors import Invalid, ModelState
from .records import Record, Records, text

#: The record types that take comments, as the path spells them (any case).
COMMENT_TYPES = ("Release", "Change", "Environment", "System", "TECR", "TEBR")
_SEEDED = ("Release", "Change", "Environment")
_LINES = [
    "Go/no-go call moved to 10:00.", "Smoke tests passed on SIT.", "Waiting for the CAB approval.",
    "Rollback plan reviewed.", "Deployment window confirmed with operations.",
    "Two defects open, neither blocking.", "Data refresh done overnight.",
    "Vendor patch applied; regression suite running.",
]  # fmt: skip
_REPLIES = ["Thanks, noted.", "Agreed.", "Can we move it to Thursday?", "Confirmed."]


class CommentsBackend:
    """Comments by record type and id."""

    def __init__(
        self, records_of: Mapping[str, Callable[[], Records]], users: Records, clock: Any
    ) -> None:
        self.records_of = records_of
        self.users = users
        self.clock = clock
        self.kept: dict[tuple[str, str], list[Record]] = {}

    def reset(self, number: int) -> None:
        """The seeded comments (seed ``number``); a change's in the change itself."""
        rng = random.Random(f"comments-{number}")
        people = sorted(self.users, key=lambda user: str(user["userName"]))
        self.kept = {}
        for kind in _SEEDED:
            records = self.records_of[kind]()
            for record in sorted(records, key=lambda r: str(r["id"]).lower()):
                items = self._items(kind, record)
                items.clear()
                if not people or rng.random() >= 0.2:
                    continue
                moment = _since(record) + timedelta(
                    days=rng.randint(1, 30), minutes=rng.randint(0, 600)
                )
                for _ in range(rng.randint(1, 2)):
                    first = _comment(rng, rng.choice(_LINES), None, rng.choice(people), moment)
                    items.append(first)
                    moment += timedelta(minutes=rng.randint(5, 600))
                    if rng.random() < 0.4:
                        reply = rng.choice(_REPLIES)
                        items.append(_comment(rng, reply, first["id"], rng.choice(people), moment))
                        moment += timedelta(minutes=rng.randint(5, 600))
            records.changed()

    def of(self, kind: str, record_id: str) -> list[Record]:
        """The comments on a record, oldest first (400 for an unknown type, 404 for an
        unknown record)."""
        name = comment_type(kind)
        record = self.records_of[name]().get(record_id)
        return self._items(name, record)

    def add(
        self, kind: str, record_id: str, body: Record, model: ModelState, username: str
    ) -> Record:
        """``POST /comments/{type}/{id}``: the caller's comment (or reply), dated now."""
        name = comment_type(kind)
        words = text(body, "text")
        if not model.has("text") and (words is None or not words.strip()):
            model.add("text", "The text field is required.")
        model.check()  # a bad body is a 400 before any 404, as ASP.NET validates first
        found = self.records_of[name]()
        record = found.get(record_id)
        items = self._items(name, record)
        parent = body.get("parentId")
        ids = {str(comment["id"]).lower() for comment in items}
        if (
            parent not in (None, "")
            and not model.has("parentId")
            and str(parent).lower() not in ids
        ):
            model.add("parentId", f"The parentId '{parent}' is not a comment on this {name}.")
        model.check()
        author = next(
            (u for u in self.users if str(u["userName"]).casefold() == username.casefold()), None
        )
        comment: Record = {
            "id": str(uuid.uuid4()),
            "text": words,
            "parentId": str(body["parentId"]).lower() if body.get("parentId") else None,
            "userId": author["id"] if author else None,
            "user": _name(author) if author else username,
            "createdDate": iso_precise(self.clock.moment()),
        }
        items.append(comment)
        found.changed()
        return comment

    def _items(self, kind: str, record: Record) -> list[Record]:
        if kind == "Change":
            if not isinstance(record.get("comments"), list):
                record["comments"] = []
            items: list[Record] = record["comments"]
            return items
        return self.kept.setdefault((kind, str(record["id"]).lower()), [])


def comment_type(kind: str) -> str:
    """The type as the API names it (any case), or :class:`Invalid` naming the types."""
    for name in COMMENT_TYPES:
        if name.lower() == str(kind).strip().lower():
            return name
    raise Invalid(
        {"type": [f"'{kind}' is not a type of record with comments: {', '.join(COMMENT_TYPES)}."]}
    )


def _since(record: Record) -> datetime:
    """When comments on a seeded record may start: a change's raised date, else 60 days
    before the seed's anchor."""
    raised = str(record.get("raisedDate") or "")[:19]
    try:
        return datetime.fromisoformat(raised)
    except ValueError:
        return ANCHOR.replace(tzinfo=None) - timedelta(days=60)


def _name(user: Record) -> str:
    return f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()


def _comment(
    rng: random.Random, words: str, parent: str | None, user: Record, moment: Any
) -> Record:
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "text": words,
        "parentId": parent,
        "userId": user["id"],
        "user": _name(user),
        "createdDate": iso_precise(moment),
    }

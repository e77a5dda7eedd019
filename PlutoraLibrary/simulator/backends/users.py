"""The site's users: one by id, and their roles and status (``PATCH /users/{id}``).

Users are the seeded people and the simulator's login accounts
(:class:`~.environment_requests.EnvironmentRequestsBackend` lists them). Each has ``roles``
and a ``status``: the login accounts are Active Administrators (the API user of a site
manages it); the people get one or two roles from a generator of their own (the first is an
Administrator), all Active.

``PATCH /users/{id}`` is a merge patch of ``roles`` (the whole list, at least one) and
``status`` (Active, Inactive), answering 204 (docs/contract-decisions.md, "Users, comments,
change systems and lookups (issue 18)"). Only an Administrator may change users (403); no
one may make themself Inactive or take away their own Administrator role (400 business
rule): they would lock themself out. An Inactive user cannot log in to Plutora, and a token
issued before stops working.

Example::

    users = UsersBackend(requests.users)
    users.reset(1, ["qa@example.com"])
    users.patch(user_id, {"status": "Inactive"}, ModelState("user"), "qa@example.com")
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ... import contract
from .errors import ModelState, RulesBroken
from .records import Record, Records

#: The roles a user may have (the contract's), Administrator first.
ROLES: tuple[str, ...] = tuple(
    contract.schema("plutora", "UserPatch")["properties"]["roles"]["items"]["enum"]
)
ADMINISTRATOR = "Administrator"


class NotAllowed(PermissionError):
    """The caller may not do this (403). Example: ``raise NotAllowed("Only ...")``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsersBackend:
    """Roles and status of the users in ``users`` (the records ``GET /users`` lists)."""

    def __init__(self, users: Records) -> None:
        self.users = users
        self.inactive_names: set[str] = set()

    def reset(self, number: int, accounts: Sequence[str]) -> None:
        """Give the freshly loaded users their roles and status (seed ``number``; the login
        ``accounts`` are Administrators)."""
        rng = random.Random(f"users-{number}")
        logins = {account.casefold() for account in accounts}
        for index, user in enumerate(sorted(self.users, key=lambda u: str(u["userName"]))):
            if str(user["userName"]).casefold() in logins:
                user["roles"] = [ADMINISTRATOR]
            elif index == 0:
                user["roles"] = [ADMINISTRATOR, "Release Manager"]
            else:
                user["roles"] = sorted(rng.sample(ROLES[1:], rng.randint(1, 2)), key=ROLES.index)
            user["status"] = "Active"
        self.inactive_names = set()
        self.users.changed()

    def get(self, user_id: str) -> Record:
        """One user, or :class:`NotFound`."""
        return self.users.get(user_id)

    def named(self, username: str) -> Record | None:
        """The user whose ``userName`` is ``username`` (any case), if any."""
        wanted = username.casefold()
        return next((u for u in self.users if str(u["userName"]).casefold() == wanted), None)

    def is_inactive(self, username: str) -> bool:
        """Whether the user logging in as ``username`` is Inactive (cannot log in)."""
        return username.casefold() in self.inactive_names

    def patch(self, user_id: str, body: Record, model: ModelState, caller: str) -> Record:
        """``PATCH /users/{id}``: the roles and status sent; the others stay."""
        roles = body.get("roles")
        if "roles" in body and not model.has("roles"):
            if not isinstance(roles, list) or not roles:
                model.add("roles", "A user needs at least one role.")
            elif len({str(role) for role in roles}) != len(roles):
                model.add("roles", "A role is listed twice.")
        status = body.get("status")
        if not any(name in body for name in ("roles", "status")) and not model:
            message = "Send the roles or the status to change (nothing else can change)."
            model.problems.setdefault(model.prefix or "body", []).append(message)
        model.check()
        user = self.users.get(user_id)
        acting = self.named(caller)
        if acting is None or ADMINISTRATOR not in (acting.get("roles") or []):
            raise NotAllowed(
                f"Only an Administrator may change users' roles or status; '{caller}' is not one."
            )
        new_roles = list(roles) if isinstance(roles, list) else list(user.get("roles") or [])
        new_status = status if isinstance(status, str) else user.get("status")
        if user is acting:
            rules = []
            if new_status == "Inactive":
                rules.append(
                    "You cannot make your own user Inactive: you could not log in again. "
                    "Ask another Administrator."
                )
            if ADMINISTRATOR not in new_roles:
                rules.append(
                    "You cannot take away your own Administrator role: you could not manage "
                    "users any more. Ask another Administrator."
                )
            if rules:
                raise RulesBroken(rules)
        user["roles"] = sorted(new_roles, key=ROLES.index)
        user["status"] = new_status
        name = str(user["userName"]).casefold()
        if new_status == "Inactive":
            self.inactive_names.add(name)
        else:
            self.inactive_names.discard(name)
        self.users.changed()
        return user

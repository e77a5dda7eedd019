"""The closed sets of values keyword arguments take, as Enums: Robot Framework converts a plain
string to a member by its name (case, spaces, ``_`` and ``-`` ignored, so ``rate_limit``,
``Rate Limit`` and ``RATE_LIMIT`` are one member), refuses anything else naming the allowed
values, and libdoc lists the members.

The values are what the simulator's control API and the core expect: the simulator imports
nothing from the client, so these Enums live here, on the client side.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def member_of(kind: type[E], value: E | str) -> E:
    """``value`` as a member of ``kind``: a member as it is, else a member's value or name
    (case, spaces, ``_`` and ``-`` ignored, as Robot converts them). Python callers of the
    keywords may pass the strings a suite writes; anything else is refused naming the
    allowed values.

    Example: ``member_of(FaultKind, "rate_limit")`` and ``member_of(HttpMethod, "get")``.
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        pass

    def normal(text: object) -> str:
        return "".join(c for c in str(text).lower() if c not in " _-")

    wanted = normal(value)
    # By every name, aliases included (a plural ``RELEASES`` of ``release``), as Robot does.
    for name, candidate in kind.__members__.items():
        if wanted in (normal(name), normal(candidate.value)):
            return candidate
    allowed = ", ".join(str(candidate.value) for candidate in kind)
    raise ValueError(f"{kind.__name__} must be one of {allowed}, not {value!r}.")


class FaultKind(Enum):
    """What an injected fault does to a request (`Inject Fault`'s ``kind``).

    | =Member= | =The request…= |
    | ``status`` | is answered with ``status`` (and ``body`` as the page) |
    | ``rate_limit`` | is answered 429 with ``Retry-After: retry_after`` |
    | ``delay`` | waits ``seconds`` |
    | ``drop`` | has its connection closed with no answer |
    """

    STATUS = "status"
    RATE_LIMIT = "rate_limit"
    DELAY = "delay"
    DROP = "drop"


class FaultStage(Enum):
    """When an injected fault strikes (`Inject Fault`'s ``stage``): ``before`` the API sees
    the request (nothing is processed), or ``after`` it processed it (the answer is replaced,
    delayed or lost: the outcome is unknown to the client)."""

    BEFORE = "before"
    AFTER = "after"


class HttpMethod(Enum):
    """An HTTP method (`Inject Fault`'s ``method``)."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


class SchemaShape(Enum):
    """How the data checked by `Should Match Schema` holds the schema's records: ``one``
    record, a ``list`` of them, or the ``page`` of a paged answer holding them."""

    ONE = "one"
    LIST = "list"
    PAGE = "page"


class Scope(Enum):
    """How long a change lasts: a user switch (`Use Plutora User`), an injected fault
    (`Inject Fault`) or changed simulator settings (`Set Simulator Settings`).

    | =Member= | =Lasts until= |
    | ``Test`` | the end of the current test; in a suite setup or teardown, of the suite |
    | ``Suite`` | the end of the current suite (its child suites included) |
    | ``Global`` | the end of the run (or until the library points at another simulator) |

    When a scope ends, what it set is undone, the latest first: the user before applies
    again, a fault no request used is removed, changed settings are put back. While changes
    of several scopes are in force, the latest one applies.
    """

    TEST = "Test"
    SUITE = "Suite"
    GLOBAL = "Global"


# -- issue 18 keywords: the values are the contract's (tests/unit/test_keyword_types.py) ------


class ConnectivityDirection(Enum):
    """Which way a connectivity between two environments goes (`Connect Environments`'
    ``direction``), seen from its source: ``In``, ``Out`` or both ways (``InAndOut``)."""

    IN = "In"
    OUT = "Out"
    IN_AND_OUT = "InAndOut"


class SystemRole(Enum):
    """How a change or a release has a system (`Add System To Change`, `Add System To
    Release`): it ``Impact``s it, or depends on it (``Dependency``)."""

    IMPACT = "Impact"
    DEPENDENCY = "Dependency"


class LinkType(Enum):
    """How a release or change is linked to another (`Link Items`' ``link_type``); the other
    record gets the mirror link (``Depends on`` ↔ ``Is dependent on``)."""

    DEPENDS_ON = "Depends on"
    IS_DEPENDENT_ON = "Is dependent on"
    RELATED_TO = "Related to"


class LinkedItemType(Enum):
    """What a linked record is (`Link Items`' ``linked_item_type``): a ``Release`` or a
    ``Change``; the id given must be one of that type."""

    RELEASE = "Release"
    CHANGE = "Change"


class LinkedRecordType(Enum):
    """The records with linked items (``record_type`` of `Get Linked Items`, `Link Items`,
    `Unlink Item`), singular or plural."""

    RELEASE = "release"
    CHANGE = "change"
    RELEASES = "release"
    CHANGES = "change"


class StakeholderRecordType(Enum):
    """The records with stakeholders (``record_type`` of `Get Stakeholders`, `Add
    Stakeholder`, …), singular or plural."""

    RELEASE = "release"
    SYSTEM = "system"
    CHANGE = "change"
    RELEASES = "release"
    SYSTEMS = "system"
    CHANGES = "change"


class CommentRecordType(Enum):
    """The records with comments (``record_type`` of `Get Comments`, `Add Comment`),
    singular or plural."""

    RELEASE = "Release"
    CHANGE = "Change"
    ENVIRONMENT = "Environment"
    SYSTEM = "System"
    TECR = "TECR"
    TEBR = "TEBR"
    RELEASES = "Release"
    CHANGES = "Change"
    ENVIRONMENTS = "Environment"
    SYSTEMS = "System"
    TECRS = "TECR"
    TEBRS = "TEBR"


class TebrStatus(Enum):
    """A TEBR's status (`Set TEBR Status`); the moves allowed between them are checked
    before sending (Failed and Cancelled are final)."""

    SUBMITTED = "Submitted"
    APPROVED = "Approved"
    COMPLETED = "Completed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"


class ActivityStatus(Enum):
    """A release activity's or criterion's status (`Set Activity Status`, and
    `Add Release Activity`'s ``status``)."""

    NOT_STARTED = "NotStarted"
    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"


class UserStatus(Enum):
    """A user's status (`Update User`): an ``Inactive`` user cannot log in."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"


class ReleaseType(Enum):
    """A release's type (`Create Release`' ``release_type``). ``Enterprise`` releases are not
    created through the API (refused before sending)."""

    INDEPENDENT = "Independent"
    INTEGRATED = "Integrated"
    ENTERPRISE = "Enterprise"


class DeploymentStatus(Enum):
    """The deployment status a release system is set to (`Set Deployment Status`); it
    starts ``NotStarted``, which is not set by hand."""

    COMPLETED = "Completed"
    ROLLBACK_PENDING = "RollbackPending"
    REJECTED = "Rejected"

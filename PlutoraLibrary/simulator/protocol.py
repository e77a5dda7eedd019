"""What a simulator handler receives and answers, and the contract's error bodies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .backends import TokenGrant
from .state import SimulatorState

DENIED = {"message": "Authorization has been denied for this request."}
RATE_LIMITED = {"message": "API request limit exceeded."}


@dataclass(slots=True)
class Call:
    """One request as a handler sees it: path parameters, query (lower-case keys) and body
    (bound to the contract's spelling and types), with what the request's validation found
    wrong in the body (``problems``: model-state key -> messages) when the handler merges
    those with its own."""

    state: SimulatorState
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    grant: TokenGrant | None
    #: The request's URL without query, built only when a handler asks (Location headers).
    url_of: Callable[[], str]
    problems: dict[str, list[str]] | None = None

    @property
    def url(self) -> str:
        """The request's absolute URL without its query."""
        return self.url_of()


@dataclass(slots=True)
class Reply:
    """A handler's answer: status, JSON payload and headers. A 204, or any other status
    whose payload is None but a 200, has no body; ``Reply(200, NO_BODY)`` is a 200 with none
    (a 200 whose payload is None is the JSON ``null``)."""

    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: The payload already encoded as JSON (UTF-8), when a handler had it at hand.
    encoded: bytes | None = None


#: The payload of an answer without a body whatever its status (``DELETE`` answers 200 so).
NO_BODY: Any = object()


Handler = Callable[[Call], Reply]


class ApiError(Exception):
    """Raised by a handler to answer with an error status and body."""

    def __init__(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.reply = Reply(status, payload, headers or {})


def invalid(model_state: dict[str, list[str]]) -> ApiError:
    """The Plutora API's 400: ``{"message": "The request is invalid.", "modelState": …}``."""
    return ApiError(400, {"message": "The request is invalid.", "modelState": model_state})


def not_found(message: str) -> ApiError:
    """The Plutora API's 404 for an unknown id."""
    return ApiError(404, {"message": message})


def server_error(exception_message: str) -> ApiError:
    """The Plutora API's 500, e.g. for a filter on an unknown field."""
    return ApiError(
        500, {"message": "An error has occurred.", "exceptionMessage": exception_message}
    )


def envelope(
    data: Any, status: str = "Success", messages: list[str] | None = None
) -> dict[str, Any]:
    """The Plutora Test API's envelope: ``{"Status", "Messages", "Data"}``."""
    return {"Status": status, "Messages": messages or [], "Data": data}


def test_failure(status: int, *messages: str) -> ApiError:
    """A Plutora Test API failure: ``Status: "Fail"`` with the messages, no data."""
    return ApiError(status, envelope(None, "Fail", list(messages)))

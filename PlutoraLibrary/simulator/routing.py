"""Routes from the contract: every operation of an API, by its ``operationId``, to a handler.

An API module (``plutora_api``, ``plutora_test_api``) names a handler per operation id and,
for operations with a body, how that body is read (:class:`BodySpec`). :func:`api_router`
joins them with ``contract.operations(api)``: the paths, methods and request schemas are the
contract's, so a path changed in the contract is changed here. An operation the contract has
and no module handles answers 501 (and a test fails); a handler the contract has no operation
for is never routed (and a test fails).

Example::

    router = api_router("plutora", "api", plutora_api.HANDLERS, plutora_api.BODIES)
    route, params = router.match("GET", ["releases", "6f1c…"])
    route.name  # "GET /plutora/api/releases/{id}"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from .. import contract
from .protocol import ApiError, Call, Handler, Reply
from .validation import RequestValidator

Server = Literal["token", "api"]
Target = TypeVar("Target")


@dataclass(frozen=True)
class BodySpec:
    """How an operation's body is read.

    ``prefix`` starts the body's model-state keys (``release`` -> ``release.name``);
    ``message`` is the API's own words when the body is missing or no object; ``default``
    is the body taken when none is sent (None: a body is required); ``merge`` hands the
    validation's problems to the handler, which adds its own (references that do not exist)
    and answers them all at once, as ASP.NET's ``ModelState`` collects binder and controller
    errors; otherwise the problems are answered before the handler runs.
    """

    prefix: str = ""
    message: str = ""
    default: Any = None
    merge: bool = False


@dataclass(frozen=True)
class Route:
    """One routed operation: its handler, its name in the counters, and how its body is read."""

    operation: contract.Operation
    handler: Handler
    name: str
    body: BodySpec | None
    validator: RequestValidator | None


class Router(Generic[Target]):
    """Matches a method and a path (split in segments, any case) to a target.

    Paths without parameters are found by one dictionary look-up; the others are indexed by
    (segment count, first segment), so a request compares two or three templates at most.
    """

    def __init__(self, routes: list[tuple[str, str, Target]]) -> None:
        self._static: dict[tuple[str, ...], dict[str, Target]] = {}
        self._templated: dict[tuple[int, str], list[Any]] = {}
        for method, template, target in routes:
            parts = tuple(part for part in template.split("/") if part)
            lowered = tuple(part.lower() for part in parts)
            if any(part.startswith("{") for part in parts):
                key = (len(parts), lowered[0] if parts else "")
                self._templated.setdefault(key, []).append((method, parts, lowered, target))
            else:
                self._static.setdefault(lowered, {})[method] = target

    def match(self, method: str, segments: list[str]) -> tuple[Target, dict[str, str]] | list[str]:
        """The target and its path parameters; or the methods the path allows (empty: no
        such path)."""
        lowered = tuple(segment.lower() for segment in segments)
        static = self._static.get(lowered)
        if static is not None:
            target = static.get(method)
            if target is not None:
                return target, {}
        allowed: list[str] = list(static) if static else []
        candidates = self._templated.get((len(segments), lowered[0] if segments else ""), ())
        for route_method, parts, low_parts, target in candidates:
            params: dict[str, str] = {}
            for part, low_part, segment, low in zip(parts, low_parts, segments, lowered):  # noqa: B905
                if part.startswith("{"):
                    params[part[1:-1]] = segment
                elif low_part != low:
                    break
            else:
                if route_method == method:
                    return target, params
                allowed.append(route_method)
        return allowed


def server_of(operation: contract.Operation) -> Server:
    """Which server answers ``operation``: its token server or its API."""
    return "token" if any("oauth" in url for url in operation.servers) else "api"


def _not_simulated(operation: contract.Operation) -> Handler:
    def handler(call: Call) -> Reply:
        raise ApiError(
            501,
            {"message": f"The simulator does not simulate {operation.operation_id} yet."},
        )

    return handler


def api_router(
    api: contract.Api,
    server: Server,
    handlers: Mapping[str, Handler],
    bodies: Mapping[str, BodySpec],
) -> Router[Route]:
    """The router of one server of ``api`` (``token`` or ``api``): each contract operation
    that server answers, to its handler, named in the counters under the one-port layout
    (``POST /plutora/oauth/token``, ``GET /plutora/api/releases/{id}``) whatever the layout."""
    prefix = f"/{api}" if server == "token" else f"/{api}/api"
    routes: list[tuple[str, str, Route]] = []
    for operation in contract.operations(api):
        if server_of(operation) != server:
            continue
        spec = bodies.get(operation.operation_id)
        validator = None
        if spec is not None and operation.request_schema and server == "api":
            validator = RequestValidator(api, operation.request_schema, spec.prefix, spec.message)
        route = Route(
            operation=operation,
            handler=handlers.get(operation.operation_id) or _not_simulated(operation),
            name=f"{operation.method} {prefix}{operation.path}",
            body=spec,
            validator=validator,
        )
        for path in (operation.path, *operation.aliases):
            routes.append((operation.method, path, route))
    return Router(routes)


def unrouted(api: contract.Api, handlers: Mapping[str, Handler]) -> tuple[list[str], list[str]]:
    """(operations of the contract with no handler, handlers with no operation).

    Example: ``unrouted("plutora", HANDLERS) == ([], [])``.
    """
    operation_ids = {operation.operation_id for operation in contract.operations(api)}
    return sorted(operation_ids - set(handlers)), sorted(set(handlers) - operation_ids)

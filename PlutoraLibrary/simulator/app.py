"""The simulator's HTTP face: one aiohttp application serving both products.

Layout under one address (every path case-insensitive, as on the real hosts)::

    /plutora/oauth/token          Plutora token server
    /plutora/api/...              Plutora API (its Swagger UI at /plutora/api/swagger)
    /plutora-test/oauth/token     Plutora Test token server
    /plutora-test/api/...         Plutora Test API (its Swagger UI at /plutora-test/api/swagger)
    /swagger                      Swagger UI for both APIs (offline assets)
    /_sim/...                     control API (not part of the contract)

A request to an API passes, in order: routing (404/405), injected faults, the IP whitelist
(403), the bearer token (401), the rate limit (429), the media type (415), the body (400),
then the handler, which runs with the state lock held so no update is lost or half applied.
A body nested deeper than 256 levels (JSON or form) is a malformed body (400).

The control API and Swagger answer only a ``Host`` that names the simulator (403 otherwise:
DNS rebinding); the control API also refuses a browser's cross-site call (an ``Origin`` of
another site: 403) and any body that is not ``application/json`` (415).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web

from . import control, plutora_api, plutora_test_api, swagger
from .backends import Fault, Invalid, NotFound, RulesBroken, TokenGrant
from .config import Product
from .multipart import MultipartError, UploadedFile, parse_multipart
from .protocol import DENIED, NO_BODY, RATE_LIMITED, ApiError, Call, Handler, Reply
from .query import QueryError, UnknownField
from .routing import Route, Router, Server, api_router
from .site import renamed
from .state import SimulatorState
from .token_server import NO_STORE, is_form

log = logging.getLogger("PlutoraLibrary.simulator")

JSON_TYPE = "application/json"
#: What a backend or the query engine raises; each API renders it in its own error shape.
BACKEND_ERRORS = (NotFound, Invalid, RulesBroken, QueryError, UnknownField)
_RENDER_ERROR: dict[Product, Callable[[Exception], Reply]] = {
    "plutora": plutora_api.render_error,
    "plutora-test": plutora_test_api.render_error,
}
_REASONS = {
    401: DENIED["message"],
    403: DENIED["message"],
    500: "An error has occurred.",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_MULTIPART = "multipart/form-data"
STATE_KEY: web.AppKey[SimulatorState] = web.AppKey("state", SimulatorState)
#: How deeply a JSON or form body may nest, as ASP.NET Web API's formatters allow (MaxDepth
#: 256); deeper bodies answer the usual 400 instead of exhausting the parser's recursion.
MAX_BODY_DEPTH = 256
_TOO_DEEP = f"The body is nested deeper than {MAX_BODY_DEPTH} levels."


class BodyTooDeep(ValueError):
    """A JSON or form body nested deeper than :data:`MAX_BODY_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(_TOO_DEEP)


def parse_form(text: str) -> Any:
    """A form body, with ``a[0][b]=c`` and ``a.b=c`` keys built into nested objects.

    Raises :class:`BodyTooDeep` for a key nested deeper than :data:`MAX_BODY_DEPTH`.
    Example: ``parse_form("a[0][b]=c")`` gives ``{"a": [{"b": "c"}]}``.
    """
    body: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = [p for p in key.replace("]", "").replace(".", "[").split("[") if p] or [key]
        if len(parts) > MAX_BODY_DEPTH:
            raise BodyTooDeep()
        target = body
        for part in parts[:-1]:
            nested = target.get(part)
            if not isinstance(nested, dict):
                nested = target[part] = {}
            target = nested
        target[parts[-1]] = value
    return _lists(body)


def _lists(value: Any) -> Any:
    """Turn objects keyed 0, 1, 2 … (form indexes) into lists."""
    if not isinstance(value, dict):
        return value
    items = {key: _lists(item) for key, item in value.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def parse_json(raw: bytes) -> Any:
    """A JSON body; :class:`BodyTooDeep` when nested deeper than :data:`MAX_BODY_DEPTH`,
    ``ValueError`` (or ``UnicodeDecodeError``) when it is not JSON.

    Example: ``parse_json(b'{"a": [1]}')`` gives ``{"a": [1]}``.
    """
    try:
        value = json.loads(raw)
    except RecursionError:  # far too deep for the parser itself
        raise BodyTooDeep() from None
    # Counted without recursion, so that no handler (or answer) meets a body it cannot walk.
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_BODY_DEPTH:
            raise BodyTooDeep()
        pending.extend((child, depth + 1) for child in children)
    return value


_JSON_HEADERS = {"Content-Type": f"{JSON_TYPE}; charset=utf-8"}
#: The methods whose body is read (a GET's or DELETE's body is ignored, as some scripts send one).
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _json_response(reply: Reply) -> web.Response:
    body = reply.encoded
    if body is None:
        payload = reply.payload
        if payload is NO_BODY or reply.status == 204 or (payload is None and reply.status != 200):
            return web.Response(status=reply.status, headers=reply.headers)
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    headers = {**reply.headers, **_JSON_HEADERS} if reply.headers else _JSON_HEADERS
    return web.Response(status=reply.status, body=body, headers=headers)


def _renamed(reply: Reply, names: dict[str, str]) -> Reply:
    """``reply`` with the fields of the ``renamed_fields`` setting under their new names."""
    payload = json.loads(reply.encoded) if reply.encoded is not None else reply.payload
    if payload is NO_BODY or payload is None:
        return reply
    return Reply(reply.status, renamed(payload, names), reply.headers)


def _client_ip(request: web.Request) -> str | None:
    return request.remote


def _url_of(request: web.Request) -> Callable[[], str]:
    return lambda: str(request.url.with_query(None))


class Simulation:
    """The request pipeline around the state: one instance per running simulator."""

    def __init__(
        self, state: SimulatorState, host: str = "127.0.0.1", allowed_hosts: tuple[str, ...] = ()
    ) -> None:
        self.state = state
        #: Names a Host header may give besides IP addresses and ``localhost`` (control API
        #: and Swagger only): the address bound and any the operator allowed.
        self.host_names = frozenset(
            name.strip("[]").lower() for name in (host, *allowed_hosts) if name
        )
        #: One router per server of each product, from the contract's operations.
        modules: tuple[tuple[Product, Any], ...] = (
            ("plutora", plutora_api),
            ("plutora-test", plutora_test_api),
        )
        servers: tuple[Server, ...] = ("token", "api")
        self.routers: dict[tuple[Product, Server], Router[Route]] = {
            (product, server): api_router(product, server, module.HANDLERS, module.BODIES)
            for product, module in modules
            for server in servers
        }
        self.control_router: Router[Handler] = Router(control.ROUTES)
        # Delayed requests still running (kept referenced so that none is collected midway).
        self._unfinished: set[asyncio.Future[web.StreamResponse]] = set()
        #: (method, path) -> where dispatch sent it, for paths of a product's servers: a path
        #: seen before costs one look-up instead of splitting and matching again.
        self._seen: dict[tuple[str, str], tuple[Product, Server, list[str]]] = {}
        self._matches: dict[tuple[str, str], tuple[Route, dict[str, str]]] = {}
        self._inner: dict[
            Server, Callable[[web.Request, Product, list[str]], Awaitable[tuple[Reply, str]]]
        ] = {"api": self._api, "token": self._token}

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        """The answer to any request of the one-port layout: a product's token server or API
        (by the path's first segments), Swagger, or the control API. Example: ``GET
        /plutora/api/Releases`` reaches the Plutora API's ``listReleases``."""
        seen = self._seen.get((request.method, request.path))
        if seen is not None:
            if (
                seen[1] == "api"
                and not self.state.faults.queued
                and (request.method not in _BODY_METHODS)
            ):
                reply, route = self._api_now(request, seen[0], seen[2])
                self.state.count_request(route, reply.status)
                return _json_response(reply)
            return await self._product_call(request, seen[0], seen[2], self._inner[seen[1]])
        segments = [segment for segment in request.path.split("/") if segment]
        top = segments[0].lower() if segments else ""
        if top in ("plutora", "plutora-test") and len(segments) >= 2:
            product: Product = "plutora" if top == "plutora" else "plutora-test"
            area = segments[1].lower()
            if area == "api":
                rest = segments[2:]
                if rest and rest[0].lower() == "swagger":
                    if not self._names_this_simulator(request.headers.get("Host")):
                        return self._wrong_host(request, "Swagger UI")
                    page = swagger.api_page(request, product, rest[1:])
                    return page or self._no_resource(request)
                self._remember(request, product, "api", rest)
                return await self.serve(request, product, "api", rest)
            self._remember(request, product, "token", segments[1:])
            return await self.serve(request, product, "token", segments[1:])
        if top == "_sim":
            return await self._control(request, segments[1:])
        if top in ("", "swagger", "swagger-ui", "openapi"):
            if not self._names_this_simulator(request.headers.get("Host")):
                return self._wrong_host(request, "Swagger UI")
            return swagger.root(request, segments) or self._no_resource(request)
        return self._no_resource(request)

    def _remember(
        self, request: web.Request, product: Product, server: Server, segments: list[str]
    ) -> None:
        if len(self._seen) >= 4096:  # ids make paths many; keep the memory bounded
            self._seen.clear()
        self._seen[(request.method, request.path)] = (product, server, segments)

    def _match(
        self, request: web.Request, product: Product, server: Server, segments: list[str]
    ) -> tuple[Route, dict[str, str]] | list[str]:
        """The route of a request (remembered by method and path), or the methods its path
        allows."""
        key = (request.method, request.path)
        found = self._matches.get(key)
        if found is None:
            match = self.routers[(product, server)].match(request.method, segments)
            if isinstance(match, list):
                return match
            if len(self._matches) >= 4096:
                self._matches.clear()
            found = self._matches[key] = match
        return found

    # -- who may reach the control API and Swagger ----------------------------------------------

    def _names_this_simulator(self, authority: str | None) -> bool:
        """Whether a Host header (``name[:port]``) names this simulator: an IP address,
        ``localhost``, the address it listens on or a name the operator allowed.

        A DNS-rebinding page reaches a loopback server under a name of its own (Host
        ``evil.example:8080``); an IP address never serves such a page, so any is accepted.
        The port is not compared: the browser always sends the port it connected to, and a
        port forward (``docker -p``, ``ssh -L``) legitimately changes it.
        """
        if authority is None:  # HTTP/1.0 without Host: no browser sends that
            return True
        try:
            name = urlsplit(f"//{authority}").hostname
        except ValueError:
            return False
        if not name:
            return False
        if name == "localhost" or name in self.host_names:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def _wrong_host(self, request: web.Request, area: str) -> web.Response:
        shown = request.headers.get("Host", "")
        message = (
            f"The simulator's {area} answers only requests addressed to it by IP address, "
            f"localhost or the name it listens on, not Host {shown!r} (a guard against DNS "
            "rebinding). Call it by its address, e.g. http://127.0.0.1:<port>, or start "
            "'plutora sim' with --allow-host NAME to accept that name."
        )
        return _json_response(Reply(403, {"message": message}))

    def _cross_site_refusal(self, request: web.Request) -> web.Response | None:
        """403 for a control call a browser sends from a page of another origin."""
        origin = request.headers.get("Origin")
        if origin is None:  # tests, scripts and curl send none
            return None
        netloc = urlsplit(origin).netloc  # "null" (a sandboxed page) has none
        if netloc and self._names_this_simulator(netloc):
            return None
        message = (
            f"The control API refuses calls a browser sends from another site (Origin "
            f"{origin!r}): call it from a test, a script or curl."
        )
        return _json_response(Reply(403, {"message": message}))

    @staticmethod
    def _no_resource(request: web.Request) -> web.Response:
        message = f"No HTTP resource was found that matches the request URI '{request.url}'."
        return _json_response(Reply(404, {"message": message}))

    # -- products: faults and counting around the token server and the APIs ------------------

    async def serve(
        self, request: web.Request, product: Product, server: Server, segments: list[str]
    ) -> web.StreamResponse:
        """Answer a request to one server (``token`` or ``api``) of ``product``, whose path
        below that server's root is ``segments`` (``["releases", "…"]``): faults, routing,
        whitelist, token, rate limit, body, handler and counting. A layout that serves each
        server at the root of its own port calls this with the whole path's segments.
        """
        return await self._product_call(request, product, segments, self._inner[server])

    async def _product_call(
        self,
        request: web.Request,
        product: Product,
        segments: list[str],
        inner: Callable[[web.Request, Product, list[str]], Awaitable[tuple[Reply, str]]],
    ) -> web.StreamResponse:
        if not self.state.faults.queued:  # the common case: nothing injected
            return await self._answer(request, product, segments, inner, None)
        user = await self._caller(request) if self.state.faults_for_users() else None
        fault = self.state.take_fault(request.method, request.path, user)
        if fault is not None and fault.stage == "before" and fault.kind == "delay":
            # A slow server applies a write even when its client gave up waiting: the body is
            # read at once, and the wait and the handler go on if the client goes away (the
            # case of a timed-out POST whose copy exists all the same).
            await request.read()
            work = asyncio.ensure_future(
                self._after_delay(request, product, segments, inner, fault)
            )
            self._unfinished.add(work)
            work.add_done_callback(self._finished)
            return await asyncio.shield(work)
        if fault is not None and fault.stage == "before":
            answer = await self._fault_before(request, fault)
            if answer is not None:
                return answer
        return await self._answer(request, product, segments, inner, fault)

    async def _after_delay(
        self,
        request: web.Request,
        product: Product,
        segments: list[str],
        inner: Callable[[web.Request, Product, list[str]], Awaitable[tuple[Reply, str]]],
        fault: Fault,
    ) -> web.StreamResponse:
        await asyncio.sleep(fault.seconds)
        return await self._answer(request, product, segments, inner, None)

    def _finished(self, work: asyncio.Future[web.StreamResponse]) -> None:
        self._unfinished.discard(work)
        if not work.cancelled() and work.exception() is not None:  # its client is gone
            log.debug("A delayed request failed after its client left: %r", work.exception())

    async def _answer(
        self,
        request: web.Request,
        product: Product,
        segments: list[str],
        inner: Callable[[web.Request, Product, list[str]], Awaitable[tuple[Reply, str]]],
        fault: Fault | None,
    ) -> web.StreamResponse:
        reply, route = await inner(request, product, segments)
        self.state.count_request(route, reply.status)
        if fault is not None and fault.stage == "after":
            return await self._fault_after(request, fault, reply)
        return _json_response(reply)

    async def _caller(self, request: web.Request) -> str | None:
        """Whose request this is: the token's owner, or the username of a login form."""
        if "Authorization" in request.headers:
            return self.state.token_owner(request.headers["Authorization"])
        if request.method == "POST" and is_form(request.headers.get("Content-Type")):
            form = dict(parse_qsl((await request.read()).decode("utf-8", "replace")))
            return (form.get("username") or "").lower() or None
        return None

    async def _fault_before(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        if fault.kind == "drop":
            await request.read()
            return self._drop(request)
        return self._fault_reply(fault)

    async def _fault_after(
        self, request: web.Request, fault: Fault, reply: Reply
    ) -> web.StreamResponse:
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return _json_response(reply)
        if fault.kind == "drop":
            return self._drop(request)
        return self._fault_reply(fault)

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        """Close the connection with no answer at all (the client sees a reset)."""
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise asyncio.CancelledError()

    def _fault_reply(self, fault: Fault) -> web.Response:
        if fault.kind == "rate_limit":
            self.state.count_injected_429()
            return _json_response(Reply(429, RATE_LIMITED, {"Retry-After": str(fault.retry_after)}))
        if isinstance(fault.body, str):
            if not fault.body:
                return web.Response(status=fault.status)  # an empty body
            kind = "text/html" if fault.body.lstrip().startswith("<") else "text/plain"
            return web.Response(status=fault.status, text=fault.body, content_type=kind)
        body = (
            fault.body
            if fault.body is not None
            else {"message": _REASONS.get(fault.status, "Error")}
        )
        return _json_response(Reply(fault.status, body))

    # -- token servers -------------------------------------------------------------------------

    async def _token(
        self, request: web.Request, product: Product, segments: list[str]
    ) -> tuple[Reply, str]:
        match = self._match(request, product, "token", segments)
        if isinstance(match, list):
            return self._unrouted(request, match), f"{request.method} (no route)"
        route, params = match
        if not self.state.ip_allowed(_client_ip(request)):
            return Reply(403, DENIED), route.name
        raw = await request.read()
        form: dict[str, str] | None = None
        if is_form(request.headers.get("Content-Type")):
            try:
                form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                return Reply(400, {"error": "invalid_request"}, dict(NO_STORE)), route.name
        call = Call(
            self.state, request.method, request.path, params, {}, form, None, _url_of(request)
        )
        return route.handler(call), route.name

    # -- APIs ----------------------------------------------------------------------------------

    @staticmethod
    def _unrouted(request: web.Request, allowed: list[str]) -> Reply:
        """404 for a path no operation has; 405 (with ``Allow``) for another method."""
        if allowed:
            message = f"The requested resource does not support http method '{request.method}'."
            return Reply(405, {"message": message}, {"Allow": ", ".join(allowed)})
        message = f"No HTTP resource was found that matches the request URI '{request.url}'."
        return Reply(404, {"message": message})

    async def _api(
        self, request: web.Request, product: Product, segments: list[str]
    ) -> tuple[Reply, str]:
        admitted = self._admit(request, product, segments)
        if isinstance(admitted[0], Reply):
            return admitted
        route, params, grant = admitted
        body = problems = None
        if request.method in _BODY_METHODS:
            try:
                body, problems = await self._body(request, product, route)
            except ApiError as error:
                return error.reply, route.name
        return self._handle(request, product, route, params, grant, body, problems), route.name

    def _api_now(
        self, request: web.Request, product: Product, segments: list[str]
    ) -> tuple[Reply, str]:
        """:meth:`_api` for a request without a body to read: the same steps, none awaited
        (most reads take this way, a few coroutines fewer each)."""
        admitted = self._admit(request, product, segments)
        if isinstance(admitted[0], Reply):
            return admitted
        route, params, grant = admitted
        return self._handle(request, product, route, params, grant, None, None), route.name

    def _admit(
        self, request: web.Request, product: Product, segments: list[str]
    ) -> tuple[Route, dict[str, str], TokenGrant] | tuple[Reply, str]:
        """Routing (404, 405), the whitelist (403), the token (401) and the rate limit (429):
        the route, its path parameters and the caller's grant; or the refusal and its route."""
        state = self.state
        match = self._match(request, product, "api", segments)
        if isinstance(match, list):
            return self._unrouted(request, match), f"{request.method} (no route)"
        route, params = match
        name = route.name
        if state.settings.ip_whitelist and not state.ip_allowed(_client_ip(request)):
            return Reply(403, DENIED), name
        authorization = request.headers.get("Authorization")
        with state.lock:
            grant = state.auth.authenticate(product, authorization)
            if grant is None:
                return Reply(401, DENIED, {"WWW-Authenticate": "Bearer"}), name
            wait = state.limits.take_rate_slot(grant.client_id)
        if wait is not None:
            return Reply(429, RATE_LIMITED, {"Retry-After": str(wait)}), name
        return route, params, grant

    def _handle(
        self,
        request: web.Request,
        product: Product,
        route: Route,
        params: dict[str, str],
        grant: TokenGrant,
        body: Any,
        problems: dict[str, list[str]] | None,
    ) -> Reply:
        """The handler's answer, run with the state lock held; what a backend raised, in the
        product's error shape."""
        state = self.state
        query = (
            {key.lower(): value for key, value in request.query.items()}
            if request.query_string
            else {}
        )
        call = Call(
            state, request.method, request.path, params, query, body, grant, _url_of(request),
            problems,
        )  # fmt: skip
        try:
            with state.lock:
                reply = route.handler(call)
            if state.config.renamed_fields:
                return _renamed(reply, dict(state.config.renamed_fields))
            return reply
        except ApiError as error:
            return error.reply
        except BACKEND_ERRORS as error:
            return _RENDER_ERROR[product](error)

    async def _body(
        self, request: web.Request, product: Product, route: Route
    ) -> tuple[Any, dict[str, list[str]] | None]:
        """The request's body, parsed, bound and validated against the operation's request
        schema (only when there is a body); and the problems the handler merges with its
        own (None when there are none, or they were answered here already)."""
        if request.method not in _BODY_METHODS:
            return None, None
        body = await self._parsed_body(request, product, route)
        spec = route.body
        if spec is None:
            return body, None
        if body is None:
            if isinstance(spec.default, dict):
                return dict(spec.default), None
            raise ApiError(
                400,
                _RENDER_ERROR[product](Invalid({spec.prefix or "body": [spec.message]})).payload,
            )
        validator = route.validator
        if validator is None:
            return body, None
        # A multipart form binds as a form; its files are no JSON values: bound apart.
        files = (
            {k: v for k, v in body.items() if isinstance(v, UploadedFile)}
            if isinstance(body, dict)
            else {}
        )
        if files:
            body = {k: v for k, v in body.items() if k not in files}
        form = is_form(request.headers.get("Content-Type")) or request.content_type == _MULTIPART
        body, problems = validator.bind(body, form=form)
        if files and isinstance(body, dict):
            body = {**body, **files}
        if not problems:
            return body, None
        if not spec.merge or validator.root_key in problems:
            raise ApiError(400, _RENDER_ERROR[product](Invalid(problems)).payload)
        return body, problems

    async def _parsed_body(self, request: web.Request, product: Product, route: Route) -> Any:
        """The body parsed as its media type says, when the operation takes that media type
        (its ``requestBody`` content in the contract); 415 naming those otherwise."""
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            message = "The request body is larger than the simulator accepts."
            raise ApiError(413, {"message": message}) from None
        if not raw.strip():
            return None
        media = request.content_type
        if "Content-Type" not in request.headers:
            media = "application/octet-stream"
        taken = route.operation.request_types or (JSON_TYPE,)
        if media in taken and media.endswith("x-www-form-urlencoded"):
            try:
                return parse_form(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise self._bad_body(product, "The form body is not valid UTF-8.") from None
            except BodyTooDeep as error:
                raise self._bad_body(product, str(error)) from None
        if media in taken and media == _MULTIPART:
            try:
                return parse_multipart(raw, request.headers.get("Content-Type", ""))
            except MultipartError as error:
                raise self._bad_body(product, str(error)) from None
        if media in taken and (media.endswith("/json") or media.endswith("+json")):
            try:
                return parse_json(raw)
            except BodyTooDeep as error:
                raise self._bad_body(product, str(error)) from None
            except (UnicodeDecodeError, ValueError) as error:
                raise self._bad_body(product, f"The body is not valid JSON: {error}.") from None
        message = (
            f"The request entity's media type '{media}' is not supported for this resource; "
            f"it takes {', '.join(taken)}."
        )
        raise ApiError(415, {"message": message})

    @staticmethod
    def _bad_body(product: Product, message: str) -> ApiError:
        if product == "plutora-test":
            return ApiError(400, {"Status": "Fail", "Messages": [message], "Data": None})
        return ApiError(
            400, {"message": "The request is invalid.", "modelState": {"body": [message]}}
        )

    # -- control API -----------------------------------------------------------------------------

    async def _control(self, request: web.Request, segments: list[str]) -> web.StreamResponse:
        if not self._names_this_simulator(request.headers.get("Host")):
            return self._wrong_host(request, "control API")
        refusal = self._cross_site_refusal(request)
        if refusal is not None:
            return refusal
        match = self.control_router.match(request.method, segments)
        if isinstance(match, list):
            if match:
                message = (
                    f"The control API does not support '{request.method}' here; "
                    f"use {', '.join(match)}."
                )
                return _json_response(Reply(405, {"message": message}))
            return self._no_resource(request)
        handler, params = match
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            message = "The request body is larger than the simulator accepts."
            return _json_response(Reply(413, {"message": message}))
        if raw and request.content_type != JSON_TYPE:
            # A page of any site may post text/plain or a form without a CORS preflight;
            # only JSON, which needs one, is taken.
            sent = request.headers.get("Content-Type", "none")
            message = (
                f"The control API takes JSON bodies only: send 'Content-Type: {JSON_TYPE}', "
                f"not {sent!r}."
            )
            return _json_response(Reply(415, {"message": message}))
        try:
            body = parse_json(raw) if raw.strip() else None
        except BodyTooDeep as error:
            return _json_response(Reply(400, {"message": str(error)}))
        except ValueError as error:  # UnicodeDecodeError included
            return _json_response(Reply(400, {"message": f"The body is not valid JSON: {error}."}))
        call = Call(
            self.state, request.method, request.path, params, {}, body, None, _url_of(request)
        )
        try:
            return _json_response(handler(call))
        except ApiError as error:
            return _json_response(error.reply)


def build_app(
    state: SimulatorState,
    client_max_size: int = 1024 * 1024,
    host: str = "127.0.0.1",
    allowed_hosts: tuple[str, ...] = (),
) -> web.Application:
    """The aiohttp application of a simulator over ``state``, listening on ``host``; the
    control API and Swagger also accept the Host names in ``allowed_hosts``.

    Example::

        app = build_app(SimulatorState(SimulatorConfig()))
        web.run_app(app, host="127.0.0.1", port=8080)
    """
    simulation = Simulation(state, host, allowed_hosts)
    app = web.Application(client_max_size=client_max_size)
    app[STATE_KEY] = state
    app.router.add_route("*", r"/{tail:[\s\S]*}", simulation.dispatch)
    return app

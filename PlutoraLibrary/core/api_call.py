"""Any call of either API, with everything the named methods have: the token, the rate limit,
safe retries only, masking, the call's record and, where the contract knows the operation,
validation of the answer (:meth:`ApiClient.call <.client.ApiClient.call>`).

What comes back is an :class:`ApiResponse`: ``status``, ``headers``, ``json`` (or ``text``).
Which statuses are expected is :class:`ExpectedStatus`: any 2xx unless told otherwise; one
that is not expected raises the typed error a named method raises for it (``NotFound`` with
its advice), or :class:`UnexpectedStatus` for a success that was not expected.

Example::

    layer = client.call("GET", f"layers/{layer_id}").json
    client.call("PUT", f"layers/{layer_id}", json={**layer, "version": "2.4.1"})
    gone = client.call("GET", f"releases/{old_id}", expected_status=404)
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import requests

from .. import contract
from .errors import UnexpectedStatus, hide_library_frames
from .reporting import mask_headers
from .transport import parse_answer

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

log = logging.getLogger("PlutoraLibrary")

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True, eq=False)
class ApiResponse(Mapping[str, Any]):
    """The answer to a generic call: ``status``, ``headers`` (secret-looking ones masked),
    ``json`` (the parsed body; None when there is none or it is not JSON) and ``text``. It
    reads as attributes and as a mapping: ``response.status`` and ``response["status"]``
    (Robot Framework: ``${r.status}`` and ``${r}[status]``).

    ``note`` says what a reader should know about how the answer came, e.g. that a retried
    DELETE's 404 counts as done.

    Example::

        response = client.call("GET", "systems")
        response.status            # 200
        response.json[0]["name"]   # 'Customer Portal'
    """

    method: str
    path: str
    status: int
    headers: Mapping[str, str]
    json: Any = None
    text: str = ""
    note: str = ""
    _fields: ClassVar[tuple[str, ...]] = (
        "method", "path", "status", "headers", "json", "text", "note",
    )  # fmt: skip

    @property
    def ok(self) -> bool:
        """Whether the status is a success (2xx). Example: ``response.ok``."""
        return 200 <= self.status < 300

    def __getitem__(self, key: str) -> Any:
        if key not in self._fields:
            raise KeyError(
                f"An API response has no {key!r}; it has {', '.join(self._fields)} "
                "(the body's fields are under 'json')."
            )
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"ApiResponse({self.method} {self.path} → {self.status})"

    __str__ = __repr__


class ExpectedStatus:
    """The statuses a generic call expects: any 2xx (None), one (``404``), several (``[200,
    204]``, ``"200, 204"``, ``"200 204"``) or ``"any"``. Anything else is a ``ValueError``
    saying what to pass.

    Example: ``ExpectedStatus.parse("200, 204").accepts(204)`` → True
    """

    def __init__(self, statuses: frozenset[int] | None, anything: bool = False) -> None:
        self.statuses = statuses
        self.anything = anything

    @classmethod
    def parse(cls, value: Any) -> ExpectedStatus:
        """Read what a user passed as ``expected_status``.

        Example: ``ExpectedStatus.parse(404)``
        """
        if value is None:
            return cls(None)
        if isinstance(value, ExpectedStatus):
            return value
        if isinstance(value, str):
            text = value.strip()
            if text.lower() == "any":
                return cls(None, anything=True)
            parts: Iterable[Any] = [p for p in re.split(r"[\s,]+", text) if p]
        elif isinstance(value, int) and not isinstance(value, bool):
            parts = [value]
        elif isinstance(value, Iterable):
            parts = list(value)
        else:
            parts = [value]
        statuses = set()
        for part in parts:
            number = _status(part, value)
            statuses.add(number)
        if not statuses:
            raise ValueError(_STATUS_HELP.format(value=value))
        return cls(frozenset(statuses))

    def accepts(self, status: int) -> bool:
        """Whether ``status`` is expected. Example: ``ExpectedStatus.parse(None).accepts(201)``."""
        if self.anything:
            return True
        if self.statuses is None:
            return 200 <= status < 300
        return status in self.statuses

    def __str__(self) -> str:
        if self.anything:
            return "any"
        if self.statuses is None:
            return "any 2xx"
        return ", ".join(str(s) for s in sorted(self.statuses))


_STATUS_HELP = (
    "expected_status must be a status (404), several ('200, 204' or [200, 204]) or 'any', "
    "not {value!r}."
)


def _status(part: Any, whole: Any) -> int:
    if isinstance(part, bool):
        raise ValueError(_STATUS_HELP.format(value=whole))
    try:
        number = int(str(part).strip())
    except ValueError:
        raise ValueError(_STATUS_HELP.format(value=whole)) from None
    if not 100 <= number <= 599:
        raise ValueError(
            f"expected_status holds {number}, which is no HTTP status (100 to 599). "
            + _STATUS_HELP.format(value=whole)
        )
    return number


def relative_path(path: str) -> str:
    """A generic call's path, below the API's base URL: ``layers/…`` or ``/layers/…`` give
    ``/layers/…``. A whole URL is refused (the token goes only to the configured API), and so
    is a ``..`` segment.

    Example: ``relative_path("layers/5e0c…")`` → ``'/layers/5e0c…'``
    """
    if not isinstance(path, str) or not path.strip():
        raise ValueError(
            f"The path must be a non-empty text below the API's base URL, e.g. 'releases' or "
            f"'layers/<id>', not {path!r}."
        )
    text = path.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) or text.startswith("//"):
        raise ValueError(
            f"The path {text!r} is a whole URL; give the path below the API's base URL (e.g. "
            "'layers/<id>'): the token is only ever sent to the configured API (api_url or "
            "the region)."
        )
    where = text.split("?", 1)[0]
    if any(segment == ".." for segment in where.split("/")):
        raise ValueError(
            f"The path {text!r} climbs out of the API with '..'; give the path below the API's "
            "base URL."
        )
    return "/" + text.lstrip("/")


def method_of(method: str) -> str:
    """The method in upper case, or a ``ValueError`` naming the ones allowed.
    Example: ``method_of("put")`` → ``'PUT'``"""
    text = str(method).strip().upper()
    if text not in METHODS:
        raise ValueError(f"The method must be one of {', '.join(METHODS)}, not {method!r}.")
    return text


def form_of(data: Any) -> Any:
    """A form body as requests encodes it (``application/x-www-form-urlencoded``): a
    dictionary as it is, a text such as ``a=1&b=2`` as its pairs (so that it is sent, and
    masked in the log, as a form). Example: ``form_of("a=1&b=2")`` → ``[('a', '1'), ('b', '2')]``
    """
    if data is None or isinstance(data, (Mapping, list, tuple)):
        return data
    text = data.decode() if isinstance(data, bytes) else str(data)
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise ValueError(
            f"A form (data) must be a dictionary or a form text such as 'a=1&b=2', not "
            f"{text[:40]!r}; send JSON with json= instead."
        ) from None


def file_parts(files: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Multipart files as requests sends them, each read once into memory so that a repeat
    (a renewed token, a 429 wait) sends the same bytes: a value may be a path (text or
    ``Path``), bytes, an open file, or requests' ``(name, content[, type])`` tuple.

    Example: ``file_parts({"file": "report.xml"})`` → ``{'file': ('report.xml', b'<…>')}``
    """
    if files is None:
        return None
    if not isinstance(files, Mapping):
        raise ValueError(
            "files must be a dictionary of field name to a file's path, bytes or (name, "
            f"content, type), e.g. files={{'file': 'results.xml'}}, not {type(files).__name__}."
        )
    parts: dict[str, Any] = {}
    for name, value in files.items():
        if isinstance(value, tuple):
            first, content, *rest = value
            parts[name] = (first, _content(content, name), *rest)
        elif isinstance(value, (str, Path)):
            source = Path(value)
            parts[name] = (source.name, _content(source, name))
        else:
            parts[name] = (str(name), _content(value, name))
    return parts


def _content(value: Any, name: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (str, Path)):
        source = Path(value)
        if not source.is_file():
            raise ValueError(
                f"files[{name!r}]: there is no file {str(source)!r}; nothing was sent."
            )
        return source.read_bytes()
    read = getattr(value, "read", None)
    if callable(read):
        content = read()
        return content.encode() if isinstance(content, str) else bytes(content)
    raise ValueError(
        f"files[{name!r}] must be a path, bytes or an open file, not {type(value).__name__}."
    )


# -- what the contract knows ----------------------------------------------------------------


@dataclass(frozen=True)
class KnownOperation:
    """A contract operation a generic call matched: its id and, by status, how to validate
    the answer (a schema name and shape, or None)."""

    operation_id: str
    search: bool
    schemas: Mapping[str, tuple[str, str] | None]


@cache
def _templates(api: contract.Api) -> tuple[tuple[str, re.Pattern[str], KnownOperation], ...]:
    found = []
    doc = contract.document(api)
    for op in contract.operations(api):
        if "oauth" in op.path:
            continue
        pattern = re.compile(
            "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.path)) + "/?$", re.IGNORECASE
        )
        node = doc["paths"][op.path][op.method.lower()]
        schemas = {status: _validation(api, answer) for status, answer in node["responses"].items()}
        known = KnownOperation(op.operation_id, op.operation_id.startswith("search"), schemas)
        found.append((op.method, pattern, known))
    return tuple(found)


def _validation(api: contract.Api, answer: Mapping[str, Any]) -> tuple[str, str] | None:
    """(schema name, shape) for an answer of the contract, or None when there is none to use."""
    if "$ref" in answer:
        answer = contract.document(api)["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    content = answer.get("content") or {}
    if not content:
        return None
    schema = next(iter(content.values())).get("schema", {})
    ref = schema.get("$ref")
    if ref:
        return _named(ref, "one")
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return _named(schema["items"]["$ref"], "list")
    for branch in schema.get("oneOf", ()):
        if branch.get("type") == "array" and "$ref" in branch.get("items", {}):
            return _named(branch["items"]["$ref"], "list-or-page")
    return None


def _named(ref: str, shape: str) -> tuple[str, str] | None:
    name = re.sub(r"(?<!^)(?=[A-Z])", "-", ref.rsplit("/", 1)[1]).lower()
    return (name, shape) if name in contract.schema_names() else None


def known_operation(api: contract.Api, method: str, path: str) -> KnownOperation | None:
    """The contract's operation for ``method`` and ``path`` (below the API URL), if any.

    Example: ``known_operation("plutora", "GET", "/layers/5e0c…").operation_id`` → ``'getLayer'``
    """
    bare = path.split("?", 1)[0]
    for op_method, pattern, known in _templates(api):
        if op_method == method and pattern.match(bare):
            return known
    return None


# -- the answer -----------------------------------------------------------------------------


def answer_reader(
    method: str, path: str, expected: ExpectedStatus, relative: str, product: Any
) -> Callable[[requests.Response], ApiResponse]:
    """What turns the HTTP answer of a generic call into an :class:`ApiResponse`, or raises
    the typed error of an unexpected status (run inside the transport's call, so that the
    call's record has the outcome). Example: see :meth:`ApiClient.call`."""

    def read(response: requests.Response) -> ApiResponse:
        status = response.status_code
        note = ""
        if not expected.accepts(status):
            if method == "DELETE" and status == 404 and _retried(response):
                note = (
                    "The DELETE was retried after its first answer was lost, and the retry "
                    "answered 404: the first attempt deleted it, so it counts as done."
                )
                log.info("%s %s: %s", method, path, note)
            elif status >= 300:
                parse_answer(method, response, relative, product)  # raises the typed error
                raise UnexpectedStatus(method, path, status, "", None)  # pragma: no cover
            else:
                raise UnexpectedStatus(
                    method,
                    path,
                    status,
                    f"expected {expected}",
                    None,
                )
        return _response(method, path, response, note)

    return read


def _retried(response: requests.Response) -> bool:
    """Whether urllib3 retried the request before this answer (a lost answer, a 502/503/504)."""
    retries = getattr(response.raw, "retries", None)
    return bool(getattr(retries, "history", ()))


def _response(method: str, path: str, response: requests.Response, note: str) -> ApiResponse:
    # Decoded as the answer says, else UTF-8 (the API's JSON): requests' ``.text`` would guess
    # the charset from the bytes, which costs more than the call itself on a large page.
    content = response.content
    text = content.decode(response.encoding or "utf-8", "replace") if content else ""
    body: Any = None
    if text:
        try:
            body = json.loads(text)
        except ValueError:
            body = None
    return ApiResponse(
        method=method,
        path=path,
        status=response.status_code,
        headers=mask_headers(response.headers),
        json=body,
        text=text,
        note=note,
    )

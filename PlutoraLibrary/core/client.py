"""What both product clients share: a transport, the schemas, validation, ``/me``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from . import api_call
from .api_call import ApiResponse, ExpectedStatus
from .config import PlutoraConfig, Product, shared_folder_error
from .created import CreatedItems
from .errors import hide_library_frames
from .paging import shaped
from .recording import start_recording, stop_recording
from .transport import Transport
from .validation import Schemas, shared_schemas

#: pytest leaves this module's frames out of tracebacks of the library's own errors.
__tracebackhide__ = hide_library_frames

#: The longest id accepted: the API's servers refuse longer path segments (IIS: 260).
MAX_ID_LENGTH = 260


def path_segment(value: str) -> str:
    """A path segment from user input, checked and escaped so that it cannot reach another
    path. Nothing is sent for an id that cannot be one: ``None`` (or the text ``"None"``,
    which is what an unset value becomes in Robot Framework), an empty or blank text, or a
    text longer than :data:`MAX_ID_LENGTH`.

    Example: ``path_segment("DEF-0042")`` → ``'DEF-0042'``; ``path_segment("../x")`` → ``'..%2Fx'``
    """
    if value is None or (isinstance(value, str) and value.strip() == "None"):
        raise ValueError(
            "No id was given (None), so nothing was sent: pass the record's id, e.g. the "
            "'id' of a release from a list or search. In Robot Framework, an unset variable "
            "or ${None} gives this."
        )
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"An id must be a non-empty text, not {value!r}; nothing was sent. Pass the "
            "record's id, e.g. the 'id' of a release from a list or search."
        )
    text = value.strip()
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(
            f"An id of {len(text)} characters ({text[:20]!r}…) is too long to be one (at most "
            f"{MAX_ID_LENGTH}); nothing was sent. Pass the record's id (a GUID, or a display id "
            "such as DEF-0042), not a whole record or a list."
        )
    return quote(text, safe="")


class ApiClient:
    """What both product clients share: a transport, schemas and validation."""

    product: Product

    def __init__(
        self,
        config: PlutoraConfig,
        schemas: Schemas | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.config = config
        self.schemas = schemas or shared_schemas()
        try:
            self.transport = transport or Transport(config, self.product)
        except OSError as error:  # the shared folder (token_cache_dir) cannot be used
            raise shared_folder_error(config, error) from None
        self.recorder = start_recording(config)
        #: What this client created (copies, generic POSTs), for :func:`.created.delete_created`.
        self.created = CreatedItems()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config.product(self.product).api_url})"

    def close(self) -> None:
        """Close the client's connections. Example: ``client.close()``."""
        self.transport.close()
        recorder, self.recorder = self.recorder, None
        stop_recording(recorder)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(
        self,
        path: str,
        schema: str,
        shape: str = "one",
        params: Mapping[str, Any] | None = None,
        then: Callable[[Any], Any] | None = None,
    ) -> Any:
        where = f"GET {path}"
        return self.transport.call(
            "GET", path, params=params, parse=self._parser(schema, shape, where, then)
        )

    def _one(self, path: str, schema: str) -> dict[str, Any]:
        """``GET path``: one object (a :class:`SchemaMismatch` for another shape, also with
        validation off). Example: ``self._one("/releases/…", "release")``"""
        where = f"GET {path}"
        return dict(self._get(path, schema, then=lambda data: shaped(data, dict, schema, where)))

    def _many(
        self, path: str, schema: str, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """``GET path``: a plain list of objects (a :class:`SchemaMismatch` for another
        shape, also with validation off). Example: ``self._many("/lookupfields", "lookup-type")``
        """
        where = f"GET {path}"
        found: list[dict[str, Any]] = self._get(
            path, schema, "list", params, lambda data: shaped(data, list, schema, where)
        )
        return found

    def listed(self, method: str, path: str, **options: Any) -> list[dict[str, Any]]:
        """``method path`` through :meth:`call` (validated where the contract knows the
        operation): the plain array it answers, each item a dict; another shape is a
        :class:`SchemaMismatch`, also with validation off.

        Example: ``client.listed("GET", f"/TECRs/{tecr_id}/LinkedChanges")``
        """
        where = f"{method} {path}"
        found = shaped(self.call(method, path, **options).json, list, "list", where)
        return [dict(item) for item in found]

    def _parser(
        self, schema: str, shape: str, where: str, then: Callable[[Any], Any] | None = None
    ) -> Callable[[Any], Any] | None:
        """What turns an answer into a result, run inside the call so that its record's
        outcome includes a schema mismatch, whether found by validation (when on) or by
        ``then`` (the shape extraction: a page, an envelope's data). None: the answer as is.

        Example: ``self._parser("release", "page", "GET /releases", Page.from_plutora)``
        """
        if not self.config.validate_responses:
            return then
        validate = self.schemas.validate

        def parse(data: Any) -> Any:
            validate(data, schema, shape, where)
            return data if then is None else then(data)

        return parse

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        files: Mapping[str, Any] | None = None,
        expected_status: Any = None,
    ) -> ApiResponse:
        """Any call of this API, with the token, the rate limit, safe retries (a GET, PUT or
        DELETE may be retried; a POST or PATCH never is: a lost answer raises
        :class:`OutcomeUnknown`), masking, the call's record and, where the contract knows the
        operation and validation is on, the answer checked against its schema.

        ``path`` is below the API's base URL (``layers/…`` or ``/layers/…``); ``params`` the
        query; the body is ``json``, a form (``data``) or multipart ``files`` (a dict of field
        name to a path, bytes or ``(name, content, type)``; ``data`` may go with it).
        ``expected_status``: any 2xx (default), one status (``404``), several (``[200, 204]``)
        or ``"any"``. Another status raises the typed error a named method raises for it
        (:class:`NotFound`, :class:`ValidationFailed`, … with their advice), or
        :class:`UnexpectedStatus` for a success not expected. A DELETE retried after a lost
        answer that then answers 404 counts as done (``response.note`` says so). A POST that
        created a record (its answer has an ``id``) is remembered in :attr:`created`.

        Example::

            layer = client.call("GET", f"layers/{layer_id}").json
            client.call("PUT", f"layers/{layer_id}", json={**layer, "version": "2.4.1"})
            client.call("GET", "releases/no-such-id", expected_status=404).status   # 404
        """
        verb = api_call.method_of(method)
        relative = api_call.relative_path(path)
        if json is not None and (data is not None or files is not None):
            raise ValueError(
                "Give the body as json, or as a form (data) and/or files, not both: a request "
                "has one body."
            )
        parts = api_call.file_parts(files)
        data = api_call.form_of(data)
        expected = ExpectedStatus.parse(expected_status)
        known = api_call.known_operation(self.product.value, verb, relative)
        where = f"{verb} {relative.split('?', 1)[0]}"
        read = api_call.answer_reader(
            verb, where.split(" ", 1)[1], expected, relative, self.config.product(self.product)
        )
        response: ApiResponse = self.transport.call(
            verb,
            relative,
            params=params,
            json_body=json,
            data=data,
            files=parts,
            idempotent=True if known is not None and known.search else None,
            answer=read,
            parse=self._checker(known, where),
        )
        if verb == "POST" and response.ok and (known is None or not known.search):
            self._remember_created(relative, response)
        return response

    def _checker(
        self, known: api_call.KnownOperation | None, where: str
    ) -> Callable[[ApiResponse], ApiResponse] | None:
        """The schema check of a generic call's answer, when the contract knows it."""
        if known is None or not self.config.validate_responses:
            return None
        validate = self.schemas.validate

        def check(response: ApiResponse) -> ApiResponse:
            found = known.schemas.get(str(response.status))
            if found is None or response.json is None:
                return response
            name, shape = found
            if shape == "list-or-page":
                shape = "page" if isinstance(response.json, dict) else "list"
            validate(response.json, name, shape, where)
            return response

        return check

    def _remember_created(self, relative: str, response: ApiResponse) -> None:
        body = response.json
        if not isinstance(body, dict):
            return
        record_id = body.get("id", body.get("Id"))
        if not isinstance(record_id, (str, int)) or not str(record_id):
            return
        collection = relative.split("?", 1)[0].rstrip("/")
        location = response.headers.get("Location") or response.headers.get("location")
        base = self.config.product(self.product).api_url
        if location and location.startswith(base):
            target = location[len(base) :]
        else:
            target = f"{collection}/{quote(str(record_id), safe='')}"
        known = api_call.known_operation(self.product.value, "POST", collection) is not None
        if known and api_call.known_operation(self.product.value, "DELETE", target) is None:
            return  # the contract has no DELETE for it (a health check): nothing to clean up
        name = body.get("identifier") or body.get("name") or body.get("Name") or record_id
        self.created.add(target, f"{collection.lstrip('/')} {name}")

    def current_user(self) -> str:
        """The e-mail of the user the token belongs to (``GET /me``).

        Example: ``client.current_user()`` → ``'qa.lead@example.com'``
        """
        return str(self._get("/me", "current-user"))

"""What both product clients share: a transport, the schemas, validation, ``/me``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from .config import PlutoraConfig, Product, shared_folder_error
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

    def current_user(self) -> str:
        """The e-mail of the user the token belongs to (``GET /me``).

        Example: ``client.current_user()`` → ``'qa.lead@example.com'``
        """
        return str(self._get("/me", "current-user"))

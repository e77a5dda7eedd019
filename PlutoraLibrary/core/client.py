"""What both product clients share: a transport, the schemas, validation, ``/me``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .config import PlutoraConfig, Product
from .reporting import Reporter
from .transport import Transport
from .validation import Schemas, shared_schemas


def path_segment(value: str) -> str:
    """A path segment from user input, escaped so that it cannot reach another path.

    Example: ``path_segment("DEF-0042")`` → ``'DEF-0042'``; ``path_segment("../x")`` → ``'..%2Fx'``
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"An id must be a non-empty string, not {value!r}.")
    return quote(value.strip(), safe="")


class ApiClient:
    """What both product clients share: a transport, schemas and validation."""

    product: Product

    def __init__(
        self,
        config: PlutoraConfig,
        reporter: Reporter | None = None,
        schemas: Schemas | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.config = config
        self.schemas = schemas or shared_schemas()
        self.transport = transport or Transport(config, self.product, reporter)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config.product(self.product).api_url})"

    def close(self) -> None:
        """Close the client's connections. Example: ``client.close()``."""
        self.transport.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(
        self, path: str, schema: str, shape: str = "one", params: Mapping[str, Any] | None = None
    ) -> Any:
        data = self.transport.call("GET", path, params=params)
        self._check(data, schema, shape, f"GET {path}")
        return data

    def _check(self, data: Any, schema: str, shape: str, where: str) -> None:
        if self.config.validate_responses:
            self.schemas.validate(data, schema, shape, where)

    def current_user(self) -> str:
        """The e-mail of the user the token belongs to (``GET /me``).

        Example: ``client.current_user()`` → ``'qa.lead@example.com'``
        """
        return str(self._get("/me", "current-user"))

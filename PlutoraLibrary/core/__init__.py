"""The core of robotframework-plutora: no ``robot``, no ``pytest`` imports.

Example::

    from PlutoraLibrary.core import PlutoraConfig, PlutoraClient, SearchFilter, where

    config = PlutoraConfig.from_env()
    with PlutoraClient(config) as plutora:
        print(plutora.current_user())
        for release in plutora.iter_releases(where("status").equals("Draft")):
            print(release["identifier"])

The names below load on first use (PEP 562, as :mod:`PlutoraLibrary` loads its keyword
library): ``import PlutoraLibrary.core.settings`` (what the pytest plugin reads at every pytest
start) stays cheap, and ``from PlutoraLibrary.core import PlutoraConfig`` loads the
configuration without the HTTP client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .auth import Token, TokenProvider
    from .config import Credentials, PlutoraConfig, Product, ProductConfig
    from .errors import (
        AccessDenied,
        AccountLocked,
        ApiError,
        AuthenticationError,
        BusinessRuleViolation,
        ChangeNotPersisted,
        ConfigurationError,
        DeadlineExceeded,
        InvalidClient,
        LoginLockTimeout,
        LoginRejected,
        NotFound,
        OutcomeUnknown,
        PlutoraError,
        RateLimited,
        SchemaMismatch,
        ServerError,
        TokenRejected,
        TransportError,
        UnexpectedResponse,
        UnsupportedMediaType,
        ValidationFailed,
    )
    from .filters import Direction, Expression, Operator, SearchFilter, term, where
    from .paging import Page
    from .plutora import PlutoraClient
    from .test_management import PlutoraTestClient
    from .validation import Schemas, schema_names


#: Where each public name lives, by submodule.
_HOMES: dict[str, str] = {
    **dict.fromkeys(("Token", "TokenProvider"), "auth"),
    **dict.fromkeys(("Credentials", "PlutoraConfig", "Product", "ProductConfig"), "config"),
    **dict.fromkeys(
        ("Direction", "Expression", "Operator", "SearchFilter", "term", "where"), "filters"
    ),
    "Page": "paging",
    "PlutoraClient": "plutora",
    "PlutoraTestClient": "test_management",
    **dict.fromkeys(("Schemas", "schema_names"), "validation"),
}

__all__ = [
    "AccessDenied",
    "AccountLocked",
    "ApiError",
    "AuthenticationError",
    "BusinessRuleViolation",
    "ChangeNotPersisted",
    "ConfigurationError",
    "Credentials",
    "DeadlineExceeded",
    "Direction",
    "Expression",
    "InvalidClient",
    "LoginLockTimeout",
    "LoginRejected",
    "NotFound",
    "Operator",
    "OutcomeUnknown",
    "Page",
    "PlutoraClient",
    "PlutoraConfig",
    "PlutoraError",
    "PlutoraTestClient",
    "Product",
    "ProductConfig",
    "RateLimited",
    "SchemaMismatch",
    "Schemas",
    "SearchFilter",
    "ServerError",
    "Token",
    "TokenProvider",
    "TokenRejected",
    "TransportError",
    "UnexpectedResponse",
    "UnsupportedMediaType",
    "ValidationFailed",
    "schema_names",
    "term",
    "where",
]


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use. Example: ``PlutoraLibrary.core.where``."""
    home = _HOMES.get(name) or ("errors" if name in __all__ else None)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # found once: later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

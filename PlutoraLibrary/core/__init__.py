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
    # For type checkers, which follow neither __getattr__ nor a computed __all__: the table's
    # names, each re-exported (``X as X``), grouped by module as the table is (isort would
    # split such imports one per line). A unit test keeps these imports and the table in step.
    # isort: off
    from .api_call import (
        ApiResponse as ApiResponse,
    )
    from .auth import (
        Token as Token,
        TokenProvider as TokenProvider,
    )
    from .config import (
        Credentials as Credentials,
        PlutoraConfig as PlutoraConfig,
        Product as Product,
        ProductConfig as ProductConfig,
    )
    from .created import (
        CreatedItems as CreatedItems,
        delete_created as delete_created,
    )
    from .errors import (
        AccessDenied as AccessDenied,
        AccountInactive as AccountInactive,
        AccountLocked as AccountLocked,
        ApiError as ApiError,
        AuthenticationError as AuthenticationError,
        BulkUpdateIncomplete as BulkUpdateIncomplete,
        BusinessRuleViolation as BusinessRuleViolation,
        ChangeNotPersisted as ChangeNotPersisted,
        ConfigurationError as ConfigurationError,
        CustomFieldRefused as CustomFieldRefused,
        DeadlineExceeded as DeadlineExceeded,
        InvalidClient as InvalidClient,
        LoginLockTimeout as LoginLockTimeout,
        LoginRejected as LoginRejected,
        NameAmbiguous as NameAmbiguous,
        NameNotFound as NameNotFound,
        NotFound as NotFound,
        OutcomeUnknown as OutcomeUnknown,
        PlutoraError as PlutoraError,
        RateLimited as RateLimited,
        ReadOnlyRefused as ReadOnlyRefused,
        SchemaMismatch as SchemaMismatch,
        ServerError as ServerError,
        SharedStateUnavailable as SharedStateUnavailable,
        TokenRejected as TokenRejected,
        TransportError as TransportError,
        UnexpectedResponse as UnexpectedResponse,
        UnexpectedStatus as UnexpectedStatus,
        UnsupportedMediaType as UnsupportedMediaType,
        ValidationFailed as ValidationFailed,
    )
    from .filters import (
        Direction as Direction,
        Expression as Expression,
        Operator as Operator,
        SearchFilter as SearchFilter,
        term as term,
        where as where,
    )
    from .paging import (
        Page as Page,
    )
    from .plutora import (
        PlutoraClient as PlutoraClient,
    )
    from .test_management import (
        BulkUpdate as BulkUpdate,
        PlutoraTestClient as PlutoraTestClient,
    )
    from .validation import (
        Schemas as Schemas,
        schema_names as schema_names,
    )
    # isort: on

#: The public names, by the submodule each lives in: the one list of them.
_PUBLIC: dict[str, tuple[str, ...]] = {
    "api_call": ("ApiResponse",),
    "auth": (
        "Token",
        "TokenProvider",
    ),
    "config": (
        "Credentials",
        "PlutoraConfig",
        "Product",
        "ProductConfig",
    ),
    "created": (
        "CreatedItems",
        "delete_created",
    ),
    "errors": (
        "AccessDenied",
        "AccountInactive",
        "AccountLocked",
        "ApiError",
        "AuthenticationError",
        "BulkUpdateIncomplete",
        "BusinessRuleViolation",
        "ChangeNotPersisted",
        "ConfigurationError",
        "CustomFieldRefused",
        "DeadlineExceeded",
        "InvalidClient",
        "LoginLockTimeout",
        "LoginRejected",
        "NameAmbiguous",
        "NameNotFound",
        "NotFound",
        "OutcomeUnknown",
        "PlutoraError",
        "RateLimited",
        "ReadOnlyRefused",
        "SchemaMismatch",
        "ServerError",
        "SharedStateUnavailable",
        "TokenRejected",
        "TransportError",
        "UnexpectedResponse",
        "UnexpectedStatus",
        "UnsupportedMediaType",
        "ValidationFailed",
    ),
    "filters": (
        "Direction",
        "Expression",
        "Operator",
        "SearchFilter",
        "term",
        "where",
    ),
    "paging": ("Page",),
    "plutora": ("PlutoraClient",),
    "test_management": (
        "BulkUpdate",
        "PlutoraTestClient",
    ),
    "validation": (
        "Schemas",
        "schema_names",
    ),
}
#: Where each public name lives.
_HOMES: dict[str, str] = {name: home for home, names in _PUBLIC.items() for name in names}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use. Example: ``PlutoraLibrary.core.where``."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # found once: later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

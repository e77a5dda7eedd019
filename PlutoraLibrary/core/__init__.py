"""The core of robotframework-plutora: no ``robot``, no ``pytest`` imports.

Example::

    from PlutoraLibrary.core import PlutoraConfig, PlutoraClient, SearchFilter, where

    config = PlutoraConfig.from_env()
    with PlutoraClient(config) as plutora:
        print(plutora.current_user())
        for release in plutora.iter_releases(where("status").equals("Draft")):
            print(release["identifier"])
"""

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

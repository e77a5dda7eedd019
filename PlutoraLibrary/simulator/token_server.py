"""The token servers' HTTP face: the password grant of ``POST /oauth/token``.

The HTTP layer reads the form (any media type whose subtype is ``x-www-form-urlencoded``,
whatever its parameters: the vendor's own Node scripts send
``x-www-form-urlencoded; charset=urf-8``) and hands it over as the call's body; a body that is
not a form arrives as None and answers ``unsupported_grant_type``, as the real OAuth server
does for JSON. The request schema (``TokenRequest``) is not applied: an OAuth server answers
its own errors (``unsupported_grant_type``, ``invalid_grant``), not model state.
"""

from __future__ import annotations

from typing import Any

from .backends import LoginRejected
from .config import Product
from .protocol import Call, Handler, Reply

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def is_form(media_type: str | None) -> bool:
    """Whether a ``Content-Type`` names a form: its subtype (or, with no ``/``, the whole
    type) is ``x-www-form-urlencoded``, parameters ignored.

    Example: ``is_form("x-www-form-urlencoded; charset=urf-8")`` is True.
    """
    if not media_type:
        return False
    media = media_type.split(";", 1)[0].strip().lower()
    return media.rsplit("/", 1)[-1] == "x-www-form-urlencoded"


def token_handler(product: Product) -> Handler:
    """The handler of ``getToken`` for ``product``'s token server."""

    def grant(call: Call) -> Reply:
        """``POST /oauth/token``: the password grant, or OAuth's error (400)."""
        form: Any = call.body
        if not isinstance(form, dict) or form.get("grant_type") != "password":
            return Reply(400, {"error": "unsupported_grant_type"}, dict(NO_STORE))
        try:
            issued = call.state.grant_token(
                product,
                form.get("client_id"),
                form.get("client_secret"),
                form.get("username"),
                form.get("password"),
            )
        except LoginRejected as rejected:
            refusal = {"error": rejected.error, "error_description": rejected.description}
            return Reply(400, refusal, dict(NO_STORE))
        body = {
            "access_token": issued.access_token,
            "token_type": "bearer",
            "expires_in": call.state.settings.token_lifetime[product],
            "refresh_token": issued.refresh_token,
        }
        return Reply(200, body, dict(NO_STORE))

    return grant

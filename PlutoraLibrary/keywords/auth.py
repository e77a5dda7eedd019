"""Tokens and the current user."""

from __future__ import annotations

from dataclasses import replace

from robot.api import logger
from robot.api.deco import keyword
from robot.api.types import Secret

from ..core import Credentials, Product, TokenProvider
from ..core.secret import SecretText
from ..core.transport import new_session
from .context import PlutoraContext, reveal
from .scopes import UserSwitch, scope_owner
from .types import Scope

_WARNED: set[tuple[str, str]] = set()


def reveal_secret(value: Secret | str | None, argument: str, where: str) -> str | None:
    """The text of a ``Secret`` or of a plain string (``None`` stays ``None``). A plain,
    non-empty string is accepted, but warned about once per argument: Robot shows a literal
    argument in log.html at every log level, where a ``Secret`` stays hidden.

    Example: ``reveal_secret(password, "password", "Use Plutora User")``
    """
    if isinstance(value, str) and value and (where, argument) not in _WARNED:
        _WARNED.add((where, argument))
        logger.warn(
            f"The {argument} argument of {where} is a plain text, so Robot Framework shows it "
            "in log.html at every log level. Give it as a Secret instead: in *** Variables ***, "
            f"${{{argument.upper()}: Secret}}    %{{PLUTORA_{argument.upper()}}}, then "
            f"{argument}=${{{argument.upper()}}}."
        )
    return reveal(value)


class AuthKeywords:
    """Keywords about logging in."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword(tags=["auth"])
    def get_token(
        self,
        product: Product = Product.PLUTORA,
        client_id: str | None = None,
        client_secret: Secret | str | None = None,
        username: str | None = None,
        password: Secret | str | None = None,
    ) -> Secret:
        """Logs in to ``product`` (``Plutora`` or ``Plutora Test``) and returns the access
        token as a ``Secret``: it never shows in the log.

        Without credentials, the library's token is returned (logging in only when needed).
        Any credential given logs in once with those instead (e.g. for negative tests); a
        refused login fails with ``InvalidClient``, ``LoginRejected`` or ``AccountLocked`` and
        is never retried.

        Give a credential as a ``Secret``, which Robot makes from an environment variable
        (``${WRONG_SECRET: Secret}    %{WRONG_SECRET=not-the-secret}`` in the variables
        section, or the same with ``VAR`` in a test): a plain text shows in the log, and the
        library warns about it.

        | ${token} =    | Get Token |
        | ${token} =    | Get Token | Plutora Test |
        | Run Keyword And Expect Error | InvalidClient: * | Get Token | client_secret=${WRONG_SECRET} |
        """
        if not any((client_id, client_secret, username, password)):
            return Secret(self.context.client(product).transport.tokens.token().value)
        config = self.context.run_config()
        settings = self.context.product_settings(product)
        base = settings.credentials or Credentials("", "", "", "")
        credentials = Credentials(
            client_id or base.client_id,
            reveal_secret(client_secret, "client_secret", "Get Token") or base.client_secret,
            username or base.username,
            reveal_secret(password, "password", "Get Token") or base.password,
        )
        provider = TokenProvider.for_config(
            config, replace(settings, credentials=credentials), new_session(config)
        )
        try:
            return Secret(provider.token().value)
        finally:
            provider.session.close()

    @keyword(tags=["auth"])
    def use_plutora_user(
        self,
        username: str | None = None,
        password: Secret | str | None = None,
        product: Product = Product.PLUTORA,
        scope: Scope = Scope.TEST,
    ) -> None:
        """Makes the keywords of ``product`` log in as another user (same API key) until the
        end of ``scope``: by default the current test, or the suite when used in a suite setup
        (`Scope`); then the user before applies again. Without a username, the configured user
        applies (for as long). Each user's client and token are kept for when it applies
        again.

        Useful for tests that must not disturb others running in parallel: a throw-away user's
        faults, expired tokens and failed logins are its own.

        | Use Plutora User | temp@example.com | ${PASSWORD} |
        | Use Plutora User | temp@example.com | ${PASSWORD} | Plutora Test |
        | Use Plutora User | temp@example.com | ${PASSWORD} | scope=Suite |
        | Use Plutora User |   # the configured user, until the end of the test |
        """
        secret = SecretText(reveal_secret(password, "password", "Use Plutora User") or "")
        if username and not secret:
            raise ValueError(f"Give the password of {username!r} (preferably as a Secret).")
        self.context.switch_user(UserSwitch(product, username or None, secret, scope_owner(scope)))

    @keyword(tags=["auth"])
    def get_current_user(self, product: Product = Product.PLUTORA) -> str:
        """Returns the e-mail of the user the token belongs to (``GET /me``).

        | ${user} =    | Get Current User |
        | Should Be Equal | ${user} | qa.lead@example.com |
        """
        return str(self.context.client(product).current_user())

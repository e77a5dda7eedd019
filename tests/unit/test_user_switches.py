"""The keyword library's user switches (`Use Plutora User`): scopes, stacking, one client per
user and password."""

from __future__ import annotations

import os
from typing import Any

from PlutoraLibrary.core import Product
from PlutoraLibrary.keywords.context import PlutoraContext, UserSwitch

SETTINGS: dict[str, Any] = {
    "client_id": "id",
    "client_secret": "secret",
    "username": "configured@example.com",
    "password": "configured-password",
    "auth_url": "http://127.0.0.1:9/plutora/oauth/token",
    "api_url": "http://127.0.0.1:9/plutora/api",
}


def _context(monkeypatch: Any) -> PlutoraContext:
    for name in list(os.environ):
        if name.startswith("PLUTORA_"):
            monkeypatch.delenv(name)
    return PlutoraContext(dict(SETTINGS))


def test_a_test_switch_ends_with_the_test_and_the_suite_switch_applies_again(
    monkeypatch: Any,
) -> None:
    context = _context(monkeypatch)
    configured = context.client(Product.PLUTORA)
    context.switch_user(Product.PLUTORA, UserSwitch("suite@example.com", "pw-1", "Suite"))
    suite_client = context.client(Product.PLUTORA)
    context.switch_user(Product.PLUTORA, UserSwitch("test@example.com", "pw-2", "test"))
    assert context.product_settings(Product.PLUTORA).credentials.username == "test@example.com"  # type: ignore[union-attr]
    context.end_scope("test")
    assert context.client(Product.PLUTORA) is suite_client  # its client and token kept
    context.end_scope("Suite")
    assert context.client(Product.PLUTORA) is configured
    assert context.product_settings(Product.PLUTORA_TEST).credentials is None  # untouched


def test_a_wrong_password_and_the_right_one_get_clients_of_their_own(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    context.switch_user(Product.PLUTORA, UserSwitch("temp@example.com", "wrong", "test"))
    wrong = context.client(Product.PLUTORA)
    context.end_scope("test")
    context.switch_user(Product.PLUTORA, UserSwitch("TEMP@example.com", "right", "test"))
    assert context.client(Product.PLUTORA) is not wrong  # the refusal stays with the wrong one


def test_no_username_means_the_configured_user_until_the_scope_ends(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    configured = context.client(Product.PLUTORA)
    context.switch_user(Product.PLUTORA, UserSwitch("suite@example.com", "pw", "Suite"))
    context.switch_user(Product.PLUTORA, UserSwitch(None, "", "test"))
    assert context.client(Product.PLUTORA) is configured
    context.end_scope("test")
    assert context.client(Product.PLUTORA) is not configured


def test_a_switch_never_shows_its_password() -> None:
    switch = UserSwitch("temp@example.com", "Switch-Password-7", "test")
    assert "Switch-Password-7" not in repr(switch)
    assert "Switch-Password-7" not in str(switch)
    assert "Switch-Password-7" not in f"{switch}"

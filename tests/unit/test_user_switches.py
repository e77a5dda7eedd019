"""The keyword library's scoped state, one stack (`ScopeStack`): user switches (`Use Plutora
User`: scopes, stacking, one client per user and password), injected faults (`Inject Fault`:
removed when unused at the end of their test or suite) and changed settings (put back)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from PlutoraLibrary.core import Product
from PlutoraLibrary.keywords.context import PlutoraContext
from PlutoraLibrary.keywords.scopes import (
    GLOBAL,
    TEST,
    ChangedSettings,
    InjectedFault,
    ScopeStack,
    UserSwitch,
    scope_owner,
    suite_owner,
)
from PlutoraLibrary.keywords.types import Scope
from PlutoraLibrary.simulator.control_client import SimulatorControlError

P = Product.PLUTORA
SUITE = suite_owner("Suite")
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
    context.switch_user(UserSwitch(P, "suite@example.com", "pw-1", SUITE))
    suite_client = context.client(Product.PLUTORA)
    context.switch_user(UserSwitch(P, "test@example.com", "pw-2", TEST))
    assert context.product_settings(Product.PLUTORA).credentials.username == "test@example.com"  # type: ignore[union-attr]
    context.end_scope(TEST)
    assert context.client(Product.PLUTORA) is suite_client  # its client and token kept
    context.end_scope(SUITE)
    assert context.client(Product.PLUTORA) is configured
    assert context.product_settings(Product.PLUTORA_TEST).credentials is None  # untouched


def test_a_wrong_password_and_the_right_one_get_clients_of_their_own(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    context.switch_user(UserSwitch(P, "temp@example.com", "wrong", TEST))
    wrong = context.client(Product.PLUTORA)
    context.end_scope(TEST)
    context.switch_user(UserSwitch(P, "TEMP@example.com", "right", TEST))
    assert context.client(Product.PLUTORA) is not wrong  # the refusal stays with the wrong one


def test_no_username_means_the_configured_user_until_the_scope_ends(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    configured = context.client(Product.PLUTORA)
    context.switch_user(UserSwitch(P, "suite@example.com", "pw", SUITE))
    context.switch_user(UserSwitch(P, None, "", TEST))
    assert context.client(Product.PLUTORA) is configured
    context.end_scope(TEST)
    assert context.client(Product.PLUTORA) is not configured


def test_a_switch_never_shows_its_password() -> None:
    switch = UserSwitch(P, "temp@example.com", "Switch-Password-7", TEST)
    assert "Switch-Password-7" not in repr(switch)
    assert "Switch-Password-7" not in str(switch)
    assert "Switch-Password-7" not in f"{switch}"


class FakeControl:
    """The simulator's control API as the context uses it: which faults are still queued."""

    def __init__(self, queued: set[int], error: SimulatorControlError | None = None) -> None:
        self.queued = queued
        self.error = error
        self.asked: list[int] = []
        self.put: list[dict[str, Any]] = []

    def settings(self, **changes: Any) -> dict[str, Any]:
        if self.error is not None:
            raise self.error
        self.put.append(changes)
        return changes

    def remove_fault(self, fault_id: int) -> bool:
        self.asked.append(fault_id)
        if self.error is not None:
            raise self.error
        if fault_id in self.queued:
            self.queued.remove(fault_id)
            return True
        return False

    def close(self) -> None:
        pass


def test_unused_faults_are_removed_when_their_scope_ends(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    control = FakeControl({1, 2, 3})
    context._control = control  # type: ignore[assignment]
    for fault in (
        InjectedFault(1, SUITE, "suite fault"),
        InjectedFault(2, TEST, "unused test fault"),
        InjectedFault(4, TEST, "used-up test fault"),
    ):
        context.inject(fault)
    undone = context.end_scope(TEST)  # 4 was used up: not reported
    assert [(item.message.split(": ")[-1], item.unexpected) for item in undone] == [
        ("unused test fault.", True)
    ]
    assert control.asked == [4, 2]  # the latest first
    assert context.end_scope(TEST) == []  # asked once only
    assert "suite fault" in context.end_scope(SUITE)[0].message
    assert control.queued == {3}  # someone else's fault stays


def test_changed_settings_are_put_back_latest_first(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    control = FakeControl(set())
    context._control = control  # type: ignore[assignment]
    before = {"rateLimit": 26000, "rateWindowSeconds": 3600.0, "ipWhitelist": []}
    context.remember_settings(TEST, before, ["ratelimit"])  # any case, as the server takes it
    context.remember_settings(TEST, {**before, "rateLimit": 5}, ["rateLimit", "ipWhitelist"])
    context.remember_settings(SUITE, before, ["rateWindowSeconds"])
    context.remember_settings(TEST, before, ["unknownSetting"])  # nothing to put back
    undone = context.end_scope(TEST)
    assert control.put == [{"rateLimit": 5, "ipWhitelist": []}, {"rateLimit": 26000}]
    assert [item.unexpected for item in undone] == [False, False]
    assert "rateLimit=5, ipWhitelist=[]" in undone[0].message
    context.end_scope(SUITE)
    assert control.put[-1] == {"rateWindowSeconds": 3600.0}


def test_a_simulator_that_is_gone_took_its_faults_along(monkeypatch: Any) -> None:
    context = _context(monkeypatch)
    context._control = FakeControl(set(), SimulatorControlError("did not answer"))  # type: ignore[assignment]
    context.inject(InjectedFault(1, TEST, "fault"))
    assert context.end_scope(TEST) == []
    context._control = FakeControl(set(), SimulatorControlError("answered 500", 500))  # type: ignore[assignment]
    context.inject(InjectedFault(2, TEST, "fault"))
    with pytest.raises(SimulatorControlError, match="500"):
        context.end_scope(TEST)


def test_pointing_at_another_simulator_forgets_the_fault_ids_of_the_old_one(
    monkeypatch: Any,
) -> None:
    context = _context(monkeypatch)
    context.inject(InjectedFault(1, TEST, "fault"))
    context.use_simulator("http://127.0.0.1:9", context.config)
    assert context.scopes.of(InjectedFault) == []
    context.inject(InjectedFault(1, TEST, "fault"))
    context.forget_simulator()
    assert context.scopes.of(InjectedFault) == []


def test_a_setting_changed_again_later_is_put_back_by_the_later_change_only() -> None:
    stack = ScopeStack()
    stack.push(ChangedSettings(TEST, {"rateLimit": 26000, "ipWhitelist": []}))
    stack.push(ChangedSettings(GLOBAL, {"rateLimit": 5}))  # set after the test's change
    # The test ends: its rateLimit stays as the global change set it; ipWhitelist goes back.
    assert stack.end(TEST) == [ChangedSettings(TEST, {"ipWhitelist": []})]
    # The global change now puts back the value from before both.
    assert stack.of(ChangedSettings) == [ChangedSettings(GLOBAL, {"rateLimit": 26000})]


def test_the_latest_switch_in_force_applies_whatever_its_scope() -> None:
    stack = ScopeStack()
    stack.push(UserSwitch(P, "suite@example.com", "pw", SUITE))
    stack.push(UserSwitch(P, "test@example.com", "pw", TEST))
    stack.push(UserSwitch(P, "global@example.com", "pw", GLOBAL))
    stack.push(UserSwitch(Product.PLUTORA_TEST, "other@example.com", "pw", TEST))
    assert stack.user(P).username == "global@example.com"  # type: ignore[union-attr]
    assert stack.end(TEST) == []  # nothing to undo on the simulator
    assert stack.end(SUITE) == []
    assert stack.user(P).username == "global@example.com"  # type: ignore[union-attr]
    assert stack.user(Product.PLUTORA_TEST) is None


def test_outside_a_robot_run_every_scope_is_the_run() -> None:
    assert {scope_owner(scope) for scope in Scope} == {GLOBAL}


def test_a_suite_named_test_or_global_is_neither_the_test_nor_the_run() -> None:
    stack = ScopeStack()
    owners = [suite_owner("test"), suite_owner("global"), TEST, GLOBAL]
    for number, owner in enumerate(owners):
        stack.push(ChangedSettings(owner, {f"setting{number}": number}))
    assert stack.end(TEST) == [ChangedSettings(TEST, {"setting2": 2})]
    assert stack.end(suite_owner("global")) == [
        ChangedSettings(suite_owner("global"), {"setting1": 1})
    ]
    assert [change.owner for change in stack] == [suite_owner("test"), GLOBAL]

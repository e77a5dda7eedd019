"""One stack of the changes that last for a scope (robotframework-browser's settings stack):
user switches, injected faults and changed simulator settings, each owned by the test, a
suite (by its full name) or the whole run, and undone, the latest first, when its owner ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple, TypeVar

from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

from ..core import Product
from ..core.secret import SecretText
from .types import Scope, member_of

#: Who a change lasts for: its kind first, so that no suite name (``robot --name test``) can
#: be taken for the test or the run: ``("test",)``, ``("suite", full name)``, ``("global",)``.
Owner = tuple[str, ...]

#: The owner of changes made for the whole run.
GLOBAL: Owner = ("global",)
#: The owner of changes made for the running test (one test runs at a time per process).
TEST: Owner = ("test",)


def suite_owner(full_name: str) -> Owner:
    """The owner of changes made for the suite ``full_name``.

    Example: ``suite_owner("Acceptance.Resilience")`` is ``("suite", "Acceptance.Resilience")``.
    """
    return ("suite", full_name)


def scope_owner(scope: Scope = Scope.TEST) -> Owner:
    """Who owns a change made now for ``scope``: :data:`TEST` inside a test (its setup and
    teardown too), the running suite (:func:`suite_owner`) for ``Suite`` or outside a test,
    :data:`GLOBAL` for ``Global`` or outside a Robot run.

    Example: ``scope_owner(Scope.SUITE)`` gives ``("suite", "Acceptance.Resilience")`` in that
    suite.
    """
    scope = member_of(Scope, scope)  # a Python caller's "suite" too
    if scope is Scope.GLOBAL:
        return GLOBAL
    try:
        builtin = BuiltIn()
        in_test = bool(builtin.get_variable_value("${TEST NAME}"))
        suite = builtin.get_variable_value("${SUITE NAME}")
    except RobotNotRunningError:
        return GLOBAL
    if scope is Scope.TEST and in_test:
        return TEST
    return suite_owner(str(suite))


class UserSwitch(NamedTuple):
    """Another user for one product (None: the configured one) until ``owner`` ends; then the
    switch before it applies again. The password is a :class:`SecretText`, so that neither
    ``repr`` nor pytest's field-by-field diff of two switches shows it."""

    product: Product
    username: str | None
    password: SecretText
    owner: Owner

    def __repr__(self) -> str:
        return (
            f"UserSwitch(product={self.product.value!r}, username={self.username!r}, "
            f"password='***', owner={self.owner!r})"
        )


class InjectedFault(NamedTuple):
    """A fault this library queued on the simulator in use, until ``owner`` ends."""

    fault_id: int
    owner: Owner
    description: str


class ChangedSettings(NamedTuple):
    """Simulator settings this library changed until ``owner`` ends: their values before."""

    owner: Owner
    previous: dict[str, Any]


Change = UserSwitch | InjectedFault | ChangedSettings
C = TypeVar("C", UserSwitch, InjectedFault, ChangedSettings)


class ScopeStack:
    """The changes in force, oldest first. The latest change in force applies (the latest
    user switch of a product); ending an owner takes its changes off wherever they are in the
    stack, and a setting changed again later by a change still in force is not put back:
    that later change will put back the value from before both.

    Example::

        stack = ScopeStack()
        stack.push(UserSwitch(Product.PLUTORA, "temp@example.com", SecretText("pw"), TEST))
        stack.end(TEST)  # [the switch]: the configured user applies again
    """

    def __init__(self) -> None:
        self._changes: list[Change] = []

    def push(self, change: Change) -> None:
        """Put ``change`` in force until its owner ends. Example: ``stack.push(fault)``."""
        self._changes.append(change)

    def __iter__(self) -> Iterator[Change]:
        return iter(list(self._changes))

    def __len__(self) -> int:
        return len(self._changes)

    def of(self, kind: type[C]) -> list[C]:
        """The changes of one kind in force, oldest first.

        Example: ``stack.of(InjectedFault)``
        """
        return [change for change in self._changes if isinstance(change, kind)]

    def user(self, product: Product) -> UserSwitch | None:
        """The latest user switch of ``product`` in force, if any.

        Example: ``stack.user(Product.PLUTORA)``
        """
        switches = [switch for switch in self.of(UserSwitch) if switch.product is product]
        return switches[-1] if switches else None

    def end(self, owner: Owner) -> list[Change]:
        """Take ``owner``'s changes off the stack and return what is left to undo on the
        simulator, the latest first: faults, and settings with only the names no later change
        in force set again (those hand their value before to that later change).

        Example: ``stack.end(TEST)``
        """
        ended = [change for change in self._changes if change.owner == owner]
        if not ended:
            return []
        kept = [change for change in self._changes if change.owner != owner]
        order = {id(change): index for index, change in enumerate(self._changes)}
        undo: list[Change] = []
        for change in reversed(ended):
            if isinstance(change, UserSwitch):
                continue  # nothing to undo: the switch before it applies again
            if isinstance(change, ChangedSettings):
                change = self._fold(change, order[id(change)], kept, order)
                if not change.previous:
                    continue
            undo.append(change)
        self._changes = kept
        return undo

    def _fold(
        self,
        change: ChangedSettings,
        position: int,
        kept: list[Change],
        order: dict[int, int],
    ) -> ChangedSettings:
        """``change`` without the settings a later change in force set again; each such later
        change now puts back ``change``'s value before."""
        later = [
            other
            for other in kept
            if isinstance(other, ChangedSettings) and order[id(other)] > position
        ]
        previous = {}
        for name, value in change.previous.items():
            heir = next(
                (
                    other
                    for other in later
                    if any(key.lower() == name.lower() for key in other.previous)
                ),
                None,
            )
            if heir is None:
                previous[name] = value
            else:
                key = next(key for key in heir.previous if key.lower() == name.lower())
                heir.previous[key] = value
        return change._replace(previous=previous)

    def forget(self, *kinds: type[Change]) -> None:
        """Drop the changes of ``kinds`` (all with none) without undoing them: their
        simulator, or the configuration they applied to, is gone.

        Example: ``stack.forget(InjectedFault, ChangedSettings)``
        """
        if not kinds:
            self._changes.clear()
            return
        self._changes = [change for change in self._changes if not isinstance(change, kinds)]

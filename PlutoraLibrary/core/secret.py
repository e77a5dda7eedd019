"""Text that is a secret: usable as a string, never shown by ``repr``.

Client secrets, passwords and access tokens are held as :class:`SecretText`. It *is* a
``str`` (so ``f"bearer {token.value}"``, ``requests`` and ``hmac`` take it as it is), but its
``repr`` is ``'***'``. That keeps it out of what tools print without being asked: pytest's
assertion explanations (``where 40 = len('***')``) and ``-l`` locals, dataclass reprs,
``logging``'s ``%r``, debuggers' variable views.

Comparisons of two texts in pytest (``assert token.value == other``) would still diff the
characters; the pytest plugin's ``pytest_assertrepr_compare`` hides those too.
"""

from __future__ import annotations

from typing import Any

SHOWN = "'***'"


class SecretText(str):
    """A ``str`` whose ``repr`` hides it. ``str(secret)`` and formatting give the text.

    Example::

        password = SecretText("hunter2")
        repr(password)              # "'***'"
        f"{password}" == "hunter2"  # True: use it where the text is needed
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return SHOWN

    def __reduce__(self) -> Any:  # pickling keeps the value (xdist hands configs to workers)
        return (SecretText, (str.__str__(self),))


def secret(value: str | None) -> SecretText | None:
    """``value`` as :class:`SecretText` (None stays None). Example: ``secret(os.environ["X"])``."""
    if value is None or isinstance(value, SecretText):
        return value
    return SecretText(value)


def holds_secret(value: object) -> bool:
    """Whether ``value`` is, or (one level down) holds, a secret: a :class:`SecretText`, or an
    object whose fields are (credentials, tokens), or a tuple whose members are (a
    ``NamedTuple`` such as a user switch: pytest diffs its fields one by one). Used to keep
    pytest's diffs quiet.

    Example: ``holds_secret(SecretText("x"))`` and ``holds_secret(("user", SecretText("x")))``
    are True.
    """
    if isinstance(value, SecretText):
        return True
    slots = getattr(type(value), "__slots__", ())
    fields = list(getattr(value, "__dict__", {}).values())
    fields += [getattr(value, name, None) for name in slots if isinstance(name, str)]
    if isinstance(value, tuple):  # a NamedTuple's fields are its members (no __dict__)
        fields += list(value)
    return any(isinstance(field, SecretText) for field in fields)

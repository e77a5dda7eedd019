"""What a backend raises when a request cannot be carried out; the HTTP layer renders each
in the shape of its API (Plutora: ``modelState`` or ``{"message"}``; Plutora Test: the
``Status: "Fail"`` envelope). Backends know nothing of HTTP."""

from __future__ import annotations


class NotFound(LookupError):
    """No record has the id asked for. Example: ``raise NotFound("Release 'x' was not
    found.")``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(ValueError):
    """Broken field rules, by field (ASP.NET Web API's ``ModelState``): nothing was changed.

    Example: ``Invalid({"release.name": ["The name field is required."]})``.
    """

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in problems.values() for m in messages))
        self.problems = problems


class RulesBroken(ValueError):
    """Broken business rules (the fields were well formed): nothing was changed.

    Example: ``RulesBroken(["Release Status 'Complete' is an End State."])``.
    """

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class ModelState:
    """The field problems of one request, as ASP.NET collects them: the binder (the HTTP
    layer's request validation) adds what the contract's schema says, the backend adds what
    only it can know (a referenced id that does not exist), then :meth:`check` raises them all
    at once.

    Example::

        model = ModelState("release")
        model.add("name", "The name field is required.")
        model.check()  # raises Invalid({"release.name": [...]})
    """

    def __init__(self, prefix: str = "", problems: dict[str, list[str]] | None = None) -> None:
        self.prefix = prefix
        self.problems: dict[str, list[str]] = dict(problems or {})

    def key(self, name: str) -> str:
        """The model-state key of field ``name``. Example: ``ModelState("release").key("name")``
        is ``"release.name"``."""
        return f"{self.prefix}.{name}" if self.prefix else name

    def add(self, name: str, message: str) -> None:
        """Record a problem of field ``name``."""
        self.problems.setdefault(self.key(name), []).append(message)

    def has(self, name: str) -> bool:
        """Whether field ``name`` (or something inside it) already has a problem."""
        key = self.key(name)
        return any(k == key or k.startswith((key + ".", key + "[")) for k in self.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def check(self) -> None:
        """Raise :class:`Invalid` with every problem recorded, if there is any."""
        if self.problems:
            raise Invalid(dict(self.problems))

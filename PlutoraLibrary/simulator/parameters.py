"""Whole-number parameters (paging, limits) read as the contract describes them.

A parameter's schema in the contract says what the simulator accepts and what it makes of
it: ``minimum`` and ``maximum`` refuse a number outside them (400), ``default`` stands for
a value left out, ``x-zero-is-default`` makes 0 mean the default too, and ``x-cap`` lowers a
larger number to the cap without a word (the answer's own ``recordsPerPage`` says so). The
same schema gives the message, so what the API says it accepts is what the contract says.

Example::

    size = body_property("plutora", "SearchBody", "recordsPerPage")
    size.read(500)   # 100: capped
    size.read(0)     # 100: the default
    size.read(-1)    # QueryError: "recordsPerPage must be a whole number from 0 (meaning
                     # the default, 100) up, not -1; more than 100 is capped at 100."
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import contract
from .query import QueryError


def rule_of(
    minimum: float | None,
    maximum: float | None,
    default: Any = None,
    zero_is_default: bool = False,
) -> str:
    """What a whole-number parameter accepts, in words.

    Example: ``rule_of(1, 10000)`` is ``"a whole number from 1 to 10000"``.
    """
    low = f"{minimum:g}" if minimum is not None else None
    if low == "0" and zero_is_default and default is not None:
        low = f"0 (meaning the default, {default})"
    if low is not None and maximum is not None:
        return f"a whole number from {low} to {maximum:g}"
    if low is not None:
        return f"a whole number from {low} up"
    if maximum is not None:
        return f"a whole number up to {maximum:g}"
    return "a whole number"


def cap_note(cap: float | None) -> str:
    """The words that follow a rule when larger numbers are capped (``""`` when they are not).

    Example: ``cap_note(100)`` is ``"; more than 100 is capped at 100"``.
    """
    return f"; more than {cap:g} is capped at {cap:g}" if cap is not None else ""


def shown(value: Any) -> str:
    """A value as the request spelled it (JSON), shortened. Example: ``shown(True)`` is
    ``"true"``, ``shown("x")`` is ``"'x'"``."""
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class WholeNumber:
    """One whole-number parameter: its name (as messages spell it) and its schema's rules."""

    name: str
    minimum: int | None = None
    maximum: int | None = None
    default: int = 0
    cap: int | None = None
    zero_is_default: bool = False

    @classmethod
    def of(cls, name: str, schema: Mapping[str, Any]) -> WholeNumber:
        """The parameter ``name`` whose schema is ``schema`` (its ``minimum``, ``maximum``,
        ``default``, ``x-cap`` and ``x-zero-is-default``)."""
        return cls(
            name=name,
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            default=schema.get("default", 0),
            cap=schema.get("x-cap"),
            zero_is_default=bool(schema.get("x-zero-is-default", False)),
        )

    @property
    def rule(self) -> str:
        """What it accepts, in words (the message of a refusal)."""
        return rule_of(self.minimum, self.maximum, self.default, self.zero_is_default)

    def read(self, raw: Any) -> int:
        """The number ``raw`` (query text or a bound body value) stands for: the default when
        left out (or 0 where 0 means the default), capped; :class:`QueryError` otherwise.

        Example: ``WholeNumber("pageNum", 0).read("7")`` is 7.
        """
        if raw is None or raw == "":
            return self.default
        number: int | None = None
        if not isinstance(raw, bool):
            try:
                number = int(raw) if not isinstance(raw, float) or raw.is_integer() else None
            except (TypeError, ValueError, OverflowError):
                number = None
        if (
            number is None
            or (self.minimum is not None and number < self.minimum)
            or (self.maximum is not None and number > self.maximum)
        ):
            sent = number if number is not None else raw
            raise QueryError(
                self.name,
                f"{self.name} must be {self.rule}, not {shown(sent)}{cap_note(self.cap)}.",
            )
        if number == 0 and self.zero_is_default:
            return self.default
        return min(number, self.cap) if self.cap is not None else number


def query_parameter(api: contract.Api, operation_id: str, name: str) -> WholeNumber:
    """The query parameter ``name`` of an operation, as its contract describes it.

    Example: ``query_parameter("plutora", "listReleases", "recordsPerPage").cap`` is 100.
    """
    for operation in contract.operations(api):
        if operation.operation_id == operation_id:
            found = contract.document(api)["paths"][operation.path][operation.method.lower()]
            for parameter in found.get("parameters", ()):
                if parameter.get("name") == name and parameter.get("in") == "query":
                    return WholeNumber.of(name, parameter.get("schema", {}))
            raise LookupError(f"{operation_id} of the {api} contract has no query {name!r}.")
    raise LookupError(f"The {api} contract has no operation {operation_id!r}.")


def body_property(api: contract.Api, schema_name: str, name: str) -> WholeNumber:
    """The whole-number property ``name`` of a request body's schema, as the contract
    describes it. Example: ``body_property("plutora", "SearchBody", "limit").maximum`` is
    10000."""
    properties = contract.schema(api, schema_name).get("properties", {})
    if name not in properties:
        raise LookupError(f"{schema_name} of the {api} contract has no property {name!r}.")
    return WholeNumber.of(name, properties[name])

"""Keyword arguments with a closed set of values are Enums: Robot converts the plain strings
suites pass today (any case, ``_``/``-``/spaces ignored), refuses others naming the allowed
ones, libdoc lists them, and their values are what the simulator and the core expect."""

from __future__ import annotations

import typing
from enum import Enum

import pytest
from robot.running import TypeInfo

from PlutoraLibrary.keywords.types import (
    FaultKind,
    FaultStage,
    HttpMethod,
    SchemaShape,
    Scope,
    member_of,
)
from PlutoraLibrary.simulator.backends.faults import FAULT_KINDS, Fault


@pytest.mark.parametrize(
    ("enum", "text", "member"),
    [
        (FaultKind, "status", FaultKind.STATUS),
        (FaultKind, "rate_limit", FaultKind.RATE_LIMIT),
        (FaultKind, "Rate Limit", FaultKind.RATE_LIMIT),
        (FaultKind, "drop", FaultKind.DROP),
        (FaultKind, "delay", FaultKind.DELAY),
        (FaultStage, "after", FaultStage.AFTER),
        (FaultStage, "BEFORE", FaultStage.BEFORE),
        (HttpMethod, "post", HttpMethod.POST),
        (HttpMethod, "PATCH", HttpMethod.PATCH),
        (SchemaShape, "one", SchemaShape.ONE),
        (SchemaShape, "list", SchemaShape.LIST),
        (SchemaShape, "page", SchemaShape.PAGE),
        (Scope, "Test", Scope.TEST),
        (Scope, "suite", Scope.SUITE),
        (Scope, "GLOBAL", Scope.GLOBAL),
    ],
)
def test_robot_converts_the_strings_suites_pass(enum: type[Enum], text: str, member: Enum) -> None:
    assert TypeInfo.from_type_hint(enum).convert(text) is member


@pytest.mark.parametrize(
    ("enum", "given", "member"),
    [
        (FaultKind, FaultKind.DROP, FaultKind.DROP),
        (FaultKind, "rate_limit", FaultKind.RATE_LIMIT),
        (FaultKind, "Rate Limit", FaultKind.RATE_LIMIT),
        (HttpMethod, "HEAD", HttpMethod.HEAD),
        (HttpMethod, "options", HttpMethod.OPTIONS),
        (SchemaShape, "list", SchemaShape.LIST),
        (Scope, "suite", Scope.SUITE),
        (Scope, "Global", Scope.GLOBAL),
    ],
)
def test_python_callers_may_pass_members_values_or_names(
    enum: type[Enum], given: Enum | str, member: Enum
) -> None:
    assert member_of(enum, given) is member


def test_python_callers_get_the_allowed_values_for_a_wrong_one() -> None:
    with pytest.raises(ValueError, match="FaultKind must be one of status, rate_limit"):
        member_of(FaultKind, "ratelimited")


def test_a_value_outside_the_set_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="RATE_LIMIT"):
        TypeInfo.from_type_hint(FaultKind).convert("ratelimited")


def test_the_values_are_the_simulators() -> None:
    # The simulator imports nothing from the client: its own names must stay in step.
    assert {kind.value for kind in FaultKind} == set(FAULT_KINDS)
    stage = typing.get_type_hints(Fault)["stage"]
    assert {stage.value for stage in FaultStage} == set(typing.get_args(stage))


def test_libdoc_lists_every_enum_and_the_keywords_use_them() -> None:
    from robot.libdocpkg import LibraryDocumentation

    library = LibraryDocumentation("PlutoraLibrary")
    listed = {doc.name: doc for doc in library.type_docs}
    for enum in (FaultKind, FaultStage, HttpMethod, SchemaShape, Scope):
        assert [member["name"] for member in listed[enum.__name__].to_dictionary()["members"]] == [
            member.name for member in enum
        ]
    arguments = {
        (keyword.name, argument.name): str(argument.type)
        for keyword in library.keywords
        for argument in keyword.args
    }
    assert arguments[("Inject Fault", "kind")] == "FaultKind"
    assert arguments[("Inject Fault", "stage")] == "FaultStage"
    assert arguments[("Should Match Schema", "shape")] == "SchemaShape"
    for name in ("Use Plutora User", "Inject Fault", "Set Simulator Settings"):
        assert arguments[(name, "scope")] == "Scope"

"""Keyword arguments with a closed set of values are Enums: Robot converts the plain strings
suites pass today (any case, ``_``/``-``/spaces ignored), refuses others naming the allowed
ones, libdoc lists them, and their values are what the simulator and the core expect."""

from __future__ import annotations

import typing
from enum import Enum

import pytest
from robot.running import TypeInfo

from PlutoraLibrary.keywords.types import (
    ActivityStatus,
    CommentRecordType,
    ConnectivityDirection,
    DeploymentStatus,
    FaultKind,
    FaultStage,
    HttpMethod,
    LinkedItemType,
    LinkedRecordType,
    LinkType,
    ReleaseType,
    SchemaShape,
    Scope,
    StakeholderRecordType,
    SystemRole,
    TebrStatus,
    UserStatus,
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


# -- the issue 18 keywords' closed sets -------------------------------------------------------

ISSUE_18 = (
    ConnectivityDirection,
    SystemRole,
    LinkType,
    LinkedItemType,
    LinkedRecordType,
    StakeholderRecordType,
    CommentRecordType,
    TebrStatus,
    ActivityStatus,
    UserStatus,
    ReleaseType,
    DeploymentStatus,
)


@pytest.mark.parametrize(
    ("enum", "text", "member"),
    [
        (ConnectivityDirection, "InAndOut", ConnectivityDirection.IN_AND_OUT),
        (ConnectivityDirection, "in and out", ConnectivityDirection.IN_AND_OUT),
        (ConnectivityDirection, "OUT", ConnectivityDirection.OUT),
        (SystemRole, "dependency", SystemRole.DEPENDENCY),
        (LinkType, "Depends on", LinkType.DEPENDS_ON),
        (LinkType, "is dependent on", LinkType.IS_DEPENDENT_ON),
        (LinkType, "RELATED TO", LinkType.RELATED_TO),
        (LinkedItemType, "change", LinkedItemType.CHANGE),
        (LinkedRecordType, "Releases", LinkedRecordType.RELEASE),
        (StakeholderRecordType, "system", StakeholderRecordType.SYSTEM),
        (StakeholderRecordType, "CHANGES", StakeholderRecordType.CHANGE),
        (CommentRecordType, "tecr", CommentRecordType.TECR),
        (CommentRecordType, "Environments", CommentRecordType.ENVIRONMENT),
        (TebrStatus, "cancelled", TebrStatus.CANCELLED),
        (ActivityStatus, "InProgress", ActivityStatus.IN_PROGRESS),
        (ActivityStatus, "not started", ActivityStatus.NOT_STARTED),
        (UserStatus, "inactive", UserStatus.INACTIVE),
        (ReleaseType, "integrated", ReleaseType.INTEGRATED),
        (DeploymentStatus, "Rollback Pending", DeploymentStatus.ROLLBACK_PENDING),
    ],
)
def test_robot_converts_the_issue_18_values_in_any_case(
    enum: type[Enum], text: str, member: Enum
) -> None:
    assert TypeInfo.from_type_hint(enum).convert(text) is member
    assert member_of(enum, text) is member  # and so do Python callers of the keywords


def test_an_issue_18_value_outside_the_set_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="DEPENDS_ON"):
        TypeInfo.from_type_hint(LinkType).convert("Blocks")
    with pytest.raises(ValueError, match="Submitted, Approved, Completed, Failed, Cancelled"):
        member_of(TebrStatus, "Closed")


def test_the_issue_18_values_are_the_cores() -> None:
    from PlutoraLibrary.contract import schema
    from PlutoraLibrary.core import (
        change_systems,
        comments,
        environment_groups,
        linked_items,
        release_framework,
        release_systems,
        stakeholders,
        tebrs,
        users,
    )

    def values(enum: type[Enum]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(member.value for member in enum))

    assert values(ConnectivityDirection) == environment_groups.DIRECTIONS
    assert values(SystemRole) == change_systems.ROLES
    assert values(LinkType) == linked_items.LINK_TYPES
    assert values(LinkedItemType) == linked_items.ITEM_TYPES
    assert values(LinkedRecordType) == tuple(linked_items.RECORD_TYPES)
    assert values(StakeholderRecordType) == tuple(stakeholders.RECORD_TYPES)
    assert values(CommentRecordType) == comments.COMMENT_TYPES
    assert values(TebrStatus) == tebrs.STATUSES
    assert values(ActivityStatus) == release_framework.STATUSES
    assert values(UserStatus) == users.STATUSES
    assert values(DeploymentStatus) == release_systems.SETTABLE
    assert set(values(ReleaseType)) == set(schema("plutora", "PlutoraReleaseType")["enum"])
    # Plurals are aliases of the singular members, as the core takes them.
    for enum in (LinkedRecordType, StakeholderRecordType, CommentRecordType):
        for name, member in enum.__members__.items():
            assert name in (member.name, f"{member.name}S")


def test_libdoc_lists_the_issue_18_enums_and_their_keywords_use_them() -> None:
    from robot.libdocpkg import LibraryDocumentation

    library = LibraryDocumentation("PlutoraLibrary")
    listed = {doc.name: doc for doc in library.type_docs}
    for enum in ISSUE_18:
        members = listed[enum.__name__].to_dictionary()["members"]
        assert [member["name"] for member in members] == list(enum.__members__)
    arguments = {
        (keyword.name, argument.name): str(argument.type)
        for keyword in library.keywords
        for argument in keyword.args
    }
    expected = {
        ("Connect Environments", "direction"): "ConnectivityDirection",
        ("Add System To Change", "role"): "SystemRole",
        ("Add System To Release", "role"): "SystemRole",
        ("Link Items", "link_type"): "LinkType",
        ("Link Items", "linked_item_type"): "LinkedItemType",
        ("Link Items", "record_type"): "LinkedRecordType",
        ("Get Linked Items", "record_type"): "LinkedRecordType",
        ("Unlink Item", "record_type"): "LinkedRecordType",
        ("Set TEBR Status", "status"): "TebrStatus",
        ("Set Activity Status", "status"): "ActivityStatus",
        ("Update User", "status"): "UserStatus | None",
        ("Create Release", "release_type"): "ReleaseType",
        ("Set Deployment Status", "status"): "DeploymentStatus",
        ("Get Comments", "record_type"): "CommentRecordType",
        ("Add Comment", "record_type"): "CommentRecordType",
    }
    for name in (
        "Get Stakeholders",
        "Get Stakeholder",
        "Add Stakeholder",
        "Update Stakeholder",
        "Remove Stakeholder",
    ):
        expected[(name, "record_type")] = "StakeholderRecordType"
    assert {key: arguments[key] for key in expected} == expected

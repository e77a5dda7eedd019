"""Environment groups and connectivities over real HTTP against the simulator: the seeded
groups, create / replace / delete (with the clean-up), connecting environments (the POST
answers no body), bad inputs and their messages, and lost answers under injected faults."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    ChangeNotPersisted,
    NameNotFound,
    NotFound,
    OutcomeUnknown,
    PlutoraClient,
    ValidationFailed,
    where,
)
from tests.conftest import Control


def _ids(client: PlutoraClient, *names: str) -> list[str]:
    by_name = {e["name"]: e["id"] for e in client.environments()}
    return [by_name[name] for name in names]


def test_the_seeded_groups_link_the_seeded_environments(client: PlutoraClient) -> None:
    groups = {g["name"]: g for g in client.environment_groups()}
    assert {"Development", "System Test", "User Acceptance", "Production"} <= set(groups)
    assert groups["Development"]["environmentIDs"] == _ids(client, "DEV1", "DEV2")
    assert groups["Development"]["isAutoApproved"] is True
    assert groups["Production"]["displayBookingAlert"] is True
    dev = client.environment_groups(where("name").equals("development"))
    assert [g["id"] for g in dev] == [groups["Development"]["id"]]
    assert client.environment_group(dev[0]["id"])["name"] == "Development"
    links = client.environment_connectivities(dev[0]["id"])
    assert [(c["sourceId"], c["targetId"]) for c in links] == [tuple(_ids(client, "DEV1", "DEV2"))]
    assert links[0]["connectivityType"] == "HTTPS"
    everything = client.environment_connectivities()
    assert {c["environmentGroupId"] for c in everything} <= {g["id"] for g in groups.values()}


def test_a_groups_connectivities_are_found_by_its_name_or_id(client: PlutoraClient) -> None:
    dev = next(g for g in client.environment_groups() if g["name"] == "Development")
    by_id = client.environment_connectivities(dev["id"].upper())
    assert by_id
    assert {c["environmentGroupId"] for c in by_id} == {dev["id"]}
    assert client.environment_connectivities("development") == by_id
    with pytest.raises(NameNotFound) as unknown:
        client.environment_connectivities("Developmnet")
    assert "'Development'" in str(unknown.value)  # the closest name
    assert "environment_groups / Get Environment Groups" in str(unknown.value)
    # The filter is built by the library's builder: a backtick cannot end the term early.
    with pytest.raises(NameNotFound):
        client.environment_connectivities("x` OR `environmentGroupId` HasValue `")


def test_a_group_is_created_connected_replaced_and_deleted(client: PlutoraClient) -> None:
    sit1, sit2, uat1 = _ids(client, "SIT1", "SIT2", "UAT1")
    usage = client.lookup_id("UsedForWorkItem", "SIT")
    group = client.create_environment_group(
        {"Name": "SIT pair", "EnvironmentIDs": [sit1, sit2], "usageWorkItemId": usage}
    )
    assert (group["name"], group["environmentIDs"]) == ("SIT pair", [sit1, sit2])
    assert (group["isAutoApproved"], group["usageWorkItemId"]) == (False, usage)
    jdbc = client.lookup_id("EnvironmentMapConnectivityType", "JDBC")
    link = client.connect_environments(group["id"], sit1, sit2, jdbc, "inandout")
    assert (link["connectivityType"], link["direction"]) == ("JDBC", "InAndOut")
    assert client.environment_connectivities(group["id"]) == [link]

    body = {**group, "environmentIDs": [sit1, uat1], "description": "SIT1 with UAT1"}
    assert client.update_environment_group(group["id"], body) is None
    read = client.update_environment_group(group["id"], body, verify=True)
    assert read is not None
    assert (read["environmentIDs"], read["description"]) == ([sit1, uat1], "SIT1 with UAT1")
    assert client.environment_connectivities(group["id"]) == []  # SIT2 was taken out

    assert [item.label for item in client.created.newest_first()] == ["environment group SIT pair"]
    client.delete_environment_group(group["id"])
    assert len(client.created) == 0
    with pytest.raises(NotFound):
        client.environment_group(group["id"])
    assert {e["id"] for e in client.environments()} >= {sit1, sit2, uat1}  # environments stay


def test_bad_inputs_are_refused_with_what_to_do(client: PlutoraClient) -> None:
    dev1, dev2, sit1 = _ids(client, "DEV1", "DEV2", "SIT1")
    with pytest.raises(ValidationFailed) as unknown:
        client.create_environment_group({"name": "X", "colour": "red"})
    assert "'colour' is not a field of this record" in str(unknown.value)
    assert "Nothing was sent" in str(unknown.value)
    with pytest.raises(ValidationFailed, match="'name' is required"):
        client.create_environment_group({"environmentIDs": [dev1]})
    with pytest.raises(ValidationFailed) as bad_id:
        client.create_environment_group({"name": "X", "environmentIDs": [dev1, dev1, "nope"]})
    problems = str(bad_id.value)
    assert "environmentIDs[1]" in problems
    assert "listed twice" in problems
    assert "environmentIDs[2]" in problems
    with pytest.raises(BusinessRuleViolation, match="An environment group named 'Development'"):
        client.create_environment_group({"name": "DEVELOPMENT"})

    group = client.environment_groups(where("name").equals("Development"))[0]
    https = client.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
    with pytest.raises(BusinessRuleViolation, match="'SIT1' is not in group 'Development'"):
        client.connect_environments(group["id"], dev1, sit1, https)
    with pytest.raises(BusinessRuleViolation, match="already connected"):
        client.connect_environments(group["id"], dev1, dev2, https)
    with pytest.raises(BusinessRuleViolation, match="connected to itself"):
        client.connect_environments(group["id"], dev1, dev1, https)
    with pytest.raises(ValidationFailed, match="connectivityTypeId"):
        client.connect_environments(group["id"], dev2, dev1, dev1)  # not a connectivity type
    with pytest.raises(ValueError, match="In, Out, InAndOut"):
        client.connect_environments(group["id"], dev2, dev1, https, "Sideways")
    with pytest.raises(NotFound):
        client.update_environment_group("00000000-0000-4000-8000-000000000000", {"name": "Nowhere"})


def test_verify_names_environments_the_site_does_not_show(
    client: PlutoraClient, control: Control
) -> None:
    group = client.environment_groups(where("name").equals("System Test"))[0]
    control.fault(path="/environmentgroups/", method="PUT", kind="status", status=204, count=1)
    with pytest.raises(ChangeNotPersisted, match="environments"):
        client.update_environment_group(
            group["id"], {**group, "environmentIDs": group["environmentIDs"][:1]}, verify=True
        )


def test_lost_answers_adopt_exactly_one_record_and_no_update_is_lost(
    client: PlutoraClient, control: Control
) -> None:
    uat1, uat2, perf = _ids(client, "UAT1", "UAT2", "PERF")
    control.fault(path="/environmentgroups$", method="POST", kind="drop", stage="after", count=1)
    group = client.create_environment_group({"name": "AUDIT-GROUP", "environmentIDs": [uat1, uat2]})
    assert group["name"] == "AUDIT-GROUP"
    control.fault(path="/environmentgroups$", method="POST", kind="drop", stage="before", count=1)
    with pytest.raises(OutcomeUnknown, match="Nothing was sent twice"):
        client.create_environment_group({"name": "AUDIT-LOST", "environmentIDs": [uat1]})
    https = client.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
    control.fault(path="/connectivities$", method="POST", kind="drop", stage="after", count=1)
    link = client.connect_environments(group["id"], uat1, uat2, https)
    assert (link["sourceId"], link["targetId"]) == (uat1, uat2)
    control.fault(path="/environmentgroups/", method="PUT", kind="drop", stage="after", count=1)
    body = {**group, "environmentIDs": [uat1, uat2, perf]}
    client.update_environment_group(group["id"], body, verify=True)
    assert control("GET", "/faults").json() == []

    names = Counter(g["name"] for g in client.environment_groups())
    assert (names["AUDIT-GROUP"], names["AUDIT-LOST"]) == (1, 0)
    assert len(client.environment_connectivities(group["id"])) == 1
    assert client.environment_group(group["id"])["environmentIDs"] == [uat1, uat2, perf]
    assert [item.label for item in client.created.newest_first()] == [
        "environment group AUDIT-GROUP"
    ]


def test_a_deleted_environment_leaves_its_groups(client: PlutoraClient) -> None:
    fields: dict[str, Any] = {
        "name": "GROUPED",
        "usageWorkItemId": client.lookup_id("UsedForWorkItem", "Dev"),
        "environmentStatusId": client.lookup_id("EnvironmentStatus", "Active"),
    }
    environment = client.create_environment(fields)
    (dev1,) = _ids(client, "DEV1")
    group = client.create_environment_group(
        {"name": "With GROUPED", "environmentIDs": [dev1, environment["id"]]}
    )
    https = client.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
    client.connect_environments(group["id"], dev1, environment["id"], https)
    client.delete_environment(environment["id"])
    assert client.environment_group(group["id"])["environmentIDs"] == [dev1]
    assert client.environment_connectivities(group["id"]) == []

"""Contract section 5: environments, hosts, layers (stack-layer fields), lookups, orgs, systems."""

from __future__ import annotations

import pytest

from tests.conftest import Api

STACK_LAYERS = {"Application", "Database", "Middleware", "Network", "Operating System"}


def test_environments_hold_hosts_with_layers_on_every_stack_layer(plutora: Api) -> None:
    environments = plutora.get("/environments").json()
    assert len(environments) == 10
    for item in environments:
        environment = plutora.get(f"/environments/{item['id']}").json()
        layers = [layer for host in environment["hosts"] for layer in host["layers"]]
        assert {layer["stackLayer"] for layer in layers} == STACK_LAYERS
        assert {key: environment[key] for key in ("id", "name", "url", "color")} == {
            key: item[key] for key in ("id", "name", "url", "color")
        }


def test_a_host_and_its_layers(plutora: Api) -> None:
    host = plutora.get("/hosts").json()[0]
    assert set(host) == {"id", "name", "environmentID", "layers"}
    assert plutora.get(f"/hosts/{host['id']}").json() == host
    layer = plutora.get(f"/layers/{host['layers'][0]['id']}").json()
    assert set(layer) == {
        "id", "componentName", "version", "hostID", "environmentID", "stackLayerID",
        "stackLayer", "stackLayerType",
    }  # fmt: skip
    assert layer["hostID"] == host["id"]
    assert layer["stackLayerType"] == "StackLayer"
    stack_layer_ids = {item["id"] for item in plutora.get("/lookupfields/StackLayer").json()}
    assert layer["stackLayerID"] in stack_layer_ids


def test_hosts_can_be_filtered_by_environment(plutora: Api) -> None:
    item = plutora.get("/environments").json()[3]
    environment = plutora.get(f"/environments/{item['id']}").json()
    hosts = plutora.get(f"/hosts?filter=`environmentID` = `{environment['id']}`").json()
    assert {h["id"] for h in hosts} == {h["id"] for h in environment["hosts"]}


def test_lookup_field_types_and_values(plutora: Api) -> None:
    types = plutora.get("/lookupfields").json()
    names = {item["name"] for item in types}
    assert {
        "ReleaseStatusType",
        "ReleaseType",
        "ReleaseRiskLevel",
        "ChangeStatus",
        "ChangePriority",
        "StackLayer",
    } <= names
    assert all(set(item) == {"name", "description"} for item in types)
    values = plutora.get("/lookupfields/releasestatustype").json()
    assert [v["sortOrder"] for v in values] == list(range(len(values)))
    assert all(v["type"] == "ReleaseStatusType" for v in values)
    assert all(set(v) == {"id", "value", "sortOrder", "type"} for v in values)


@pytest.mark.parametrize("entity", ["organizations", "systems"])
def test_organizations_and_systems(plutora: Api, entity: str) -> None:
    items = plutora.get(f"/{entity}").json()
    assert items
    assert plutora.get(f"/{entity}/{items[-1]['id']}").json() == items[-1]


def test_a_system_has_the_contract_fields(plutora: Api) -> None:
    system = plutora.get("/systems").json()[0]
    assert set(system) == {
        "id",
        "name",
        "vendor",
        "status",
        "organizationId",
        "organization",
        "description",
        "isAllowEdit",
        "inMyOrganization",
        "additionalInformation",
    }
    organization = plutora.get("/organizations").json()[0]
    assert set(organization) == {"id", "name", "type"}


def test_environment_list_items_and_details_have_the_primers_shapes(plutora: Api) -> None:
    items = plutora.get("/environments").json()
    assert all(
        set(item) == {"id", "name", "url", "linkedSystem", "usageWorkItem", "status", "color"}
        for item in items
    )
    used_for = {i["id"]: i["value"] for i in plutora.get("/lookupfields/UsedForWorkItem").json()}
    statuses = {i["id"]: i["value"] for i in plutora.get("/lookupfields/EnvironmentStatus").json()}
    for item in items:
        detail = plutora.get(f"/environments/{item['id']}").json()
        assert (
            used_for[detail["usageWorkItemId"]] == detail["usageWorkItem"] == item["usageWorkItem"]
        )
        assert (
            statuses[detail["environmentStatusId"]] == detail["environmentStatus"] == item["status"]
        )
        assert detail["environmentMgr"]


def test_environments_can_be_filtered_on_their_status(plutora: Api) -> None:
    standby = plutora.get("/environments?filter=`status` = `Standby`")
    assert standby.status_code == 200, standby.text
    assert [item["name"] for item in standby.json()] == ["DR"]
    active = plutora.get("/environments?filter=`environmentStatus` = `active`").json()
    assert len(active) == 9


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("UsedForWorkItem", "Dev"),
        ("EnvironmentStatus", "Active"),
        ("EnvironmentMapConnectivityType", "HTTPS"),
        ("StakeholderRole", "Business Owner"),
        ("SystemRoleDependencyType", "Code Implementation"),
    ],
)
def test_the_lookup_types_third_party_clients_read_exist(
    plutora: Api, kind: str, first: str
) -> None:
    # The primer's values (restApiLibrary primerImplementations.py looks up "Dev", "Active",
    # "HTTPS"); CSV-proj-import.js reads StakeholderRole, the vendor's Cypress suite every one.
    values = plutora.get(f"/lookupfields/{kind.lower()}").json()
    assert values[0]["value"] == first
    assert [v["sortOrder"] for v in values] == list(range(len(values)))
    assert all(set(v) == {"id", "value", "sortOrder", "type"} and v["type"] == kind for v in values)
    assert kind in {t["name"] for t in plutora.get("/lookupfields").json()}


CUSTOM_FIELD_KEYS = {
    "id", "name", "type", "dataType", "text", "time", "date", "number", "decimal", "dateTime",
    "listItem", "multiListItem",
}  # fmt: skip


def test_systems_carry_edit_flags_and_custom_fields(plutora: Api) -> None:
    systems = plutora.get("/systems").json()
    assert all(system["isAllowEdit"] is False for system in systems)
    assert {system["inMyOrganization"] for system in systems} == {True, False}
    for system in systems:
        # Every custom field of systems (the same list /additionalInformation answers): the
        # seeded Support Tier and Go-Live hold values, Hosting none yet.
        fields = {f["name"]: f for f in system["additionalInformation"]}
        assert list(fields) == ["Support Tier", "Go-Live", "Hosting"]
        for field in fields.values():
            assert set(field) == CUSTOM_FIELD_KEYS
            assert field["type"] == "System"
        assert fields["Support Tier"]["text"] in {"Gold", "Silver", "Bronze"}
        assert fields["Go-Live"]["date"] is not None
        assert fields["Hosting"]["listItem"] is None


def test_release_custom_fields_name_their_entity_and_data_type(plutora: Api) -> None:
    budgets = []
    for item in plutora.get("/releases?pageNum=0&recordsPerPage=20").json()["resultSet"]:
        fields = plutora.get(f"/releases/{item['id']}").json()["additionalInformation"]
        assert [f["name"] for f in fields][:3] == ["Budget Code", "Risk Owner", "Go-live"]
        for field in fields:
            assert set(field) == CUSTOM_FIELD_KEYS
            assert field["type"] == "Release"
        budget = fields[0]
        assert budget["dataType"] == "FreeText"
        budgets.append(budget["text"])
    # Seeded where a release has a budget code, null (the field without a value) elsewhere.
    assert any(budgets)
    assert None in budgets
    assert all(text.startswith("BC-") for text in budgets if text is not None)

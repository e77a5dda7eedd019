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

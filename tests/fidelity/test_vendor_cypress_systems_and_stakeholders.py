"""Replays of the vendor's Cypress API suite (gagneet/tests-cypress 81988b7) for systems
(``integration-legacy/systems.js``), the organization tree
(``services/data-provider-legacy.js`` ``getOrganization``) and a release's stakeholders
(``integration-legacy/releases.js`` 'Create Release with Stakeholders', 'Update Release with
Stakeholders'), sent as the suite sends them: form bodies built from each command's template
(``support/api/legacy-commands.js``), see :mod:`tests.fidelity.test_vendor_cypress_suite`."""

from __future__ import annotations

import uuid

from PlutoraLibrary.simulator import PlutoraSimulator
from PlutoraLibrary.simulator.backends.stakeholders import GROUPS
from tests.fidelity.test_vendor_cypress_suite import (
    RELEASES_TEMPLATE,
    admin,
    auth,
    call,
    command_body,
    lookup,
    release_data,
)

#: legacy-commands.js cy.systems (l.344-380): the keys of the body it builds.
SYSTEMS_TEMPLATE = [
    "id",
    "name",
    "systemAlias",
    "vendor",
    "status",
    "organizationId",
    "description",
]


def test_the_organization_tree_is_the_top_organization(sim: PlutoraSimulator) -> None:
    # data-provider-legacy.js getOrganization(): cy.organizations('GET', '/tree') and
    # resp.body.id / resp.body.name, used as the organization of new releases and systems.
    token = auth(sim)
    answer = call(sim, "GET", "/organizations/tree", token)
    assert answer.status == 200, answer.text
    top = answer.json()
    organizations = {o["id"]: o for o in call(sim, "GET", "/organizations", token).json()}
    assert organizations[top["id"]]["name"] == top["name"]


def test_create_update_retrieve_and_delete_a_system(sim: PlutoraSimulator) -> None:
    # systems.js beforeEach (l.21-35) and the four tests: POST 201 with name, vendor, status,
    # organizationId, description, isAllowEdit false; an empty name 400; PUT 200 with the
    # body's fields; PUT of a random id with no fields 400; DELETE 200, a random id 404;
    # no token 401.
    token = auth(sim)
    _, organization = admin(sim, token)
    name = "system-lorem 2026-03-01T10:00:00.000Z"
    data = {
        "name": name,
        "vendor": "Kuhn and Sons",
        "status": "Active",
        "organizationId": organization,
        "description": name,
    }
    created = call(sim, "POST", "/systems", token, command_body(SYSTEMS_TEMPLATE, data))
    assert created.status == 201, created.text
    assert created.headers["content-type"] == "application/json; charset=utf-8"
    system = created.json()
    for field, value in data.items():
        assert system[field] == value
    assert system["isAllowEdit"] is False
    assert call(sim, "POST", "/systems", str(uuid.uuid4()), {}).status == 401
    assert call(sim, "POST", "/systems", token, {"name": ""}).status == 400

    read = call(sim, "GET", f"/systems/{system['id']}", token)
    assert read.status == 200
    assert read.json()["vendor"] == data["vendor"]

    changed = {
        "id": system["id"],
        "name": "updated name 2026-03-01T10:00:00.000Z",
        "vendor": "updated vendor",
        "status": "Inactive",
        "organizationId": organization,
        "description": "updated description",
    }
    updated = call(
        sim, "PUT", f"/systems/{system['id']}", token, command_body(SYSTEMS_TEMPLATE, changed)
    )
    assert updated.status == 200, updated.text
    for field in ("name", "vendor", "status", "organizationId", "description"):
        assert updated.json()[field] == changed[field]
    assert call(sim, "PUT", f"/systems/{uuid.uuid4()}", token).status == 400
    assert call(sim, "PUT", f"/systems/{system['id']}", "").status == 401

    assert call(sim, "DELETE", f"/systems/{system['id']}", token).status == 200
    assert call(sim, "DELETE", f"/systems/{uuid.uuid4()}", token).status == 404
    assert call(sim, "GET", f"/systems/{system['id']}", token).status == 404


def test_create_and_update_a_release_with_stakeholders(sim: PlutoraSimulator) -> None:
    # releases.js 'Create Release with Stakeholders' (l.331-380) and 'Update Release with
    # Stakeholders' (l.382-447), on a release the suite's beforeEach creates (an Independent
    # one: see the module docstring of test_vendor_cypress_suite).
    token = auth(sim)
    data = release_data(sim, token, "release-stakeholders 2026-03-01T10:00:00.000Z")
    release = call(sim, "POST", "/releases", token, command_body(RELEASES_TEMPLATE, data))
    assert release.status == 201, release.text
    release_id, user_id = release.json()["id"], data["managerId"]
    role = lookup(sim, token, "StakeholderRole")["id"]
    group = next(iter(GROUPS))  # Cypress.env().users['admin'].userGroupId
    path = f"/releases/{release_id}/stakeholders"

    body = {
        "groupId": group,
        "stakeholderRoleIds": [role],
        "responsible": True,
        "accountable": True,
        "informed": False,
        "consulted": False,
    }
    added = call(sim, "POST", path, token, command_body(RELEASES_TEMPLATE, body))
    assert added.status == 201, added.text
    read = call(sim, "GET", f"{path}/{group}", token)
    assert read.status == 200, read.text
    stakeholder = read.json()
    assert (stakeholder["userId"], stakeholder["user"], stakeholder["groupId"]) == (
        None,
        "",
        group,
    )
    assert stakeholder["group"] is not None
    assert role in stakeholder["stakeholderRoleIds"]
    assert [stakeholder[f] for f in ("responsible", "accountable", "informed", "consulted")] == [
        True,
        True,
        False,
        False,
    ]
    # The owner (managerId) is a stakeholder already; an unknown role is refused.
    existing = {"userId": user_id, "stakeholderRoleIds": [role], "responsible": True}
    again = call(sim, "POST", path, token, command_body(RELEASES_TEMPLATE, existing))
    assert again.status == 400
    assert again.json()["modelState"]["internalServerValidationError"][0]
    unknown = {"userId": user_id, "stakeholderRoleIds": [str(uuid.uuid4())]}
    bad_role = call(sim, "POST", path, token, command_body(RELEASES_TEMPLATE, unknown))
    assert bad_role.status == 400
    assert bad_role.json()["modelState"]["internalServerValidationError"][0]

    owner = call(sim, "GET", path, token).json()[0]["id"]
    not_accountable = {
        "userId": user_id,
        "stakeholderRoleIds": [role],
        "responsible": True,
        "accountable": False,
        "informed": True,
        "consulted": True,
    }
    refused = call(
        sim, "PUT", f"{path}/{owner}", token, command_body(RELEASES_TEMPLATE, not_accountable)
    )
    assert refused.status == 400
    assert refused.json()["modelState"]["internalServerValidationError"][0]
    # The release's manager set blank, the former owner may be made non-accountable.
    current = call(sim, "GET", f"/releases/{release_id}", token).json()
    blank = command_body(RELEASES_TEMPLATE, {**data, "id": release_id, "managerId": ""})
    assert call(sim, "PUT", f"/releases/{release_id}", token, blank).status == 204
    assert call(sim, "GET", f"/releases/{release_id}", token).json()["managerId"] is None
    assert current["managerId"] == user_id
    consulted = {**not_accountable, "responsible": False, "informed": False}
    assert (
        call(
            sim, "PUT", f"{path}/{owner}", token, command_body(RELEASES_TEMPLATE, consulted)
        ).status
        == 204
    )
    first = call(sim, "GET", path, token).json()[0]
    assert first["userId"] == user_id
    assert [first[f] for f in ("responsible", "accountable", "informed", "consulted")] == [
        False,
        False,
        False,
        True,
    ]
    assert call(sim, "PUT", f"{path}/{uuid.uuid4()}", token).status == 400

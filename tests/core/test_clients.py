"""The API surface against the simulator over loopback: every call validated by its schema."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from PlutoraLibrary.core import (
    AccessDenied,
    BusinessRuleViolation,
    NotFound,
    PlutoraClient,
    PlutoraTestClient,
    SearchFilter,
    ServerError,
    ValidationFailed,
    where,
)
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control


def test_current_user_of_both_products(
    client: PlutoraClient, test_client: PlutoraTestClient
) -> None:
    assert client.current_user() == "qa.lead@example.com"
    assert test_client.current_user() == "qa.lead@example.com"


def test_releases_filtered_paged_and_iterated(client: PlutoraClient) -> None:
    drafts = client.releases(where("status").equals("Draft"))
    assert drafts
    # List items carry no status: each is read whole to check the filter.
    assert {client.release(r["id"])["releaseStatusType"] for r in drafts[:5]} == {"Draft"}
    page = client.release_page(1, 100)
    assert (page.total_count, len(page.items), page.page_num) == (260, 100, 1)
    assert sum(1 for _ in client.iter_releases(page_size=37)) == 260
    assert client.release(drafts[0]["id"])["id"] == drafts[0]["id"]


def test_search_releases_sorts_and_pages(client: PlutoraClient) -> None:
    page = client.search_releases(
        [
            SearchFilter("plutoraReleaseType", "Equals", "Integrated"),
            SearchFilter("identifier", direction="DESC"),
        ],
        page_size=10,
    )
    assert page.total_count == 140
    identifiers = [r["identifier"] for r in page.items]
    assert identifiers == sorted(identifiers, reverse=True)
    assert sum(
        1
        for _ in client.iter_search_releases(
            [SearchFilter("status", "Equals", "Draft")], page_size=7
        )
    ) == len(client.releases(where("status").equals("Draft")))


def test_changes_with_filters_sort_paging_and_limit(client: PlutoraClient) -> None:
    page = client.search_changes(
        [SearchFilter("ChangeId", direction="DESC")], page=1, page_size=10, limit=15
    )
    assert page.total_count == 15
    assert [c["changeId"] for c in page.items] == [290, 289, 288, 287, 286]
    assert client.change(page.items[0]["id"])["changeId"] == 290
    assert len(client.changes(where("changeId").greater_than(295))) == 5
    assert sum(1 for _ in client.iter_changes(page_size=100)) == 300


def test_environments_hosts_layers_lookups_organizations_systems(client: PlutoraClient) -> None:
    environments = client.environments()
    assert len(environments) == 10
    environment = client.environment(environments[0]["id"])
    hosts = client.hosts(where("environmentID").equals(environment["id"]))
    assert {h["id"] for h in hosts} == {h["id"] for h in environment["hosts"]}
    host = client.host(hosts[0]["id"])
    layer = client.layer(host["layers"][0]["id"])
    assert layer["stackLayerType"] == "StackLayer"
    assert "ReleaseStatusType" in {t["name"] for t in client.lookup_types()}
    assert {s["value"] for s in client.lookup("ReleaseStatusType")} >= {"Draft", "Complete"}
    organization = client.organizations()[0]
    assert client.organization(organization["id"]) == organization
    system = client.systems()[0]
    assert client.system(system["id"]) == system


def test_copy_release_posts_a_copy_with_the_changes(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    source = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Active")
    )[0]
    copy = client.copy_release(
        source["id"], name="Copied by the client", identifier="CLIENT-COPY-1", location="Berlin"
    )
    assert copy["id"] != source["id"]
    assert (copy["name"], copy["identifier"], copy["location"]) == (
        "Copied by the client",
        "CLIENT-COPY-1",
        "Berlin",
    )
    assert copy["releaseStatusType"] == "Active"
    assert sim.counters()["requests"]["POST /plutora/api/releases"] == {"201": 1}


def test_the_enterprise_rule_is_checked_before_sending(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    source = client.releases(where("plutoraReleaseType").equals("Enterprise"))[0]
    with pytest.raises(BusinessRuleViolation) as caught:
        client.copy_release(source["id"], name="x", identifier="RULES-1")
    assert "Enterprise releases cannot be created" in str(caught.value)
    assert "was not sent" in str(caught.value)
    assert "POST /plutora/api/releases" not in sim.counters()["requests"]


def test_the_end_state_rule_is_the_servers(client: PlutoraClient, sim: PlutoraSimulator) -> None:
    # No answer says which status is an end state (lookup items carry no such flag), so the
    # client sends the copy and reports the server's refusal; nothing is created.
    source = client.releases(
        where("plutoraReleaseType").equals("Integrated") & where("status").equals("Complete")
    )[0]
    before = len(client.releases())
    with pytest.raises(BusinessRuleViolation) as caught:
        client.copy_release(source["id"], name="x", identifier="RULES-2")
    assert "Release Status 'Complete' is an End State" in str(caught.value)
    assert sim.counters()["requests"]["POST /plutora/api/releases"] == {"400": 1}
    assert len(client.releases()) == before


def test_copy_needs_a_new_name_and_identifier(client: PlutoraClient) -> None:
    source = client.releases(where("plutoraReleaseType").equals("Independent"))[0]
    with pytest.raises(ValueError, match="needs a new name and identifier"):
        client.copy_release(source["id"])
    with pytest.raises(ValueError, match="is the source's own"):
        client.copy_release(source["id"], name="x", identifier=source["identifier"].lower())


def test_the_servers_business_rules_still_surface(client: PlutoraClient) -> None:
    source = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )
    client.copy_release(source[0]["id"], name="one", identifier="DUP-1")
    with pytest.raises(BusinessRuleViolation) as caught:
        client.copy_release(source[1]["id"], name="two", identifier="DUP-1")
    assert caught.value.messages == {
        "internalServerValidationError": ["Identifier 'DUP-1' is already in use."]
    }
    assert "POST /plutora/api/releases answered 400: The request is invalid." in str(caught.value)


def test_defects_search_get_by_id_and_display_id(test_client: PlutoraTestClient) -> None:
    page = test_client.search_defects([SearchFilter("Status", "Equals", "Open")])
    assert len(page.items) == 25
    defect = page.items[0]
    assert test_client.defect(defect["Id"]) == defect
    assert test_client.defect_by_display_id(defect["DisplayId"]) == defect
    assert sum(1 for _ in test_client.iter_defects(page_size=100)) == 1000


def test_patch_defect_checks_the_delta_before_sending(
    test_client: PlutoraTestClient, sim: PlutoraSimulator
) -> None:
    defect = test_client.search_defects().items[0]
    with pytest.raises(ValidationFailed) as caught:
        test_client.patch_defect(defect["Id"], {"Id": "x", "Colour": "red", "Name": "ok"})
    assert "'Id' is read-only; 'Colour' is not a property of a defect" in str(caught.value)
    assert "Nothing was sent" in str(caught.value)
    assert not any(route.startswith("PATCH") for route in sim.counters()["requests"])


def test_patch_defect_returns_and_verifies_the_change(test_client: PlutoraTestClient) -> None:
    defect = test_client.search_defects().items[2]
    updated = test_client.patch_defect(
        defect["Id"],
        {
            "name": "Renamed",
            "status": {"Value": "Closed"},
            "Fields": [{"Name": "Story Points", "Value": 8}],
        },
        verify=True,
    )
    assert updated["Name"] == "Renamed"
    assert updated["Status"]["Value"] == "Closed"
    assert test_client.defect(defect["Id"])["Name"] == "Renamed"


def test_typed_errors_carry_the_servers_words(
    client: PlutoraClient, test_client: PlutoraTestClient, control: Control
) -> None:
    with pytest.raises(NotFound) as not_found:
        client.release("00000000-0000-4000-8000-000000000000")
    assert "GET /plutora/api/releases/00000000-0000-4000-8000-000000000000 answered 404" in str(
        not_found.value
    )
    with pytest.raises(ServerError) as unknown_field:
        client.releases("`colour` = `red`")
    assert "No property or field 'colour' exists in type 'Release'" in str(unknown_field.value)
    # The user's typo, not a server fault: the advice says so and names the fields.
    assert "names the field 'colour', which a Release does not have" in str(unknown_field.value)
    assert "displayColor" in str(unknown_field.value)
    assert "report the request and message to Plutora" not in str(unknown_field.value)
    with pytest.raises(ValidationFailed) as invalid:
        client.releases("`name` Resembles `x`")
    assert "Unknown operator 'Resembles'" in str(invalid.value)
    with pytest.raises(NotFound):
        test_client.defect_by_display_id("DEF-9999")
    control.settings(ipWhitelist=["10.0.0.0/8"])
    with pytest.raises(AccessDenied) as denied:
        client.current_user()
    assert "whitelist" in str(denied.value)


def test_validation_can_be_switched_off(sim: PlutoraSimulator) -> None:
    from tests.core.conftest import config_for

    with PlutoraClient(config_for(sim, validate_responses=False)) as plutora:
        assert plutora.current_user() == "qa.lead@example.com"


def test_the_newer_change_display_names_are_accepted(
    sim: PlutoraSimulator, control: Control
) -> None:
    from tests.core.conftest import config_for

    control.settings(changeDisplayNames="named")
    with PlutoraClient(config_for(sim)) as plutora:
        change = plutora.search_changes(page_size=5).items[0]
        assert "changeStatusName" in change
        assert plutora.change(change["id"])["changeStatusName"] == change["changeStatusName"]


def test_the_script_name_is_sent_as_plutora_info(sim: PlutoraSimulator) -> None:
    from PlutoraLibrary.core.transport import new_session
    from tests.core.conftest import config_for

    session = new_session(config_for(sim, script_name="nightly-regression"))
    assert session.headers["Plutora-Info"] == "script.name=nightly-regression"
    assert "Plutora-Info" not in new_session(config_for(sim)).headers


def test_a_netrc_entry_for_the_host_neither_replaces_the_token_nor_reaches_the_login(
    sim: PlutoraSimulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # requests would otherwise send Basic credentials from ~/.netrc instead of the bearer token.
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    from tests.core.conftest import config_for

    caplog.set_level(logging.INFO, logger="PlutoraLibrary")
    with PlutoraClient(config_for(sim)) as client:
        assert client.current_user() == "qa.lead@example.com"
    exchanges = [record.plutora_call for record in caplog.records]
    login, call = exchanges[0], exchanges[-1]
    assert "Authorization" not in login.request_headers
    assert call.request_headers["Authorization"] == "***"
    assert call.status == 200

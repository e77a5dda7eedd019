"""Names instead of GUIDs (``id_of``, ``lookup_id``) and custom fields by name, against the
simulator over loopback HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from PlutoraLibrary.core import PlutoraClient, where
from PlutoraLibrary.core.errors import CustomFieldRefused, NameAmbiguous, NameNotFound
from PlutoraLibrary.core.names import FINDABLE
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control


def _requests(sim: PlutoraSimulator) -> int:
    return int(sim.counters()["requestsTotal"])


@pytest.mark.parametrize(
    ("entity", "path", "field"),
    [
        ("systems", "systems", "name"),
        ("System", "systems", "name"),
        ("environments", "environments", "name"),
        ("hosts", "hosts", "name"),
        ("organizations", "organizations", "name"),
        ("releases", "releases", "identifier"),
        ("releases", "releases", "name"),
        ("changes", "changes", "name"),
        ("TECRs", "TECRs", "name"),
        ("tebr", "TEBRs", "name"),
        ("users", "users", "userName"),
        ("users", "users", "email"),
    ],
)
def test_every_kind_is_found_by_its_name_ignoring_case(
    client: PlutoraClient, entity: str, path: str, field: str
) -> None:
    records = client.call("GET", path).json
    names = [r[field] for r in records]
    record = next(r for r in records if names.count(r[field]) == 1)
    assert client.id_of(entity, record[field].upper()) == record["id"]


def test_the_matching_fields_are_the_documented_ones() -> None:
    assert {kind: spec.fields for kind, spec in FINDABLE.items()} == {
        "systems": ("name",), "environments": ("name",), "hosts": ("name",),
        "organizations": ("name",), "releases": ("identifier", "name"), "changes": ("name",),
        "tecrs": ("name",), "tebrs": ("name",), "users": ("userName", "email"),
    }  # fmt: skip


def test_a_filtered_list_is_asked_once_and_the_id_is_kept_until_a_write(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    client.current_user()  # logged in
    before = _requests(sim)
    system_id = client.id_of("systems", "crm")
    assert _requests(sim) == before + 1  # one filtered GET
    assert client.id_of("systems", "CRM") == system_id
    assert _requests(sim) == before + 1  # kept
    layer = client.hosts()[0]["layers"][0]
    client.call("PUT", f"layers/{layer['id']}", json=client.layer(layer["id"]))
    seen = _requests(sim)
    assert client.id_of("systems", "crm") == system_id
    assert _requests(sim) == seen + 1  # asked again after the write


def test_a_list_without_a_filter_is_read_whole(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    user = client.call("GET", "users").json[3]
    counters = sim.counters()["requests"].get("GET /plutora/api/users", {})
    assert client.id_of("users", user["userName"]) == user["id"]
    after = sim.counters()["requests"]["GET /plutora/api/users"]
    assert sum(after.values()) == sum(counters.values()) + 1


def test_nothing_found_names_the_closest(client: PlutoraClient) -> None:
    with pytest.raises(
        NameNotFound, match=r"No system has the name 'Biling Engin'.*'Billing Engine'"
    ) as caught:
        client.id_of("systems", "Biling Engin")
    assert caught.value.near[0] == "Billing Engine"
    with pytest.raises(NameNotFound, match="The closest: 'SIT1'"):
        client.id_of("environments", "SIT 1")


def test_several_found_is_ambiguous_with_their_ids(client: PlutoraClient) -> None:
    source = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    copy = client.copy_release(source["id"], name=source["name"], identifier="SAME-NAME-1")
    with pytest.raises(NameAmbiguous, match=r"\d releases have the identifier or name") as caught:
        client.id_of("releases", source["name"])
    assert {source["id"], copy["id"]} <= set(caught.value.near)
    assert client.id_of("releases", "same-name-1") == copy["id"]  # the identifier is unique


def test_a_name_a_filter_cannot_hold_is_found_page_by_page(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    source = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    copy = client.copy_release(source["id"], name="Odd `name`", identifier="ODD-1")
    before = sim.counters()["requests"].get("GET /plutora/api/releases", {}).get("200", 0)
    assert client.id_of("releases", "odd `NAME`") == copy["id"]
    pages = sim.counters()["requests"]["GET /plutora/api/releases"]["200"] - before
    assert pages == 3  # 261 releases, 100 a page


@pytest.mark.parametrize(
    ("entity", "said"),
    [("widgets", "use one of: systems, environments"), ("", "cannot be found by name")],
)
def test_an_unknown_kind_names_the_kinds(client: PlutoraClient, entity: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        client.id_of(entity, "x")


def test_a_lookup_value_is_found_ignoring_case_or_the_values_are_listed(
    client: PlutoraClient,
) -> None:
    draft = next(i for i in client.lookup("ReleaseStatusType") if i["value"] == "Draft")
    assert client.lookup_id("ReleaseStatusType", "dRaFt") == draft["id"]
    with pytest.raises(NameNotFound, match="its values: Draft, Active, In Progress, Complete"):
        client.lookup_id("ReleaseStatusType", "Drafty")
    with pytest.raises(NameNotFound, match=r"no lookup type 'ReleaseState'.*ReleaseStatusType"):
        client.lookup_id("ReleaseState", "Draft")


# -- custom fields ------------------------------------------------------------------------------


def _release(client: PlutoraClient) -> str:
    return str(client.releases()[0]["id"])


def test_every_data_type_is_set_and_read_back_by_name(client: PlutoraClient) -> None:
    release_id = _release(client)
    values: dict[str, Any] = {
        "budget code": "BC-777",
        "Risk Owner": "qa",
        "Go-live": "2027-01-31",
        "Story Points": "8",
        "Cost Estimate": "1250.5",
        "Cutover Start": "17:30",
        "Approved At": "2027-01-30T09:15:00Z",
        "Platforms": "Web, android",
    }
    set_to = client.set_custom_fields("release", release_id, values)
    assert set_to == {
        "Budget Code": "BC-777", "Risk Owner": "QA", "Go-live": "2027-01-31",
        "Story Points": 8, "Cost Estimate": 1250.5, "Cutover Start": "17:30:00",
        "Approved At": "2027-01-30T09:15:00", "Platforms": ["Web", "Android"],
    }  # fmt: skip
    for name, value in set_to.items():
        assert client.custom_field("release", release_id, name.lower()) == value
    # The record itself shows the values, as GET /releases/{id} answers them.
    held = {f["name"]: f for f in client.release(release_id)["additionalInformation"]}
    assert held["Risk Owner"]["listItem"]["value"] == "QA"


def test_a_wrong_value_is_refused_before_sending_naming_what_the_field_takes(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    release_id = _release(client)
    route = "PUT /plutora/api/releases/{id}/additionalInformation"
    cases = [
        ({"Risk Owner": "Nobody"}, "its items: QA, Development, Operations, Business"),
        ({"Platforms": "Web, Mainframe"}, "its items: Web, iOS, Android, Desktop"),
        ({"Story Points": "eight"}, "give a whole number"),
        ({"Story Points": 1.5}, "give a whole number"),
        ({"Go-live": "31/01/2027"}, "give a date as YYYY-MM-DD"),
        ({"Cutover Start": "half past five"}, "give a time"),
        ({"No Such Field": 1}, "its custom fields: 'Budget Code', 'Risk Owner'"),
    ]
    for values, said in cases:
        with pytest.raises(CustomFieldRefused, match=said):
            client.set_custom_fields("release", release_id, {"Budget Code": "ok", **values})
    assert route not in sim.counters()["requests"]  # nothing was sent


def test_the_server_refuses_a_list_item_it_does_not_offer(client: PlutoraClient) -> None:
    from PlutoraLibrary.core import ValidationFailed

    release_id = _release(client)
    fields = client.custom_fields("release", release_id)
    owner = next(f for f in fields if f["name"] == "Risk Owner")
    with pytest.raises(ValidationFailed, match="has no such list item"):
        client.call(
            "PUT",
            f"releases/{release_id}/additionalInformation",
            json=[{**owner, "listItem": {"id": "0f0f0f0f-0000-4000-8000-000000000000"}}],
        )


@pytest.mark.parametrize(
    ("entity", "records", "field", "value"),
    [
        ("change", "changes", "JIRA ID", "PROJ-42"),
        ("system", "systems", "Hosting", "AWS"),
        ("environment", "environments", "Data Classification", "Internal"),
        ("TECR", "TECRs", "Octopus Package Name", "billing-api"),
        ("tebr", "TEBRs", "Region", "eu-west-1"),
    ],
)
def test_each_entity_with_custom_fields(
    client: PlutoraClient, entity: str, records: str, field: str, value: str
) -> None:
    record_id = client.call("GET", records).json[0]["id"]
    client.set_custom_fields(entity, record_id, {field: value})
    assert client.custom_field(entity, record_id, field) == value


def test_a_list_field_whose_items_the_site_does_not_list_takes_the_item_itself(
    client: PlutoraClient,
) -> None:
    from PlutoraLibrary.core.custom_fields import converted

    field = {"id": "f", "name": "Tier", "dataType": "ListField"}
    with pytest.raises(CustomFieldRefused, match="does not list the items"):
        converted(field, "Gold")
    assert converted(field, {"id": "item-1"})["listItem"] == {"id": "item-1"}


def test_an_entity_without_custom_fields_is_named(client: PlutoraClient) -> None:
    with pytest.raises(ValueError, match="use one of: release, change, system"):
        client.custom_fields("host", "x")


def test_a_filter_that_finds_nothing_is_checked_against_the_whole_list(
    client: PlutoraClient, control: Control
) -> None:
    # A site whose filter compared case-sensitively would answer [] for "crm": the scan settles it.
    expected = client.call("GET", "systems").json
    control.fault(path="/systems$", method="GET", kind="status", status=200, body=[], count=1)
    crm = next(s for s in expected if s["name"] == "CRM")
    assert client.id_of("systems", "crm") == crm["id"]


def test_a_decimal_must_be_finite_and_a_date_time_offset_is_converted_to_utc() -> None:
    """JSON has no NaN or Infinity (nothing is sent); a date-time with an offset is the same
    moment in UTC, as the API keeps date-times."""
    from PlutoraLibrary.core.custom_fields import converted

    decimal = {"name": "Cost", "dataType": "Decimal", "decimal": None}
    for bad in ("nan", "inf", float("-inf")):
        with pytest.raises(ValueError, match="finite number"):
            converted(decimal, bad)
    moment = {"name": "Go-live", "dataType": "DateTimePicker", "dateTime": None}
    assert converted(moment, "2027-01-31T17:30:00+02:00")["dateTime"] == "2027-01-31T15:30:00"
    assert converted(moment, "2027-01-31T17:30:00")["dateTime"] == "2027-01-31T17:30:00"


def test_a_body_json_cannot_carry_is_refused_before_sending(client: PlutoraClient) -> None:
    with pytest.raises(ValueError, match="was not sent: the request cannot be built"):
        client.call("PUT", "layers/x", json={"version": float("nan")})

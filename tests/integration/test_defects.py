"""Contract section 6: Plutora Test defects in their envelope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def _search(api: Api, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    answer = api.post("/defects/search", json=body if body is not None else {})
    assert answer.status_code == status, answer.text
    return answer.json()


def test_search_answers_a_page_of_25_in_the_envelope(plutora_test: Api) -> None:
    body = _search(plutora_test, {"SearchFilters": [], "PageNum": 0})
    assert body["Status"] == "Success"
    assert body["Messages"] == []
    data = body["Data"]
    assert set(data) == {"ResultSet", "TotalCount", "PageNum", "RecordsPerPage"}
    assert len(data["ResultSet"]) == 25
    assert data["TotalCount"] == 1000
    assert data["RecordsPerPage"] == 25


def test_the_help_page_filter_finds_open_defects(plutora_test: Api) -> None:
    body = {
        "SearchFilters": [
            {"Property": "Status", "Operator": "Equals", "Value": "Open", "Direction": None}
        ],
        "PageNum": 0,
        "RecordsPerPage": 25,
    }
    data = _search(plutora_test, body)["Data"]
    assert data["TotalCount"] > 100
    assert {d["Status"]["Value"] for d in data["ResultSet"]} == {"Open"}


def test_the_path_is_case_insensitive(plutora_test: Api) -> None:
    assert plutora_test.post("/Defects/Search", json={}).status_code == 200


def test_sort_and_paging(plutora_test: Api) -> None:
    body = {
        "SearchFilters": [{"Property": "DisplayId", "Direction": "DESC"}],
        "PageNum": 1,
        "RecordsPerPage": 100,
    }
    data = _search(plutora_test, body)["Data"]
    assert [d["DisplayId"] for d in data["ResultSet"]][:2] == ["DEF-0900", "DEF-0899"]
    assert data["PageNum"] == 1
    past = _search(plutora_test, {"PageNum": 40, "RecordsPerPage": 100})["Data"]
    assert past["ResultSet"] == []
    assert past["TotalCount"] == 1000


def test_filters_combine_and_ignore_case(plutora_test: Api) -> None:
    body = {
        "SearchFilters": [
            {"Property": "priority", "Operator": "Equals", "Value": "critical"},
            {"Property": "Status", "Operator": "IsWithin", "Value": "New,Reopened"},
        ],
        "RecordsPerPage": 100,
    }
    for defect in _search(plutora_test, body)["Data"]["ResultSet"]:
        assert defect["Priority"]["Value"] == "Critical"
        assert defect["Status"]["Value"] in ("New", "Reopened")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            {"RecordsPerPage": -1},
            "RecordsPerPage must be a whole number from 0 (meaning the default, 25) up, not -1; "
            "more than 100 is capped at 100.",
        ),
        ({"PageNum": -1}, "PageNum must be a whole number from 0 up, not -1."),
        (
            {"SearchFilters": [{"Property": "Colour", "Operator": "Equals", "Value": "x"}]},
            "no property 'Colour'",
        ),
        (
            {"SearchFilters": [{"Property": "Name", "Operator": "Like", "Value": "x"}]},
            "The value 'Like' is not valid for SearchFilters[0].Operator; use one of Equals",
        ),
    ],
)
def test_a_bad_search_fails_in_the_envelope(
    plutora_test: Api, body: dict[str, Any], fragment: str
) -> None:
    answer = _search(plutora_test, body, status=400)
    assert answer["Status"] == "Fail"
    assert answer["Data"] is None
    assert fragment in answer["Messages"][0]


@pytest.mark.parametrize(("asked", "answered"), [(0, 25), (101, 100), (5000, 100), (7, 7)])
def test_a_page_size_of_0_is_the_default_and_more_than_100_is_capped(
    plutora_test: Api, asked: int, answered: int
) -> None:
    # As on Plutora: the seeds say "at most 100 per page" of both APIs, and an unset int binds
    # to 0 (docs/contract-decisions.md, the simulator faithful to evidence).
    data = _search(plutora_test, {"RecordsPerPage": asked})["Data"]
    assert (data["RecordsPerPage"], len(data["ResultSet"])) == (answered, answered)


def test_get_a_defect_by_id_and_by_display_id(plutora_test: Api) -> None:
    defect = _search(plutora_test)["Data"]["ResultSet"][0]
    by_id = plutora_test.get(f"/defects/{defect['Id']}").json()
    assert by_id == {"Status": "Success", "Messages": [], "Data": defect}
    by_display = plutora_test.get(f"/defects/GetByDisplayId/{defect['DisplayId'].lower()}").json()
    assert by_display["Data"] == [defect]


@pytest.mark.parametrize(
    "path", ["/defects/00000000-0000-4000-8000-000000000000", "/defects/GetByDisplayId/DEF-9999"]
)
def test_an_unknown_defect_is_a_404_fail(plutora_test: Api, path: str) -> None:
    answer = plutora_test.get(path)
    assert answer.status_code == 404
    assert answer.json()["Status"] == "Fail"
    assert "was not found" in answer.json()["Messages"][0]


def test_patch_changes_only_the_properties_named(plutora_test: Api) -> None:
    before = _search(plutora_test)["Data"]["ResultSet"][3]
    delta = {
        "Name": "Swagger Example 111",
        "Description": "This description was changed with the help of Swagger.",
    }
    answer = plutora_test.patch(f"/defects/{before['Id']}", json=delta)
    assert answer.status_code == 200, answer.text
    after = answer.json()["Data"]
    assert after["Name"] == delta["Name"]
    assert after["Description"] == delta["Description"]
    assert after["LastModifiedDate"] != before["LastModifiedDate"]
    untouched = {
        k: v for k, v in before.items() if k not in ("Name", "Description", "LastModifiedDate")
    }
    assert {k: after[k] for k in untouched} == untouched
    assert plutora_test.get(f"/defects/{before['Id']}").json()["Data"] == after


def test_patch_status_by_value_or_id_and_fields(plutora_test: Api) -> None:
    defect = _search(plutora_test)["Data"]["ResultSet"][0]
    closed = plutora_test.patch(
        f"/defects/{defect['Id']}", json={"status": {"Value": "closed"}}
    ).json()["Data"]
    assert closed["Status"]["Value"] == "Closed"
    reopened_id = _search(
        plutora_test,
        {"SearchFilters": [{"Property": "Status", "Operator": "Equals", "Value": "Reopened"}]},
    )["Data"]["ResultSet"][0]["Status"]["Id"]
    again = plutora_test.patch(
        f"/defects/{defect['Id']}", json={"Status": {"Id": reopened_id}}
    ).json()["Data"]
    assert again["Status"] == {"Id": reopened_id, "Value": "Reopened"}
    fields = [{"Name": "Story Points", "Value": 13}, {"Name": "Root Cause", "Value": "Config"}]
    patched = plutora_test.patch(f"/defects/{defect['Id']}", json={"Fields": fields}).json()["Data"]
    by_name = {f["Name"]: f for f in patched["Fields"]}
    assert by_name["Story Points"] == {"Name": "Story Points", "Value": "13", "StringValue": "13"}
    assert by_name["Root Cause"]["Value"] == "Config"
    assert "Component" in by_name


@pytest.mark.parametrize(
    ("delta", "fragment"),
    [
        ({"Id": "00000000-0000-4000-8000-000000000000"}, "Property 'Id' is read-only"),
        ({"DisplayId": "DEF-1"}, "Property 'DisplayId' is read-only"),
        ({"CreatedDate": "2020-01-01T00:00:00"}, "Property 'CreatedDate' is read-only"),
        ({"Colour": "red"}, "Property 'Colour' does not exist on a defect"),
        ({"Name": ""}, "Name must be a non-empty string"),
        ({"Status": {"Value": "Pondering"}}, "Status 'Pondering'"),
        ({"ReleaseId": "R-1"}, "ReleaseId must be a GUID"),
        ({"Fields": "x"}, "Fields must be a list"),
        ({}, "naming at least one property"),
    ],
)
def test_a_bad_patch_is_refused_and_changes_nothing(
    plutora_test: Api, delta: dict[str, Any], fragment: str
) -> None:
    defect = _search(plutora_test)["Data"]["ResultSet"][1]
    answer = plutora_test.patch(
        f"/defects/{defect['Id']}",
        json={**delta, "Description": "should not stick"} if delta else {},
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["Status"] == "Fail"
    assert any(fragment in message for message in body["Messages"]), body
    assert plutora_test.get(f"/defects/{defect['Id']}").json()["Data"] == defect


def test_patch_of_an_unknown_defect_is_a_404(plutora_test: Api) -> None:
    answer = plutora_test.patch("/defects/00000000-0000-4000-8000-000000000000", json={"Name": "x"})
    assert answer.status_code == 404
    assert answer.json()["Status"] == "Fail"


def test_malformed_json_fails_in_the_envelope(plutora_test: Api) -> None:
    answer = plutora_test.post(
        "/defects/search", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["Status"] == "Fail"


def test_auth_and_media_type_behave_as_on_plutora(plutora_test: Api, plutora: Api) -> None:
    assert plutora_test.post("/defects/search", json={}, auth=False).status_code == 401
    wrong = plutora_test.post(
        "/defects/search", json={}, headers={"Authorization": f"bearer {plutora.token}"}
    )
    assert wrong.status_code == 401
    answer = plutora_test.patch(
        "/defects/x", data=b"Name=x", headers={"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415
    assert answer.json() == {
        "message": "The request entity's media type 'text/plain' is not supported for this "
        "resource; it takes application/json, text/json, application/x-www-form-urlencoded."
    }

"""Plutora Test beyond defects on the wire (issue 19): requirements, test cases (with
execution summaries), test plans, category settings, and the bulk updates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def _ok(answer: Any) -> Any:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["Status"] == "Success"
    assert body["Messages"] == []
    return body["Data"]


def _filter(prop: str, operator: str, value: Any) -> dict[str, Any]:
    return {"Property": prop, "Operator": operator, "Value": value}


@pytest.mark.parametrize(
    ("path", "total"),
    [
        ("/requirement/search", 40),
        ("/Requirements/Search", 40),
        ("/testcase/search", 200),
        ("/testcase/SearchWithExecutionSummary", 200),
        ("/testplan/search", 10),
        ("/categorysettings/search", 9),
    ],
)
def test_each_search_pages_as_the_defect_search(plutora_test: Api, path: str, total: int) -> None:
    data = _ok(plutora_test.post(path, json={}))
    assert data["TotalCount"] == total
    assert len(data["ResultSet"]) == min(total, 25)
    assert data["RecordsPerPage"] == 25
    second = _ok(plutora_test.post(path, json={"PageNum": 1, "RecordsPerPage": 4}))
    assert len(second["ResultSet"]) == 4
    assert second["PageNum"] == 1


def test_the_user_story_finds_requirements_in_testing_or_review(plutora_test: Api) -> None:
    body = {"SearchFilters": [_filter("Status", "IsWithin", "Testing,Review")]}
    data = _ok(plutora_test.post("/Requirements/search", json=body))
    assert data["TotalCount"] == 16
    assert {r["Status"]["Value"] for r in data["ResultSet"]} == {"Testing", "Review"}


def test_test_cases_carry_an_execution_summary_only_when_asked(plutora_test: Api) -> None:
    plain = _ok(plutora_test.post("/testcase/search", json={"RecordsPerPage": 1}))
    assert "ExecutionSummary" not in plain["ResultSet"][0]
    body = {"SearchFilters": [_filter("DisplayId", "Equals", "TC-0001")]}
    summary = _ok(plutora_test.post("/testcase/SearchWithExecutionSummary", json=body))
    case = summary["ResultSet"][0]
    counts = case["ExecutionSummary"]
    assert counts["Passed"] + counts["Failed"] + counts["Blocked"] == counts["TotalRuns"]


def test_a_requirements_test_cases_are_found_by_their_ids(plutora_test: Api) -> None:
    requirement = _ok(plutora_test.get("/requirement/GetByDisplayId/REQ-0003"))[0]
    ids = requirement["TestCaseIds"]
    body = {"SearchFilters": [_filter("Id", "IsWithin", ",".join(ids))], "RecordsPerPage": 100}
    cases = _ok(plutora_test.post("/testcase/SearchWithExecutionSummary", json=body))
    assert {case["Id"] for case in cases["ResultSet"]} == set(ids)
    assert all(requirement["Id"] in case["RequirementIds"] for case in cases["ResultSet"])
    by_link = {"SearchFilters": [_filter("RequirementIds", "Contains", requirement["Id"])]}
    assert _ok(plutora_test.post("/testcase/search", json=by_link))["TotalCount"] == len(ids)


@pytest.mark.parametrize(
    ("segment", "display_id"),
    [("requirement", "REQ-0001"), ("testcase", "TC-0042"), ("testplan", "TP-003")],
)
def test_get_by_id_and_by_display_id(plutora_test: Api, segment: str, display_id: str) -> None:
    found = _ok(plutora_test.get(f"/{segment}/GetByDisplayId/{display_id.lower()}"))
    assert len(found) == 1
    assert found[0]["DisplayId"] == display_id
    assert _ok(plutora_test.get(f"/{segment}/{found[0]['Id']}")) == found[0]
    missing = plutora_test.get(f"/{segment}/GetByDisplayId/XX-9999")
    assert missing.status_code == 404
    assert missing.json()["Status"] == "Fail"
    assert "XX-9999" in missing.json()["Messages"][0]


def test_a_bulk_update_changes_every_match_and_says_which(plutora_test: Api) -> None:
    select = [_filter("Status", "Equals", "Open"), _filter("Priority", "Equals", "Low")]
    before = _ok(plutora_test.post("/defects/search", json={"SearchFilters": select}))
    body = {"SearchFilters": select, "Delta": {"Priority": "High"}}
    data = _ok(plutora_test.post("/Defects/BulkUpdateSearch", json=body))
    assert data["UpdatedCount"] == before["TotalCount"] > 0
    assert len(data["UpdatedIds"]) == data["UpdatedCount"]
    changed = _ok(plutora_test.get(f"/defects/{data['UpdatedIds'][0]}"))
    assert changed["Priority"]["Value"] == "High"
    again = _ok(plutora_test.post("/defects/search", json={"SearchFilters": select}))
    assert again["TotalCount"] == 0


@pytest.mark.parametrize(
    ("path", "delta", "field"),
    [
        ("/requirement/BulkUpdateSearch", {"Status": "Approved"}, "Status"),
        ("/testcase/BulkUpdateSearch", {"Type": "Automated"}, "Type"),
    ],
)
def test_requirements_and_test_cases_bulk_update(
    plutora_test: Api, path: str, delta: dict[str, Any], field: str
) -> None:
    body = {"SearchFilters": [_filter("Priority", "Equals", "Critical")], "Delta": delta}
    data = _ok(plutora_test.post(path, json=body))
    assert data["UpdatedCount"] > 0
    segment = path.split("/")[1]
    item = _ok(plutora_test.get(f"/{segment}/{data['UpdatedIds'][-1]}"))
    assert item[field]["Value"] == delta[field]


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        ({"DisplayId": "X"}, "read-only"),
        ({"Colour": "red"}, "does not exist"),
        ({"Priority": "Urgent"}, "not known"),
        ({}, "at least one"),
    ],
)
def test_a_bad_delta_changes_nothing(plutora_test: Api, delta: dict[str, Any], words: str) -> None:
    body = {"SearchFilters": [_filter("Status", "Equals", "Open")], "Delta": delta}
    answer = plutora_test.post("/defects/BulkUpdateSearch", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["Status"] == "Fail"
    assert words in " ".join(answer.json()["Messages"])
    search = {"SearchFilters": [_filter("LastModifiedDate", "GreaterThan", "2026-06-01")]}
    assert _ok(plutora_test.post("/defects/search", json=search))["TotalCount"] == 0


def test_a_filter_on_an_unknown_property_names_the_searchable_ones(plutora_test: Api) -> None:
    body = {"SearchFilters": [_filter("Colour", "Equals", "red")]}
    answer = plutora_test.post("/testplan/search", json=body)
    assert answer.status_code == 400
    assert "Test plans have no property 'Colour'" in answer.json()["Messages"][0]

"""Plutora Test beyond defects: examples to copy into your own test repository.

Run them offline with ``pytest --plutora-sim`` (the simulator's seeded requirements, test
cases and plans), or against your site with the ``PLUTORA_TEST_…`` variables set. Each
operation of the client has an example here; ``--plutora-check-links`` checks the items
named in ``@pytest.mark.plutora``, and ``--plutora-test-ui-url`` links them in Allure.
"""

from __future__ import annotations

import pytest

from PlutoraLibrary.core import (
    BulkUpdateIncomplete,
    PlutoraTestClient,
    SearchFilter,
    ValidationFailed,
)


@pytest.mark.plutora(requirement="REQ-0003")
def test_the_test_cases_of_a_requirement_with_their_last_execution(
    plutora_test: PlutoraTestClient,
) -> None:
    requirement = plutora_test.requirement_by_display_id("REQ-0003")
    assert plutora_test.requirement(requirement["Id"]) == requirement
    ids = requirement["TestCaseIds"]
    page = plutora_test.search_test_cases(
        [SearchFilter("Id", "IsWithin", ",".join(ids))], page_size=100, execution_summary=True
    )
    assert sorted(case["Id"] for case in page.items) == sorted(ids)
    for case in page.items:
        last = case["ExecutionSummary"]
        assert last["Passed"] + last["Failed"] + last["Blocked"] == last["TotalRuns"]


def test_requirements_in_testing_or_review(plutora_test: PlutoraTestClient) -> None:
    # The vendor's API user story: POST Requirements/search with IsWithin.
    page = plutora_test.search_requirements([SearchFilter("Status", "IsWithin", "Testing,Review")])
    assert {item["Status"]["Value"] for item in page.items} <= {"Testing", "Review"}
    assert page.total_count == len(page.items)


@pytest.mark.plutora(test_case="TC-0012", defect="DEF-0042")
def test_a_test_case_and_its_defects_by_display_id(plutora_test: PlutoraTestClient) -> None:
    case = plutora_test.test_case_by_display_id("TC-0012")
    assert plutora_test.test_case(case["Id"])["DisplayId"] == "TC-0012"
    for defect_id in case["DefectIds"]:
        assert plutora_test.defect(defect_id)["Id"] == defect_id


def test_active_test_plans_and_their_cases(plutora_test: PlutoraTestClient) -> None:
    plans = plutora_test.search_test_plans([SearchFilter("Status", "Equals", "Active")]).items
    assert plans
    plan = plutora_test.test_plan_by_display_id(plans[0]["DisplayId"])
    assert plutora_test.test_plan(plan["Id"])["TestCaseIds"] == plan["TestCaseIds"]
    automated = list(
        plutora_test.iter_items("test case", [SearchFilter("Type", "Equals", "Automated")])
    )
    assert all(case["Type"]["Value"] == "Automated" for case in automated)


def test_the_values_a_test_case_status_takes(plutora_test: PlutoraTestClient) -> None:
    found = plutora_test.search_category_settings(
        [SearchFilter("EntityType", "Equals", "TestCase"), SearchFilter("Name", "Equals", "Status")]
    ).items
    assert [value["Value"] for value in found[0]["Values"]][:2] == ["Draft", "Ready"]


def test_raise_the_priority_of_a_releases_open_defects(plutora_test: PlutoraTestClient) -> None:
    release = next(
        d["ReleaseId"]
        for d in plutora_test.search_defects([SearchFilter("Status", "Equals", "Open")]).items
        if d["ReleaseId"]
    )
    open_in_release = [
        SearchFilter("Status", "Equals", "Open"),
        SearchFilter("ReleaseId", "Equals", release),
    ]
    preview = plutora_test.bulk_update_defects(open_in_release, {"Priority": "High"}, dry_run=True)
    try:
        done = plutora_test.bulk_update_defects(open_in_release, {"Priority": "High"}, verify=True)
    except BulkUpdateIncomplete as lost:  # the answer was lost: re-run only for what is missing
        pytest.fail(f"{len(lost.not_applied)} defects lack the change: {lost}")
    assert (done.count, done.ids) == (preview.count, preview.ids)
    assert done.verified


def test_bulk_update_requirements_and_test_cases(plutora_test: PlutoraTestClient) -> None:
    approved = plutora_test.bulk_update_requirements(
        [SearchFilter("Status", "Equals", "Review")], {"Status": "Approved"}, verify=True
    )
    assert all(
        plutora_test.requirement(item_id)["Status"]["Value"] == "Approved"
        for item_id in approved.verified
    )
    obsolete = [SearchFilter("Status", "Equals", "Obsolete")]
    lowered = plutora_test.bulk_update_test_cases(obsolete, {"Priority": "Low"})
    assert lowered.count == plutora_test.search_test_cases(obsolete).total_count
    with pytest.raises(ValidationFailed, match="'RequirementIds' is read-only"):
        plutora_test.bulk_update_test_cases(obsolete, {"RequirementIds": []})

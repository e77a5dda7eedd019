"""Tests linked to Plutora Test items, the core part: tags, the marker, links, coverage."""

from __future__ import annotations

import pytest

from PlutoraLibrary.core.errors import NotFound
from PlutoraLibrary.core.item_links import (
    Coverage,
    ItemChecker,
    ItemLinks,
    ItemRef,
    refs_from_marker,
    refs_from_tags,
)

TC12, DEF42 = ItemRef("test_case", "TC-0012"), ItemRef("defect", "DEF-0042")


def test_tags_name_items_in_any_case_and_in_allures_named_form() -> None:
    tags = ["smoke", "tms:tc-0012", "Issue:DEF-0042", "tms:[TC-0012]https://x/TC-0012",
            "requirement:REQ-3", "testplan:TP-003", "owner:me", "tms:"]  # fmt: skip
    assert refs_from_tags(tags) == [
        TC12,
        DEF42,
        ItemRef("requirement", "REQ-3"),
        ItemRef("test_plan", "TP-003"),
    ]


def test_the_marker_takes_one_id_or_a_list_and_names_a_wrong_argument() -> None:
    assert refs_from_marker(test_case="TC-0012", defect=["DEF-0042", "DEF-0042"]) == [TC12, DEF42]
    with pytest.raises(
        ValueError, match="takes test_case, defect, requirement, test_plan, not 'tc'"
    ):
        refs_from_marker(tc="TC-1")
    with pytest.raises(ValueError, match="display ids such as 'TC-0012', not 3"):
        refs_from_marker(test_case=[3])


@pytest.mark.parametrize(
    ("setting", "url"),
    [
        (None, None),
        ("https://acme.plutora.com/test/", "https://acme.plutora.com/test/testcases/TC-0012"),
        ("https://acme.plutora.com/#/item/{id}?type={kind}",
         "https://acme.plutora.com/#/item/TC-0012?type=testcases"),
    ],
)  # fmt: skip
def test_links_come_from_the_ui_address_or_a_pattern(setting: str | None, url: str | None) -> None:
    links = ItemLinks.from_settings(setting)
    assert links.url_for(TC12) == url
    if setting:
        assert links.allure_pattern("defect") == url.replace("TC-0012", "{}").replace(  # type: ignore[union-attr]
            "testcases", "defects"
        )


def test_items_are_looked_up_once_and_the_missing_ones_named() -> None:
    calls: list[str] = []

    def lookup(display_id: str) -> dict[str, str]:
        calls.append(display_id)
        if display_id == "TC-9999":
            raise NotFound("GET", "/testcase/GetByDisplayId/TC-9999", 404, "not found")
        return {"DisplayId": display_id}

    checker = ItemChecker({"test_case": lookup})
    unknown = ItemRef("test_case", "TC-9999")
    assert checker.problem([TC12]) is None
    problem = checker.problem([TC12, unknown])
    assert problem is not None
    assert "do not exist: test case TC-9999." in problem
    assert "check_links (PLUTORA_CHECK_LINKS, --plutora-check-links)" in problem
    checker.problem([unknown])
    assert calls == ["TC-0012", "TC-9999"]


def test_coverage_counts_tests_per_item_and_names_the_failed_ones() -> None:
    coverage = Coverage()
    coverage.add("a", [TC12, DEF42], passed=True)
    coverage.add("b", [TC12], passed=False)
    coverage.add("c", [], passed=False)
    assert coverage.line() == (
        "Plutora Test: 2 items covered by 2 tests; 1 with failed tests: TC-0012 (1 of 2 failed)."
    )
    report = coverage.report(ItemLinks.from_settings("https://ui"))
    assert "TC-0012  test case  FAILED  1 passed, 1 failed  https://ui/testcases/TC-0012" in report
    assert "    failed: b" in report
    assert Coverage().line() == "Plutora Test: 0 items covered by 0 tests."

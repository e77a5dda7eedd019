"""Contract section 4: both list shapes, filter= expressions, search bodies, sort, Limit."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from PlutoraLibrary import contract
from PlutoraLibrary.simulator import PlutoraSimulator, plutora_api, plutora_test_api
from tests.conftest import Api, Control


def _filter(plutora: Api, entity: str, expression: str) -> Any:
    answer = plutora.get(f"/{entity}?filter={quote(expression)}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _search(plutora: Api, entity: str, body: dict[str, Any], status: int = 200) -> Any:
    answer = plutora.post(f"/{entity}/filter", json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def _releases(sim: PlutoraSimulator, items: list[dict[str, Any]] | None = None) -> list[Any]:
    """The whole releases behind list items (which carry six fields only), or every release,
    in the site's order: read from the simulator itself, to judge what the API answered."""
    records = sim.state.releases.records
    if items is None:
        return list(records)
    return [records.get(item["id"]) for item in items]


# -- list shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entity", ["releases", "changes", "environments", "hosts", "organizations", "systems"]
)
def test_a_list_without_page_num_is_a_plain_array(plutora: Api, entity: str) -> None:
    body = plutora.get(f"/{entity}").json()
    assert isinstance(body, list)
    assert body


def test_a_list_with_page_num_is_the_paged_shape(plutora: Api) -> None:
    page = plutora.get("/releases?pageNum=1&recordsPerPage=100").json()
    assert set(page) == {"resultSet", "returnCount", "totalCount", "pageNum", "recordsPerPage"}
    assert page["totalCount"] == 260
    assert page["returnCount"] == len(page["resultSet"]) == 100
    assert (page["pageNum"], page["recordsPerPage"]) == (1, 100)
    last = plutora.get("/releases?pageNum=2&recordsPerPage=100").json()
    assert last["returnCount"] == 60
    ids = {r["id"] for r in plutora.get("/releases").json()}
    every = {
        r["id"]
        for n in range(3)
        for r in plutora.get(f"/releases?pageNum={n}&recordsPerPage=100").json()["resultSet"]
    }
    assert every == ids


def test_a_page_past_the_end_is_blank(plutora: Api) -> None:
    page = plutora.get("/changes?pageNum=99&recordsPerPage=10").json()
    assert page["resultSet"] == []
    assert page["returnCount"] == 0
    assert page["totalCount"] == 300


def test_list_items_carry_the_high_level_fields(plutora: Api) -> None:
    item = plutora.get("/releases").json()[0]
    assert {
        "id",
        "identifier",
        "name",
        "implementationDate",
        "displayColor",
        "plutoraReleaseType",
    } <= set(item)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pageNum=0&recordsPerPage=-1", "recordsPerPage"),
        ("pageNum=-1", "pageNum"),
        ("pageNum=first", "pageNum"),
        ("pageNum=0&recordsPerPage=ten", "recordsPerPage"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(plutora: Api, query: str, field: str) -> None:
    answer = plutora.get(f"/releases?{query}")
    assert answer.status_code == 400
    assert field in answer.json()["modelState"]


@pytest.mark.parametrize(
    ("where", "sent", "message"),
    [
        (
            "query",
            "pageNum=0&recordsPerPage=-1",
            "recordsPerPage must be a whole number from 0 (meaning the default, 100) up, not -1; "
            "more than 100 is capped at 100.",
        ),
        ("query", "pageNum=first", "pageNum must be a whole number from 0 up, not 'first'."),
        (
            "body",
            {"recordsPerPage": -1},
            "recordsPerPage must be a whole number from 0 (meaning the default, 100) up, not -1; "
            "more than 100 is capped at 100.",
        ),
        ("body", {"limit": 0}, "limit must be a whole number from 1 to 10000, not 0."),
        (
            "body",
            {"pageSize": -2},
            "recordsPerPage must be a whole number from 0 (meaning the default, 100) up, not -2; "
            "more than 100 is capped at 100.",
        ),
    ],
)
def test_a_paging_refusal_says_what_is_accepted(
    plutora: Api, where: str, sent: Any, message: str
) -> None:
    if where == "query":
        answer = plutora.get(f"/releases?{sent}")
    else:
        answer = plutora.post("/releases/filter", json=sent)
    assert answer.status_code == 400, answer.text
    assert message in [text for texts in answer.json()["modelState"].values() for text in texts]


def test_paging_rules_are_the_contracts() -> None:
    # Defaults, minimums and caps are read from the contract, for queries and bodies alike.
    for operation in contract.operations("plutora"):
        if operation.operation_id.startswith("list") and operation.method == "GET":
            spec = contract.document("plutora")["paths"][operation.path]["get"]
            schemas = {p["name"]: p["schema"] for p in spec.get("parameters", ())}
            if "recordsPerPage" not in schemas:
                continue
            page, size = plutora_api.paging_of(operation.operation_id)
            assert (size.minimum, size.default, size.cap) == (
                schemas["recordsPerPage"]["minimum"],
                schemas["recordsPerPage"]["default"],
                schemas["recordsPerPage"]["x-cap"],
            )
            assert (page.minimum, page.default) == (0, 0)
    body = contract.schema("plutora", "SearchBody")["properties"]
    assert plutora_api.SEARCH_LIMIT.maximum == body["limit"]["maximum"] == 10_000
    assert plutora_api.SEARCH_SIZE.cap == body["recordsPerPage"]["x-cap"]
    defects = contract.schema("plutora-test", "DefectSearch")["properties"]
    assert plutora_test_api.SEARCH_SIZE.default == defects["RecordsPerPage"]["default"] == 25


@pytest.mark.parametrize(("asked", "answered"), [("0", 100), ("101", 100), ("5000", 100), ("7", 7)])
def test_a_page_size_of_0_is_the_default_and_more_than_100_is_capped(
    plutora: Api, asked: str, answered: int
) -> None:
    # "the maximum number of records returned will be 100 per page" (help page); the vendor's
    # user-stories template and jira-plutora.js send recordsPerPage 0 with pageNum 0.
    page = plutora.get(f"/releases?pageNum=0&recordsPerPage={asked}").json()
    assert (page["recordsPerPage"], page["returnCount"]) == (answered, answered)
    search = _search(plutora, "changes", {"pageNum": 0, "recordsPerPage": int(asked)})
    assert (search["recordsPerPage"], search["returnCount"]) == (answered, answered)


# -- filter= expressions ------------------------------------------------------------------------


def test_equals_by_name_and_by_symbol(plutora: Api) -> None:
    named = _filter(plutora, "releases", "`plutoraReleaseType` Equals `Enterprise`")
    symbol = _filter(plutora, "releases", "`plutoraReleaseType` = `enterprise`")
    assert len(named) == len(symbol) == 20


def test_not_equals(plutora: Api) -> None:
    rows = _filter(plutora, "releases", "`plutoraReleaseType` != `Enterprise`")
    assert len(rows) == 240
    assert len(_filter(plutora, "releases", "`plutoraReleaseType` NotEquals `Enterprise`")) == 240


def test_contains_and_not_contains_ignore_case(plutora: Api) -> None:
    rows = _filter(plutora, "releases", "`name` ~ `PORTAL`")
    assert rows
    assert all("portal" in r["name"].lower() for r in rows)
    others = _filter(plutora, "releases", "`name` NotContains `portal`")
    assert len(rows) + len(others) == 260
    assert _filter(plutora, "releases", "`name` !~ `portal`") == others


def test_greater_and_less_compare_numbers_as_numbers(plutora: Api) -> None:
    assert [c["changeId"] for c in _filter(plutora, "changes", "`changeId` > `297`")] == [
        298,
        299,
        300,
    ]
    assert len(_filter(plutora, "changes", "`changeId` >= `297`")) == 4
    assert len(_filter(plutora, "changes", "`changeId` < `10`")) == 9
    assert len(_filter(plutora, "changes", "`changeId` <= `10`")) == 10
    assert len(_filter(plutora, "changes", "`changeId` LessOrEquals `10`")) == 10
    assert len(_filter(plutora, "changes", "`changeId` GreaterOrEqual `300`")) == 1


def test_dates_compare_as_dates_in_either_style(plutora: Api) -> None:
    later = _filter(plutora, "releases", "`implementationDate` GreaterThan `2026-06-30T00:00:00`")
    same = _filter(
        plutora, "releases", "`implementationDate` > `2026-06-30T00:00:00.0000000+00:00`"
    )
    assert later == same
    assert later
    assert all(r["implementationDate"] > "2026-06-30" for r in later)


def test_is_within_takes_a_comma_list(sim: PlutoraSimulator, plutora: Api) -> None:
    rows = _filter(plutora, "releases", "`releaseStatusType` IsWithin `Complete,Cancelled`")
    assert {r["releaseStatusType"] for r in _releases(sim, rows)} == {"Complete", "Cancelled"}


def test_has_value_and_has_no_value(sim: PlutoraSimulator, plutora: Api) -> None:
    children = _filter(plutora, "releases", "`parentReleaseId` HasValue")
    orphans = _filter(plutora, "releases", "`parentReleaseId` HasNoValue")
    assert children
    assert len(children) + len(orphans) == 260
    assert all(r["parentReleaseId"] for r in _releases(sim, children))


def test_and_binds_tighter_than_or(sim: PlutoraSimulator, plutora: Api) -> None:
    expression = (
        "`plutoraReleaseType` = `Enterprise` OR `plutoraReleaseType` = `Independent` "
        "AND `releaseStatusType` = `Draft`"
    )
    rows = _releases(sim, _filter(plutora, "releases", expression))
    enterprise = [r for r in rows if r["plutoraReleaseType"] == "Enterprise"]
    independent = [r for r in rows if r["plutoraReleaseType"] == "Independent"]
    assert len(enterprise) == 20
    assert independent
    assert all(r["releaseStatusType"] == "Draft" for r in independent)


def test_keywords_and_operators_ignore_case(plutora: Api) -> None:
    rows = _filter(
        plutora, "releases", "`PLUTORARELEASETYPE` equals `ENTERPRISE` and `name` CONTAINS `a`"
    )
    assert rows
    assert all(r["plutoraReleaseType"] == "Enterprise" for r in rows)


def test_a_filter_combines_with_paging(plutora: Api) -> None:
    expression = quote("`plutoraReleaseType` = `Integrated`")
    page = plutora.get(f"/releases?filter={expression}&pageNum=1&recordsPerPage=50").json()
    assert page["totalCount"] == 140
    assert page["returnCount"] == 50


def test_an_unknown_field_is_the_documented_500(plutora: Api) -> None:
    answer = plutora.get("/releases?filter=" + quote("`colour` = `red`"))
    assert answer.status_code == 500
    assert answer.json() == {
        "message": "An error has occurred.",
        "exceptionMessage": "No property or field 'colour' exists in type 'Release'",
    }


@pytest.mark.parametrize(
    "expression",
    [
        "`name` Resembles `x`",
        "name = `x`",
        "`name` =",
        "`name` = `x` AND",
        "`name` = `x` `y`",
        "(`name` = `x`",
        "`name` = `x`)",
        "( )",
        "",
        "`name` = x",
        "`changeId` > `many`",
    ],
)
def test_a_malformed_expression_is_a_400_that_explains(plutora: Api, expression: str) -> None:
    answer = plutora.get("/changes?filter=" + quote(expression))
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["message"] == "The request is invalid."
    assert body["modelState"]


# -- POST /{releases|changes}/filter ---------------------------------------------------------------


def test_search_filters_with_paging_and_sorting(plutora: Api) -> None:
    body = {
        "searchFilters": [
            {
                "property": "plutoraReleaseType",
                "operator": "Equals",
                "value": "Integrated",
                "direction": None,
            },
            {"property": "identifier", "direction": "DESC"},
        ],
        "recordsPerPage": 50,
        "pageNum": 0,
    }
    page = _search(plutora, "releases", body)
    assert page["totalCount"] == 140
    assert page["returnCount"] == 50
    identifiers = [r["identifier"] for r in page["resultSet"]]
    assert identifiers == sorted(identifiers, key=str.lower, reverse=True)


def test_a_sort_only_filter_sorts_without_filtering(plutora: Api) -> None:
    page = _search(
        plutora,
        "changes",
        {"searchFilters": [{"property": "ChangeId", "direction": "DESC"}], "recordsPerPage": 5},
    )
    assert page["totalCount"] == 300
    assert [c["changeId"] for c in page["resultSet"]] == [300, 299, 298, 297, 296]


def test_the_changes_help_page_spelling_is_accepted(plutora: Api) -> None:
    body = {
        "SearchFilters": [
            {"Direction": "DESC", "Operator": "Contains", "Property": "Status", "Value": "N/A"},
            {"Operator": "Equals", "Property": "priority", "Value": "N/A"},
            {"Direction": "DESC", "Property": "ChangeId"},
        ],
        "PageSize": 10,
        "Page": 0,
    }
    page = _search(plutora, "changes", body)
    for change in page["resultSet"]:
        assert change["changeStatus"] == "N/A"
        assert change["changePriority"] == "N/A"
    assert page["recordsPerPage"] == 10


def test_limit_caps_the_records_paged_through(plutora: Api) -> None:
    body = {
        "searchFilters": [{"property": "changeId", "direction": "ASC"}],
        "Limit": 30,
        "PageSize": 25,
        "Page": 1,
    }
    page = _search(plutora, "changes", body)
    assert page["totalCount"] == 30
    assert [c["changeId"] for c in page["resultSet"]] == list(range(26, 31))


def test_without_limit_at_most_10000_records_are_paged(plutora: Api) -> None:
    assert _search(plutora, "changes", {})["totalCount"] == 300
    answer = plutora.post("/changes/filter", json={"Limit": 10001})
    assert answer.status_code == 400
    assert "limit" in answer.json()["modelState"]


@pytest.mark.parametrize(
    ("operator", "value", "check"),
    [
        ("Equals", "Draft", lambda r: r["releaseStatusType"] == "Draft"),
        ("NotEquals", "Draft", lambda r: r["releaseStatusType"] != "Draft"),
        ("Contains", "prog", lambda r: "prog" in r["releaseStatusType"].lower()),
        ("NotContains", "a", lambda r: "a" not in r["releaseStatusType"].lower()),
        ("StartsWith", "c", lambda r: r["releaseStatusType"][0] == "C"),
        ("IsWithin", "Draft,Active", lambda r: r["releaseStatusType"] in ("Draft", "Active")),
        ("IsWithin", ["Draft", "Active"], lambda r: r["releaseStatusType"] in ("Draft", "Active")),
        ("NotWithin", "Draft,Active", lambda r: r["releaseStatusType"] not in ("Draft", "Active")),
        ("GreaterThan", "D", lambda r: r["releaseStatusType"].lower() > "d"),
        ("GreaterOrEqual", "Draft", lambda r: r["releaseStatusType"].lower() >= "draft"),
        ("LessThan", "Complete", lambda r: r["releaseStatusType"].lower() < "complete"),
        ("LessOrEqual", "Complete", lambda r: r["releaseStatusType"].lower() <= "complete"),
    ],
)
def test_every_search_operator(
    sim: PlutoraSimulator, plutora: Api, operator: str, value: Any, check: Any
) -> None:
    body = {
        "searchFilters": [{"property": "releaseStatusType", "operator": operator, "value": value}],
        "recordsPerPage": 100,
    }
    page = _search(plutora, "releases", body)
    every = _releases(sim)
    expected = [r["id"] for r in every if check(r)]
    assert page["totalCount"] == len(expected) > 0
    assert [r["id"] for r in page["resultSet"]] == expected[:100]


def test_several_filters_are_anded(sim: PlutoraSimulator, plutora: Api) -> None:
    body = {
        "searchFilters": [
            {"property": "status", "operator": "Equals", "value": "Draft"},
            {"property": "type", "operator": "Equals", "value": "Major"},
            {"property": "plutoraReleaseType", "operator": "Equals", "value": "Independent"},
        ]
    }
    page = _search(plutora, "releases", body)
    assert page["totalCount"] > 0
    for item in _releases(sim, page["resultSet"]):
        assert (item["releaseStatusType"], item["releaseType"], item["plutoraReleaseType"]) == (
            "Draft",
            "Major",
            "Independent",
        )


@pytest.mark.parametrize(
    "body",
    [
        {"searchFilters": [{"property": "name", "operator": "Resembles", "value": "x"}]},
        {"SearchFilters": [{"Property": "ChangeId", "Operator": "LessOrEquaEqual", "Value": "3"}]},
        {"searchFilters": [{"property": "name", "operator": "Equals"}]},
        {"searchFilters": [{"property": "name", "value": "x"}]},
        {"searchFilters": [{"operator": "Equals", "value": "x"}]},
        {"searchFilters": [{"property": "name", "direction": "UP"}]},
        {"searchFilters": "name = x"},
        {"searchFilters": [{"property": "name", "operator": "Equals", "value": {"a": 1}}]},
        {"recordsPerPage": -1},
        {"pageNum": -3},
        {"recordsPerPage": "many"},
        [1, 2, 3],
    ],
)
def test_a_bad_search_body_is_a_400(plutora: Api, body: Any) -> None:
    answer = plutora.post("/releases/filter", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"] == "The request is invalid."


def test_a_search_on_an_unknown_property_is_the_documented_500(plutora: Api) -> None:
    answer = plutora.post(
        "/changes/filter", json={"searchFilters": [{"property": "colour", "direction": "ASC"}]}
    )
    assert answer.status_code == 500
    assert (
        answer.json()["exceptionMessage"] == "No property or field 'colour' exists in type 'Change'"
    )


def test_change_display_names_in_the_newer_spelling(plutora: Api, control: Control) -> None:
    control.settings(changeDisplayNames="named")
    change = plutora.get("/changes").json()[0]
    assert "changeStatusName" in change
    assert "changeStatus" not in change
    page = _search(
        plutora,
        "changes",
        {"searchFilters": [{"property": "changeStatusName", "operator": "Equals", "value": "N/A"}]},
    )
    assert all(c["changeStatusName"] == "N/A" for c in page["resultSet"])

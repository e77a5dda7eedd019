"""The Plutora Test (formerly Stryka) API's HTTP face: defects in their envelope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .backends import Invalid, ModelState, NotFound, RulesBroken
from .backends.defects import SEARCHABLE, WRITABLE
from .backends.test_items import (
    CATEGORY_SETTING,
    REQUIREMENT,
    TEST_CASE,
    TEST_PLAN,
    ItemKind,
    ItemsBackend,
    searchable,
)
from .parameters import body_property
from .plutora_api import me
from .protocol import Call, Handler, Reply, envelope, test_failure
from .query import SEARCH_OPERATORS, QueryError, UnknownField, field_of, parse_search_filters
from .routing import BodySpec
from .shapes import shape
from .token_server import token_handler

#: Paging of a defect search, as the contract's ``DefectSearch`` describes it: ``PageNum``
#: from 0, ``RecordsPerPage`` 0 for the default page size (25) and capped at 100.
SEARCH_PAGE = body_property("plutora-test", "DefectSearch", "PageNum")
SEARCH_SIZE = body_property("plutora-test", "DefectSearch", "RecordsPerPage")
#: A defect as every answer carries it (inside the envelope's ``Data``).
DEFECT = shape("plutora-test", "Defect")


def render_error(error: Exception) -> Reply:
    """The Plutora Test API's answer (a ``Status: "Fail"`` envelope) to what a backend or the
    query engine raised."""
    if isinstance(error, NotFound):
        return test_failure(404, error.message).reply
    if isinstance(error, Invalid):
        messages = [message for found in error.problems.values() for message in found]
        return test_failure(400, *messages).reply
    if isinstance(error, RulesBroken):
        return test_failure(400, *error.messages).reply
    if isinstance(error, QueryError):
        return test_failure(400, error.message).reply
    if isinstance(error, UnknownField):
        kind = _KINDS.get(error.entity)
        if kind is not None:
            return test_failure(
                400,
                f"{kind.label.capitalize()}s have no property '{error.name}'. "
                f"Search on one of: {', '.join(searchable(kind))}.",
            ).reply
        return test_failure(
            400,
            f"Defects have no property '{error.name}'. Search on one of: {', '.join(SEARCHABLE)}.",
        ).reply
    raise error


def search_defects(call: Call) -> Reply:
    """``POST /defects/search``: filters, sort, ``PageNum`` and ``RecordsPerPage`` (25)."""
    body = call.body
    filters = parse_search_filters(field_of(body, "SearchFilters"), SEARCH_OPERATORS)
    page = SEARCH_PAGE.read(field_of(body, "PageNum"))
    size = SEARCH_SIZE.read(field_of(body, "RecordsPerPage"))
    chunk, total = call.state.defects.search(filters, page, size)
    data = {
        "ResultSet": [DEFECT(defect) for defect in chunk],
        "TotalCount": total,
        "PageNum": page,
        "RecordsPerPage": size,
    }
    return Reply(200, envelope(data))


def get_defect(call: Call) -> Reply:
    """``GET /defects/{id}``: the defect in the envelope (a 404 ``Fail`` when unknown)."""
    return Reply(200, envelope(DEFECT(call.state.defects.get(call.params["id"]))))


def get_defect_by_display_id(call: Call) -> Reply:
    """``GET /defects/GetByDisplayId/{displayId}``: a one-item array in the envelope.
    Example: ``GET /defects/GetByDisplayId/DEF-0001``."""
    defect = call.state.defects.by_display_id(call.params["displayId"])
    return Reply(200, envelope([DEFECT(defect)]))


def patch_defect(call: Call) -> Reply:
    """``PATCH /defects/{id}``: change only the properties named; all or nothing."""
    defect = call.state.defects.patch(call.params["id"], call.body, ModelState("", call.problems))
    return Reply(200, envelope(DEFECT(defect)))


#: The handler of each operation of the contract (``plutora-test.openapi.json``).
HANDLERS: dict[str, Handler] = {
    "getToken": token_handler("plutora-test"),
    "getCurrentUser": me,
    "searchDefects": search_defects,
    "getDefect": get_defect,
    "patchDefect": patch_defect,
    "getDefectByDisplayId": get_defect_by_display_id,
}
#: How the body of each operation that takes one is read.
BODIES: dict[str, BodySpec] = {
    "searchDefects": BodySpec("", "The body must be a JSON object with SearchFilters.", {}),
    "patchDefect": BodySpec(
        "",
        "The defect delta must be a JSON object naming at least one property to change. "
        f"Writable properties: {', '.join(WRITABLE)}.",
        merge=True,
    ),
}


# -- beyond defects (issue 19) -----------------------------------------------------------

_KINDS = {kind.schema: kind for kind in (REQUIREMENT, TEST_CASE, TEST_PLAN, CATEGORY_SETTING)}
_Backend = Callable[[Call], ItemsBackend]


def _requirements(call: Call) -> ItemsBackend:
    return call.state.test_management.requirements


def _test_cases(call: Call) -> ItemsBackend:
    return call.state.test_management.test_cases


def _test_plans(call: Call) -> ItemsBackend:
    return call.state.test_management.test_plans


def _category_settings(call: Call) -> ItemsBackend:
    return call.state.test_management.category_settings


def _searcher(backend: _Backend, render: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
    """A search handler as the defect search: filters, sort, ``PageNum``, ``RecordsPerPage``."""

    def search(call: Call) -> Reply:
        body = call.body
        filters = parse_search_filters(field_of(body, "SearchFilters"), SEARCH_OPERATORS)
        page = SEARCH_PAGE.read(field_of(body, "PageNum"))
        size = SEARCH_SIZE.read(field_of(body, "RecordsPerPage"))
        chunk, total = backend(call).search(filters, page, size)
        data = {
            "ResultSet": [render(item) for item in chunk],
            "TotalCount": total,
            "PageNum": page,
            "RecordsPerPage": size,
        }
        return Reply(200, envelope(data))

    return search


def _getter(backend: _Backend, render: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
    def get(call: Call) -> Reply:
        return Reply(200, envelope(render(backend(call).get(call.params["id"]))))

    return get


def _display_getter(
    backend: _Backend, render: Callable[[dict[str, Any]], dict[str, Any]]
) -> Handler:
    def get(call: Call) -> Reply:
        return Reply(200, envelope([render(backend(call).by_display_id(call.params["displayId"]))]))

    return get


def _bulk_data(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"UpdatedCount": len(items), "UpdatedIds": [item["Id"] for item in items]}


def _bulk_updater(update: Callable[[Call, list[Any], Any, ModelState], list[Any]]) -> Handler:
    """``POST …/BulkUpdateSearch``: the filters select, ``Delta`` changes every match, all or
    nothing; the answer says how many changed and which."""

    def bulk(call: Call) -> Reply:
        body = call.body
        filters = parse_search_filters(field_of(body, "SearchFilters"), SEARCH_OPERATORS)
        delta = field_of(body, "Delta")
        model = ModelState("Delta", call.problems)
        if not isinstance(delta, dict) or not delta:
            model.problems.setdefault("Delta", []).append(
                "Delta must be an object naming at least one property to change."
            )
        model.check()
        return Reply(200, envelope(_bulk_data(update(call, filters, delta, model))))

    return bulk


REQUIREMENT_SHAPE = shape("plutora-test", "Requirement")
TEST_CASE_SHAPE = shape("plutora-test", "TestCase")
TEST_CASE_WITH_SUMMARY = shape("plutora-test", "TestCaseWithExecutionSummary")
TEST_PLAN_SHAPE = shape("plutora-test", "TestPlan")
CATEGORY_SETTING_SHAPE = shape("plutora-test", "CategorySetting")


def _bulk_body(kind: ItemKind | None) -> BodySpec:
    writable = kind.writable if kind is not None else WRITABLE
    return BodySpec(
        "",
        "The body must be a JSON object with SearchFilters and a Delta naming at least one "
        f"property to change. Writable properties: {', '.join(writable)}.",
        merge=True,
    )


HANDLERS.update(
    {
        "bulkUpdateDefects": _bulk_updater(
            lambda call, filters, delta, model: call.state.defects.bulk_update(
                filters, delta, model
            )
        ),
        "searchRequirements": _searcher(_requirements, REQUIREMENT_SHAPE),
        "bulkUpdateRequirements": _bulk_updater(
            lambda call, filters, delta, model: _requirements(call).bulk_update(
                filters, delta, model
            )
        ),
        "getRequirement": _getter(_requirements, REQUIREMENT_SHAPE),
        "getRequirementByDisplayId": _display_getter(_requirements, REQUIREMENT_SHAPE),
        "searchTestCases": _searcher(_test_cases, TEST_CASE_SHAPE),
        "searchTestCasesWithExecutionSummary": _searcher(_test_cases, TEST_CASE_WITH_SUMMARY),
        "bulkUpdateTestCases": _bulk_updater(
            lambda call, filters, delta, model: _test_cases(call).bulk_update(filters, delta, model)
        ),
        "getTestCase": _getter(_test_cases, TEST_CASE_SHAPE),
        "getTestCaseByDisplayId": _display_getter(_test_cases, TEST_CASE_SHAPE),
        "searchTestPlans": _searcher(_test_plans, TEST_PLAN_SHAPE),
        "getTestPlan": _getter(_test_plans, TEST_PLAN_SHAPE),
        "getTestPlanByDisplayId": _display_getter(_test_plans, TEST_PLAN_SHAPE),
        "searchCategorySettings": _searcher(_category_settings, CATEGORY_SETTING_SHAPE),
    }
)
_SEARCH_BODY = BodySpec("", "The body must be a JSON object with SearchFilters.", {})
BODIES.update(
    {
        "bulkUpdateDefects": _bulk_body(None),
        "bulkUpdateRequirements": _bulk_body(REQUIREMENT),
        "bulkUpdateTestCases": _bulk_body(TEST_CASE),
        "searchRequirements": _SEARCH_BODY,
        "searchTestCases": _SEARCH_BODY,
        "searchTestCasesWithExecutionSummary": _SEARCH_BODY,
        "searchTestPlans": _SEARCH_BODY,
        "searchCategorySettings": _SEARCH_BODY,
    }
)

"""The Plutora Test (formerly Stryka) API's HTTP face: defects in their envelope."""

from __future__ import annotations

from .backends import Invalid, ModelState, NotFound, RulesBroken
from .backends.defects import SEARCHABLE, WRITABLE
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

"""Any API call, names instead of ids, custom fields by name, and cleaning up what a suite
created."""

from __future__ import annotations

import ast
import json as _json
from typing import Any

from robot.api import logger
from robot.api.deco import keyword

from ..core import Product
from ..core.api_call import ApiResponse
from ..core.created import DeletionReport, delete_created
from .context import PlutoraContext


def product_of(value: Product | str) -> Product:
    """``plutora``, ``plutora-test``, ``Plutora Test`` or ``PLUTORA_TEST`` as a product."""
    if isinstance(value, Product):
        return value
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    for product in Product:
        if product.value == text:
            return product
    raise ValueError(f"product must be plutora or plutora-test, not {value!r}.")


def literal_dict(text: str, name: str) -> dict[str, Any]:
    """A Python dictionary literal (``{'a': 1}``) given as text, as Robot converts one."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a dictionary, e.g. {name}={{'a': '1'}}, not {text!r}.")
    return value


def json_body(text: str) -> Any:
    """A JSON body given as text: JSON (``{"a": true}``) or a Python literal (``{'a': True}``)."""
    try:
        return _json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(
            f'json must be a dictionary, a list, or JSON text such as {{"version": "2.4.1"}}, '
            f"not {text[:60]!r}."
        ) from None


class ApiCallKeywords:
    """Keywords for any call, names, custom fields and clean-up."""

    def __init__(self, context: PlutoraContext) -> None:
        self.context = context

    @keyword("Call Plutora API", tags=["generic"])
    def call_plutora_api(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | list[Any] | str | None = None,
        data: dict[str, Any] | str | None = None,
        files: dict[str, Any] | None = None,
        product: str = "plutora",
        expected_status: int | str | list[int] | None = None,
    ) -> ApiResponse:
        """Sends any call to the Plutora API (or, with ``product=plutora-test``, the Plutora
        Test API) and returns the answer: ``${r.status}`` or ``${r}[status]``, ``headers``,
        ``json`` (the parsed body) and ``text``.

        The call gets what the named keywords get: the token, the rate limit, retries only
        where safe (a GET, PUT or DELETE; a POST or PATCH whose answer is lost fails with
        ``OutcomeUnknown`` and is never sent twice), masking in the log and, where the contract
        knows the operation, the answer checked against its schema.

        ``path`` is below the API's base URL (``layers/${id}``). The body is ``json`` (a
        dictionary, a list, or JSON text), a form
        (``data``) or ``files`` (a dictionary of field name to a file's path). ``params`` is
        the query. ``expected_status`` is any 2xx by default; give one status (``404``),
        several (``200, 204``) or ``any`` for negative tests. Another status fails with the
        typed error the named keywords fail with (``NotFound: …``), or ``UnexpectedStatus``
        for a success not expected. A record a POST created is remembered for
        `Delete Created Items`.

        | ${layer} =         | Call Plutora API | GET | layers/${id} |
        | VAR                | &{body} | &{layer.json} | version=2.4.1 |
        | ${r} =             | Call Plutora API | PUT | layers/${id} | json=${body} |
        | Should Be Equal    | ${r.status} | ${204} |
        | ${gone} =          | Call Plutora API | GET | releases/no-such-id | expected_status=404 |
        | ${page} =          | Call Plutora API | GET | systems | params={'pageNum': 0, 'recordsPerPage': 5} |
        | Should Be Equal    | ${page}[json][returnCount] | ${5} |
        """
        client = self.context.client(product_of(product))
        if isinstance(data, str) and data.lstrip().startswith("{"):
            data = literal_dict(data, "data")
        if isinstance(json, str):
            json = json_body(json)
        response: ApiResponse = client.call(
            method,
            path,
            params=params,
            json=json,
            data=data,
            files=files,
            expected_status=expected_status,
        )
        if response.note:
            logger.info(response.note)
        return response

    @keyword(tags=["names"])
    def get_id_by_name(self, entity: str, name: str) -> str:
        """Returns the id of the one record of kind ``entity`` with that name, ignoring case:
        ``systems``, ``environments``, ``hosts``, ``organizations``, ``changes``, ``TECRs``
        and ``TEBRs`` by ``name``; ``releases`` by ``identifier`` or ``name``; ``users`` by
        ``userName`` or ``email``. The id is kept for the run until the library sends a write.
        Fails with ``NameNotFound`` naming the closest names, or ``NameAmbiguous``.

        | ${sit} =    | Get Id By Name | environments | SIT1 |
        | ${hosts} =  | Get Hosts | filter=\\`environmentID\\` Equals \\`${sit}\\` |
        | ${user} =   | Get Id By Name | users | avery.chen@example.com |
        """
        return self.context.plutora.id_of(entity, name)

    @keyword(tags=["names", "lookups"])
    def get_lookup_id(self, lookup_type: str, value: str) -> str:
        """Returns the id of a lookup value, ignoring case; fails with ``NameNotFound``
        listing the type's values when none matches.

        | ${draft} =    | Get Lookup Id | ReleaseStatusType | Draft |
        """
        return self.context.plutora.lookup_id(lookup_type, value)

    @keyword(tags=["custom fields"])
    def get_custom_fields(self, entity: str, record_id: str) -> list[dict[str, Any]]:
        """Returns every custom field (``additionalInformation``) of a ``release``,
        ``change``, ``system``, ``environment``, ``TECR`` or ``TEBR``, as the API sends them.

        | ${fields} =    | Get Custom Fields | release | ${id} |
        """
        return self.context.plutora.custom_fields(entity, record_id)

    @keyword(tags=["custom fields"])
    def get_custom_field(self, entity: str, record_id: str, name: str) -> Any:
        """Returns one custom field's value by the field's name (case ignored), in the form
        it is set in: text, a whole number, a decimal, a date (``2027-01-31``, though the API
        sends ``2027-01-31T00:00:00``), a time (``17:30:00``), a date and time
        (``2027-01-30T09:15:00``), a list item's text, or a list of texts for a multi-select
        list.

        | ${owner} =         | Get Custom Field | release | ${id} | Risk Owner |
        | Set Custom Fields  | release | ${id} | Go-live=2027-01-31 |
        | ${go_live} =       | Get Custom Field | release | ${id} | Go-live |
        | Should Be Equal    | ${go_live} | 2027-01-31 |
        """
        return self.context.plutora.custom_field(entity, record_id, name)

    @keyword(tags=["custom fields"])
    def set_custom_fields(self, entity: str, record_id: str, **values: Any) -> dict[str, Any]:
        """Sets custom fields by name (``Name=value``, names may hold spaces), each converted
        to its field's data type: text, a whole number, a decimal, a date (``2027-01-31``), a
        time (``17:30``), a date and time, a list item by its text, or several list items
        (``Web, iOS``). A value a field cannot take, such as a list item it does not offer,
        fails with ``CustomFieldRefused`` naming the allowed items before anything is sent.
        Returns the values set.

        | Set Custom Fields    | release | ${id} | Risk Owner=QA | Go-live=2027-01-31 |
        | Run Keyword And Expect Error | CustomFieldRefused: *QA, Development* | Set Custom Fields | release | ${id} | Risk Owner=Nobody |
        """
        return self.context.plutora.set_custom_fields(entity, record_id, values)

    @keyword(tags=["clean-up"])
    def delete_created_items(self, fail_on_error: bool = False) -> list[str]:
        """Deletes what this run created through the library (copies, records a POST of
        `Call Plutora API` created), newest first, and returns what was deleted. A record
        already gone counts as deleted. What could not be deleted is logged as a warning (or
        fails the keyword with ``fail_on_error=True``) and stays remembered. Opt-in: call it
        in a suite teardown.

        | Suite Teardown    | Delete Created Items |
        """
        report = DeletionReport()
        for client, _created in self.context.clients_with_created():
            found = delete_created(client)
            report.deleted += found.deleted
            report.failed += found.failed
        logger.info(report.summary())
        for failure in report.failed:
            logger.warn(f"Delete Created Items could not delete {failure}")
        if report.failed and fail_on_error:
            raise AssertionError(report.summary())
        return report.deleted

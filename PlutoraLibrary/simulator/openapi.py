"""The simulator's OpenAPI 3.0 descriptions of both APIs (served at ``{api}/swagger/docs/v1``).

The response schemas describe exactly what the simulator sends, so a property-based run
(schemathesis) checks the simulator against its own description.
"""

from __future__ import annotations

from typing import Any

from .query import SEARCH_OPERATORS

Schema = dict[str, Any]

_GUID: Schema = {"type": "string", "format": "uuid"}
_NULL_GUID: Schema = {"type": "string", "format": "uuid", "nullable": True}
_TEXT: Schema = {"type": "string"}
_NULL_TEXT: Schema = {"type": "string", "nullable": True}
_DATE: Schema = {
    "type": "string",
    "description": "ISO 8601, with or without offset and fraction",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$",
}
_NULL_DATE: Schema = {**_DATE, "nullable": True}
_MESSAGE: Schema = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": _TEXT},
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], properties: dict[str, Schema]) -> Schema:
    return {"type": "object", "required": required, "properties": properties}


def _all_required(properties: dict[str, Schema]) -> Schema:
    return _object(list(properties), properties)


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS: dict[str, Any] = {
    "401": _json(_ref("Message"), "Missing, malformed, unknown or expired token"),
    "403": _json(_ref("Message"), "Caller's IP address is not on the whitelist"),
    "429": _json(_ref("Message"), "API request limit exceeded; see Retry-After"),
}
_INVALID = _json(_ref("Invalid"), "The request is invalid (modelState says why)")
_NOT_FOUND = _json(_ref("Message"), "No record with that id")
_UNKNOWN_FIELD = _json(_ref("ServerError"), "Filter or sort on a field the entity does not have")
_MEDIA = _json(_ref("Message"), "Unsupported media type")


def _id_param(name: str = "id") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


_LIST_PARAMS = [
    {
        "name": "filter",
        "in": "query",
        "required": False,
        "description": "`field` Operator `value` terms joined by AND / OR",
        "schema": {"type": "string"},
    },
    {
        "name": "pageNum",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    },
    {
        "name": "recordsPerPage",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]


def _op(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**responses, **_ERRORS}, **extra}


def _list_op(summary: str, item: str) -> dict[str, Any]:
    either = {"oneOf": [_array(_ref(item)), _ref(f"{item}Page")]}
    return _op(
        summary,
        {
            "200": _json(either, "A plain array, or the paged shape with pageNum"),
            "400": _INVALID,
            "500": _UNKNOWN_FIELD,
        },
        parameters=_LIST_PARAMS,
    )


def _get_op(summary: str, item: str) -> dict[str, Any]:
    return _op(
        summary, {"200": _json(_ref(item), "Found"), "404": _NOT_FOUND}, parameters=[_id_param()]
    )


def _body(schema: Schema) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema}},
    }


def _page(item: str) -> Schema:
    return _all_required(
        {
            "resultSet": _array(_ref(item)),
            "returnCount": {"type": "integer"},
            "totalCount": {"type": "integer"},
            "pageNum": {"type": "integer"},
            "recordsPerPage": {"type": "integer"},
        }
    )


_SEARCH_FILTER: Schema = {
    "type": "object",
    "properties": {
        "property": _TEXT,
        "operator": {
            "type": "string",
            "enum": list(SEARCH_OPERATORS.values()),
            "nullable": True,
        },
        "value": {"nullable": True},
        "direction": {"type": "string", "enum": ["ASC", "DESC"], "nullable": True},
    },
    "required": ["property"],
}
_SEARCH_BODY: Schema = {
    "type": "object",
    "properties": {
        "searchFilters": _array(_SEARCH_FILTER),
        "recordsPerPage": {"type": "integer", "minimum": 1, "maximum": 100},
        "pageNum": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 10000},
    },
}
_RELEASE: dict[str, Schema] = {
    "id": _GUID,
    "identifier": _TEXT,
    "name": _TEXT,
    "summary": _NULL_TEXT,
    "releaseTypeId": _NULL_GUID,
    "releaseType": _NULL_TEXT,
    "location": _NULL_TEXT,
    "releaseStatusTypeId": _NULL_GUID,
    "releaseStatusType": _NULL_TEXT,
    "releaseRiskLevelId": _NULL_GUID,
    "releaseRiskLevel": _NULL_TEXT,
    "implementationDate": _DATE,
    "displayColor": _NULL_TEXT,
    "organizationId": _NULL_GUID,
    "organization": _NULL_TEXT,
    "managerId": _NULL_GUID,
    "manager": _NULL_TEXT,
    "parentReleaseId": _NULL_GUID,
    "parentRelease": _NULL_TEXT,
    "plutoraReleaseType": {"type": "string", "enum": ["Enterprise", "Integrated", "Independent"]},
    "releaseProjectType": {"type": "string", "enum": ["IsProject", "NotIsProject", "None"]},
    "lastModifiedDate": _DATE,
    "additionalInformation": _array({"type": "object"}),
}
_RELEASE_INPUT: Schema = {
    "type": "object",
    "required": [
        "identifier",
        "name",
        "implementationDate",
        "releaseStatusTypeId",
        "plutoraReleaseType",
    ],
    "properties": {
        **{key: value for key, value in _RELEASE.items() if key != "plutoraReleaseType"},
        "plutoraReleaseType": {
            "type": "string",
            "enum": ["Integrated", "Independent", "Project", "Enterprise"],
        },
    },
}
_CHANGE_NAMES = [
    "changePriority",
    "changeStatus",
    "changeType",
    "changeDeliveryRisk",
    "changeTheme",
]
_CHANGE: Schema = {
    "type": "object",
    "required": [
        "id",
        "changeId",
        "name",
        "changeStatusId",
        "changePriorityId",
        "lastModifiedDate",
    ],
    "properties": {
        "id": _GUID,
        "changeId": {"type": "integer"},
        "name": _TEXT,
        "businessValueScore": {"type": "integer", "nullable": True},
        "raisedById": _NULL_GUID,
        "raisedBy": _NULL_TEXT,
        "raisedDate": _NULL_DATE,
        "organizationId": _NULL_GUID,
        "organization": _NULL_TEXT,
        "expectedDeliveryDate": _NULL_DATE,
        "description": _NULL_TEXT,
        "descriptionSimple": _NULL_TEXT,
        "lastModifiedDate": _DATE,
        "lastModifiedBy": _NULL_TEXT,
        "additionalInformation": _array({"type": "object"}),
        "stakeholders": _array({"type": "object"}),
        "systems": _array({"type": "object"}),
        "deliveryReleases": _array({"type": "object"}),
        **{name + "Id": _NULL_GUID for name in _CHANGE_NAMES},
        **{name: _NULL_TEXT for name in _CHANGE_NAMES},
        **{name + "Name": _NULL_TEXT for name in _CHANGE_NAMES},
    },
}
_CHANGE_INPUT: Schema = {
    "type": "object",
    "required": ["name", "changeStatusId", "changePriorityId", "changeTypeId"],
    "properties": {key: value for key, value in _CHANGE["properties"].items() if key != "changeId"},
}
_LAYER = _all_required(
    {
        "id": _GUID,
        "componentName": _TEXT,
        "version": _NULL_TEXT,
        "hostID": _GUID,
        "environmentID": _GUID,
        "stackLayerID": _GUID,
        "stackLayer": _TEXT,
        "stackLayerType": _TEXT,
    }
)
_HOST = _all_required(
    {"id": _GUID, "name": _TEXT, "environmentID": _GUID, "layers": _array(_ref("Layer"))}
)
_ENVIRONMENT = _object(
    ["id", "name", "hosts"],
    {
        "id": _GUID,
        "name": _TEXT,
        "description": _NULL_TEXT,
        "url": _NULL_TEXT,
        "vendor": _NULL_TEXT,
        "linkedSystemId": _NULL_GUID,
        "linkedSystem": _NULL_TEXT,
        "usageWorkItem": _NULL_TEXT,
        "environmentStatus": _NULL_TEXT,
        "color": _NULL_TEXT,
        "isSharedEnvironment": {"type": "boolean"},
        "hosts": _array(_ref("Host")),
    },
)
_LOOKUP_ITEM = _object(
    ["id", "value", "sortOrder", "type"],
    {
        "id": _GUID,
        "value": _TEXT,
        "sortOrder": {"type": "integer"},
        "type": _TEXT,
        "isEndState": {"type": "boolean", "description": "ReleaseStatusType only"},
    },
)
_PLUTORA_SCHEMAS: dict[str, Schema] = {
    "Message": _MESSAGE,
    "Invalid": _object(
        ["message", "modelState"],
        {"message": _TEXT, "modelState": {"type": "object", "additionalProperties": _array(_TEXT)}},
    ),
    "ServerError": _all_required({"message": _TEXT, "exceptionMessage": _TEXT}),
    "Release": _all_required(_RELEASE),
    "ReleaseListItem": _object(
        ["id", "identifier", "name", "implementationDate", "displayColor", "plutoraReleaseType"],
        {key: _RELEASE[key] for key in _RELEASE},
    ),
    "ReleaseListItemPage": _page("ReleaseListItem"),
    "ReleaseInput": _RELEASE_INPUT,
    "Change": _CHANGE,
    "ChangePage": _page("Change"),
    "ChangeInput": _CHANGE_INPUT,
    "SearchBody": _SEARCH_BODY,
    "Environment": _ENVIRONMENT,
    "EnvironmentPage": _page("Environment"),
    "Host": _HOST,
    "HostPage": _page("Host"),
    "Layer": _LAYER,
    "LookupType": _all_required({"name": _TEXT, "description": _TEXT}),
    "LookupItem": _LOOKUP_ITEM,
    "Organization": _all_required({"id": _GUID, "name": _TEXT, "type": _NULL_TEXT}),
    "OrganizationPage": _page("Organization"),
    "System": _all_required(
        {
            "id": _GUID,
            "name": _TEXT,
            "vendor": _NULL_TEXT,
            "status": _NULL_TEXT,
            "organizationId": _NULL_GUID,
            "organization": _NULL_TEXT,
            "description": _NULL_TEXT,
        }
    ),
    "SystemPage": _page("System"),
}


def _search_op(summary: str, item: str) -> dict[str, Any]:
    return _op(
        summary,
        {
            "200": _json(_ref(f"{item}Page"), "One page of matches"),
            "400": _INVALID,
            "415": _MEDIA,
            "500": _UNKNOWN_FIELD,
        },
        requestBody=_body(_ref("SearchBody")),
    )


def _create_op(summary: str, item: str) -> dict[str, Any]:
    return _op(
        summary,
        {"201": _json(_ref(item), "Created"), "400": _INVALID, "415": _MEDIA},
        requestBody=_body(_ref(f"{item}Input")),
    )


def _put_op(summary: str, item: str) -> dict[str, Any]:
    return _op(
        summary,
        {"200": _json(_ref(item), "Updated"), "400": _INVALID, "404": _NOT_FOUND, "415": _MEDIA},
        parameters=[_id_param()],
        requestBody=_body(_ref(f"{item}Input")),
    )


def _delete_op(summary: str) -> dict[str, Any]:
    return _op(
        summary,
        {"204": {"description": "Deleted"}, "400": _INVALID, "404": _NOT_FOUND},
        parameters=[_id_param()],
    )


def plutora_spec(server_url: str) -> dict[str, Any]:
    """The Plutora API description, with ``server_url`` as its one server."""
    me = _op("The current user's e-mail", {"200": _json({"type": "string"}, "The e-mail")})
    paths = {
        "/me": {"get": me},
        "/releases": {
            "get": _list_op("List releases", "ReleaseListItem"),
            "post": _create_op("Create (copy) a release", "Release"),
        },
        "/releases/filter": {"post": _search_op("Search releases", "ReleaseListItem")},
        "/releases/{id}": {
            "get": _get_op("Get a release", "Release"),
            "put": _put_op("Update a release", "Release"),
            "delete": _delete_op("Delete a release"),
        },
        "/changes": {
            "get": _list_op("List changes", "Change"),
            "post": _create_op("Create a change", "Change"),
        },
        "/changes/filter": {"post": _search_op("Search changes", "Change")},
        "/changes/{id}": {
            "get": _get_op("Get a change", "Change"),
            "put": _put_op("Update a change", "Change"),
            "delete": _delete_op("Delete a change"),
        },
        "/environments": {"get": _list_op("List environments", "Environment")},
        "/environments/{id}": {"get": _get_op("Get an environment", "Environment")},
        "/hosts": {"get": _list_op("List hosts", "Host")},
        "/hosts/{id}": {"get": _get_op("Get a host", "Host")},
        "/layers/{id}": {"get": _get_op("Get a layer", "Layer")},
        "/lookupfields": {
            "get": _op(
                "List lookup field types", {"200": _json(_array(_ref("LookupType")), "The types")}
            )
        },
        "/lookupfields/{type}": {
            "get": _op(
                "Values of one lookup field type",
                {"200": _json(_array(_ref("LookupItem")), "The values"), "404": _NOT_FOUND},
                parameters=[_id_param("type")],
            )
        },
        "/organizations": {"get": _list_op("List organizations", "Organization")},
        "/organizations/{id}": {"get": _get_op("Get an organization", "Organization")},
        "/systems": {"get": _list_op("List systems", "System")},
        "/systems/{id}": {"get": _get_op("Get a system", "System")},
    }
    return _document("Plutora API (simulated)", server_url, paths, _PLUTORA_SCHEMAS)


_LOOKUP_VALUE = _all_required({"Id": _GUID, "Value": _TEXT})
_DEFECT = _all_required(
    {
        "Id": _GUID,
        "DisplayId": _TEXT,
        "Name": _TEXT,
        "Description": _NULL_TEXT,
        "Status": _LOOKUP_VALUE,
        "Priority": _LOOKUP_VALUE,
        "Severity": _LOOKUP_VALUE,
        "AssignedTo": _NULL_TEXT,
        "ReleaseId": _NULL_GUID,
        "CreatedDate": _DATE,
        "LastModifiedDate": _DATE,
        "Fields": _array(
            _all_required({"Name": _TEXT, "Value": _NULL_TEXT, "StringValue": _NULL_TEXT})
        ),
    }
)


def _envelope(data: Schema) -> Schema:
    return _all_required(
        {
            "Status": {"type": "string", "enum": ["Success", "Fail"]},
            "Messages": _array(_TEXT),
            "Data": data,
        }
    )


_TEST_SCHEMAS: dict[str, Schema] = {
    "Message": _MESSAGE,
    "Defect": _DEFECT,
    "Fail": _envelope({"nullable": True}),
    "DefectEnvelope": _envelope(_ref("Defect")),
    "DefectListEnvelope": _envelope(_array(_ref("Defect"))),
    "DefectSearchEnvelope": _envelope(
        _all_required(
            {
                "ResultSet": _array(_ref("Defect")),
                "TotalCount": {"type": "integer"},
                "PageNum": {"type": "integer"},
                "RecordsPerPage": {"type": "integer"},
            }
        )
    ),
    "DefectSearch": {
        "type": "object",
        "properties": {
            "SearchFilters": _array(
                {
                    "type": "object",
                    "required": ["Property"],
                    "properties": {
                        "Property": _TEXT,
                        "Operator": _SEARCH_FILTER["properties"]["operator"],
                        "Value": {"nullable": True},
                        "Direction": _SEARCH_FILTER["properties"]["direction"],
                    },
                }
            ),
            "PageNum": {"type": "integer", "minimum": 0},
            "RecordsPerPage": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
        },
    },
    "DefectDelta": {
        "type": "object",
        "minProperties": 1,
        "properties": {
            "Name": _TEXT,
            "Description": _NULL_TEXT,
            "Status": {"type": "object", "properties": {"Id": _TEXT, "Value": _TEXT}},
            "Priority": {"type": "object", "properties": {"Id": _TEXT, "Value": _TEXT}},
            "Severity": {"type": "object", "properties": {"Id": _TEXT, "Value": _TEXT}},
            "AssignedTo": _NULL_TEXT,
            "ReleaseId": _NULL_GUID,
            "Fields": _array(
                {"type": "object", "properties": {"Name": _TEXT, "Value": _NULL_TEXT}}
            ),
        },
    },
}


def plutora_test_spec(server_url: str) -> dict[str, Any]:
    """The Plutora Test API description, with ``server_url`` as its one server."""
    fail = _json(_ref("Fail"), "Status Fail; Messages say why")
    paths = {
        "/me": {
            "get": _op(
                "The current user's e-mail", {"200": _json({"type": "string"}, "The e-mail")}
            )
        },
        "/defects/search": {
            "post": _op(
                "Search defects (25 a page unless RecordsPerPage says otherwise)",
                {
                    "200": _json(_ref("DefectSearchEnvelope"), "One page of defects"),
                    "400": fail,
                    "415": _MEDIA,
                },
                requestBody=_body(_ref("DefectSearch")),
            )
        },
        "/defects/{id}": {
            "get": _op(
                "Get a defect",
                {"200": _json(_ref("DefectEnvelope"), "The defect"), "404": fail},
                parameters=[_id_param()],
            ),
            "patch": _op(
                "Change the named properties of a defect",
                {
                    "200": _json(_ref("DefectEnvelope"), "The updated defect"),
                    "400": fail,
                    "404": fail,
                    "415": _MEDIA,
                },
                parameters=[_id_param()],
                requestBody=_body(_ref("DefectDelta")),
            ),
        },
        "/defects/GetByDisplayId/{displayId}": {
            "get": _op(
                "Get a defect by its display id (Data is a one-item array)",
                {"200": _json(_ref("DefectListEnvelope"), "The defect"), "404": fail},
                parameters=[_id_param("displayId")],
            )
        },
    }
    return _document("Plutora Test API (simulated)", server_url, paths, _TEST_SCHEMAS)


def _document(
    title: str, server_url: str, paths: dict[str, Any], schemas: dict[str, Schema]
) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": "1.0",
            "description": "Paste `bearer <access token>` into Authorize. Tokens come from the "
            "product's token server (password grant).",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "bearer <access token>",
                }
            },
        },
    }

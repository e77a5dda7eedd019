"""The interactive Swagger pages, made from the contract and served offline.

Each API's page shows its contract (``PlutoraLibrary/contract/<api>.openapi.json``) as this
simulator serves it: ``servers`` name the simulator's own URLs (the token operation its token
server), and every "Try it out" is prefilled with an example that works here — the demo
credentials in ``POST /oauth/token`` (only in the served copy: the shipped contract never
carries them), ids of records that exist in this simulator right now in paths and in the
bodies of ``PUT`` and ``POST``, and the contract's own examples elsewhere (search bodies,
``filter=`` expressions, dates). A successful login in the page authorizes the page with its
token, so the next "Try it out" is logged in.

The assets come from ``swagger-ui-bundle``, whose Swagger UI (4.x) reads OpenAPI 3.0 only:
the page loads a 3.0 rendition of the 3.1 description (:func:`for_swagger_ui`), and tools get
the 3.1 description itself.

URLs (every path in any case)::

    /swagger                                   both APIs in one page
    /{api}/api/swagger, …/swagger/ui/index     one API's page
    /{api}/api/swagger/docs/v1, /openapi/{api}.json   the OpenAPI 3.1 description served
    /openapi/{api}.swagger-ui.json             its OpenAPI 3.0 rendition, for the page
    /swagger-ui/*                              the assets
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import web
from swagger_ui_bundle import swagger_ui_path

from .. import contract
from .backends.environments import open_tecrs
from .backends.stakeholders import stakeholder_key
from .config import DEMO_API_KEYS, DEMO_USERS, Product
from .seed import END_STATE_STATUSES
from .state import SimulatorState

__all__ = ["api_page", "described", "for_swagger_ui", "root"]

_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
    "swagger-ui-standalone-preset.js": "application/javascript",
    "favicon-32x32.png": "image/png",
}
_TITLES: dict[Product, str] = {"plutora": "Plutora API", "plutora-test": "Plutora Test API"}
_METHODS = ("get", "put", "post", "delete", "patch")
_PRODUCTS: dict[str, Product] = {"plutora": "plutora", "plutora-test": "plutora-test"}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} (simulator)</title>
  <link rel="stylesheet" href="/swagger-ui/swagger-ui.css">
  <link rel="icon" href="/swagger-ui/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/swagger-ui/swagger-ui-standalone-preset.js"></script>
  <script>
    // A login answered in the page authorizes the page: the next "Try it out" sends it.
    function authorizeWithToken(response) {{
      try {{
        var path = new URL(response.url, window.location.href).pathname;
        if (response.status === 200 && /\\/oauth\\/token$/i.test(path)) {{
          var body = response.body || JSON.parse(response.text);
          if (body && body.access_token) {{
            window.ui.preauthorizeApiKey("bearer", "bearer " + body.access_token);
          }}
        }}
      }} catch (ignored) {{}}
      return response;
    }}
    window.ui = SwaggerUIBundle({{
      urls: {urls},
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      validatorUrl: null,
      responseInterceptor: authorizeWithToken,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    }});
  </script>
</body>
</html>
"""

_HOW_TO = (
    "\n\n**On this simulator**: open *Authentication*, `POST /oauth/token`, *Try it out*, "
    "*Execute*: the demo credentials are filled in, and the page authorizes itself with the "
    "token it gets (or paste `bearer <access token>` into *Authorize*). Every other operation's "
    "*Try it out* is prefilled with an example that works on this simulator's data."
)


@lru_cache(maxsize=8)
def _asset(name: str) -> bytes:
    return (Path(str(swagger_ui_path)) / name).read_bytes()


def _state_of(request: web.Request) -> SimulatorState | None:
    from .app import STATE_KEY  # app imports this module: imported here, not at the top

    return request.app.get(STATE_KEY)


# -- the description served ---------------------------------------------------------------------


def described(request: web.Request, product: Product) -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``product`` as this simulator serves it: its own server
    URLs (seen from the caller: the scheme and ``Host`` it used), the demo credentials as the
    token operation's example, and examples made of this simulator's records.

    Example: ``described(request, "plutora")["servers"]`` is
    ``[{"url": "http://127.0.0.1:8080/plutora/api", …}]``.
    """
    origin = f"{request.scheme}://{request.host}"
    state = _state_of(request)
    doc = copy.deepcopy(dict(contract.document(product)))
    info = doc["info"]
    doc["info"] = {
        **info,
        "title": f"{info['title']} (simulated)",
        "description": info.get("description", "") + _HOW_TO,
    }
    doc["servers"] = [{"url": f"{origin}/{product}/api", "description": "this simulator"}]
    samples = _Samples(state, product) if state is not None else None
    for path, item in doc["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            if "servers" in operation:  # the token operation: on the product's token server
                operation["servers"] = [
                    {"url": f"{origin}/{product}", "description": "this simulator's token server"}
                ]
            if samples is not None:
                samples.fill(doc, path, method, operation)
    return doc


class _Samples:
    """Examples for one served description, taken from the simulator's records."""

    def __init__(self, state: SimulatorState, product: Product) -> None:
        self.product = product
        self.config = state.config
        with state.lock:
            self.records = {
                name: self._pick(name, list(records.values()))
                for name, records in _collections(state).items()
            }
            # An environment no open TECR points at: its example DELETE succeeds.
            tecrs = list(state.requests.tecrs)
            free = [e for e in state.environments.environments if not open_tecrs(tecrs, e["id"])]
            if free:
                self.records["environments"] = copy.deepcopy(free[0])
            self.release_system = self._release_system(state)
            self.linked = self._linked_samples(state)
            # A change delivered in a release: its example DELETE of that link succeeds.
            delivered = next((c for c in state.changes.records if c["deliveryReleases"]), None)
            self.delivered = (
                {**delivered, "releaseId": delivered["deliveryReleases"][0]["releaseId"]}
                if delivered is not None
                else None
            )

            self.framework = self._framework(state)

            kinds = state.catalogue.lookups.get("EnvironmentMapConnectivityType") or [{}]
            self.connectivity_type = kinds[0].get("id")

            self.all_systems = [system["id"] for system in state.catalogue.systems]

            self.stakeholders = _stakeholder_samples(state)
            # A system no environment is linked to: its example DELETE succeeds.
            linked = {
                str(e.get("linkedSystemId") or "").lower() for e in state.environments.environments
            }
            unlinked = [s for s in state.catalogue.systems if s["id"].lower() not in linked]
            if unlinked:
                self.records["systems"] = copy.deepcopy(unlinked[0])
            self.top_organization = state.system_writes.tree()["id"]
            # The custom fields of each record shown, as a PUT of them sends them back.
            self.custom_fields = {
                name: [
                    {k: v for k, v in item.items() if k != "listItems"}
                    for item in state.custom_fields.fields(entity, record)
                ]
                for name, entity in _WITH_CUSTOM_FIELDS.items()
                if (record := self.records.get(name)) is not None
            }

    @staticmethod
    def _pick(name: str, records: list[dict[str, Any]]) -> dict[str, Any] | None:
        """A copy of the record an example shows: for releases one that may be updated,
        copied and deleted (Independent, not in an end state, no child release); else the
        first."""
        if name == "releases":
            parents = {r.get("parentReleaseId") for r in records}
            for record in records:
                if (
                    record.get("plutoraReleaseType") == "Independent"
                    and record.get("releaseStatusType") not in END_STATE_STATUSES
                    and record.get("id") not in parents
                ):
                    return copy.deepcopy(record)
        return copy.deepcopy(records[0]) if records else None

    def fill(self, doc: dict[str, Any], path: str, method: str, operation: dict[str, Any]) -> None:
        """Set the examples of one operation of ``doc`` (in place)."""
        segments = [segment for segment in path.split("/") if segment]
        record = self.records.get(segments[0].lower()) if segments else None
        if path.lower() == "/oauth/token":
            self._login(doc, operation)
            return
        if segments and segments[0].lower() == "environmenthealthcheck":
            self._health_check(path, operation)
            return
        if path.lower() == "/connectivities" and method == "post":
            self._connectivity(operation)

        if segments and segments[0].lower() == "comments":
            self._comment(doc, operation)
            return
        if len(segments) > 2 and segments[0].lower() == "changes" and segments[2] == "systems":
            self._change_system(doc, method, operation)

        if len(segments) > 2 and segments[2].lower() == "stakeholders":
            self._stakeholder(doc, segments[0].lower(), method, operation)
            return
        if path.lower() == "/organizations" and method == "post":
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is not None:
                media["example"] = {
                    "name": "Swagger Team",
                    "type": "Department",
                    "parentId": self.top_organization,
                }
            return
        if len(segments) > 2 and segments[2].lower() == "systems":
            if self.release_system is None:
                return
            record = self.release_system
            self._release_system_body(path, method, operation)
        if len(segments) > 2 and segments[2].lower() == "linkeditems":
            record = self.linked.get((segments[0].lower(), method))
            self._linked_item_body(segments[0].lower(), method, operation)

        if len(segments) > 2 and segments[2].lower() in ("phases", "gates", "activities"):
            if self.framework is None:
                return
            record = self.framework
            self._framework_body(segments[2].lower(), method, operation)
            if path.lower().endswith("/environments/{environmentid}"):  # a phase's booking
                environment = self.records.get("environments") or {}
                record = {**record, "environmentId": environment.get("id")}
        if record is not None and path.lower().endswith("/deliveryreleases/{releaseid}"):
            release = self.records.get("releases") or {}
            record = {**record, "releaseId": release.get("id"), "targetRelease": True}
            if method == "delete":
                record = self.delivered
        if record is None:
            return
        parameters = operation.get("parameters", [])
        for index, parameter in enumerate(parameters):
            if "$ref" in parameter:  # shared: set the example on this operation's own copy
                parameter = copy.deepcopy(_resolve(doc, parameter["$ref"]))
                parameters[index] = parameter
            if parameter.get("in") == "path" and "example" not in parameter:
                value = _field(record, parameter["name"])
                if value is not None:
                    parameter["example"] = value
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is None or "example" in media or "examples" in media:
            return
        if path.endswith("/additionalInformation"):
            media["example"] = self.custom_fields.get(segments[0].lower(), [])
            return
        body = {name: record[name] for name in self._fields(media["schema"]) if name in record}
        if method == "post":  # a new record, copied from this one
            body.pop("id", None)
            if "identifier" in body:
                body["identifier"] = f"{body['identifier']}-COPY"[:50]
            if "name" in body:
                body["name"] = f"Copy of {body['name']}"[:255]
        if body:
            media["example"] = body

    def _release_system(self, state: SimulatorState) -> dict[str, Any] | None:
        """The ids a release system's examples use: the example release's first system (one
        with a deployment date, NotStarted), its first date, and a system not in it."""
        release = self.records.get("releases")
        if release is None:
            return None
        items = state.release_systems.by_release.get(release["id"].lower()) or []
        ready = [i for i in items if i["deploymentDates"] and i["deploymentStatus"] == "NotStarted"]
        if not ready:
            return None
        taken = {i["systemId"].lower() for i in items}
        free = [s for s in state.catalogue.systems if s["id"].lower() not in taken]
        return {
            **release,
            "systemId": ready[0]["systemId"],
            "deploymentDateId": ready[0]["deploymentDates"][0]["id"],
            "freeSystemId": free[0]["id"] if free else ready[0]["systemId"],
        }

    def _framework(self, state: SimulatorState) -> dict[str, Any] | None:
        """The ids a release framework's examples use: the example release's last phase and
        first gate (neither has activities, so both may be removed), its first activity, and
        a phase and a gate name it does not have."""
        release = self.records.get("releases")
        if release is None:
            return None
        framework = state.release_framework
        phases, gates = framework.of("phase", release["id"]), framework.of("gate", release["id"])
        activities = framework.activities_of(release["id"])
        if not phases or not gates or not activities:
            return None
        free = {}
        for kind, items in (("phase", phases), ("gate", gates)):
            taken = {item["workItemNameID"] for item in items}
            names = [n for n in framework.names_of(kind) if n["id"] not in taken]
            if not names:
                return None
            free[kind] = names[0]["id"]
        return {
            **release,
            "phaseId": phases[-1]["id"],
            "gateId": gates[0]["id"],
            "activityId": activities[0]["id"],
            "phase": copy.deepcopy(phases[-1]),
            "gate": copy.deepcopy(gates[0]),
            "activity": copy.deepcopy(activities[0]),
            "freeNames": free,
        }

    def _framework_body(self, kind: str, method: str, operation: dict[str, Any]) -> None:
        """The bodies of a release framework's writes, made of the example's records."""
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        record = self.framework
        if media is None or record is None:
            return
        body: dict[str, Any]
        if kind == "activities":
            activity = record["activity"]
            if method == "post":
                body = {
                    "title": "Swagger activity",
                    "assignedWorkItemID": activity["assignedWorkItemID"],
                    "status": "NotStarted",
                }
            else:
                fields = self._fields(media["schema"])
                body = {name: activity[name] for name in fields if name in activity}
                body["status"] = "InProgress"
        else:
            item = record["phase" if kind == "phases" else "gate"]
            if method == "post":
                body = {
                    "workItemNameID": record["freeNames"]["phase" if kind == "phases" else "gate"],
                    "startDate": item["startDate"],
                    "endDate": item["endDate"],
                }
            else:
                body = {
                    name: item[name]
                    for name in ("workItemNameID", "startDate", "endDate", "isIgnore")
                }
        media["example"] = body

    def _release_system_body(self, path: str, method: str, operation: dict[str, Any]) -> None:
        """The bodies of a release system's writes, made of the example's ids."""
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        record = self.release_system
        if media is None or record is None:
            return
        dates = path.lower().endswith("/deploymentdates")
        if dates:
            body: dict[str, Any] = {
                "startDate": "2026-03-01T10:00:00",
                "endDate": "2026-03-01T12:00:00",
                "description": "Swagger deployment",
            }
            if method == "put":
                body["id"] = record["deploymentDateId"]
        elif method == "post":
            body = {"systemId": record["freeSystemId"], "systemRoleType": "Impact"}
        else:
            body = {
                "systemId": record["systemId"],
                "systemRoleType": "Impact",
                "deploymentStatus": "Completed",
            }
        media["example"] = body

    def _linked_samples(self, state: SimulatorState) -> dict[tuple[str, str], dict[str, Any]]:
        """The records a linked item's examples use, by (path segment, method): for GET and
        POST the example record (POST links it to a release it is not linked to), for DELETE
        a record with a link and that link's id."""
        samples: dict[tuple[str, str], dict[str, Any]] = {}
        releases = list(state.releases.records)
        for segment, kind in (("releases", "Release"), ("changes", "Change")):
            record = self.records.get(segment)
            if record is None:
                continue
            samples[(segment, "get")] = record
            linked = {i["linkedItemId"].lower() for i in state.linked_items.of(kind, record["id"])}
            free = [
                r
                for r in releases
                if r["id"].lower() not in linked and r["id"].lower() != record["id"].lower()
            ]
            if free:
                samples[(segment, "post")] = {**record, "freeReleaseId": free[0]["id"]}
            owners = state.changes.records if kind == "Change" else state.releases.records
            for owner in owners:
                links = state.linked_items.of(kind, owner["id"])
                if links:
                    samples[(segment, "delete")] = {**owner, "linkedItemId": links[0]["id"]}
                    break
        return samples

    def _linked_item_body(self, segment: str, method: str, operation: dict[str, Any]) -> None:
        """The body of a new link: to a release the example record is not linked to."""
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        record = self.linked.get((segment, method))
        if media is None or record is None or method != "post":
            return
        media["example"] = {
            "linkedItemId": record["freeReleaseId"],
            "linkedItemType": "Release",
            "linkType": "Depends on",
        }

    def _connectivity(self, operation: dict[str, Any]) -> None:
        """A connectivity the example group does not have yet: its two environments, the
        other way round, over the first connectivity type."""
        group = self.records.get("environmentgroups")
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if group is None or media is None or len(group["environmentIDs"]) < 2:
            return
        media["example"] = {
            "environmentGroupId": group["id"],
            "sourceId": group["environmentIDs"][1],
            "targetId": group["environmentIDs"][0],
            "connectivityTypeId": self.connectivity_type,
            "direction": "In",
        }

    def _comment(self, doc: dict[str, Any], operation: dict[str, Any]) -> None:
        """Comments on the example release, and a comment to post there."""
        release = self.records.get("releases")
        if release is None:
            return
        _path_examples(doc, operation, {"type": "Release", "id": release["id"]})
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is not None:
            media["example"] = {"text": "Go/no-go moved to 10:00 (from Swagger)"}

    def _change_system(self, doc: dict[str, Any], method: str, operation: dict[str, Any]) -> None:
        """The example change's systems: its first one (to remove), a system it does not
        have (to add)."""
        change = self.records.get("changes")
        if change is None:
            return
        systems = change.get("systems") or []
        taken = {str(item.get("systemId")).lower() for item in systems}
        free = [i for i in self.all_systems if i.lower() not in taken]
        on_it = systems[0]["systemId"] if systems else None
        _path_examples(doc, operation, {"id": change["id"], "systemId": on_it})
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is not None and method == "post" and free:
            media["example"] = {"systemId": free[0], "systemRoleType": "Impact"}

    def _stakeholder(
        self, doc: dict[str, Any], kind: str, method: str, operation: dict[str, Any]
    ) -> None:
        """A stakeholder's examples: a record of ``kind`` with one that may be changed and
        removed (not a release's owner), and a user who is not one of its stakeholders yet."""
        sample = self.stakeholders.get(kind)
        if sample is None:
            return
        for index, parameter in enumerate(operation.get("parameters", [])):
            if "$ref" in parameter:
                parameter = copy.deepcopy(_resolve(doc, parameter["$ref"]))
                operation["parameters"][index] = parameter
            if parameter.get("in") == "path" and parameter["name"] in sample:
                parameter["example"] = sample[parameter["name"]]
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is None:
            return
        if method == "post":
            media["example"] = {
                "userId": sample["newUserId"],
                "stakeholderRoleIds": sample["roleIds"],
                "informed": True,
            }
        else:
            media["example"] = {
                "stakeholderRoleIds": sample["roleIds"],
                "responsible": True,
                "accountable": sample["accountable"],
                "informed": True,
                "consulted": True,
            }

    def _health_check(self, path: str, operation: dict[str, Any]) -> None:
        """A health check of an environment of this site, or its read-backs."""
        environment = self.records.get("environments")
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if environment is None or media is None:
            return
        if path.lower() == "/environmenthealthcheck":
            media["example"] = {
                "environmentId": environment["id"],
                "health": 1,
                "testName": "Swagger check",
            }
        else:
            media["example"] = {"environmentIds": [environment["id"]]}

    def _fields(self, schema: Mapping[str, Any]) -> tuple[str, ...]:
        """The fields a client may send in a body of ``schema`` (not read-only)."""
        ref = str(schema.get("$ref", ""))
        if ref.startswith("#/components/schemas/"):
            return contract.writable(self.product, ref.rsplit("/", 1)[1])
        return tuple(schema.get("properties", {}))

    def _login(self, doc: dict[str, Any], operation: dict[str, Any]) -> None:
        key = next(
            (k for k in DEMO_API_KEYS if k.product == self.product and k in self.config.api_keys),
            None,
        )
        user = next(
            (u for u in DEMO_USERS if u.product == self.product and u in self.config.users), None
        )
        if key is None or user is None:  # the demo credentials are not accepted here
            return
        form = {
            "grant_type": "password",
            "client_id": key.client_id,
            "client_secret": key.client_secret,
            "username": user.username,
            "password": user.password,
        }
        media = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
        media["example"] = form
        # Swagger UI fills a form's fields from its properties' examples.
        schema = media["schema"]
        if "$ref" in schema:
            schema = media["schema"] = copy.deepcopy(_resolve(doc, schema["$ref"]))
        for name, value in form.items():
            if name in schema.get("properties", {}):
                schema["properties"][name] = {**schema["properties"][name], "examples": [value]}


def _path_examples(doc: dict[str, Any], operation: dict[str, Any], values: dict[str, Any]) -> None:
    """Set the examples of an operation's path parameters from ``values`` (in place)."""
    parameters = operation.get("parameters", [])
    for index, parameter in enumerate(parameters):
        if "$ref" in parameter:  # shared: set the example on this operation's own copy
            parameter = copy.deepcopy(_resolve(doc, parameter["$ref"]))
            parameters[index] = parameter
        value = values.get(parameter.get("name"))
        if parameter.get("in") == "path" and value is not None:
            parameter["example"] = value


def _stakeholder_samples(state: SimulatorState) -> dict[str, dict[str, Any]]:
    """For each path's first segment with stakeholders: the first record with one that may
    be changed and removed, its id and role ids, and a user not among its stakeholders."""
    samples: dict[str, dict[str, Any]] = {}
    backend = state.stakeholders
    users = [str(user["id"]) for user in state.requests.users]
    for segment, kind in (("releases", "release"), ("systems", "system"), ("changes", "change")):
        for record in backend.records[kind]:
            owner = str(record.get("managerId") or "").lower() if kind == "release" else ""
            items = backend.of(kind, record["id"])
            taken = {stakeholder_key(item) for item in items}
            free = [user for user in users if user.lower() not in taken]
            movable = [item for item in items if stakeholder_key(item) not in ("", owner)]
            if movable and free:
                item = movable[0]
                samples[segment] = {
                    "id": record["id"],
                    "stakeholderId": item.get("userId") or item.get("groupId"),
                    "roleIds": list(item.get("stakeholderRoleIds") or []),
                    "accountable": bool(item.get("accountable")),
                    "newUserId": free[0],
                }
                break
    return samples


def _collections(state: SimulatorState) -> dict[str, Mapping[str, dict[str, Any]]]:
    """The records behind each path's first segment (``/releases/{id}``: the releases)."""
    return {
        "releases": state.releases.records.by_id,
        "changes": state.changes.records.by_id,
        "environments": state.environments.environments.by_id,
        "hosts": state.environments.hosts.by_id,
        "layers": state.environments.layers.by_id,
        "organizations": state.catalogue.organizations.by_id,
        "systems": state.catalogue.systems.by_id,
        "defects": state.defects.by_id,
        "requirement": state.test_management.requirements.by_id,
        "testcase": state.test_management.test_cases.by_id,
        "testplan": state.test_management.test_plans.by_id,
        "tecrs": state.requests.tecrs.by_id,
        "tebrs": state.requests.tebrs.by_id,
        "users": state.requests.users.by_id,
        "environmentgroups": state.environment_groups.groups.by_id,
    }


#: The entity type of the custom fields behind each path's first segment.
_WITH_CUSTOM_FIELDS = {
    "releases": "Release",
    "changes": "Change",
    "systems": "System",
    "environments": "Environment",
    "tecrs": "TECR",
    "tebrs": "TEBR",
}


def _resolve(doc: Mapping[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _field(record: Mapping[str, Any], name: str) -> Any:
    """``record``'s value for a path parameter (``id`` is ``Id`` in Plutora Test)."""
    lowered = name.lower()
    return next((value for key, value in record.items() if key.lower() == lowered), None)


# -- OpenAPI 3.1 to 3.0, for the bundled Swagger UI -------------------------------------------

_SUBSCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def for_swagger_ui(doc: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0.3 rendition of a 3.1 description, for Swagger UI 4 (which renders
    nothing of a 3.1 one): ``null`` in a type becomes ``nullable``, ``const`` a
    one-value ``enum``, a schema's ``examples`` its ``example``, numeric exclusive bounds
    boolean ones. What 3.0 cannot say is left for Swagger UI to ignore.

    Example::

        for_swagger_ui({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {
            "T": {"type": ["string", "null"], "examples": ["x"]}}}})["components"]
        # {'schemas': {'T': {'type': 'string', 'nullable': True, 'example': 'x'}}}
    """
    converted: dict[str, Any] = _document30(doc)
    converted["openapi"] = "3.0.3"
    converted.pop("jsonSchemaDialect", None)
    converted.pop("webhooks", None)
    return converted


def _document30(node: Any) -> Any:
    if isinstance(node, list):
        return [_document30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "schema":
            out[key] = _schema30(value)
        elif key == "schemas" and isinstance(value, dict):  # components.schemas
            out[key] = {name: _schema30(item) for name, item in value.items()}
        elif key in ("example", "examples") or key.startswith("x-"):
            out[key] = value  # data, not description
        else:
            out[key] = _document30(value)
    return out


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def _schema30(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    nullable = False
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _schema30(item) for name, item in value.items()}
        elif key in _SUBSCHEMA and isinstance(value, dict):
            out[key] = _schema30(value)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            branches = [_schema30(item) for item in value if not _is_null(item)]
            nullable = nullable or len(branches) < len(value)
            if len(branches) == 1 and key != "allOf":
                out["allOf"] = branches
            elif branches:
                out[key] = branches
        elif key == "type" and isinstance(value, list):
            types = [kind for kind in value if kind != "null"]
            nullable = nullable or len(types) < len(value)
            if len(types) == 1:
                out["type"] = types[0]
            elif types:
                out["anyOf"] = [{"type": kind} for kind in types]
        elif key == "type" and value == "null":  # only null: 3.0 has no such type
            nullable = True
            out["enum"] = [None]
        elif key == "const":
            out["enum"] = [value]
        elif key == "examples" and isinstance(value, list):
            if value and "example" not in node:
                out["example"] = value[0]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key in ("$schema", "$id", "$comment"):
            continue
        else:
            out[key] = value
    if nullable:
        out["nullable"] = True
    return out


# -- pages -------------------------------------------------------------------------------------


def _ui_spec_url(product: Product) -> str:
    return f"/openapi/{product}.swagger-ui.json"


def _page(title: str, products: Iterable[Product]) -> web.Response:
    urls = json.dumps([{"url": _ui_spec_url(p), "name": _TITLES[p]} for p in products])
    return web.Response(text=_PAGE.format(title=title, urls=urls), content_type="text/html")


def api_page(request: web.Request, product: Product, rest: list[str]) -> web.StreamResponse | None:
    """``{api}/swagger`` (also ``/swagger/ui/index``): the page of one API;
    ``{api}/swagger/docs/v1``: its OpenAPI 3.1 description; else None (404).

    Example: ``api_page(request, "plutora", ["docs", "v1"])`` answers the description.
    """
    lowered = [segment.lower() for segment in rest]
    if lowered == ["docs", "v1"]:
        return web.json_response(described(request, product))
    if lowered in ([], ["ui", "index"], ["index.html"]):
        return _page(_TITLES[product], (product,))
    return None


def root(request: web.Request, segments: list[str]) -> web.StreamResponse | None:
    """``/`` (a redirect) and ``/swagger``: both APIs in one page; ``/openapi/{api}.json``
    and ``/openapi/{api}.swagger-ui.json``: the descriptions; ``/swagger-ui/*``: the assets;
    else None (404).

    Example: ``root(request, ["openapi", "plutora.json"])`` answers the 3.1 description.
    """
    lowered = [segment.lower() for segment in segments]
    if not lowered:
        raise web.HTTPFound("/swagger")
    if lowered in (["swagger"], ["swagger", "ui", "index"]):
        return _page("Plutora simulator", ("plutora", "plutora-test"))
    if lowered[0] == "openapi" and len(lowered) == 2:
        name, _, kind = lowered[1].partition(".")
        product = _PRODUCTS.get(name)
        if product is not None and kind == "json":
            return web.json_response(described(request, product))
        if product is not None and kind == "swagger-ui.json":
            return web.json_response(for_swagger_ui(described(request, product)))
        return None
    if lowered[0] == "swagger-ui" and len(segments) == 2 and segments[1] in _ASSETS:
        return web.Response(
            body=_asset(segments[1]),
            content_type=_ASSETS[segments[1]],
            headers={"Cache-Control": "max-age=3600"},
        )
    return None

"""Contract section 3: paths, media types, bodies, error shapes."""

from __future__ import annotations

import pytest

from PlutoraLibrary import contract
from tests.conftest import Api


def _release_id(plutora: Api) -> str:
    return plutora.get("/releases").json()[0]["id"]


def test_paths_are_case_insensitive(plutora: Api) -> None:
    release_id = _release_id(plutora)
    assert plutora.get("/Releases").status_code == 200
    assert plutora.get(f"/RELEASES/{release_id.upper()}").json()["id"] == release_id
    assert plutora.get("/ME").status_code == 200


def test_responses_are_utf8_json(plutora: Api) -> None:
    assert plutora.get("/releases").headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    "media", ["text/plain", "application/xml", "multipart/form-data; boundary=x"]
)
def test_an_unsupported_media_type_is_named_in_a_415(plutora: Api, media: str) -> None:
    answer = plutora.post("/releases/filter", data=b"{}", headers={"Content-Type": media})
    assert answer.status_code == 415
    expected = media.split(";")[0]
    assert answer.json() == {
        "message": f"The request entity's media type '{expected}' is not supported for this "
        "resource; it takes application/json, text/json, application/x-www-form-urlencoded."
    }


@pytest.mark.parametrize("api", contract.APIS)
def test_the_media_types_a_body_may_have_are_the_contracts(
    plutora: Api, plutora_test: Api, api: contract.Api
) -> None:
    # Every type an operation's requestBody lists is read (then judged: 2xx, 400 or 404);
    # a JSON type it does not list (application/*+json: ASP.NET Core's, not Web API's) is 415.
    client = plutora if api == "plutora" else plutora_test
    for operation in contract.operations(api):
        if not operation.request_types or operation.path == "/oauth/token":
            continue
        path = operation.path.replace("{id}", "00000000-0000-4000-8000-000000000000")
        for media in operation.request_types:
            form = media.endswith("x-www-form-urlencoded")
            body = b"Name=x" if form else b'{"Name": "x"}'
            answer = client.call(operation.method, path, data=body, headers={"Content-Type": media})
            assert answer.status_code != 415, f"{operation.method} {operation.path} {media}"
        answer = client.call(
            operation.method,
            path,
            data=b"{}",
            headers={"Content-Type": "application/vnd.plutora+json"},
        )
        assert answer.status_code == 415, f"{operation.method} {operation.path}"
        assert ", ".join(operation.request_types) in answer.json()["message"]


def test_a_body_without_a_content_type_is_a_415(plutora: Api) -> None:
    answer = plutora.post("/releases/filter", data=b'{"pageNum": 0}')
    assert answer.status_code == 415
    assert "'application/octet-stream'" in answer.json()["message"]


def test_a_form_encoded_body_is_accepted(plutora: Api) -> None:
    form = {
        "searchFilters[0][property]": "plutoraReleaseType",
        "searchFilters[0][operator]": "Equals",
        "searchFilters[0][value]": "Enterprise",
        "recordsPerPage": "5",
        "pageNum": "0",
    }
    answer = plutora.post("/releases/filter", data=form)
    assert answer.status_code == 200
    page = answer.json()
    assert page["recordsPerPage"] == 5
    assert page["totalCount"] == 20
    assert {item["plutoraReleaseType"] for item in page["resultSet"]} == {"Enterprise"}


def test_malformed_json_is_a_400_with_model_state(plutora: Api) -> None:
    answer = plutora.post(
        "/releases", data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["message"] == "The request is invalid."
    assert body["modelState"]["body"][0].startswith("The body is not valid JSON")


def test_an_unknown_route_is_a_404_that_names_the_uri(plutora: Api) -> None:
    answer = plutora.get("/nothing-here")
    assert answer.status_code == 404
    assert "No HTTP resource was found that matches the request URI" in answer.json()["message"]


def test_an_unsupported_method_is_a_405(plutora: Api) -> None:
    answer = plutora.patch(f"/releases/{_release_id(plutora)}", json={})
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "PUT", "DELETE"}


@pytest.mark.parametrize(
    "path",
    [
        "/releases/00000000-0000-4000-8000-000000000000",
        "/changes/00000000-0000-4000-8000-000000000000",
        "/environments/00000000-0000-4000-8000-000000000000",
        "/hosts/00000000-0000-4000-8000-000000000000",
        "/layers/00000000-0000-4000-8000-000000000000",
        "/organizations/00000000-0000-4000-8000-000000000000",
        "/systems/00000000-0000-4000-8000-000000000000",
        "/releases/not-a-guid",
        "/lookupfields/NoSuchType",
    ],
)
def test_an_unknown_id_is_a_404_with_a_message(plutora: Api, path: str) -> None:
    answer = plutora.get(path)
    assert answer.status_code == 404
    assert set(answer.json()) == {"message"}
    assert "was not found" in answer.json()["message"]


def test_a_body_over_the_size_limit_is_refused(plutora: Api) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    answer = plutora.post("/releases", data=big, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413

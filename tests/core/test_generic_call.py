"""The generic call (``client.call``), read-only runs and the registry of created records,
against the simulator over loopback HTTP."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary.core import (
    NotFound,
    OutcomeUnknown,
    PlutoraClient,
    SchemaMismatch,
    UnsupportedMediaType,
    ValidationFailed,
    where,
)
from PlutoraLibrary.core.api_call import ApiResponse, ExpectedStatus
from PlutoraLibrary.core.calls import OBSERVERS, CallObserver, CallRecord, Detail
from PlutoraLibrary.core.created import delete_created
from PlutoraLibrary.core.errors import ReadOnlyRefused, UnexpectedStatus
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for


def _route_count(sim: PlutoraSimulator, route: str) -> int:
    return sum(sim.counters()["requests"].get(route, {}).values())


def _layer(client: PlutoraClient) -> dict[str, Any]:
    return dict(client.hosts()[0]["layers"][0])


def test_a_layer_version_is_updated_as_the_vendor_jenkins_demo_does(
    client: PlutoraClient,
) -> None:
    layer = _layer(client)
    read = client.call("GET", f"layers/{layer['id']}")
    answer = client.call("PUT", f"/layers/{layer['id']}", json={**read.json, "version": "2.4.1"})
    assert (answer.status, answer.json, answer.text) == (204, None, "")
    assert client.layer(layer["id"])["version"] == "2.4.1"
    host = client.host(layer["hostID"])  # the host's answer embeds the same layer
    assert {item["id"]: item["version"] for item in host["layers"]}[layer["id"]] == "2.4.1"


def test_the_response_reads_as_attributes_and_as_a_mapping(client: PlutoraClient) -> None:
    answer = client.call("GET", "systems", params={"pageNum": 0, "recordsPerPage": 3})
    assert isinstance(answer, ApiResponse)
    assert answer.status == answer["status"] == 200
    assert answer.json["returnCount"] == 3
    assert answer["json"] is answer.json
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.ok
    assert set(answer) == {
        "method",
        "path",
        "status",
        "headers",
        "json",
        "text",
        "note",
    }
    assert repr(answer) == "ApiResponse(GET /systems → 200)"
    with pytest.raises(KeyError, match="the body's fields are under 'json'"):
        answer["returnCount"]


def test_an_unexpected_error_status_raises_the_typed_error_of_the_named_methods(
    client: PlutoraClient,
) -> None:
    with pytest.raises(NotFound, match="Check the id"):
        client.call("GET", "releases/no-such-release")
    layer = _layer(client)
    with pytest.raises(ValidationFailed, match="componentName"):
        client.call("PUT", f"layers/{layer['id']}", json={"version": "1"})


@pytest.mark.parametrize(
    ("expected", "path", "status"),
    [
        (404, "releases/no-such-release", 404),
        ("404", "releases/no-such-release", 404),
        ("200, 404", "releases/no-such-release", 404),
        ([200, 404], "releases/no-such-release", 404),
        ("any", "releases/no-such-release", 404),
        ("any", "systems", 200),
    ],
)
def test_expected_statuses_pass_negative_tests(
    client: PlutoraClient, expected: Any, path: str, status: int
) -> None:
    assert client.call("GET", path, expected_status=expected).status == status


def test_a_success_that_was_not_expected_fails_with_advice(client: PlutoraClient) -> None:
    with pytest.raises(UnexpectedStatus, match=r"GET /systems answered 200: expected 404\. "):
        client.call("GET", "systems", expected_status=404)


@pytest.mark.parametrize("wrong", ["ok", "2xx", 99, True, "200, x", [600]])
def test_a_wrong_expected_status_says_what_to_pass(wrong: Any) -> None:
    with pytest.raises(ValueError, match="expected_status must be a status"):
        ExpectedStatus.parse(wrong)


@pytest.mark.parametrize(
    ("method", "path", "said"),
    [
        ("GET", "https://elsewhere.example.com/releases", "is a whole URL"),
        ("GET", "//elsewhere.example.com/releases", "is a whole URL"),
        ("GET", "releases/../../oauth/token", "climbs out of the API"),
        ("GET", "  ", "must be a non-empty text"),
        ("FETCH", "releases", "The method must be one of"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    client: PlutoraClient, sim: PlutoraSimulator, method: str, path: str, said: str
) -> None:
    before = sim.counters()["requestsTotal"]
    with pytest.raises(ValueError, match=said):
        client.call(method, path)
    assert sim.counters()["requestsTotal"] == before


def test_json_and_a_form_together_are_refused(client: PlutoraClient) -> None:
    with pytest.raises(ValueError, match="one body"):
        client.call("PUT", "layers/x", json={"a": 1}, data={"a": 1})


def test_a_form_body_is_sent_as_a_form(client: PlutoraClient) -> None:
    release = client.release(
        client.releases(where("plutoraReleaseType").equals("Independent"))[0]["id"]
    )
    form = {key: value for key, value in release.items() if isinstance(value, str)}
    form["name"] = "Renamed by a form"
    assert client.call("PUT", f"releases/{release['id']}", data=form).status == 204
    assert client.release(release["id"])["name"] == "Renamed by a form"


class _Records(CallObserver):
    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def wants(self) -> Detail:
        return Detail.WHOLE

    def finished(self, call: CallRecord) -> None:
        self.calls.append(call)


def test_files_go_as_multipart_read_once_and_never_shown(
    client: PlutoraClient, tmp_path: Path
) -> None:
    report = tmp_path / "results.xml"
    report.write_text("<testsuite password='hunter2'/>", encoding="utf-8")
    records = _Records()
    with OBSERVERS.observing(records):
        answer = client.call(
            "POST", "releases", files={"file": report}, data={"kind": "junit"}, expected_status=415
        )
    assert answer.status == 415  # the releases API takes JSON and forms only
    call = records.calls[-1]
    assert call.request_type.startswith("multipart/form-data")
    assert "hunter2" not in call.request_body
    assert "not shown" in call.request_body
    with pytest.raises(UnsupportedMediaType):
        client.call("POST", "releases", files={"file": ("r.xml", b"<x/>", "text/xml")})
    with pytest.raises(ValueError, match="there is no file"):
        client.call("POST", "releases", files={"file": str(tmp_path / "missing.xml")})


def test_an_answer_the_contract_knows_is_validated(client: PlutoraClient, control: Control) -> None:
    layer = _layer(client)
    control.fault(path="/layers/", method="GET", kind="status", status=200, body={"id": 5})
    with pytest.raises(SchemaMismatch, match="does not match schema 'layer'"):
        client.call("GET", f"layers/{layer['id']}")


def test_a_lost_answer_to_a_post_is_an_unknown_outcome_and_is_not_sent_again(
    client: PlutoraClient, sim: PlutoraSimulator, control: Control
) -> None:
    change = {k: v for k, v in client.changes()[0].items() if k not in ("id", "changeId")}
    control.fault(path="/changes$", method="POST", kind="drop", stage="after")
    with pytest.raises(OutcomeUnknown, match="not sent again"):
        client.call("POST", "changes", json={**change, "name": "Lost answer"})
    assert _route_count(sim, "POST /plutora/api/changes") == 1
    assert len(client.changes(where("name").equals("Lost answer"))) == 1


def test_a_retried_delete_answering_404_counts_as_done(
    client: PlutoraClient, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    release_id = client.releases(where("plutoraReleaseType").equals("Independent"))[0]["id"]
    control.fault(path="/releases/[^/]+$", method="DELETE", kind="drop", stage="after")
    with caplog.at_level(logging.INFO, logger="PlutoraLibrary"):
        answer = client.call("DELETE", f"releases/{release_id}")
    assert answer.status == 404
    assert "counts as done" in answer.note
    assert "counts as done" in caplog.text
    with pytest.raises(NotFound):  # a 404 on a DELETE sent once is not done
        client.call("DELETE", f"releases/{release_id}")


def test_a_read_only_run_refuses_every_write_before_sending(sim: PlutoraSimulator) -> None:
    with PlutoraClient(config_for(sim, read_only=True)) as client:
        source = client.releases(where("plutoraReleaseType").equals("Independent"))[0]
        before = sim.counters()["requestsTotal"]
        for method in ("PUT", "POST", "PATCH", "DELETE"):
            with pytest.raises(ReadOnlyRefused, match=f"{method} /layers/x was not sent"):
                client.call(method, "layers/x", json={})
        with pytest.raises(ReadOnlyRefused, match="PLUTORA_READ_ONLY"):
            client.copy_release(source["id"], name="Never", identifier="NEVER-1")
        assert sim.counters()["requestsTotal"] == before + 1  # the copy's GET of its source
        assert client.call("POST", "releases/filter", json={"searchFilters": []}).ok
        assert client.search_releases().items  # searches are reads


def test_created_records_are_deleted_newest_first_and_failures_reported(
    client: PlutoraClient,
) -> None:
    source = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    copy = client.copy_release(source["id"], name="Created", identifier="CREATED-1")
    change = {k: v for k, v in client.changes()[0].items() if k not in ("id", "changeId")}
    created = client.call("POST", "changes", json={**change, "name": "Created change"}).json
    client.call("POST", "releases/filter", json={"searchFilters": []})  # a search creates nothing
    layer = _layer(client)
    client.created.add(f"/layers/{layer['id']}", "a layer the API cannot delete")
    assert [item.path for item in client.created.newest_first()][1:] == [
        f"/changes/{created['id']}",
        f"/releases/{copy['id']}",
    ]
    report = delete_created(client)
    assert [line.split(" (")[0] for line in report.deleted] == [
        "changes Created change",
        "release CREATED-1",
    ]
    assert len(report.failed) == 1
    assert "a layer the API cannot delete" in report.failed[0]
    assert "answered 405" in report.failed[0]
    assert len(client.created) == 1  # kept: it could not be deleted
    assert client.call("GET", f"releases/{copy['id']}", expected_status=404).status == 404
    assert "Could not delete 1" in report.summary()


def test_a_form_given_as_text_is_sent_as_a_form(client: PlutoraClient) -> None:
    layer = _layer(client)
    with pytest.raises(UnsupportedMediaType):  # sent as a form: layers take JSON only
        client.call("PUT", f"layers/{layer['id']}", data="componentName=x&version=1")
    with pytest.raises(ValueError, match="form text such as 'a=1&b=2'"):
        client.call("PUT", f"layers/{layer['id']}", data="not a form")


def test_plutora_test_takes_generic_calls_too(sim: PlutoraSimulator) -> None:
    from PlutoraLibrary.core import PlutoraTestClient

    with PlutoraTestClient(config_for(sim, read_only=True)) as plutora_test:
        page = plutora_test.call("POST", "defects/search", json={"PageNum": 0, "RecordsPerPage": 5})
        defect_id = page.json["Data"]["ResultSet"][0]["Id"]  # a search is a read
        assert plutora_test.call("GET", f"defects/{defect_id}").json["Data"]["Id"] == defect_id
        with pytest.raises(ReadOnlyRefused, match="PATCH /defects/"):
            plutora_test.call("PATCH", f"defects/{defect_id}", json={"Name": "x"})

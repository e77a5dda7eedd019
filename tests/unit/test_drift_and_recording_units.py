"""Recordings and drift without a network: the walk of the contract, the report's kinds and
formats, the lines a call record gives, pseudonyms, and the simulator's new settings."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from PlutoraLibrary.core.calls import CallRecord, Detail, Outcome
from PlutoraLibrary.core.drift import (
    FAILING_BY_DEFAULT,
    DriftReport,
    Vocabulary,
    check_exchange,
    fail_kinds,
    operation_for,
    walk,
)
from PlutoraLibrary.core.recording import (
    Pseudonyms,
    RecordingError,
    RecordingWriter,
    Site,
    exchanges_of,
    read_recording,
)
from PlutoraLibrary.core.reporting import SECRETS
from PlutoraLibrary.simulator.config import SimulatorConfig, SimulatorConfigError, load_config

HOST = {"$ref": "#/components/schemas/Host"}
WORDS = Vocabulary({"ReleaseType": {"Major"}}, {("Release", "Budget Code")})


def _findings(node: dict[str, str], value: object) -> set[tuple[str, str, str]]:
    return {tuple(f) for f in walk("plutora", node, value)}  # type: ignore[misc]


def test_the_walk_names_missing_fields_types_and_new_fields() -> None:
    host = {
        "id": "3f2a7c1e-0000-4000-8000-000000000001",
        "name": 42,
        "environmentID": None,
        "layers": [],
        "rack": "B2",
    }
    found = _findings(HOST, host)
    assert ("type", "$.name", "string, got integer") in found
    assert ("new", "$.rack", "string") in found
    assert {kind for kind, _, _ in found} <= {"type", "new", "missing"}


def test_a_choice_takes_the_branch_that_fits() -> None:
    operation = operation_for("plutora", "GET", "/releases")
    assert operation == ("listReleases", "GET /releases")
    report = DriftReport("x")
    page = {"resultSet": [], "returnCount": 0, "totalCount": 0, "pageNum": 0, "recordsPerPage": 1}
    check_exchange(report, _exchange("/releases", page), WORDS)
    check_exchange(report, _exchange("/releases", []), WORDS)
    assert report.lines == {}
    check_exchange(report, _exchange("/releases", "nonsense"), WORDS)
    assert [line.kind for line in report.sorted_lines()] == ["type"]


def _exchange(path: str, body: object, status: int = 200, method: str = "GET") -> dict:
    return {"api": "plutora", "method": method, "path": path, "status": status,
            "response": {"body": body}}  # fmt: skip


def test_statuses_operations_lookups_and_custom_fields() -> None:
    report = DriftReport("x")
    check_exchange(report, _exchange("/me", {"message": "teapot"}, 418), WORDS)
    check_exchange(report, _exchange("/blockouts", []), WORDS)
    lookup = [{"id": "3f2a7c1e-0000-4000-8000-000000000002", "value": "Hotfix",
               "sortOrder": 0, "type": "ReleaseType"}]  # fmt: skip
    check_exchange(report, _exchange("/lookupfields/ReleaseType", lookup), WORDS)
    check_exchange(report, {**_exchange("/me", None), "status": None}, WORDS)
    kinds = {(line.operation, line.kind, line.path) for line in report.sorted_lines()}
    assert kinds == {
        ("GET /me", "status", "—"),
        ("GET /blockouts", "operation", "—"),
        ("GET /lookupfields/{type}", "lookup", "ReleaseType"),
    }
    assert report.unanswered == 1
    assert report.failing()  # the status
    assert fail_kinds("none") == frozenset()
    assert fail_kinds("default,new") == FAILING_BY_DEFAULT | {"new"}
    assert fail_kinds("custom-field, Custom_Field") == {"custom field"}
    with pytest.raises(ValueError, match="unknown kind 'newish'"):
        fail_kinds("newish")


def test_json_and_junit_reports_read() -> None:
    report = DriftReport("site.ndjson")
    check_exchange(report, _exchange("/me", 42), WORDS)
    data = report.as_json()
    assert data["failing"] is True
    assert data["counts"]["type"] == 1
    root = ElementTree.fromstring(report.junit())  # noqa: S314 - our own text
    assert root.get("failures") == "1"
    assert "FAIL type" in report.table()


def test_a_call_record_becomes_masked_lines_for_its_site(tmp_path: Path) -> None:
    SECRETS.add("Unit-Secret-Value-77")
    call = CallRecord("GET", "https://api.example.com/releases?pageNum=0", detail=Detail.WHOLE)
    call.set_request({"Authorization": "bearer abc", "X-Other": "y"}, None, None)
    call.answered(503, 3.0, b"busy Unit-Secret-Value-77", "text/plain", {"Retry-After": "1"})
    call.answered(200, 5.0, b'{"id": "x", "token": "t-1"}', "application/json", {"Server": "IIS"})
    call.outcome = Outcome.SUCCESS
    site = Site("plutora", "https://api.example.com", "https://auth.example.com/oauth/token")
    lines = exchanges_of(call, (site,))
    assert [line["status"] for line in lines] == [503, 200]
    assert lines[0]["response"] == {"headers": {"Retry-After": "1"}, "body": "busy ***"}
    assert lines[1]["response"]["body"] == {"id": "x", "token": "***"}
    assert lines[1]["response"]["headers"] == {}  # Server is not a header that matters
    assert lines[1]["request"]["headers"] == {"Authorization": "***"}
    assert lines[1]["query"] == {"pageNum": "0"}
    assert (lines[0]["outcome"], lines[1]["outcome"]) == (None, "success")
    elsewhere = CallRecord("GET", "https://other.example.com/releases")
    assert exchanges_of(elsewhere, (site,)) == []
    writer = RecordingWriter(tmp_path / "unit.ndjson")
    writer.append(lines, Pseudonyms().text)
    assert [e["status"] for e in read_recording(tmp_path / "unit.ndjson")] == [503, 200]


def test_pseudonyms_are_stable_within_a_recording_and_differ_between() -> None:
    one, two = Pseudonyms(), Pseudonyms()
    text = "qa@example.com and QA@example.com"
    first = one.text(text)
    assert "@example.com" not in first
    assert first.split(" and ")[0] == first.split(" and ")[1]
    assert one.text("qa@example.com") != two.text("qa@example.com")


def test_a_recording_of_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "v2.ndjson"
    path.write_text('{"format":"plutora-recording","version":2}\n', encoding="utf-8")
    with pytest.raises(RecordingError, match="version 2"):
        list(read_recording(path))


def test_the_simulators_new_settings_read_from_a_file(tmp_path: Path) -> None:
    settings = tmp_path / "sim.toml"
    settings.write_text(
        'seed_from = "site.ndjson"\nextra_custom_fields = ["Cost Centre"]\n'
        '[lookup_values]\nReleaseRiskLevel = ["Low", "Severe"]\n'
        '[renamed_fields]\nname = "title"\n',
        encoding="utf-8",
    )
    config = load_config(settings)
    assert config.seed_from == "site.ndjson"
    assert config.extra_custom_fields == ("Cost Centre",)
    assert config.lookup_values == (("ReleaseRiskLevel", ("Low", "Severe")),)
    assert config.renamed_fields == (("name", "title"),)
    bad = tmp_path / "bad.toml"
    bad.write_text('lookup_values = "x"\n[renamed_fields]\nname = ""\n', encoding="utf-8")
    with pytest.raises(SimulatorConfigError) as caught:
        load_config(bad)
    assert "lookup_values must be a table" in str(caught.value)
    assert "renamed_fields entry ('name', '')" in str(caught.value)
    with pytest.raises(SimulatorConfigError, match="lookup_values entry"):
        SimulatorConfig(lookup_values=(("ReleaseType", ()),))


def test_an_unknown_lookup_type_is_named() -> None:
    from PlutoraLibrary.simulator.site import seeded

    with pytest.raises(SimulatorConfigError, match=r"'NoSuchType'.*known types"):
        seeded(SimulatorConfig(lookup_values=(("NoSuchType", ("A",)),)))


def test_the_default_vocabulary_is_the_simulators_default_site() -> None:
    words = Vocabulary.of_simulator()
    assert "Draft" in words.lookups["ReleaseStatusType"]
    assert ("Release", "Budget Code") in words.custom_fields
    assert ("Defect", "Story Points") in words.custom_fields
    json.dumps(sorted(words.custom_fields))


def test_a_pages_items_and_enums_are_checked() -> None:
    item = {
        "id": "3f2a7c1e-0000-4000-8000-000000000003", "identifier": "R1", "name": "R1",
        "implementationDate": "2026-01-01T00:00:00", "displayColor": "#fff",
        "plutoraReleaseType": "Programme",
    }  # fmt: skip
    page = {"resultSet": [item, {k: v for k, v in item.items() if k != "name"}],
            "returnCount": 2, "totalCount": 2, "pageNum": 0, "recordsPerPage": 2}  # fmt: skip
    report = DriftReport("x")
    check_exchange(report, _exchange("/releases", page), WORDS)
    found = {(line.kind, line.path, tuple(line.details)) for line in report.sorted_lines()}
    assert found == {
        ("missing", "$.resultSet[*].name", ()),
        ("enum", "$.resultSet[*].plutoraReleaseType", ('"Programme"',)),
    }
    assert report.lines[("GET /releases", "enum", "$.resultSet[*].plutoraReleaseType")].count == 1


def test_the_recording_run_is_read_only_whatever_the_settings_say() -> None:
    from dataclasses import replace

    from PlutoraLibrary.core.config import PlutoraConfig
    from PlutoraLibrary.core.site_recording import recording_config

    plain = PlutoraConfig.from_env({}, read_only=False)
    config = recording_config(replace(plain, record="run.ndjson"))
    assert (config.read_only, config.record, config.validate_responses) == (True, None, False)

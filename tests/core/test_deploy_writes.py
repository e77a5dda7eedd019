"""CI deploy writes over real HTTP against the simulator: environments and hosts (create,
replace, delete), health checks with their log files, and the write rules (checked before
sending, never sent twice, verified when asked) under injected faults."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    NotFound,
    OutcomeUnknown,
    PlutoraClient,
    ValidationFailed,
)
from PlutoraLibrary.core.calls import OBSERVERS, CallObserver, CallRecord, Detail
from PlutoraLibrary.core.errors import ChangeNotPersisted
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control


def _environment_fields(client: PlutoraClient, name: str) -> dict[str, Any]:
    return {
        "Name": name,  # any case, as the primer's script sends it
        "UsageWorkItemId": client.lookup_id("UsedForWorkItem", "SIT"),
        "EnvironmentStatusId": client.lookup_id("EnvironmentStatus", "Active"),
        "LinkedSystemId": client.id_of("systems", client.systems()[0]["name"]),
        "IsSharedEnvironment": "true",
    }


def test_an_environment_and_a_host_are_created_replaced_and_deleted(
    client: PlutoraClient,
) -> None:
    created = client.create_environment(_environment_fields(client, "SIT9"))
    assert created["name"] == "SIT9"
    assert created["environmentStatusId"] == client.lookup_id("EnvironmentStatus", "Active")
    assert created["environmentStatus"] is None  # as the vendor's suite sees it
    assert created["isSharedEnvironment"] is True
    assert created["hosts"] == []
    host = client.create_host({"name": "sit9-web-1", "environmentID": created["id"]})
    assert client.environment(created["id"])["hosts"][0]["id"] == host["id"]

    # An update answers 204: None; with verify, the record read back.
    environment = client.environment(created["id"])
    assert client.update_environment(created["id"], {**environment, "url": "https://sit9"}) is None
    again = client.update_environment(
        created["id"], {**environment, "description": "Rebuilt"}, verify=True
    )
    assert again is not None
    assert again["description"] == "Rebuilt"
    renamed = client.update_host(host["id"], {**host, "name": "sit9-web-01"}, verify=True)
    assert renamed is not None
    assert renamed["name"] == "sit9-web-01"

    client.delete_host(host["id"])
    with pytest.raises(NotFound):
        client.host(host["id"])
    client.delete_environment(created["id"])
    with pytest.raises(NotFound):
        client.environment(created["id"])
    assert len(client.created) == 0  # deleted: nothing left for the clean-up


def test_a_write_is_checked_before_anything_is_sent(
    client: PlutoraClient, sim: PlutoraSimulator
) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        client.create_environment({**_environment_fields(client, "X"), "colour": "#fff"})
    assert "'colour' is not a field of this record" in str(unknown.value)
    assert "Nothing was sent" in str(unknown.value)
    with pytest.raises(ValidationFailed) as missing:
        client.create_host({"name": "web-1"})
    assert "'environmentID' is required" in str(missing.value)
    with pytest.raises(ValueError, match="0 \\(Unknown\\), 1 \\(Online\\)"):
        client.record_health_check(client.environments()[0]["id"], 7, "smoke")
    with pytest.raises(ValueError, match="not UTF-8 text"):
        client.record_health_check(
            client.environments()[0]["id"], "Online", "smoke", log_file=("a.bin", b"\xff\xfe")
        )
    with pytest.raises(ValidationFailed, match="test name is required"):
        client.record_health_check(client.environments()[0]["id"], 1, " ")
    sent = [route for route in sim.counters()["requests"] if not route.startswith("GET ")]
    assert [route for route in sent if "oauth" not in route] == []


def test_the_site_s_rules_come_back_typed_with_advice(client: PlutoraClient) -> None:
    existing = client.environments()[0]["name"]
    with pytest.raises(BusinessRuleViolation, match="already exists"):
        client.create_environment(_environment_fields(client, existing.lower()))
    held = client.call("GET", "TECRs").json[0]["environmentId"]
    with pytest.raises(BusinessRuleViolation, match="TECR"):
        client.delete_environment(held)
    with pytest.raises(NotFound):
        client.delete_host("00000000-0000-4000-8000-000000000000")


def test_a_health_check_records_its_log_which_is_masked_and_kept_whole(
    client: PlutoraClient, tmp_path: Path
) -> None:
    environment = client.environments()[0]["id"]
    log = tmp_path / "smoke.log"
    log.write_text("GET /health 200\nlogin as deployer password=hunter2-secret-value\n")
    from PlutoraLibrary.core.reporting import SECRETS

    SECRETS.add("hunter2-secret-value")

    class Keep(CallObserver):
        def __init__(self) -> None:
            self.calls: list[CallRecord] = []

        def wants(self) -> Detail:
            return Detail.CUT

        def finished(self, call: CallRecord) -> None:
            self.calls.append(call)

    keep = Keep()
    with OBSERVERS.observing(keep):
        check = client.record_health_check(environment, "Issue", "smoke", log_file=log)
    assert (check["health"], check["testName"], check["logFileName"]) == (3, "smoke", "smoke.log")
    call = next(c for c in keep.calls if c.method == "POST")
    assert "health: 3" in call.request_body
    assert "GET /health 200" in call.request_body
    assert "hunter2-secret-value" not in call.request_body
    [part] = call.request_files
    assert part.title() == "logFile (file smoke.log, text/plain, 64 bytes)"
    assert part.text is not None
    assert "***" in part.text
    assert "hunter2" not in part.text
    current = {c["testName"]: c for c in client.current_health([environment])}
    assert current["smoke"]["id"] == check["id"]
    assert client.health_history([environment])[0]["id"] == check["id"]
    assert len(client.created) == 0  # a health check is not deleted by the clean-up


def test_lost_answers_are_recovered_by_reading_back_and_nothing_is_sent_twice(
    client: PlutoraClient, control: Control, sim: PlutoraSimulator
) -> None:
    fields = _environment_fields(client, "AUDIT-ENV")
    control.fault(path="/environments$", method="POST", kind="drop", stage="after", count=1)
    created = client.create_environment(fields)  # processed, answer lost: found by name
    assert created["name"] == "AUDIT-ENV"
    control.fault(path="/hosts$", method="POST", kind="drop", stage="before", count=1)
    with pytest.raises(OutcomeUnknown, match="Nothing was sent twice"):
        client.create_host({"name": "audit-1", "environmentID": created["id"]})
    control.fault(path="/hosts$", method="POST", kind="drop", stage="after", count=1)
    host = client.create_host({"name": "audit-2", "environmentID": created["id"]})
    control.fault(
        path="/environmentHealthCheck$", method="POST", kind="drop", stage="after", count=1
    )
    check = client.record_health_check(created["id"], "Online", "deploy smoke")
    assert check["testName"] == "deploy smoke"
    # A PUT whose answer is lost is sent again (same body, no harm): the update is not lost.
    control.fault(path="/environments/", method="PUT", kind="drop", stage="after", count=1)
    environment = client.environment(created["id"])
    client.update_environment(created["id"], {**environment, "vendor": "Acme"}, verify=True)
    assert control("GET", "/faults").json() == []

    names = Counter(e["name"] for e in client.environments())
    assert names["AUDIT-ENV"] == 1
    hosts = Counter(h["name"] for h in client.environment(created["id"])["hosts"])
    assert hosts == {"audit-2": 1}, "a host was created twice, or one reported is missing"
    assert host["name"] == "audit-2"
    checks = [c for c in client.health_history([created["id"]]) if c["testName"] == "deploy smoke"]
    assert len(checks) == 1
    assert client.environment(created["id"])["vendor"] == "Acme"
    assert sorted(item.label for item in client.created.newest_first()) == [
        "environment AUDIT-ENV",
        "host audit-2",
    ]


def test_verify_names_what_the_site_does_not_show(client: PlutoraClient, control: Control) -> None:
    environment = client.environment(client.environments()[1]["id"])
    body = {**environment, "description": "Mine"}
    # The answer to the PUT is replaced by a 204 without the change being applied.
    control.fault(path="/environments/", method="PUT", kind="status", status=204, count=1)
    with pytest.raises(ChangeNotPersisted, match="description: sent 'Mine'"):
        client.update_environment(environment["id"], body, verify=True)


def test_the_help_page_s_json_health_check_is_taken_too(client: PlutoraClient) -> None:
    # "External API Use Cases": a JSON body without a file; health 0-3.
    environment = client.environments()[2]["id"]
    body = {"environmentId": environment, "health": 0, "testName": "json check"}
    recorded = client.call("POST", "environmentHealthCheck", json=body).json
    assert (recorded["health"], recorded["healthName"]) == (0, "Unknown")
    refused = client.call(
        "POST", "environmentHealthCheck", json={**body, "health": 4}, expected_status=400
    )
    assert "health must be a whole number from 0 to 3" in refused.text

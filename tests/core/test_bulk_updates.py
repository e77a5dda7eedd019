"""Bulk updates through the core client (issue 19): dry run, the server's count and ids,
verify, the writable pre-check, and lost answers, which are never answered by sending the
update again but by re-reading what it selected."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from PlutoraLibrary.core import (
    BulkUpdateIncomplete,
    ChangeNotPersisted,
    PlutoraTestClient,
    SearchFilter,
    ValidationFailed,
)
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for

OPEN_LOW = [SearchFilter("Status", "Equals", "Open"), SearchFilter("Priority", "Equals", "Low")]
BULK = "POST /plutora-test/api/defects/BulkUpdateSearch"


def test_a_dry_run_returns_the_matches_and_changes_nothing(
    test_client: PlutoraTestClient, sim: PlutoraSimulator
) -> None:
    preview = test_client.bulk_update_defects(OPEN_LOW, {"priority": "High"}, dry_run=True)
    total = test_client.search_defects(OPEN_LOW).total_count
    assert preview.dry_run
    assert preview.count == len(preview.items) == len(preview.ids) == total > 25
    assert {item["Priority"]["Value"] for item in preview.items} == {"Low"}
    assert BULK not in sim.counters()["requests"]


def test_the_update_returns_the_servers_count_and_ids_and_verifies_a_sample(
    test_client: PlutoraTestClient, sim: PlutoraSimulator
) -> None:
    preview = test_client.bulk_update_defects(OPEN_LOW, {"Priority": "High"}, dry_run=True)
    done = test_client.bulk_update_defects(OPEN_LOW, {"Priority": "High"}, verify=True)
    assert (done.count, done.ids) == (preview.count, preview.ids)
    assert len(done.verified) == 10
    assert done.verified[0] == done.ids[0]
    assert done.verified[-1] == done.ids[-1]
    assert test_client.search_defects(OPEN_LOW).total_count == 0
    assert sim.counters()["requests"][BULK] == {"200": 1}


def test_requirements_and_test_cases_bulk_update_by_kind(test_client: PlutoraTestClient) -> None:
    review = [SearchFilter("Status", "Equals", "Review")]
    done = test_client.bulk_update_requirements(review, {"Status": "Approved"}, verify=True)
    assert done.count == 8
    assert test_client.requirement(done.ids[0])["Status"]["Value"] == "Approved"
    manual = [SearchFilter("Type", "Equals", "Manual"), SearchFilter("Priority", "Equals", "Low")]
    cases = test_client.bulk_update_test_cases(
        manual, {"Fields": [{"Name": "Component", "Value": "x"}]}
    )
    assert cases.count > 0
    assert test_client.test_case(cases.ids[0])["Fields"][0]["Value"] == "x"


@pytest.mark.parametrize(
    ("kind", "delta", "words"),
    [
        ("defect", {"DisplayId": "DEF-1"}, "'DisplayId' is read-only"),
        ("test case", {"DefectIds": []}, "'DefectIds' is read-only"),
        ("requirement", {"Colour": "red"}, "'Colour' is not a property of a requirement"),
    ],
)
def test_a_property_that_cannot_be_written_is_refused_before_anything_is_sent(
    test_client: PlutoraTestClient, sim: PlutoraSimulator, kind: str, delta: dict, words: str
) -> None:
    with pytest.raises(ValidationFailed, match=words) as caught:
        test_client.bulk_update(kind, [], delta)
    assert "Nothing was sent" in str(caught.value)
    assert sim.counters()["requests"] == {}


def test_a_kind_without_bulk_update_is_named(test_client: PlutoraTestClient) -> None:
    with pytest.raises(ValueError, match="Test plans have no bulk update"):
        test_client.bulk_update("test plan", [], {"Name": "x"})
    with pytest.raises(ValueError, match="no kind of Plutora Test item called 'widget'"):
        test_client.bulk_update("widget", [], {"Name": "x"})


@pytest.mark.parametrize(("kind", "extra"), [("drop", {}), ("status", {"status": 502})])
def test_a_lost_answer_after_the_update_is_recovered_by_re_reading(
    test_client: PlutoraTestClient,
    control: Control,
    sim: PlutoraSimulator,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    extra: dict,
) -> None:
    control.fault(path="/BulkUpdateSearch", kind=kind, stage="after", method="POST", **extra)
    with caplog.at_level(logging.INFO, logger="PlutoraLibrary"):
        done = test_client.bulk_update_defects(OPEN_LOW, {"Priority": "High"})
    assert done.recovered
    assert done.count == len(done.ids) > 25
    assert "carry the change" in caplog.text
    assert sum(sim.counters()["requests"][BULK].values()) == 1


def test_an_update_lost_before_it_was_applied_says_nothing_changed(
    test_client: PlutoraTestClient, control: Control, sim: PlutoraSimulator
) -> None:
    control.fault(path="/BulkUpdateSearch", kind="drop", stage="before", method="POST")
    with pytest.raises(BulkUpdateIncomplete, match="shows the change on none") as caught:
        test_client.bulk_update_defects(OPEN_LOW, {"Priority": "High"})
    assert caught.value.applied == []
    assert len(caught.value.not_applied) > 25
    assert "sending it again is safe" in str(caught.value)
    assert BULK not in sim.counters()["requests"]


def test_a_partly_visible_update_names_the_items_without_the_change(
    sim: PlutoraSimulator, control: Control
) -> None:
    # The update is applied, its answer held past the read timeout; meanwhile another user
    # puts one defect back: the re-read finds the change on all but that one.
    with (
        PlutoraTestClient(config_for(sim, read_timeout=1.0)) as client,
        PlutoraTestClient(config_for(sim)) as other,
    ):
        first = client.search_defects(OPEN_LOW).items[0]
        control.fault(
            path="/BulkUpdateSearch", kind="delay", seconds=3, stage="after", method="POST"
        )

        def put_back() -> None:
            time.sleep(0.5)
            other.patch_defect(first["Id"], {"Priority": "Low"})

        helper = threading.Thread(target=put_back)
        helper.start()
        with pytest.raises(BulkUpdateIncomplete, match=r"not on 1 \(DEF-") as caught:
            client.bulk_update_defects(OPEN_LOW, {"Priority": "High"})
        helper.join()
    assert caught.value.not_applied == [first["Id"]]
    assert first["DisplayId"] in str(caught.value)
    assert len(caught.value.applied) > 25


def test_verify_fails_when_a_changed_item_lacks_the_delta(
    test_client: PlutoraTestClient, control: Control
) -> None:
    # The answer claims a change the server did not make: reading back shows it.
    answer = {
        "Status": "Success",
        "Messages": [],
        "Data": {
            "UpdatedCount": 1,
            "UpdatedIds": [test_client.search_defects(OPEN_LOW).items[0]["Id"]],
        },
    }
    control.fault(path="/BulkUpdateSearch", kind="status", status=200, body=answer, method="POST")
    with pytest.raises(ChangeNotPersisted, match="reading 1 of them back shows"):
        test_client.bulk_update_defects(OPEN_LOW, {"Priority": "High"}, verify=True)


def test_a_bulk_update_without_a_filter_is_refused(
    test_client: PlutoraTestClient, sim: PlutoraSimulator
) -> None:
    with pytest.raises(ValueError, match="needs at least one filter: without one it would change"):
        test_client.bulk_update_defects(
            [SearchFilter("DisplayId", direction="DESC")], {"Name": "x"}
        )
    assert sim.counters()["requests"] == {}

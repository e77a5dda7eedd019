"""A record's ``additionalInformation`` and its ``/additionalInformation`` sub-resource are the
same data (one source of truth), for every entity with custom fields, in the default
simulator, with ``extra_custom_fields`` and seeded from a recording; and a date read back is
the date set. Against the simulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary.core import PlutoraClient
from PlutoraLibrary.core.site_recording import record_site
from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig
from tests.core.conftest import config_for

_RECORDS = {
    "release": "releases",
    "change": "changes",
    "system": "systems",
    "environment": "environments",
    "TECR": "TECRs",
    "TEBR": "TEBRs",
}


def _values(fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each field by name, without the definition-only ``listItems``."""
    return {f["name"]: {k: v for k, v in f.items() if k != "listItems"} for f in fields}


def _both(client: PlutoraClient, records: str, record_id: str) -> tuple[Any, Any]:
    record = client.call("GET", f"{records}/{record_id}").json["additionalInformation"]
    sub = client.call("GET", f"{records}/{record_id}/additionalInformation").json
    return _values(record), _values(sub)


@pytest.mark.parametrize("entity", list(_RECORDS))
def test_the_record_and_its_sub_resource_are_the_same_fields(
    client: PlutoraClient, entity: str
) -> None:
    records = _RECORDS[entity]
    record_id = client.call("GET", records).json[0]["id"]
    if entity in ("environment", "TECR", "TEBR"):
        # Their records carry no custom fields in the contract (no source shows them there):
        # the sub-resource is the only place they are answered, so the two cannot disagree.
        assert "additionalInformation" not in client.call("GET", f"{records}/{record_id}").json
        return
    in_record, in_sub = _both(client, records, record_id)
    assert in_record
    assert in_record == in_sub
    # A write through the sub-resource shows in the record.
    field = next(f for f in in_sub.values() if f["dataType"] == "FreeText")
    client.set_custom_fields(entity, record_id, {field["name"]: "written"})
    in_record, in_sub = _both(client, records, record_id)
    assert in_record == in_sub
    assert in_record[field["name"]]["text"] == "written"


def test_a_write_through_either_shows_in_both(client: PlutoraClient, sim: PlutoraSimulator) -> None:
    release_id = client.releases()[0]["id"]
    client.set_custom_fields("release", release_id, {"Budget Code": "BC-1", "Risk Owner": "QA"})
    in_record, in_sub = _both(client, "releases", release_id)
    assert in_record == in_sub
    assert in_record["Budget Code"]["text"] == "BC-1"
    # Through the record: a PUT of the release with one field changed.
    release = client.call("GET", f"releases/{release_id}").json
    for item in release["additionalInformation"]:
        if item["name"] == "Budget Code":
            item["text"] = "BC-2"
    client.call("PUT", f"releases/{release_id}", json=release)
    in_record, in_sub = _both(client, "releases", release_id)
    assert in_record == in_sub
    assert client.custom_field("release", release_id, "Budget Code") == "BC-2"
    assert client.custom_field("release", release_id, "Risk Owner") == "QA"
    # Back to the seeded site: still one source.
    sim.reset()
    in_record, in_sub = _both(client, "releases", release_id)
    assert in_record == in_sub
    assert in_record["Risk Owner"]["listItem"] is None


@pytest.fixture
def extra_sim() -> Iterator[PlutoraSimulator]:
    with PlutoraSimulator(SimulatorConfig(extra_custom_fields=("Cost Centre",))) as sim:
        yield sim


def test_extra_custom_fields_are_in_both_and_can_be_set(
    extra_sim: PlutoraSimulator, tmp_path: Path
) -> None:
    with PlutoraClient(config_for(extra_sim)) as client:
        release_id = client.releases()[0]["id"]
        in_record, in_sub = _both(client, "releases", release_id)
        assert in_record == in_sub
        assert {"Cost Centre", "Budget Code", "Go-live"} <= set(in_record)
        client.set_custom_fields("release", release_id, {"Cost Centre": "CC-1"})
        assert client.custom_field("release", release_id, "Cost Centre") == "CC-1"
        assert _both(client, "releases", release_id)[0]["Cost Centre"]["text"] == "CC-1"
    path = tmp_path / "extra.ndjson"
    record_site(config_for(extra_sim), path)
    with (
        PlutoraSimulator(SimulatorConfig(seed_from=str(path))) as seeded,
        PlutoraClient(config_for(seeded)) as client,
    ):
        release_id = client.releases()[0]["id"]
        in_record, in_sub = _both(client, "releases", release_id)
        assert in_record == in_sub
        assert "Cost Centre" in in_record
        client.set_custom_fields("release", release_id, {"Cost Centre": "CC-2"})
        assert client.custom_field("release", release_id, "Cost Centre") == "CC-2"


def test_dates_and_times_read_back_as_they_were_set(client: PlutoraClient) -> None:
    release_id = client.releases()[0]["id"]
    values = {"Go-live": "2027-01-31", "Cutover Start": "17:30:00",
              "Approved At": "2027-01-30T09:15:00"}  # fmt: skip
    assert client.set_custom_fields("release", release_id, values) == values
    for name, value in values.items():
        assert client.custom_field("release", release_id, name) == value
    # The API still sends the date as a date-time; reading gives the date.
    sent = client.call("GET", f"releases/{release_id}/additionalInformation").json
    assert next(f for f in sent if f["name"] == "Go-live")["date"] == "2027-01-31T00:00:00"

"""Examples to copy into your own test repository (pytest_plutora fixtures).

Run them offline with ``pytest --plutora-sim``, or against your site with the ``PLUTORA_…``
variables set. Without either, they are skipped with a message saying what to set.
"""

from __future__ import annotations

import pytest

from PlutoraLibrary.core import (
    BusinessRuleViolation,
    CustomFieldRefused,
    PlutoraClient,
    PlutoraTestClient,
    SearchFilter,
    where,
)


def test_search_defects_patch_one_and_read_it_back(
    plutora_test: PlutoraTestClient, plutora_schema
) -> None:  # type: ignore[no-untyped-def]
    page = plutora_test.search_defects([SearchFilter("Status", "Equals", "Open")], page_size=25)
    assert page.items, "no open defect to work on"
    defect = page.items[0]
    updated = plutora_test.patch_defect(defect["Id"], {"Name": "Triaged by pytest"}, verify=True)
    assert updated["Name"] == "Triaged by pytest"
    assert plutora_test.defect(defect["Id"])["Name"] == "Triaged by pytest"
    assert plutora_schema.mismatches(updated, "defect") == []


def test_copy_a_release_and_find_the_copy(plutora: PlutoraClient, plutora_schema) -> None:  # type: ignore[no-untyped-def]
    drafts = plutora.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )
    copy = plutora.copy_release(
        drafts[0]["id"], name="Copied by pytest", identifier=f"PYTEST-{drafts[0]['identifier']}"
    )
    assert plutora_schema.mismatches(copy, "release") == []
    assert [r["id"] for r in plutora.releases(where("identifier").equals(copy["identifier"]))] == [
        copy["id"]
    ]


def test_end_state_releases_cannot_be_copied(plutora: PlutoraClient) -> None:
    ended = plutora.releases(
        where("plutoraReleaseType").equals("Integrated") & where("status").equals("Complete")
    )
    with pytest.raises(BusinessRuleViolation, match="End State"):
        plutora.copy_release(ended[0]["id"], name="x", identifier="PYTEST-ENDED")


def test_every_page_of_changes_matches_its_schema(plutora: PlutoraClient, plutora_schema) -> None:  # type: ignore[no-untyped-def]
    changes = list(
        plutora.iter_changes([SearchFilter("ChangeId", direction="DESC")], page_size=100)
    )
    assert changes
    assert plutora_schema.mismatches(changes, "change", shape="list") == []


@pytest.mark.plutora_simulator
def test_reads_survive_server_errors(plutora: PlutoraClient, plutora_faults) -> None:  # type: ignore[no-untyped-def]
    plutora_faults.inject("/environments$", status=503, count=2)  # gone when the test ends
    assert plutora.environments()


def test_update_a_layer_version_with_a_generic_call(plutora: PlutoraClient) -> None:
    environment_id = plutora.id_of("environments", "SIT1")  # a name, not a GUID
    host = plutora.hosts(where("environmentID").equals(environment_id))[0]
    layer = plutora.call("GET", f"layers/{host['layers'][0]['id']}").json
    answer = plutora.call("PUT", f"layers/{layer['id']}", json={**layer, "version": "2.4.1"})
    assert answer.status == 204
    assert plutora.layer(layer["id"])["version"] == "2.4.1"
    assert plutora.call("GET", "releases/no-such-id", expected_status=404).status == 404


def test_set_custom_fields_by_name(plutora_cleanup: PlutoraClient) -> None:
    draft = plutora_cleanup.lookup_id("ReleaseStatusType", "Draft")
    source = plutora_cleanup.releases(
        where("plutoraReleaseType").equals("Independent")
        & where("releaseStatusTypeId").equals(draft)
    )[0]
    copy = plutora_cleanup.copy_release(
        source["id"], name="Custom fields by pytest", identifier="PYTEST-FIELDS"
    )  # deleted when the test ends: plutora_cleanup
    plutora_cleanup.set_custom_fields(
        "release", copy["id"], {"Risk Owner": "QA", "Go-live": "2027-01-31"}
    )
    assert plutora_cleanup.custom_field("release", copy["id"], "risk owner") == "QA"
    with pytest.raises(CustomFieldRefused, match="its items: QA, Development"):
        plutora_cleanup.set_custom_fields("release", copy["id"], {"Risk Owner": "Nobody"})

"""A 502/503/504 answering a POST or PATCH is an unknown outcome, not "the server failed": a
gateway may answer so after the API applied the request. The copy is looked up by its
identifier and the patch read back, as for a lost answer; nothing is sent twice."""

from __future__ import annotations

from collections import Counter

import pytest

from PlutoraLibrary.core import (
    OutcomeUnknown,
    PlutoraClient,
    PlutoraTestClient,
    SearchFilter,
    ServerError,
    where,
)
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control


def _copyable(client: PlutoraClient) -> str:
    found = client.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )
    return str(found[0]["id"])


def _posts(sim: PlutoraSimulator) -> Counter[str]:
    return Counter(sim.counters()["requests"].get("POST /plutora/api/releases", {}))


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_after_an_applied_copy_finds_the_copy(
    client: PlutoraClient, control: Control, sim: PlutoraSimulator, status: int
) -> None:
    source = _copyable(client)
    control.fault(path="/releases$", method="POST", kind="status", status=status, stage="after")
    copy = client.copy_release(source, name="Behind a gateway", identifier=f"GW-{status}")
    assert copy["identifier"] == f"GW-{status}"
    identifiers = [
        r["identifier"] for r in client.releases(where("identifier").equals(f"GW-{status}"))
    ]
    assert identifiers == [f"GW-{status}"]  # exactly one copy
    assert sum(_posts(sim).values()) == 1  # never sent twice


def test_a_gateway_error_before_the_copy_was_applied_says_the_outcome_is_unknown(
    client: PlutoraClient, control: Control, sim: PlutoraSimulator
) -> None:
    source = _copyable(client)
    control.fault(path="/releases$", method="POST", kind="status", status=503, stage="before")
    with pytest.raises(OutcomeUnknown) as caught:
        client.copy_release(source, name="Never made", identifier="GW-NONE")
    assert "no release with identifier 'GW-NONE' exists yet" in str(caught.value)
    assert "Nothing was sent twice" in str(caught.value)
    assert control.counters()["faultsApplied"] == 1  # the one POST met the gateway
    assert sum(_posts(sim).values()) == 0  # and never reached the API, nor was sent again
    assert client.releases(where("identifier").equals("GW-NONE")) == []


def test_a_gateway_error_after_an_applied_patch_reads_it_back(
    test_client: PlutoraTestClient, control: Control
) -> None:
    defect = test_client.search_defects(page_size=1).items[0]
    control.fault(path="/defects/", method="PATCH", kind="status", status=502, stage="after")
    updated = test_client.patch_defect(defect["Id"], {"Name": "Patched behind a gateway"})
    assert updated["Name"] == "Patched behind a gateway"
    assert test_client.defect(defect["Id"])["Name"] == "Patched behind a gateway"


def test_a_gateway_error_on_a_patch_that_was_not_applied_stays_unknown(
    test_client: PlutoraTestClient, control: Control
) -> None:
    defect = test_client.search_defects(page_size=1).items[0]
    control.fault(path="/defects/", method="PATCH", kind="status", status=504, stage="before")
    with pytest.raises(OutcomeUnknown) as caught:
        test_client.patch_defect(defect["Id"], {"Name": "Never patched"})
    assert caught.value.status == 504
    assert "may have been applied" in str(caught.value)


def test_a_search_is_a_read_so_its_503_is_a_server_error(
    test_client: PlutoraTestClient, control: Control
) -> None:
    control.fault(path="/defects/search", method="POST", kind="status", status=503)
    with pytest.raises(ServerError):
        test_client.search_defects([SearchFilter("Status", "Equals", "Open")])

"""The keyword methods called from Python (outside Robot, which converts arguments itself):
the strings a suite writes work as well as the Enum members."""

from __future__ import annotations

import pytest

from PlutoraLibrary import PlutoraLibrary
from PlutoraLibrary.keywords.types import FaultKind, HttpMethod
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control


def test_inject_fault_takes_strings_or_members(sim: PlutoraSimulator, control: Control) -> None:
    library = PlutoraLibrary()
    library.use_plutora_simulator(sim.urls.base)
    library.inject_fault("/one$", kind="rate_limit", method="head", stage="after", scope="suite")
    library.inject_fault("/two$", kind=FaultKind.DROP, method=HttpMethod.OPTIONS)
    library.inject_fault("/three$", kind="Delay", seconds=0.1, method="options")
    queued = {
        fault["path"]: (fault["kind"], fault["method"], fault["stage"])
        for fault in control("GET", "/faults").json()
    }
    assert queued == {
        "/one$": ("rate_limit", "HEAD", "after"),
        "/two$": ("drop", "OPTIONS", "before"),
        "/three$": ("delay", "OPTIONS", "before"),
    }
    library.should_match_schema([], "defect", shape="list")
    library.close_plutora_connections()


def test_use_plutora_simulator_without_an_address_reads_the_environment(
    sim: PlutoraSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = PlutoraLibrary()
    monkeypatch.delenv("PLUTORA_SIMULATOR_URL", raising=False)
    with pytest.raises(ValueError, match="set PLUTORA_SIMULATOR_URL"):
        library.use_plutora_simulator()
    monkeypatch.setenv("PLUTORA_SIMULATOR_URL", sim.urls.base)
    try:
        assert library.use_plutora_simulator()["base"] == sim.urls.base
        assert library.get_lookup_fields("ReleaseStatusType")
    finally:
        library._close()


def test_created_items_outlive_closed_connections_and_are_deleted(sim: PlutoraSimulator) -> None:
    library = PlutoraLibrary()
    library.use_plutora_simulator(sim.urls.base)
    drafts = library.get_releases(
        "`plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `Draft`"
    )
    copy = library.copy_release(drafts[0]["id"], name="Kept past close", identifier="KEPT-CLOSE")
    defect = library.call_plutora_api(
        "GET", "defects/GetByDisplayId/DEF-0001", product="Plutora Test"
    )
    assert defect.status == 200  # another product: nothing created
    library.context.close_clients()  # what Close Plutora Connections does to the clients
    deleted = library.delete_created_items(fail_on_error=True)
    assert deleted == [f"release KEPT-CLOSE (DELETE /releases/{copy['id']})"]
    assert library.get_releases("`identifier` Equals `KEPT-CLOSE`") == []
    assert library.delete_created_items() == []  # nothing left
    library.close_plutora_connections()


def test_the_library_used_from_python_leaves_the_programs_logging_alone() -> None:
    """Outside a Robot run the library does not take the ``PlutoraLibrary`` logger over:
    its records still reach the program's handlers (pytest's ``caplog`` among them)."""
    import logging

    from PlutoraLibrary.core.calls import LOGGING_OBSERVER, OBSERVERS

    PlutoraLibrary()._close()
    assert logging.getLogger("PlutoraLibrary").propagate
    assert LOGGING_OBSERVER in OBSERVERS

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

"""``plutora record`` reads the phase and gate names and the first releases' phases, gates and
activities; a simulator seeded from that recording serves them (ids and names kept, people
replaced), and never takes a phase or an activity for a release."""

from __future__ import annotations

from pathlib import Path

import pytest

from PlutoraLibrary.core import NotFound, PlutoraClient
from PlutoraLibrary.core.site_recording import record_site
from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig
from PlutoraLibrary.simulator.site import Recorded
from tests.integration.test_recordings import assert_no_secrets, config_for


def test_a_recorded_release_framework_is_served_by_the_seeded_simulator(tmp_path: Path) -> None:
    path = tmp_path / "site.ndjson"
    with PlutoraSimulator(SimulatorConfig(seed=7)) as site:
        site.state.release_framework.names["phase"][0]["name"] = "Discovery"  # the site's own
        results, _ = record_site(config_for(site), path)
        release = next(iter(site.state.releases.records))
        phases = site.state.release_framework.of("phase", release["id"])
        activities = site.state.release_framework.activities_of(release["id"])
    assert_no_secrets(path)
    rows = {result.check for result in results if result.passed}
    assert {"phase names", "gate names", f"phases of {release['identifier']}"} <= rows
    facts = Recorded.read(path)
    assert facts.work_item_names["phase"][0]["name"] == "Discovery"
    assert release["id"].lower() in facts.framework["activities"]
    assert not {p["id"] for p in phases} & set(facts.records["releases"])  # not releases

    with (
        PlutoraSimulator(SimulatorConfig(seed_from=str(path))) as sim,
        PlutoraClient(config_for(sim)) as client,
    ):
        assert client.phase_names()[0]["name"] == "Discovery"
        served = client.release_phases(release["id"])
        assert [(p["id"], p["workItemName"]) for p in served] == [
            (p["id"], p["workItemName"]) for p in phases
        ]
        titles = {
            (a["id"], a["title"], a["status"]) for a in client.release_activities(release["id"])
        }
        assert titles == {(a["id"], a["title"], a["status"]) for a in activities}
        with pytest.raises(NotFound):
            client.release(phases[0]["id"])  # a phase was not taken for a release

"""A recording read back for seeding: a record's sub-resources (its stakeholders, its custom
fields) are not taken for records of its kind, and the organization tree gives its
organizations; a simulator seeded from the recording serves the tree and stakeholders."""

from __future__ import annotations

from pathlib import Path

from PlutoraLibrary.core import PlutoraClient
from PlutoraLibrary.core.site_recording import record_site
from PlutoraLibrary.core.systems import walk
from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig
from PlutoraLibrary.simulator.site import Recorded
from tests.core.conftest import config_for


def test_sub_resources_are_not_records_and_the_seeded_site_serves_the_tree(
    tmp_path: Path,
) -> None:
    path = tmp_path / "site.ndjson"
    with PlutoraSimulator(SimulatorConfig()) as sim:
        results, _ = record_site(config_for(sim), path)
        assert all(result.passed for result in results)
        users = {str(user["id"]).lower() for user in sim.state.requests.users}
        systems = len(sim.state.catalogue.systems)
        releases = len(sim.state.releases.records)
    names = {result.check for result in results}
    assert {"organization tree", "release stakeholders", "system stakeholders"} <= names
    recorded = Recorded.read(path)
    for kind, records in recorded.records.items():
        assert not users & set(records), f"stakeholders taken for {kind}"
        assert all("children" not in record for record in records.values())
    assert len(recorded.records["organizations"]) == 6  # the tree's, with the list's

    with PlutoraSimulator(SimulatorConfig(seed_from=str(path))) as seeded:
        assert len(seeded.state.catalogue.systems) == systems
        assert len(seeded.state.releases.records) == releases
        with PlutoraClient(config_for(seeded)) as client:
            tree = client.organization_tree()
            assert sorted(node["id"] for node, _ in walk(tree)) == sorted(
                org["id"] for org in client.organizations()
            )
            release = client.releases()[0]["id"]
            assert client.stakeholders("release", release)[0]["accountable"] is True

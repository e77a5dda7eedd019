"""The secret scan over the environment-group, connectivity and TEBR writes: with distinctive
credentials, logging at DEBUG and a recording, no client secret, password or token shows in
a log record, the recording, an error's message or repr, even when a body, a refusal or a
fault's answer carries one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests

from PlutoraLibrary.core import PlutoraClient, PlutoraError, SearchFilter
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for

SECRET = "Group-Client-Secret-4d2e"
PASSWORD = "Group-Password-91fa"


def test_no_secret_reaches_logs_recordings_or_errors_of_group_and_tebr_writes(
    sim: PlutoraSimulator, control: Control, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from PlutoraLibrary.simulator.config import ApiKey

    sim.state.api_keys["group-client"] = ApiKey("group-client", SECRET, "plutora")
    sim.add_user("groups@example.com", PASSWORD, "plutora")
    recording = tmp_path / "site.ndjson"
    config = config_for(
        sim,
        client_id="group-client",
        client_secret=SECRET,
        username="groups@example.com",
        password=PASSWORD,
        record=str(recording),
    )
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG), PlutoraClient(config) as client:
        token = client.transport.tokens.token()
        environments = [e["id"] for e in client.environments()]
        group = client.create_environment_group(
            {
                "name": "Secret-free group",
                "environmentIDs": environments[:2],
                # A careless alert message: masked wherever it is shown.
                "bookingAlertMessage": f"ask ops; client_secret={SECRET}",
            }
        )
        https = client.lookup_id("EnvironmentMapConnectivityType", "HTTPS")
        client.connect_environments(group["id"], environments[0], environments[1], https)
        client.update_environment_group(group["id"], {**group, "description": "x"}, verify=True)
        submitted = client.search_tebrs([SearchFilter("status", "Equals", "Submitted")]).items[0]
        client.set_tebr_status(submitted["id"], "Approved", description=f"password={PASSWORD}")
        client.tebr_bookings(submitted["id"])
        client.bookings("`status` = `Approved`")
        control.fault(
            path="/TEBRs/",
            method="PUT",
            kind="status",
            status=500,
            body={"message": "boom", "echo": token.value},
        )
        for call in (
            lambda: client.set_tebr_status(submitted["id"], "Completed"),
            lambda: client.create_environment_group({"name": "Secret-free group"}),
            lambda: client.connect_environments(
                group["id"], environments[0], environments[0], https
            ),
        ):
            try:
                call()
            except PlutoraError as error:
                shown += [str(error), repr(error)]
        client.delete_environment_group(group["id"])
    assert len(shown) == 6
    issued = requests.get(sim.urls.control_url + "/tokens/issued", timeout=10).json()
    recorded = recording.read_text(encoding="utf-8")
    assert "/environmentgroups" in recorded  # the exchanges were recorded at all
    assert "/TEBRs/" in caplog.text
    everything = "\n".join(
        [caplog.text, recorded, *shown, *(str(r.__dict__) for r in caplog.records)]
    )
    for secret in [SECRET, PASSWORD, *issued]:
        assert secret not in everything

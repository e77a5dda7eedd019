"""No secret in any log record, error message or repr of the release writes (create, update,
delete, a release's changes, linked items), even when the server echoes the token in an
error body of a write."""

from __future__ import annotations

import logging

import pytest
import requests

from PlutoraLibrary.core import OutcomeUnknown, PlutoraClient, PlutoraError
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for

SECRET = "Release-Writes-Secret-41d2"
PASSWORD = "Release-Writes-Password-9e0c"


def test_release_writes_leave_no_secret_in_logs_errors_or_reprs(
    sim: PlutoraSimulator, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    from PlutoraLibrary.simulator.config import ApiKey

    sim.state.api_keys["release-writer"] = ApiKey("release-writer", SECRET, "plutora")
    sim.add_user("release.writer@example.com", PASSWORD, "plutora")
    config = config_for(
        sim,
        client_id="release-writer",
        client_secret=SECRET,
        username="release.writer@example.com",
        password=PASSWORD,
    )
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG), PlutoraClient(config) as client:
        token = client.transport.tokens.token()
        release = client.create_release(
            {
                "identifier": "R-SECRET",
                "name": "Secret scan",
                "implementationDate": "2027-01-31",
                "releaseStatusTypeId": client.lookup_id("ReleaseStatusType", "Draft"),
                "plutoraReleaseType": "Independent",
            }
        )
        client.update_release(release["id"], {**release, "summary": "scan"}, verify=True)
        change = client.changes()[0]["id"]
        client.link_change_to_release(change, release["id"], verify=True)
        client.remove_change_from_release(change, release["id"])
        link = client.link_items("release", release["id"], client.releases()[0]["id"])
        client.unlink_item("release", release["id"], link["id"])
        echo = {"message": "boom", "echo": token.value, "secret": SECRET}
        control.fault(path="/releases/", method="PUT", kind="status", status=500, body=echo)
        control.fault(path="/linkedItems$", method="POST", kind="drop", stage="after")
        for write in (
            lambda: client.update_release(release["id"], {**release, "summary": "x"}),
            lambda: client.link_items("release", release["id"], "not-an-id"),
            lambda: client.link_items("change", change, release["id"], "Release"),
            lambda: client.delete_release("6f1c0000-0000-4000-8000-000000000000"),
        ):
            try:
                write()
            except (PlutoraError, OutcomeUnknown, ValueError) as error:
                shown += [str(error), repr(error)]
        client.delete_release(release["id"])
        shown += [repr(client), repr(client.created)]
    issued = requests.get(sim.urls.control_url + "/tokens/issued", timeout=10).json()
    everything = "\n".join([caplog.text, *shown, *(str(r.__dict__) for r in caplog.records)])
    assert "PUT /plutora/api/releases/" in caplog.text  # the writes were logged at all
    assert len(shown) >= 4
    for secret in [SECRET, PASSWORD, *issued]:
        assert secret not in everything

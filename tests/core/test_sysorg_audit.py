"""The fault audit and the secret scan of the system, organization and stakeholder writes: a
create whose answer is lost adopts exactly the one record it made (never a duplicate, never
one that was there), a PUT whose answer is lost is sent again and not lost, and no secret
reaches a log, a recording or an error."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from PlutoraLibrary.core import OutcomeUnknown, PlutoraClient, PlutoraError, where
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for

SECRET = "Distinctive-Client-Secret-5e0d"
PASSWORD = "Distinctive-Password-41c9"


def test_lost_answers_adopt_one_record_and_lose_no_update(
    client: PlutoraClient, control: Control
) -> None:
    top = client.organization_tree()
    system_fields = {"vendor": "SAP", "status": "Active", "organizationId": top["id"]}
    control.fault(path="/systems$", method="POST", kind="drop", stage="before", count=1)
    with pytest.raises(OutcomeUnknown, match="Nothing was sent twice"):
        client.create_system({**system_fields, "name": "Audit Ledger"})
    control.fault(path="/systems$", method="POST", kind="drop", stage="after", count=1)
    system = client.create_system({**system_fields, "name": "Audit Ledger"})
    control.fault(path="/organizations$", method="POST", kind="drop", stage="after", count=1)
    team = client.create_organization(
        {"name": "Audit Team", "type": "Department", "parentId": top["id"]}
    )
    release = client.releases(where("status").equals("Draft"))[0]["id"]
    change = client.changes()[0]["id"]
    me = client.id_of("users", "qa.lead@example.com")
    added = {}
    for kind, record in (("release", release), ("system", system["id"]), ("change", change)):
        control.fault(path="/stakeholders$", method="POST", kind="drop", stage="after", count=1)
        added[kind] = client.add_stakeholder(kind, record, user_id=me, roles="Tester")
    # A PUT whose answer is lost is sent again (same body, no harm): the update is not lost.
    for path in ("/systems/[^/]+$", "/organizations/[^/]+$", "/stakeholders/[^/]+$"):
        control.fault(path=path, method="PUT", kind="drop", stage="after", count=1)
    read = client.system(system["id"])
    client.update_system(system["id"], {**read, "status": "Inactive"}, verify=True)
    client.update_organization(team["id"], {**team, "name": "Audit Guild"}, verify=True)
    client.update_stakeholder("release", release, me, {"consulted": True}, verify=True)
    assert control("GET", "/faults").json() == []  # every fault was met

    assert Counter(s["name"] for s in client.systems())["Audit Ledger"] == 1
    assert client.system(system["id"])["status"] == "Inactive"
    assert Counter(o["name"] for o in client.organizations())["Audit Guild"] == 1
    for kind, record in (("release", release), ("system", system["id"]), ("change", change)):
        mine = [s for s in client.stakeholders(kind, record) if s["userId"] == me]
        assert len(mine) == 1, f"{kind}: the stakeholder was added twice"
        assert added[kind]["id"] == me
    assert client.stakeholder("release", release, me)["consulted"] is True
    # The system and the release and system stakeholders are for the clean-up (no DELETE of
    # an organization exists); a change's stakeholder is too.
    assert len(client.created) == 4


def test_no_secret_reaches_logs_recordings_or_errors(
    sim: PlutoraSimulator, control: Control, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from PlutoraLibrary.simulator.config import ApiKey

    sim.state.api_keys["distinct-client"] = ApiKey("distinct-client", SECRET, "plutora")
    sim.add_user("distinct@example.com", PASSWORD, "plutora")
    recording = tmp_path / "site.ndjson"
    config = config_for(
        sim,
        client_id="distinct-client",
        client_secret=SECRET,
        username="distinct@example.com",
        password=PASSWORD,
        record=str(recording),
    )
    shown: list[str] = []
    with caplog.at_level(logging.DEBUG), PlutoraClient(config) as client:
        token = client.transport.tokens.token()
        top = client.organization_tree()
        system = client.create_system(
            {
                "name": "Secret Ledger",
                "vendor": "SAP",
                "status": "Active",
                "organizationId": top["id"],
            }
        )
        client.update_system(system["id"], {**system, "description": "x"}, verify=True)
        team = client.create_organization(
            {"name": "Secret Team", "type": "Department", "parentId": top["id"]}
        )
        client.update_organization(team["id"], {**team, "name": "Secret Guild"}, verify=True)
        me = client.id_of("users", "qa.lead@example.com")
        client.add_stakeholder("system", system["id"], user_id=me, informed=True)
        client.update_stakeholder("system", system["id"], me, {"consulted": True}, verify=True)
        control.fault(
            path="/stakeholders", kind="status", status=500, body={"echo": token.value}, count=1
        )
        for call in (
            lambda: client.stakeholders("system", system["id"]),
            lambda: client.add_stakeholder("system", system["id"], user_id=me),
            lambda: client.create_system({"name": "Secret Ledger", **{"vendor": "V"}}),
            lambda: client.delete_system(top["id"]),
        ):
            try:
                call()
            except PlutoraError as error:
                shown += [str(error), repr(error)]
        client.remove_stakeholder("system", system["id"], me)
        client.delete_system(system["id"])
    assert len(shown) == 8
    issued = control("GET", "/tokens/issued").json()
    everything = "\n".join(
        [caplog.text, recording.read_text(), *shown, *(str(r.__dict__) for r in caplog.records)]
    )
    assert "/stakeholders" in caplog.text
    assert "/stakeholders" in recording.read_text()
    for secret in [SECRET, PASSWORD, *issued]:
        assert secret not in everything

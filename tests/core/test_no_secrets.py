"""No secret in any log record, exception message or repr, at any level."""

from __future__ import annotations

import logging

import pytest
import requests

from PlutoraLibrary.core import PlutoraClient, PlutoraError, PlutoraTestClient, SearchFilter, where
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for

SECRET = "Distinctive-Client-Secret-8c1f"
PASSWORD = "Distinctive-Password-77ab"


def test_no_secret_reaches_logs_errors_or_reprs(
    sim: PlutoraSimulator, control: Control, caplog: pytest.LogCaptureFixture
) -> None:
    from PlutoraLibrary.simulator.config import ApiKey

    # The simulator accepts our distinctive credentials:
    sim.state.api_keys["distinct-client"] = ApiKey("distinct-client", SECRET, "plutora")
    sim.add_user("distinct@example.com", PASSWORD, "plutora")
    config = config_for(
        sim,
        client_id="distinct-client",
        client_secret=SECRET,
        username="distinct@example.com",
        password=PASSWORD,
    )
    shown: list[str] = [repr(config), str(config)]
    with caplog.at_level(logging.DEBUG):
        with PlutoraClient(config) as client:
            shown += [repr(client), repr(client.transport), repr(client.transport.tokens)]
            token = client.transport.tokens.token()
            shown += [repr(token), str(token), f"{token}"]
            client.current_user()
            client.releases(where("status").equals("Draft"))
            client.search_changes([SearchFilter("ChangeId", direction="DESC")], page_size=3)
            sim.expire_tokens()
            client.current_user()  # a 401 and a fresh login
            control.fault(
                path="/me", kind="status", status=500, body={"message": "boom", "echo": token.value}
            )
            for call in (
                lambda: client.current_user(),
                lambda: client.release("nope"),
                lambda: client.releases("`x` = `1`"),
            ):
                try:
                    call()
                except PlutoraError as error:
                    shown += [str(error), repr(error)]
        with PlutoraTestClient(config_for(sim)) as tests:
            defect = tests.search_defects().items[0]
            tests.patch_defect(defect["Id"], {"Name": "renamed"}, verify=True)
        with PlutoraClient(config_for(sim, password=PASSWORD + "-wrong")) as wrong:
            try:
                wrong.current_user()
            except PlutoraError as error:
                shown += [str(error), repr(error)]
    issued = requests.get(sim.urls.control_url + "/tokens/issued", timeout=10).json()
    assert len(issued) >= 6
    everything = "\n".join([caplog.text, *shown, *(str(r.__dict__) for r in caplog.records)])
    assert "GET /plutora/api/me" in caplog.text  # the exchanges were logged at all
    for secret in [
        SECRET,
        PASSWORD,
        "Sim-Password-1",
        "sim-plutora-secret",
        "sim-plutora-test-secret",
        *issued,
    ]:
        assert secret not in everything


def test_credentials_in_a_token_url_never_show_in_errors_or_reprs(sim: PlutoraSimulator) -> None:
    from PlutoraLibrary.core import TransportError

    config = config_for(
        sim,
        auth_url="http://someone:Url-Password-5521@127.0.0.1:9/oauth/token",
        connect_timeout=0.5,
        retries=0,
    )
    with PlutoraClient(config) as client:
        assert "Url-Password-5521" not in repr(client.transport.tokens)
        assert "Url-Password-5521" not in repr(config)
        with pytest.raises(TransportError) as caught:
            client.current_user()
    assert "Url-Password-5521" not in str(caught.value)
    assert "***@127.0.0.1:9" in str(caught.value)

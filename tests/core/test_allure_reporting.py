"""Every exchange becomes an Allure step with masked attachments when a listener is active,
and nothing Allure-related happens otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allure_commons import hookimpl, plugin_manager

from PlutoraLibrary.core import PlutoraClient
from PlutoraLibrary.core.reporting import allure_active


class Recorder:
    """A stand-in Allure listener that keeps what it is told."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.attachments: list[tuple[str, str]] = []

    @hookimpl
    def start_step(self, uuid: Any, title: str, params: Any) -> None:
        self.steps.append(title)

    @hookimpl
    def stop_step(self, uuid: Any, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        pass

    @hookimpl
    def attach_data(self, body: Any, name: str, attachment_type: Any, extension: Any) -> None:
        self.attachments.append((name, body if isinstance(body, str) else body.decode()))


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    listener = Recorder()
    plugin_manager.register(listener)
    try:
        yield listener
    finally:
        plugin_manager.unregister(listener)


def test_each_call_is_a_step_with_masked_request_and_response(
    client: PlutoraClient, recorder: Recorder
) -> None:
    assert allure_active()
    client.current_user()
    assert recorder.steps == ["POST /plutora/oauth/token", "GET /plutora/api/me"]
    names = [name for name, _ in recorder.attachments]
    assert names == ["request", "response 200", "request", "response 200"]
    text = "\n".join(body for _, body in recorder.attachments)
    assert "Sim-Password-1" not in text
    assert "sim-plutora-secret" not in text
    assert client.transport.tokens.token().value not in text
    assert "Authorization: ***" in text
    assert '"access_token": "***"' in text


def test_nothing_happens_without_a_listener(client: PlutoraClient) -> None:
    assert not allure_active()
    assert client.current_user() == "qa.lead@example.com"

"""Every call becomes an Allure step whose status is the call's outcome, with masked
attachments valid for their type, when a listener is active; nothing Allure-related happens
otherwise. The Allure observer lives outside the core (``PlutoraLibrary.allure_report``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allure_commons import hookimpl, plugin_manager
from allure_commons.types import AttachmentType

from PlutoraLibrary.allure_report import ALLURE_OBSERVER, allure_active
from PlutoraLibrary.core import NotFound, PlutoraClient, PlutoraTestClient, TransportError
from PlutoraLibrary.core.calls import OBSERVERS
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for


@dataclass
class Step:
    title: str
    parent: Step | None
    exc_type: Any = None
    exc_val: Any = None
    children: list[Step] = field(default_factory=list)
    attachments: list[tuple[str, str, Any]] = field(default_factory=list)


class Recorder:
    """A stand-in Allure listener that keeps what it is told, as a tree of steps."""

    def __init__(self) -> None:
        self.steps: list[Step] = []  # every step, in the order started
        self.attachments: list[tuple[str, str, Any]] = []
        self._open: dict[Any, Step] = {}
        self._stack: list[Step] = []

    @hookimpl
    def start_step(self, uuid: Any, title: str, params: Any) -> None:
        step = Step(title, self._stack[-1] if self._stack else None)
        if step.parent is not None:
            step.parent.children.append(step)
        self.steps.append(step)
        self._open[uuid] = step
        self._stack.append(step)

    @hookimpl
    def stop_step(self, uuid: Any, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        step = self._open.pop(uuid)
        assert self._stack.pop() is step, "steps must close in the order they opened"
        step.exc_type, step.exc_val = exc_type, exc_val

    @hookimpl
    def attach_data(self, body: Any, name: str, attachment_type: Any, extension: Any) -> None:
        text = body if isinstance(body, str) else body.decode()
        self.attachments.append((name, text, attachment_type))
        if self._stack:
            self._stack[-1].attachments.append((name, text, attachment_type))

    def top(self) -> list[Step]:
        return [step for step in self.steps if step.parent is None]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    listener = Recorder()
    plugin_manager.register(listener)
    try:
        with OBSERVERS.observing(ALLURE_OBSERVER):
            yield listener
    finally:
        plugin_manager.unregister(listener)


def test_each_call_is_a_step_with_masked_request_and_response(
    client: PlutoraClient, recorder: Recorder
) -> None:
    assert allure_active()
    client.current_user()
    (call,) = recorder.top()
    assert call.title == "GET /plutora/api/me"
    assert call.exc_type is None
    assert [step.title for step in call.children] == ["POST /plutora/oauth/token"]  # the login
    names = [name for name, _, _ in recorder.attachments]
    assert names == ["request", "response 200", "request", "response 200"]
    text = "\n".join(body for _, body, _ in recorder.attachments)
    assert "Sim-Password-1" not in text
    assert "sim-plutora-secret" not in text
    assert client.transport.tokens.token().value not in text
    assert "Authorization: ***" in text
    assert '"access_token": "***"' in text


def test_the_step_of_a_404_call_is_failed(client: PlutoraClient, recorder: Recorder) -> None:
    with pytest.raises(NotFound):
        client.release("no-such-release")
    step = recorder.top()[-1]
    assert step.title == "GET /plutora/api/releases/no-such-release"
    assert step.exc_type is not None
    assert issubclass(step.exc_type, AssertionError)
    assert "NotFound" in str(step.exc_val)


def test_the_step_of_a_call_with_no_answer_is_broken(sim: PlutoraSimulator) -> None:
    recorder = Recorder()
    config = config_for(sim, retries=0, read_timeout=0.3)
    with PlutoraClient(config) as client:
        client.current_user()
        Control(sim).fault(path="/me", kind="delay", seconds=2)
        plugin_manager.register(recorder)
        try:
            with OBSERVERS.observing(ALLURE_OBSERVER), pytest.raises(TransportError):
                client.current_user()
        finally:
            plugin_manager.unregister(recorder)
    step = recorder.top()[-1]
    assert step.exc_type is not None
    assert not issubclass(step.exc_type, AssertionError)


def test_a_read_retried_after_two_503s_shows_its_attempts_as_sub_steps(
    client: PlutoraClient, control: Control, recorder: Recorder
) -> None:
    client.current_user()
    control.fault(path="/releases$", kind="status", status=503, count=2)
    client.releases()
    step = recorder.top()[-1]
    assert step.exc_type is None  # the call succeeded
    attempts = [child for child in step.children if not child.title.startswith("waited")]
    assert [child.title.split(" (")[0] for child in attempts] == ["503", "503", "200"]
    # The 503s were handled (retried): passed sub-steps, their status in the title.
    assert [child.exc_type is not None for child in attempts] == [False, False, False]
    # urllib3's backoff between them shows as a wait (none before the first retry).
    waits = [child.title for child in step.children if child.title.startswith("waited")]
    assert waits
    assert all("backoff before retrying" in title for title in waits)


def test_a_step_is_closed_even_when_an_attachment_fails(
    client: PlutoraClient, recorder: Recorder
) -> None:
    class FailingAttachments:
        @hookimpl
        def attach_data(self, body: Any, name: str, attachment_type: Any, extension: Any) -> None:
            raise OSError("the results folder is full")

    failing = FailingAttachments()
    plugin_manager.register(failing)
    try:
        client.current_user()
        client.releases()
    finally:
        plugin_manager.unregister(failing)
    # Every step opened was closed (the Recorder checks the order), and none is left open.
    assert recorder._open == {}
    assert [step.title for step in recorder.top()] == [
        "GET /plutora/api/me",
        "GET /plutora/api/releases",
    ]


def test_the_last_attempt_of_a_failed_call_carries_its_status(
    client: PlutoraClient, control: Control, recorder: Recorder
) -> None:
    client.current_user()
    control.fault(path="/releases/", kind="status", status=503, count=1, method="GET")
    with pytest.raises(NotFound):
        client.release("no-such-release")
    step = recorder.top()[-1]
    first, last = step.children
    assert first.title.startswith("503")
    assert first.exc_type is None
    assert last.title.startswith("404")
    assert issubclass(last.exc_type, AssertionError)
    assert issubclass(step.exc_type, AssertionError)


def test_a_429_wait_and_a_renewal_are_sub_steps(
    client: PlutoraClient, control: Control, sim: PlutoraSimulator, recorder: Recorder
) -> None:
    client.current_user()
    sim.expire_tokens()
    client.current_user()
    renewed = recorder.top()[-1]
    titles = [child.title for child in renewed.children]
    assert "token renewed after 401" in titles
    assert "POST /plutora/oauth/token" in titles  # the renewal's login, nested
    control.fault(path="/me", kind="rate_limit", retryAfter=1)
    client.current_user()
    waited = recorder.top()[-1]
    assert "waited 1 s (Retry-After: 1)" in [child.title for child in waited.children]


def test_every_attachment_labelled_json_parses_even_for_large_pages(
    client: PlutoraClient, test_client: PlutoraTestClient, recorder: Recorder
) -> None:
    client.search_changes(page_size=100)  # far longer than log_body_limit
    client.releases()
    test_client.search_defects(page_size=100)
    client.current_user()  # short: attached whole as JSON
    kinds = [(name, kind) for name, _, kind in recorder.attachments]
    assert ("response 200", AttachmentType.JSON) in kinds
    for name, text, kind in recorder.attachments:
        if kind is AttachmentType.JSON:
            json.loads(text)  # never "… (N more characters)" under a JSON label
            assert "\n  " in text or len(text) < 40  # pretty-printed
        elif name.startswith("response") and text.endswith("more characters)"):
            assert kind is AttachmentType.TEXT


def test_nothing_happens_without_a_listener(client: PlutoraClient) -> None:
    assert not allure_active()
    with OBSERVERS.observing(ALLURE_OBSERVER):
        assert client.current_user() == "qa.lead@example.com"

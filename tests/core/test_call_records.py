"""One record per call, finished after validation, handed once to the observers: every
attempt (urllib3's retries included), waits, renewals, logins and the real outcome."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from PlutoraLibrary.core import NotFound, PlutoraClient, Product, SchemaMismatch
from PlutoraLibrary.core.calls import (
    OBSERVERS,
    CallObserver,
    CallRecord,
    Detail,
    Outcome,
    start_call,
)
from PlutoraLibrary.core.transport import Transport
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.conftest import config_for


class Collector(CallObserver):
    """An observer that keeps every record it is handed."""

    def __init__(self, detail: Detail = Detail.CUT) -> None:
        self.detail = detail
        self.calls: list[CallRecord] = []
        self.started_calls: list[CallRecord] = []

    def wants(self) -> Detail:
        return self.detail

    def started(self, call: CallRecord) -> None:
        self.started_calls.append(call)

    def finished(self, call: CallRecord) -> None:
        self.calls.append(call)

    def api(self) -> list[CallRecord]:
        return [call for call in self.calls if call.kind == "api"]


@pytest.fixture
def collector() -> Iterator[Collector]:
    with OBSERVERS.observing(Collector()) as observer:
        assert isinstance(observer, Collector)
        yield observer


def test_a_read_retried_after_two_503s_shows_three_attempts(
    client: PlutoraClient, control: Control, collector: Collector, caplog: pytest.LogCaptureFixture
) -> None:
    client.current_user()
    control.fault(path="/releases$", kind="status", status=503, count=2)
    caplog.set_level(logging.INFO, logger="PlutoraLibrary.http")
    assert len(client.releases()) == 260
    call = collector.api()[-1]
    assert [attempt.status for attempt in call.attempts] == [503, 503, 200]
    assert call.outcome is Outcome.SUCCESS
    assert all(attempt.elapsed_ms >= 0 for attempt in call.attempts)
    summary = call.summary()
    assert summary.startswith("GET /plutora/api/releases → 200 after 3 attempts: 503 (")
    assert summary in caplog.text  # pytest's captured log, through the logging observer


def test_a_dropped_connection_retried_by_urllib3_is_an_attempt_with_no_answer(
    client: PlutoraClient, control: Control, collector: Collector
) -> None:
    client.current_user()
    control.fault(path="/releases$", kind="drop", count=1)
    client.releases()
    attempts = collector.api()[-1].attempts
    assert [a.status for a in attempts] == [None, 200]
    assert attempts[0].failure


def test_a_429_wait_is_recorded_with_its_reason(
    sim: PlutoraSimulator, control: Control, collector: Collector
) -> None:
    config = config_for(sim)
    transport = Transport(config, Product.PLUTORA, sleep=lambda seconds: None)
    with PlutoraClient(config, transport=transport) as client:
        client.current_user()
        control.fault(path="/me", kind="rate_limit", retryAfter=2)
        client.current_user()
    call = collector.api()[-1]
    assert [a.status for a in call.attempts] == [429, 200]
    assert "waited 2 s (Retry-After: 2)" in call.lines()


def test_a_renewal_after_401_is_recorded_but_never_the_token(
    client: PlutoraClient, sim: PlutoraSimulator, collector: Collector
) -> None:
    client.current_user()
    old = client.transport.tokens.token().value
    sim.expire_tokens()
    client.current_user()
    new = client.transport.tokens.token().value
    call = collector.api()[-1]
    lines = call.lines()
    assert [a.status for a in call.attempts] == [401, 200]
    assert "token renewed after 401" in lines
    assert any(line.startswith("logged in: POST /plutora/oauth/token → 200") for line in lines)
    logins = [c for c in collector.calls if c.kind == "login"]
    assert len(logins) == 2
    text = repr(collector.calls)
    assert old not in text
    assert new not in text
    assert "Sim-Password-1" not in text
    assert "sim-plutora-secret" not in text


def test_a_404_is_an_error_answer_with_its_type(
    client: PlutoraClient, collector: Collector
) -> None:
    with pytest.raises(NotFound):
        client.release("no-such-release")
    call = collector.api()[-1]
    assert call.outcome is Outcome.ERROR_ANSWER
    assert call.error_type == "NotFound"
    assert "answered 404" in (call.error_message or "")
    assert collector.started_calls.count(call) == 1
    assert collector.calls.count(call) == 1  # handed over once


def test_a_schema_mismatch_is_the_outcome_of_the_call_it_came_with(
    client: PlutoraClient, control: Control, collector: Collector
) -> None:
    client.current_user()
    control.fault(path="/releases/x1$", kind="status", status=200, body={"id": 5})
    with pytest.raises(SchemaMismatch):
        client.release("x1")
    call = collector.api()[-1]
    assert call.outcome is Outcome.SCHEMA_MISMATCH
    assert call.status == 200
    assert len(call.mismatches) > 1  # every mismatch, not the first


def test_no_record_is_built_when_nobody_listens() -> None:
    logger = logging.getLogger("PlutoraLibrary.http")
    if logger.isEnabledFor(logging.INFO):
        pytest.skip("the run's logging listens")
    assert OBSERVERS.detail()[0] is Detail.NONE
    assert start_call("GET", "http://example.invalid/me") is None


def test_the_core_imports_no_allure_robot_or_pytest() -> None:
    code = (
        "import sys, PlutoraLibrary.core, PlutoraLibrary.core.calls\n"
        "print(sorted(m for m in ('allure', 'allure_commons', 'robot', 'pytest') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_plain_script_that_gets_a_404_prints_nothing_on_stderr(sim: PlutoraSimulator) -> None:
    urls = sim.urls
    script = f"""
from PlutoraLibrary.core import NotFound, PlutoraClient, PlutoraConfig
config = PlutoraConfig.from_env(
    {{}}, client_id="sim-plutora-client", client_secret="sim-plutora-secret",
    username="qa.lead@example.com", password="Sim-Password-1",
    auth_url={urls.plutora_token_url!r}, api_url={urls.plutora_api_url!r}, retries=1,
)
with PlutoraClient(config) as client:
    try:
        client.release("missing")
    except NotFound:
        print("not found")
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "not found"
    assert out.stderr == ""


def test_a_shape_error_with_validation_off_is_the_calls_outcome(
    sim: PlutoraSimulator, control: Control, collector: Collector
) -> None:
    with PlutoraClient(config_for(sim, validate_responses=False)) as client:
        client.current_user()
        control.fault(path="/releases$", kind="status", status=200, body='{"nothing": 1}')
        with pytest.raises(SchemaMismatch):
            client.releases()
    call = collector.api()[-1]
    assert call.outcome is Outcome.SCHEMA_MISMATCH
    assert call.error_type == "SchemaMismatch"


def test_an_observer_that_fails_never_fails_the_call(
    client: PlutoraClient, collector: Collector
) -> None:
    class Broken(CallObserver):
        def wants(self) -> Detail:
            raise RuntimeError("observer bug")

    with OBSERVERS.observing(Broken()):
        assert client.current_user() == "qa.lead@example.com"
    assert collector.api()[-1].outcome is Outcome.SUCCESS


def test_an_observer_added_during_a_call_is_not_told_it_ended(
    client: PlutoraClient, collector: Collector
) -> None:
    late = Collector()

    class AddsAnother(CallObserver):
        def wants(self) -> Detail:
            return Detail.CUT

        def started(self, call: CallRecord) -> None:
            OBSERVERS.add(late)

    client.current_user()  # logged in: the next call is one call
    try:
        with OBSERVERS.observing(AddsAnother()):
            client.current_user()
        assert late.calls == []  # it missed the start: it gets neither half
        client.current_user()
        assert len(late.started_calls) == len(late.calls) == 1
    finally:
        OBSERVERS.remove(late)


def test_a_refused_login_is_an_error_answer_also_when_remembered(
    sim: PlutoraSimulator, collector: Collector
) -> None:
    from PlutoraLibrary.core import LoginRejected

    config = config_for(sim, password="not-the-password")
    for _ in range(2):  # the second is refused from memory: nothing is sent
        with PlutoraClient(config) as client, pytest.raises(LoginRejected):
            client.current_user()
    outcomes = [call.outcome for call in collector.api()]
    assert outcomes == [Outcome.ERROR_ANSWER, Outcome.ERROR_ANSWER]


def test_a_call_with_no_answer_keeps_its_query(sim: PlutoraSimulator, collector: Collector) -> None:
    from PlutoraLibrary.core import TransportError

    with PlutoraClient(config_for(sim, retries=0, read_timeout=0.3)) as client:
        client.current_user()
        Control(sim).fault(path="/releases$", kind="delay", seconds=2)
        with pytest.raises(TransportError):
            client.release_page(3, 50)
    call = collector.api()[-1]
    assert call.outcome is Outcome.NO_ANSWER
    assert "recordsPerPage=" in call.url
    assert "pageNum=" in call.url


def test_a_mismatch_masks_values_under_secret_looking_keys(client: PlutoraClient) -> None:
    mismatches = client.schemas.mismatches({"password": "hunter22", "x": 1}, "release", "list")
    assert mismatches
    assert "hunter22" not in "\n".join(mismatches)

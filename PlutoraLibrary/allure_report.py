"""Every Plutora call as an Allure step, for the Robot library and the pytest plugin alike.

The core knows nothing of Allure: it hands each call's record (:mod:`PlutoraLibrary.core.calls`)
to its observers, and :data:`ALLURE_OBSERVER` is one, added by the Robot library and, when
allure-pytest writes results (``--alluredir``), by the pytest plugin. It talks to whichever
Allure listener is active through ``allure_commons``' hooks, and does nothing when none is.

A call is one step, opened when the call begins (a login it needs is a step inside it) and
closed with the call's outcome: **passed**; **failed** for an error answer or a schema
mismatch (the step ends with an ``AssertionError``, :class:`CallFailed`); **broken** when no
answer came or anything else went wrong (:class:`CallBroken`). A call of more than one attempt
shows each attempt, wait and renewal as a sub-step. Attachments are already masked and valid
for their type: a whole JSON body pretty-printed as ``application/json``; a body cut at
``log_body_limit`` as ``text/plain``, ending in a note of what was left out.

Example (the pytest plugin does this for you)::

    from PlutoraLibrary.allure_report import ALLURE_OBSERVER
    from PlutoraLibrary.core.calls import OBSERVERS

    OBSERVERS.add(ALLURE_OBSERVER)
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit
from uuid import uuid4

from allure_commons import plugin_manager
from allure_commons.types import AttachmentType

from .core.calls import (
    Attempt,
    CallObserver,
    CallRecord,
    Detail,
    Login,
    Outcome,
    pretty_json,
    shown,
)


class CallFailed(AssertionError):
    """The outcome of a call that got an error answer or one of the wrong shape: Allure marks
    its step failed. Example: ``CallFailed("NotFound: GET /plutora/api/releases/x answered 404")``
    """


class CallBroken(Exception):
    """The outcome of a call that got no answer, or broke otherwise: Allure marks its step
    broken. Example: ``CallBroken("TransportError: GET /plutora/api/me failed …")``"""


def allure_active() -> bool:
    """Whether an Allure listener records steps now (allure-pytest with ``--alluredir``, the
    allure-robotframework listener); helpers that only decorate titles do not count.

    Example: ``if allure_active(): ...``
    """
    return bool(plugin_manager.hook.start_step.get_hookimpls())


class AllureObserver(CallObserver):
    """Calls as Allure steps with masked attachments (see the module's documentation).

    Example: ``with OBSERVERS.observing(AllureObserver()): client.current_user()``
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _open(self) -> list[tuple[CallRecord, str]]:
        stack: list[tuple[CallRecord, str]] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def wants(self) -> Detail:
        return Detail.CUT if allure_active() else Detail.NONE

    def started(self, call: CallRecord) -> None:
        if allure_active():
            uuid = _start(f"{call.method} {urlsplit(call.url).path}")
            self._open().append((call, uuid))

    def finished(self, call: CallRecord) -> None:
        stack = self._open()
        if stack and stack[-1][0] is call:
            uuid = stack.pop()[1]
        elif allure_active():  # the observer came after the call began
            uuid = _start(f"{call.method} {urlsplit(call.url).path}")
        else:
            return
        error = _step_error(call)
        try:  # the step is closed whatever an attachment or a sub-step does
            events = [event for event in call.events if not isinstance(event, Login)]
            if len(events) > 1:
                last = call.attempts[-1] if call.attempts else None
                for event in events:
                    _sub_step(event.label(), _attempt_failure(event, event is last, error))
            _attach_request(call)
            for part in call.request_files:  # a log file sent with the call: masked, whole
                _attach(
                    part.text or f"{part.title()}: not shown",
                    part.title(),
                    AttachmentType.TEXT,
                )
            attempts = call.attempts
            if attempts and attempts[-1].response_body:
                _attach_body(f"response {attempts[-1].status}", attempts[-1], call.body_limit)
        finally:
            plugin_manager.hook.stop_step(
                uuid=uuid,
                exc_type=type(error) if error is not None else None,
                exc_val=error,
                exc_tb=None,
            )


def _start(title: str) -> str:
    uuid = uuid4().hex
    plugin_manager.hook.start_step(uuid=uuid, title=title, params={})
    return uuid


def _sub_step(title: str, error: BaseException | None) -> None:
    uuid = _start(title)
    exc_type = type(error) if error is not None else None
    plugin_manager.hook.stop_step(uuid=uuid, exc_type=exc_type, exc_val=error, exc_tb=None)


def _attempt_failure(
    event: object, last: bool, outcome: BaseException | None
) -> BaseException | None:
    """A sub-step's status: the last attempt's is the call's; an earlier attempt that got no
    answer is broken; an earlier answer the client handled (a 503 retried, a 401 renewed, a
    429 waited out) passed, its status in its title."""
    if not isinstance(event, Attempt):
        return None
    if last:
        return outcome
    return CallBroken(event.label()) if event.status is None else None


def _step_error(call: CallRecord) -> BaseException | None:
    if call.outcome in (None, Outcome.SUCCESS):
        return None
    # The outcome line's message lists the first mismatches already (SchemaMismatch's own).
    message = call.outcome_line()
    if call.outcome in (Outcome.ERROR_ANSWER, Outcome.SCHEMA_MISMATCH):
        return CallFailed(message)
    return CallBroken(message)


def _attach_request(call: CallRecord) -> None:
    headers = "\n".join(f"{name}: {value}" for name, value in call.request_headers.items())
    body = ""
    if call.request_body:
        cut = call.request_size is not None or len(call.request_body) > call.body_limit
        pretty = None if cut else pretty_json(call.request_body, None)
        body = pretty or call.shown_request(call.body_limit)
    _attach(f"{call.method} {call.url}\n{headers}\n\n{body}", "request", AttachmentType.TEXT)


def _attach_body(name: str, attempt: Attempt, limit: int) -> None:
    text, size = attempt.response_body, attempt.response_size
    cut = size is not None or len(text) > limit
    pretty = None if cut else pretty_json(text, None)
    if pretty is not None:
        _attach(pretty, name, AttachmentType.JSON)
    else:  # cut for size (or not JSON): text, ending in what was left out
        _attach(shown(text, size, limit), name, AttachmentType.TEXT)


def _attach(body: str, name: str, kind: AttachmentType) -> None:
    plugin_manager.hook.attach_data(body=body, name=name, attachment_type=kind, extension=None)


#: The observer the Robot library and the pytest plugin add.
ALLURE_OBSERVER = AllureObserver()

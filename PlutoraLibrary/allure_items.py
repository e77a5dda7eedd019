"""The run's Plutora Test coverage as an Allure result of its own, for every adapter.

A summary belongs to no single test, so it is written as one extra result, "Plutora Test
coverage", holding the summary as a text attachment and the coverage as JSON. It goes through
``allure_commons``' reporter hooks (whichever Allure listener writes results in this process:
allure-pytest with ``--alluredir``, the allure-robotframework listener) or, for the
``plutora links`` command, to a results folder given by name.

Example::

    write_coverage(coverage, links)                     # through the active listener
    write_coverage(coverage, links, "allure-results")   # into a folder
"""

from __future__ import annotations

import time
from uuid import uuid4

from allure_commons import plugin_manager
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Attachment, Label, Link, Status, TestResult

from .core.item_links import KINDS, Coverage, ItemLinks

TITLE = "Plutora Test coverage"


def _result(coverage: Coverage, links: ItemLinks | None) -> tuple[TestResult, dict[str, str]]:
    now = int(time.time() * 1000)
    files = {
        f"{uuid4()}-attachment.txt": coverage.report(links),
        f"{uuid4()}-attachment.json": coverage.as_json(),
    }
    names = list(files)
    result = TestResult(
        uuid=str(uuid4()),
        historyId="plutora-test-coverage",
        name=TITLE,
        fullName=TITLE,
        status=Status.FAILED if coverage.failed else Status.PASSED,
        start=now,
        stop=now,
        description=coverage.line(),
        attachments=[
            Attachment(name="Plutora Test coverage", source=names[0], type="text/plain"),
            Attachment(name="coverage.json", source=names[1], type="application/json"),
        ],
        labels=[Label(name="suite", value="Plutora Test"), Label(name="tag", value="plutora")],
    )
    for ref in coverage.failed:
        url = links.url_for(ref) if links else None
        if url:
            result.links.append(Link(type=KINDS[ref.kind][0], url=url, name=ref.display_id))
    return result, files


def write_coverage(
    coverage: Coverage, links: ItemLinks | None = None, folder: str | None = None
) -> bool:
    """Write the coverage result: into ``folder``, or through the active Allure listener;
    whether anything was written (nothing without a listener or a folder, or without items).
    """
    if not coverage.items:
        return False
    result, files = _result(coverage, links)
    if folder is not None:
        writer = AllureFileLogger(folder)  # type: ignore[no-untyped-call]
        for name, text in files.items():
            writer.report_attached_data(text.encode("utf-8"), name)  # type: ignore[no-untyped-call]
        writer.report_result(result)  # type: ignore[no-untyped-call]
        return True
    hook = plugin_manager.hook
    if not hook.report_result.get_hookimpls():
        return False
    for name, text in files.items():
        hook.report_attached_data(body=text.encode("utf-8"), file_name=name)
    hook.report_result(result=result)
    return True

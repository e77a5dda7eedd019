"""Screenshots of what a user reads after a run: Robot's log.html and an Allure 3 report of a
small suite with a retried read, a 429 wait and a failed call, against the embedded simulator.

Needs Debian's ``chromium`` and the npm package ``allure`` (Allure 3, run by ``npx``); neither
is needed by the tests or CI. Run from the repository::

    apt-get install -y chromium && npm install -g allure
    python -m tools.report_screenshots --output results/screenshots

It writes ``log-retried.png``, ``log-failed.png``, ``allure-overview.png``,
``allure-retried.png`` and ``allure-failed.png`` and prints their paths: open them and look.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.browser import Page, chromium, with_page

SUITE = """\
*** Settings ***
Documentation       What a resilience test shows: a retried read, a 429 wait, a failed call.

Library             PlutoraLibrary

Suite Setup         Start Plutora Simulator


*** Test Cases ***
A Read Retried After Two 503s
    ${releases}    Get Releases
    Inject Fault    /releases/    status=503    count=2    method=GET
    ${release}    Get Release    ${releases}[0][id]
    Should Match Schema    ${release}    release

A Call Waiting Out A 429
    Inject Fault    /me$    kind=rate_limit    retry_after=1
    Get Current User

A Failed Call: An Unknown Release
    Get Release    00000000-0000-0000-0000-000000000000
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Nothing: the script prints only the screenshots' paths."""


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on loopback (Allure's report fetches its data files)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def run_suite(work: Path) -> tuple[Path, Path]:
    """Run the suite with the Allure listener; the Robot output folder and Allure results."""
    suite, output, results = work / "reports_demo.robot", work / "robot", work / "allure-results"
    suite.write_text(SUITE, encoding="utf-8")
    subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [
            sys.executable, "-m", "robot", "--outputdir", str(output), "--loglevel", "INFO",
            "--listener", f"allure_robotframework:{results}", str(suite),
        ],
        check=False,  # one test fails on purpose
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return output, results


def allure_report(results: Path, report: Path) -> None:
    """``allure generate`` (Allure 3) of ``results`` into ``report``."""
    allure = shutil.which("allure") or shutil.which("npx")
    if allure is None:
        raise SystemExit("No Allure 3: npm install -g allure")
    command = [allure, "generate", str(results), "-o", str(report)]
    if allure.endswith("npx"):
        command = [allure, "--yes", "allure", "generate", str(results), "-o", str(report)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


async def shoot_log(page: Page, log: str, shots: Path) -> list[Path]:
    """log.html with the retried test and the failed test expanded, one shot each."""
    taken = []
    for test, name in (("s1-t1", "log-retried.png"), ("s1-t3", "log-failed.png")):
        await page.navigate(f"{log}#{test}")
        await page.wait_for(f"!!document.getElementById('{test}')")
        # Open every keyword of the test so that its messages show.
        await page.evaluate(
            f"document.querySelectorAll('#{test} .element-header.closed')"
            ".forEach(header => header.click())"
        )
        await asyncio.sleep(0.5)
        await page.evaluate(f"document.getElementById('{test}').scrollIntoView()")
        taken.append(shots / name)
        await page.screenshot(taken[-1])
    return taken


async def shoot_allure(page: Page, report: str, shots: Path) -> list[Path]:
    """The Allure report's overview, then the retried and the failed test with steps open."""
    await page.navigate(report)
    await page.wait_for("document.body.innerText.includes('Retried')", 30)
    await asyncio.sleep(1)
    taken = [shots / "allure-overview.png"]
    await page.screenshot(taken[-1])
    for title, name in (("Retried", "allure-retried.png"), ("Failed Call", "allure-failed.png")):
        await page.navigate(report)  # the tree: a test result's page hides it
        await page.wait_for(f"document.body.innerText.includes({title!r})", 30)
        await page.evaluate(
            "[...document.querySelectorAll('[data-testid=tree-leaf]')]"
            f".find(leaf => leaf.innerText.includes({title!r})).click()"
        )
        await page.wait_for(
            "document.querySelector('[data-testid=test-result-info-title]')"
            f"?.innerText.includes({title!r})"
        )
        await page.wait_for("!!document.querySelector('[data-testid=test-result-steps-root]')")
        # Open every closed step, then the steps that opening showed (an open arrow's icon
        # has an "opened" class).
        for _ in range(5):
            closed = await page.evaluate(
                "[...document.querySelectorAll('[data-testid=test-result-step-arrow-button]')]"
                ".filter(arrow => !arrow.querySelector('svg')?.getAttribute('class')"
                "?.includes('opened')).map(arrow => arrow.click()).length"
            )
            if not closed:
                break
            await asyncio.sleep(0.5)
        taken.append(shots / name)
        await page.screenshot(taken[-1])
    return taken


def main(argv: list[str] | None = None) -> None:
    """Run the demo suite, build the reports and take the screenshots.

    Example: ``python -m tools.report_screenshots --output results/screenshots``
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=Path("results/screenshots"))
    args = parser.parse_args(argv)
    shots: Path = args.output.resolve()
    shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        output, results = run_suite(work)
        allure_report(results, work / "allure-report")
        taken = []
        with serving(work) as base, chromium(width=1400, height=1000) as devtools:
            taken += asyncio.run(with_page(devtools, lambda page: shoot_log(
                page, f"{base}/robot/log.html", shots)))  # fmt: skip
        # A tall window: Allure scrolls inside the page, so a full-page shot shows no more.
        with serving(work) as base, chromium(width=1400, height=1500) as devtools:
            taken += asyncio.run(with_page(devtools, lambda page: shoot_allure(
                page, f"{base}/allure-report/index.html", shots)))  # fmt: skip
        shutil.copytree(output, shots / "robot", dirs_exist_ok=True)
    for path in taken:
        print(path)


if __name__ == "__main__":
    main()

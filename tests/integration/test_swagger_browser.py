"""The Swagger pages in a real browser (headless Chromium, driven over the DevTools protocol
with aiohttp's WebSocket client): both APIs' pages render every tag of the contract with no
console error and no request leaving the machine, and "Try it out" logs in with the
prefilled demo credentials, after which the page's next call is authorized.

Skipped where no Chromium is installed (Debian: ``apt-get install -y chromium``). The last
page is saved as ``/tmp/swagger.png`` for a look.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from PlutoraLibrary import contract
from PlutoraLibrary.simulator import PlutoraSimulator

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium: apt-get install -y chromium"),
]
SCREENSHOT = Path("/tmp/swagger.png")  # noqa: S108 (a fixed place to look at, by design)


@pytest.fixture(scope="module")
def devtools() -> Iterator[str]:
    """A headless Chromium; yields its DevTools HTTP address."""
    assert BROWSER is not None
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [
                BROWSER,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1280,1600",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert browser.stderr is not None
            for line in browser.stderr:
                found = re.search(r"DevTools listening on ws://([^/]+)/", line)
                if found:
                    yield f"http://{found.group(1)}"
                    break
            else:
                pytest.fail("Chromium started without a DevTools address")
        finally:
            browser.terminate()
            try:
                browser.wait(timeout=10)
            except subprocess.TimeoutExpired:
                browser.kill()


class Page:
    """One browser tab, over the DevTools protocol: commands, and the errors it logged."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            event = json.loads(message.data)
            if "id" in event and event["id"] in self.waiting:
                self.waiting.pop(event["id"]).set_result(event)
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                self.errors.append(
                    " ".join(
                        str(arg.get("value", arg.get("description"))) for arg in params["args"]
                    )
                )
            elif method == "Runtime.exceptionThrown":
                self.errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                self.errors.append(params["entry"]["text"])
            elif method == "Network.requestWillBeSent":
                self.requests.append(params["request"]["url"])

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[number] = answer
        await self.socket.send_json({"id": number, "method": method, "params": params})
        result = await asyncio.wait_for(answer, 30)
        assert "error" not in result, result
        return result.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, seconds: float = 20) -> Any:
        for _ in range(int(seconds * 10)):
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.1)
        pytest.fail(f"The page never showed: {expression}; errors: {self.errors}")

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.wait_for("document.querySelectorAll('.opblock-tag').length > 0")

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))


async def _with_page(devtools: str, work: Any) -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{devtools}/json/list") as listing:
            targets = [t for t in await listing.json() if t["type"] == "page"]
        async with session.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            page = Page(socket)
            for domain in ("Runtime", "Log", "Page", "Network"):
                await page.send(f"{domain}.enable")
            try:
                return await work(page)
            finally:
                page.reader.cancel()


TAGS_SHOWN = "[...document.querySelectorAll('.opblock-tag')].map(e => e.dataset.tag)"


def _operation(path: str, method: str) -> str:
    """A JavaScript expression for the operation block of ``method path``."""
    return (
        f"[...document.querySelectorAll('.opblock-{method}')].find(block => "
        f"block.querySelector('.opblock-summary-path')?.dataset.path === {json.dumps(path)})"
    )


async def _try(page: Page, path: str, method: str) -> str:
    """Open an operation, press Try it out and Execute; the status the page shows."""
    block = _operation(path, method)
    await page.wait_for(f"!!{block}")
    await page.evaluate(
        f"({block}.querySelector('.opblock-summary-control') "
        f"|| {block}.querySelector('.opblock-summary')).click()"
    )
    await page.wait_for(f"!!{block}.querySelector('.try-out__btn')")
    await page.evaluate(f"{block}.querySelector('.try-out__btn').click()")
    await page.wait_for(f"!!{block}.querySelector('.execute')")
    await page.evaluate(f"{block}.querySelector('.execute').click()")
    cell = ".live-responses-table .response .response-col_status"
    status = f"{block}.querySelector('{cell}')?.textContent.trim()"
    shown: str = await page.wait_for(status)
    return shown


@pytest.mark.parametrize("api", contract.APIS)
def test_each_apis_page_renders_its_tags_with_no_console_error(
    devtools: str, sim: PlutoraSimulator, api: str
) -> None:
    async def work(page: Page) -> tuple[list[str], list[str], list[str]]:
        await page.open(f"{sim.urls.base}/{api}/api/swagger")
        await page.wait_for(f"{TAGS_SHOWN}.length >= {len(contract.document(api)['tags'])}")
        return await page.evaluate(TAGS_SHOWN), page.errors, page.requests

    tags, errors, requested = asyncio.run(_with_page(devtools, work))
    assert tags == [tag["name"] for tag in contract.document(api)["tags"]]
    assert errors == []
    leaving = [url for url in requested if not url.startswith((sim.urls.base, "data:"))]
    assert requested
    assert leaving == []


def test_try_it_out_logs_in_and_the_next_call_is_authorized(
    devtools: str, sim: PlutoraSimulator
) -> None:
    async def work(page: Page) -> tuple[str, str, list[str]]:
        await page.open(f"{sim.urls.base}/plutora/api/swagger")
        login = await _try(page, "/oauth/token", "post")
        await page.wait_for("!!document.querySelector('.btn.authorize.locked')")
        me = await _try(page, "/me", "get")
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(SCREENSHOT)
        return login, me, page.errors

    login, me, errors = asyncio.run(_with_page(devtools, work))
    assert login == "200"
    assert me == "200"
    assert errors == []


def test_the_page_of_both_apis_offers_each(devtools: str, sim: PlutoraSimulator) -> None:
    async def work(page: Page) -> tuple[list[str], list[str]]:
        await page.open(sim.urls.swagger_url)
        names = await page.evaluate(
            "[...document.querySelectorAll('.topbar select option')].map(o => o.textContent)"
        )
        return names, page.errors

    names, errors = asyncio.run(_with_page(devtools, work))
    assert names == ["Plutora API", "Plutora Test API"]
    assert errors == []

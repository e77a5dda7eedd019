"""A headless Chromium driven over the DevTools protocol (aiohttp's WebSocket client).

Used by the browser tests (the Swagger pages) and by ``tools/report_screenshots.py`` (log.html
and the Allure report, for a person to look at). Chromium is Debian's ``chromium`` package;
nothing is downloaded.

Example::

    async def title(page: Page) -> str:
        await page.navigate("http://127.0.0.1:8080/swagger")
        return str(await page.wait_for("document.title"))

    with chromium() as devtools:
        print(asyncio.run(with_page(devtools, title)))
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
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

T = TypeVar("T")
P = TypeVar("P", bound="Page")

#: The browser found on PATH (None where none is installed).
BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
INSTALL_HINT = "no Chromium: apt-get install -y chromium"


class BrowserError(RuntimeError):
    """The browser did not start, or a page never showed what was waited for."""


@contextmanager
def chromium(width: int = 1280, height: int = 1600) -> Iterator[str]:
    """A headless Chromium with a throw-away profile; yields its DevTools HTTP address.

    Example: ``with chromium() as devtools: asyncio.run(with_page(devtools, work))``
    """
    if BROWSER is None:
        raise BrowserError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(  # noqa: S603 (the browser found on PATH, fixed flags)
            [
                BROWSER,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
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
                raise BrowserError("Chromium started without a DevTools address")
        finally:
            browser.terminate()
            try:
                browser.wait(timeout=10)
            except subprocess.TimeoutExpired:
                browser.kill()


class Page:
    """One browser tab: commands, and the errors and requests it logged.

    Example: ``await page.navigate(url); await page.screenshot(Path("shot.png"))``
    """

    def __init__(self, socket: aiohttp.ClientWebSocketResponse[bool]) -> None:
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
        """One DevTools command; its result. Example: ``await page.send("Page.reload")``"""
        number = next(self.ids)
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[number] = answer
        await self.socket.send_json({"id": number, "method": method, "params": params})
        result = await asyncio.wait_for(answer, 30)
        if "error" in result:
            raise BrowserError(f"{method} failed: {result['error']}")
        return dict(result.get("result", {}))

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression. Example: ``await page.evaluate("1 + 1")``"""
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, seconds: float = 20) -> Any:
        """The first truthy value of ``expression``, polled every 0.1 s.

        Example: ``await page.wait_for("document.readyState === 'complete'")``
        """
        for _ in range(int(seconds * 10)):
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.1)
        raise BrowserError(f"The page never showed: {expression}; errors: {self.errors}")

    async def navigate(self, url: str) -> None:
        """Open ``url`` and wait until the document is loaded.

        Example: ``await page.navigate("file:///tmp/results/log.html")``
        """
        await self.send("Page.navigate", url=url)
        await self.wait_for("document.readyState === 'complete'")

    async def screenshot(self, path: Path, full_page: bool = False) -> None:
        """Save the page as a PNG (the whole page with ``full_page``).

        Example: ``await page.screenshot(Path("/tmp/log.png"))``
        """
        shot = await self.send(
            "Page.captureScreenshot", format="png", captureBeyondViewport=full_page
        )
        path.write_bytes(base64.b64decode(shot["data"]))


async def with_page(
    devtools: str,
    work: Callable[[P], Awaitable[T]],
    page_type: type[P] = Page,  # type: ignore[assignment]
) -> T:
    """Run ``work(page)`` in a new tab, closed after it (Runtime, Log, Page, Network enabled);
    ``page_type`` is a subclass of :class:`Page` with steps of its own.

    Example: ``asyncio.run(with_page(devtools, work))``
    """
    async with aiohttp.ClientSession() as session:
        # A tab of its own: Log.enable replays what earlier work on a shared tab logged.
        async with session.put(f"{devtools}/json/new?about:blank") as opened:
            target = await opened.json()
        try:
            async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
                page = page_type(socket)
                for domain in ("Runtime", "Log", "Page", "Network"):
                    await page.send(f"{domain}.enable")
                try:
                    return await work(page)
                finally:
                    page.reader.cancel()
        finally:
            async with session.get(f"{devtools}/json/close/{target['id']}"):
                pass

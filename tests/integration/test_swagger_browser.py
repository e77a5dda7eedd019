"""The Swagger pages in a real browser (headless Chromium, driven over the DevTools protocol
with aiohttp's WebSocket client, ``tools/browser.py``): both APIs' pages render every tag of the contract with no
console error and no request leaving the machine, and "Try it out" logs in with the
prefilled demo credentials, after which the page's next call is authorized.

Skipped where no Chromium is installed (Debian: ``apt-get install -y chromium``). The last
page is saved as ``/tmp/swagger.png`` for a look.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PlutoraLibrary import contract
from PlutoraLibrary.simulator import PlutoraSimulator
from tools.browser import BROWSER, INSTALL_HINT, chromium, with_page
from tools.browser import Page as BrowserPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(BROWSER is None, reason=INSTALL_HINT),
]
SCREENSHOT = Path("/tmp/swagger.png")  # noqa: S108 (a fixed place to look at, by design)


@pytest.fixture(scope="module")
def devtools() -> Iterator[str]:
    """A headless Chromium; yields its DevTools HTTP address."""
    with chromium() as address:
        yield address


class Page(BrowserPage):
    """A tab that opens a Swagger page and waits for its operations."""

    async def open(self, url: str) -> None:
        await self.navigate(url)
        await self.wait_for("document.querySelectorAll('.opblock-tag').length > 0")


async def _with_page(devtools: str, work: Any) -> Any:
    return await with_page(devtools, work, Page)


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

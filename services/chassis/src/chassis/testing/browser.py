"""The one browser of the browser tests: Debian's chromium driven by Playwright, headless, with
the launch arguments of ARCHITECTURE.md and a fresh profile per test. Never `playwright install`:
it downloads a browser and fails here."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright

from chassis.testing.identity import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_executable() -> str:
    """Debian's chromium; never a downloaded browser."""
    assert CHROMIUM.exists(), "install Debian's chromium package (deploy/local/install-prereqs.sh)"
    return str(CHROMIUM)


@pytest.fixture
async def browser(browser_executable: str, tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """A headless chromium with a fresh profile: `await browser.new_page()`."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=browser_executable,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield context
        await context.close()


@pytest.fixture
async def page(browser: BrowserContext) -> Page:
    """A new page of `browser`."""
    return await browser.new_page()


async def sign_in(page: Page, url: str, username: str) -> None:
    """Opens `url` (a page of a service behind the front door) as nobody, signs in on
    Keycloak's real form as the demo user `username` and waits to be back on `url`. The
    service must know the front door as its public address (`RAPPORT_OIDC_PUBLIC_URL`)."""
    await page.goto(url)
    await page.fill("#username", username)
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("#kc-login")
    await page.wait_for_url(url)

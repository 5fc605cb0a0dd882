"""Real headless Chromium (Debian's) driven by Playwright. Screenshots go to test-output/screens/.

The fixtures are registered once, from tests/conftest.py, so every test module (browser, API
docs) shares one Playwright session; a second sync_playwright() in the same process fails."""
import os
import shutil
from pathlib import Path

import pytest


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENS = Path(__file__).resolve().parents[2] / "test-output" / "screens"


@pytest.fixture(scope="session")
def chromium():
    from tests.conftest import skip_or_fail

    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        skip_or_fail("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls tests make
    # between browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(chromium, live_server, request):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def login(page, username, password):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.btn-primary")
    page.wait_for_load_state()

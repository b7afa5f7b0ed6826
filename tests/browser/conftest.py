"""Chromium through Playwright against the live test server.

Playwright's sync API runs an event loop in the test's thread; the data is built before the
browser starts (request `site` before `page` or `browser`), and Django is told the test
thread may still use the ORM.
"""

import os

import pytest

# Set once for the whole session, never unset: other browser tests rely on it too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def site(live_server, transactional_db):
    """The test rule book, built before any browser starts: with Playwright's event loop
    running, the ORM would open a second connection that is never closed."""
    from tests import worlds

    world = worlds.coop()
    world.url = live_server.url
    return world


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

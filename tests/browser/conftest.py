"""Fixtures of the browser tests: one real Ferry server per module, Debian's
Chromium through Playwright, and a page that fails its test on any console
error."""

import pytest
from playwright.sync_api import sync_playwright

from ferry_server import Ferry, chromium_path


@pytest.fixture(scope="module")
def ferry():
    server = Ferry()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    try:
        path = chromium_path()
    except RuntimeError as e:
        # Never a skip: a browser test that cannot run is a failed test.
        pytest.fail(str(e), pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


class Console:
    """Console errors and uncaught exceptions of a page."""

    def __init__(self, page):
        self.errors = []
        self.expected = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def expect(self, fragment: str):
        """An error the test provokes on purpose (a 404 page it asks for)."""
        self.expected.append(fragment)

    def unexpected(self):
        return [e for e in self.errors if not any(f in e for f in self.expected)]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.console = Console(page)
    yield page
    errors = page.console.unexpected()
    context.close()
    assert errors == [], f"console errors: {errors}"

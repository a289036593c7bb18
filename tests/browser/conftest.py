"""Real-browser fixtures: the app served by waitress in a thread, Debian's Chromium
driven by Playwright with touch enabled, in portrait and landscape."""
import os
import threading

import pytest
from playwright.sync_api import sync_playwright
from waitress.server import create_server

from kiosk.db import db

from ..conftest import make_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
ARTIFACTS = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "test-artifacts")

# Chromium as root, offline: no sandbox, no background calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--font-render-hinting=none"]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4,
                                    clear_untrusted_proxy_headers=True)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        # Closing from the test thread ends the polling loop with a socket error.
        try:
            self.server.run()
        except (OSError, ValueError):
            pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.close()
        self.thread.join(timeout=5)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app(tmp_path):
    """The browser tests' app; CSRF stays on, as in production."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, KIOSK_IDLE_SECONDS=60)
    # No app context is held open: each request must get its own, as in production
    # (a shared one would carry g — the admin, the locale — from request to request).
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture(params=["portrait", "landscape"])
def orientation(request):
    return request.param


def new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=False,
                                  locale="zh-CN", **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    """A touch-enabled portrait page on the live server."""
    context, page = new_page(browser, PORTRAIT, base_url=live_server.url)
    yield page
    context.close()


@pytest.fixture
def oriented_page(browser, live_server, orientation):
    """A touch-enabled page in each orientation."""
    viewport = PORTRAIT if orientation == "portrait" else LANDSCAPE
    context, page = new_page(browser, viewport, base_url=live_server.url)
    yield page
    context.close()


def screenshot(page, name):
    """Keep a screenshot under test-artifacts/ to look at (CI keeps them too)."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"))

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


# Every page of every browser test reports Content-Security-Policy violations
# (issue 12): the listener is installed before any script of the page runs, and
# the test fails at teardown on any, so each kiosk and admin screen and each
# htmx swap the tests walk through is also proof that the page obeys the policy.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation([e.violatedDirective, e.blockedURI || "inline",
                         (e.sourceFile || location.href) + ":" + e.lineNumber, e.sample || ""]);
}, true);
"""


class CspGuard:
    """What went wrong under the policy in the contexts that ``new_page`` opened."""

    active = []     # the guards of the running test

    def __init__(self, context):
        self.problems = []
        context.expose_function("__cspViolation", self._violation)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.on("response", self._response)
        CspGuard.active.append(self)

    def _violation(self, details):
        directive, blocked, where, sample = details
        self.problems.append(f"CSP violation: {directive} blocked {blocked} at {where} {sample}")

    def _console(self, message):
        text = message.text
        # Chromium's own words for a refusal, and htmx's when it was asked to eval.
        if "Content Security Policy" in text or "evalDisallowed" in text:
            self.problems.append(f"console {message.type}: {text}")

    def _response(self, response):
        # A page without the policy would make this guard pass by proving nothing.
        if (response.request.resource_type == "document"
                and response.url.startswith("http://127.0.0.1")
                and "content-security-policy" not in response.headers):
            self.problems.append(f"no Content-Security-Policy on {response.url}")


@pytest.fixture(autouse=True)
def csp_guard():
    """Fails the test (after its pages closed) on any CSP violation they met."""
    CspGuard.active = []
    yield
    problems = [p for guard in CspGuard.active for p in guard.problems]
    CspGuard.active = []
    assert not problems, "\n".join(problems)


def new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=False,
                                  locale="zh-CN", **options)
    context.set_default_timeout(10_000)
    CspGuard(context)
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

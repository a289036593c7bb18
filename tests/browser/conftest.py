"""Real-browser fixtures: the app served by waitress in a thread, Debian's Chromium
driven by Playwright with touch enabled, in portrait and landscape."""
import json
import os
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright
from waitress.server import create_server

from kiosk.db import db

from ..conftest import ADMIN_PASSWORD, make_app

# A worker's screen answers in well under a second, but the suite runs two workers on
# two cores beside Chromium: an expectation waits as long as an action may (10 s).
expect.set_options(timeout=10_000)

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
        self.contexts = [context]
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


# axe-core (issue 14) checks every kiosk screen the browser tests load, and
# the admin pages that tests/browser/test_accessibility.py walks: a serious or
# critical violation fails the test at teardown, like a CSP violation.
# scripts/test installs it through npm into .cache/npm (never a CDN). It is
# evaluated into the page through the DevTools protocol, which the page's own
# Content-Security-Policy does not govern (add_script_tag would insert an inline
# <script> that the policy rightly refuses): the app's policy stays as strict.
AXE_JS = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, ".cache", "npm",
                      "node_modules", "axe-core", "axe.min.js")
AXE_FAILS_ON = ("serious", "critical")
# Rules deliberately off, and why.
AXE_DISABLED = {
    # The kiosk layout sets user-scalable=no on purpose: a kiosk is one fixed
    # screen and double-tap zoom swallows quick taps (templates/layout.html).
    # The admin layout, used on laptops and phones, keeps zoom and the rule.
    "meta-viewport": "kiosk",
}
_axe_source = None


def axe_source():
    global _axe_source
    if _axe_source is None:
        if not os.path.exists(AXE_JS):
            pytest.fail(f"axe-core is missing at {AXE_JS}: scripts/test installs it with npm")
        with open(AXE_JS, encoding="utf-8") as f:
            _axe_source = f.read()
    return _axe_source


AXE_RUN = """async (disabled) => {
  const rules = {};
  for (const id of disabled) { rules[id] = { enabled: false }; }
  // preload: false — axe's stylesheet preload parses the page's CSS in <style>
  // elements, which the policy refuses (and reports); only css-orientation-lock
  // needs it, and a kiosk is meant for one orientation at a time anyway.
  // One run at a time: a page's load can ask while a screenshot's run is going.
  // Colours are judged as they settle: a card still fading in (a loaded machine
  // is slow to finish the animation) would read as low contrast.
  // (At most a second: a paused animation never finishes.)
  const settled = () => Promise.race([
    Promise.all(document.getAnimations()
      .filter(a => a.playState === "running" && a.effect
              && a.effect.getTiming().iterations !== Infinity)
      .map(a => a.finished.catch(() => null))),
    new Promise(resolve => setTimeout(resolve, 1000))]);
  const run = () => settled().then(
    () => axe.run(document, { rules, resultTypes: ["violations"], preload: false }));
  window.__axeQueue = (window.__axeQueue || Promise.resolve()).then(run, run);
  const result = await window.__axeQueue;
  return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }));
}"""


def axe_violations(page, fail_on=AXE_FAILS_ON):
    """The serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    kiosk = page.evaluate("document.body.classList.contains('kiosk')")
    disabled = [rule for rule, where in AXE_DISABLED.items() if where != "kiosk" or kiosk]
    return [v for v in page.evaluate(AXE_RUN, disabled) if v["impact"] in fail_on]


def describe_violations(where, violations):
    return [f"axe {v['impact']} {v['id']} on {where}: {v['help']} {json.dumps(v['nodes'])}"
            for v in violations]


class AxeGuard:
    """Runs axe-core on every kiosk screen a page of the test loads (and on each
    screenshot), collecting what it finds for the csp_guard fixture to report."""

    def __init__(self, context, problems):
        self.problems = problems
        self.seen = set()
        context.on("page", self.watch)

    def watch(self, page):
        page.on("load", lambda: self.check(page, only_kiosk=True))

    def check(self, page, only_kiosk=False, label=None):
        from playwright.sync_api import Error
        url = page.url
        if not url.startswith("http://127.0.0.1"):
            return
        key = (url, label, json.dumps(page.viewport_size))
        if key in self.seen:
            return
        try:
            if only_kiosk and not page.evaluate("document.body.classList.contains('kiosk')"):
                return
            violations = axe_violations(page)
        except Error:
            return      # the page moved on (the test tapped through): the next load is checked
        self.seen.add(key)
        self.problems.extend(describe_violations(f"{url} {label or ''}".strip(), violations))


def new_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=False,
                                  locale="zh-CN", **options)
    context.set_default_timeout(10_000)
    guard = CspGuard(context)
    guard.axe = AxeGuard(context, guard.problems)
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
    """Keep a screenshot under test-artifacts/ to look at (CI keeps them too); the
    screen it shows (an htmx swap, too) is checked with axe-core."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.wait_for_load_state()
    try:
        page.screenshot(path=path)
    except PlaywrightError as error:
        # Chromium refuses a capture while a tap's navigation swaps the document
        # (seen on a loaded CI machine); once the new page has loaded it works.
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(200)
        page.wait_for_load_state()
        page.screenshot(path=path)
    for guard in CspGuard.active:
        if getattr(guard, "axe", None) and page.context in guard.contexts:
            guard.axe.check(page, only_kiosk=True, label=name)


def admin_log_in(page, password=ADMIN_PASSWORD, username="chair"):
    """The chair logs in through the form, as a person does, and lands past it."""
    page.goto("/admin/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/admin/login" not in url)

"""In Chromium: another site cannot frame the kiosk or the admin login, the CSP guard
every browser test runs under (conftest.CspGuard) does see a violation, and every page
a chair can reach by links, at a station full of demo data and at central, obeys the CSP."""
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk import demo_data
from kiosk.benefits.models import BenefitLink
from kiosk.db import db

from ..conftest import make_app
from .conftest import LANDSCAPE, PORTRAIT, CspGuard, LiveServer, admin_log_in, new_page


class FramingSite:
    """A page on another loopback origin (another port) that frames a target URL."""

    def __init__(self, target):
        body = (f'<!doctype html><title>elsewhere</title>'
                f'<iframe id="victim" src="{target}" width="800" height="600"></iframe>').encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("path, marker", [
    ("/admin/login", "input[name=password]"),   # a login form under a transparent overlay
    ("/", ".tiles"),                            # the kiosk home, the chair's terminal
])
def test_another_site_cannot_frame_the_login_or_the_kiosk(browser, live_server, path, marker):
    # The page is not the origin under test: its own context, outside the CSP guard,
    # since Chromium reports the refused frame as a violation on the framing page.
    context = browser.new_context(viewport=PORTRAIT)
    try:
        page = context.new_page()
        refusals = []
        page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text
                else None)
        with FramingSite(live_server.url + path) as site:
            with page.expect_response(lambda r: r.url == live_server.url + path):
                page.goto(site.url)
            page.wait_for_load_state("load")
            frame = page.frame_locator("#victim")
            assert frame.locator(marker).count() == 0
            # The same page opened on its own shows the form: the frame was refused, not empty.
            page.goto(live_server.url + path)
            assert page.locator(marker).count() >= 1
        assert any("frame-ancestors 'none'" in text for text in refusals), refusals
    finally:
        context.close()


def test_the_guard_reports_inline_style_inline_script_and_hx_on(browser, live_server):
    context, page = new_page(browser, PORTRAIT, base_url=live_server.url)
    guard = CspGuard.active[-1]
    try:
        page.goto("/")
        page.evaluate("""() => {
            document.body.setAttribute("style", "outline: 1px solid red");
            const s = document.createElement("script");
            s.textContent = "window.ran = true";
            document.body.appendChild(s);
            const b = document.createElement("button");
            b.setAttribute("hx-on:click", "window.ran = true");
            document.body.appendChild(b);
            htmx.process(b);
            b.click();
        }""")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.ran === undefined")
    finally:
        context.close()
    problems = list(guard.problems)
    guard.problems.clear()   # seen, and expected: this test must not fail on them
    assert any("style-src" in p for p in problems), problems
    assert any("script-src" in p for p in problems), problems
    assert any("evalDisallowed" in p for p in problems), problems   # htmx refused hx-on


# Not pages: downloads, images, and the links that change state or leave the page.
SKIPPED = (".csv", ".jpg", ".png", ".svg", ".pdf", ".zip", "/reset", "/lang/", "/logout",
           "/export", "/download", "/template", "/static/")
MAX_PAGES = 80


def shape(path):
    """One page per route and query: /identify/team/<id> once, not once per team."""
    parts = urlsplit(path)
    route = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "#", parts.path)
    return route, tuple(sorted(parse_qs(parts.query)))


def walk(page, start_paths):
    """Open a page of every kind reachable by same-origin links from start_paths."""
    origin = urlsplit(page.url).netloc
    queue, seen, statuses = list(start_paths), set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if shape(path) in seen or any(part in path for part in SKIPPED):
            continue
        seen.add(shape(path))
        response = page.goto(path)
        statuses[path] = response.status if response else None
        page.wait_for_timeout(150)   # htmx's load-triggered requests, the idle script
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if parts.netloc == origin and parts.scheme.startswith("http"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return statuses


@pytest.mark.parametrize("role", ["station", "central"])
def test_every_page_a_chair_reaches_obeys_the_csp(browser, tmp_path, role):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, KIOSK_ROLE=role)
    with app.app_context():
        password = demo_data.load(app, members=30)
        # The poster is reached by a form (the ticked links), not by a link.
        poster = "/admin/benefits/poster?" + "&".join(
            f"link={link.id}" for link in BenefitLink.select().limit(3))
    db.close()
    with LiveServer(app) as server:
        context, page = new_page(browser, LANDSCAPE, base_url=server.url)
        try:
            page.goto("/")
            kiosk = walk(page, ["/"])
            admin_log_in(page, password, demo_data.DEMO_ADMIN)
            admin = walk(page, ["/admin/", poster])
        finally:
            context.close()
    statuses = {**kiosk, **admin}
    assert len(admin) >= (10 if role == "station" else 5), statuses
    print(role, len(kiosk), "kiosk pages,", len(admin), "admin pages:", sorted(statuses))
    assert not {p: s for p, s in statuses.items() if s is None or s >= 500}, statuses
    # The CSP guard fails this test at teardown if any of these pages broke the policy.

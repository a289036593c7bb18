"""In Chromium: another site cannot frame the kiosk or the admin login, and the CSP
guard every browser test runs under (conftest.CspGuard) does see a violation."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import PORTRAIT, CspGuard, new_page


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


def test_the_guard_reports_an_inline_style_and_an_inline_script(browser, live_server):
    context, page = new_page(browser, PORTRAIT, base_url=live_server.url)
    guard = CspGuard.active[-1]
    try:
        page.goto("/")
        page.evaluate("""() => {
            document.body.setAttribute("style", "outline: 1px solid red");
            const s = document.createElement("script");
            s.textContent = "window.ran = true";
            document.body.appendChild(s);
        }""")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.ran === undefined")
    finally:
        context.close()
    problems = list(guard.problems)
    guard.problems.clear()   # seen, and expected: this test must not fail on them
    assert any("style-src" in p for p in problems), problems
    assert any("script-src" in p for p in problems), problems

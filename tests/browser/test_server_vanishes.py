"""The server can vanish (issue 14, finding 4): a real server is stopped and started
again under a real Chromium.

- The terminal boots before the server: scripts/kiosk-browser opens a local file
  that says 驿站正在启动，请稍候 and goes to the kiosk as soon as it answers.
- A page change while the server is down shows our Chinese page (the service
  worker's), never Chromium's English "This site can't be reached", and comes back
  by itself.
- A tap (htmx) while the server is down says so in Chinese and says when it is back.
"""
import os
import socket
import subprocess

import pytest
from playwright.sync_api import expect
from waitress.server import create_server

from ..factories import make_member
from .conftest import CHROMIUM, CHROMIUM_ARGS, LANDSCAPE, PORTRAIT, LiveServer, new_page, screenshot

ROOT = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir)
STARTING_PAGE = os.path.abspath(os.path.join(ROOT, "static", "offline.html"))
STARTING = "驿站正在启动，请稍候"
LOST = "暂时连不上驿站的服务器"


class ServerOnPort(LiveServer):
    """The app on a port chosen by the test, so that it can stop and start again."""

    def __init__(self, app, port):
        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=port, threads=4)
        self.url = f"http://127.0.0.1:{port}"
        import threading
        self.thread = threading.Thread(target=self._run, daemon=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(server):
    """Stop serving: the listening socket and every kept-alive connection close."""
    for channel in list(server.server._map.values()):
        channel.close()
    server.thread.join(timeout=5)


@pytest.fixture
def port():
    return free_port()


def controlled_page(browser, url):
    """A page on the kiosk once the service worker controls it (its first visit)."""
    context, page = new_page(browser, PORTRAIT, base_url=url)
    page.goto("/")
    for _ in range(50):     # page.evaluate, not wait_for_function: the CSP refuses its eval
        if page.evaluate("() => !!navigator.serviceWorker.controller"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the service worker never took control of the page")
    return context, page


def test_the_terminal_boots_before_the_server_and_finds_it(browser, app, port):
    context, page = new_page(browser, PORTRAIT)
    kiosk = f"http://127.0.0.1:{port}/"
    page.goto(f"file://{STARTING_PAGE}?to={kiosk}")
    expect(page.locator("h1:visible")).to_have_text(STARTING)
    screenshot(page, "offline-starting-portrait")
    page.set_viewport_size(LANDSCAPE)
    screenshot(page, "offline-starting-landscape")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "offline-starting-phone")
    with ServerOnPort(app, port):
        page.wait_for_url(kiosk, timeout=15_000)
        expect(page.locator("body")).to_have_class("kiosk is-home")
    context.close()


def test_the_starting_page_goes_nowhere_but_a_web_address(browser):
    context, page = new_page(browser, PORTRAIT)
    page.goto(f"file://{STARTING_PAGE}?to=javascript:alert(1)")
    expect(page.locator("h1:visible")).to_have_text(STARTING)
    page.wait_for_timeout(2500)                 # a poll or two: still here
    assert page.url.startswith("file://")
    context.close()


def test_a_page_change_while_the_server_is_down_shows_our_page_and_comes_back(browser, app,
                                                                            port):
    server = ServerOnPort(app, port).__enter__()
    context, page = controlled_page(browser, server.url)
    stop(server)
    page.goto("/notices/")                       # a tap on a tile: a page change
    expect(page.locator("h1:visible")).to_have_text(LOST)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert "This site can" not in page.content()
    screenshot(page, "offline-lost-portrait")
    with ServerOnPort(app, port):
        page.wait_for_url(f"{server.url}/notices/", timeout=15_000)
        expect(page.locator("h1:visible")).not_to_have_text(LOST)
    context.close()


def test_a_tap_while_the_server_is_down_says_so_and_says_when_it_is_back(browser, app, port):
    make_member(name="孙丽", staff_no="5150")
    server = ServerOnPort(app, port).__enter__()
    context, page = new_page(browser, PORTRAIT, base_url=server.url)
    page.goto("/identify/?mode=keypad&next=/mood/choose")
    for key in "5150":
        page.locator(f"[data-key='{key}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.locator(".mood-choice[data-mood='happy']")).to_be_visible()
    stop(server)
    page.locator(".mood-choice[data-mood='happy']").tap()
    banner = page.locator("#connection-banner")
    expect(banner).to_contain_text("连不上服务器")
    screenshot(page, "offline-htmx-banner-portrait")
    with ServerOnPort(app, port):
        expect(banner).to_contain_text("已重新连上", timeout=15_000)
        page.locator(".mood-choice[data-mood='happy']").tap()
        expect(page.locator(".mood-done")).to_be_visible()
    expect(banner).to_be_hidden(timeout=10_000)
    context.close()


def test_kiosk_browser_script_starts_on_the_local_page_and_restarts_a_crashed_browser(tmp_path):
    """The script itself, with a fake browser that crashes once: it is started again,
    both times on the local starting page that leads to the kiosk."""
    log = tmp_path / "starts.log"
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\n"
                    f'echo "$@" >> {log}\n'
                    f'[ "$(wc -l < {log})" -ge 2 ] && exit 0\n'
                    "exit 139\n")                              # a crash: SIGSEGV
    fake.chmod(0o755)
    env = {**os.environ, "BROWSER": str(fake), "KIOSK_BROWSER_PROFILE": str(tmp_path / "p"),
           "KIOSK_BROWSER_RESTARTS": "2", "KIOSK_BROWSER_RESTART_DELAY": "0"}
    subprocess.run([os.path.join(ROOT, "scripts", "kiosk-browser"), "http://127.0.0.1:5999/"],
                   env=env, check=True, timeout=30)
    starts = log.read_text().splitlines()
    assert len(starts) == 2
    for line in starts:
        assert "--kiosk" in line and "--remote-debugging-pipe" in line
        assert "offline.html?to=http://127.0.0.1:5999/" in line


def renderers(profile):
    """The pids of the page processes of the Chromium that uses ``profile``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                # Chromium rewrites its own command line: spaces, not NULs, between arguments.
                cmdline = fh.read().replace(b"\0", b" ") + b" "
        except OSError:
            continue
        if (b"--type=renderer " in cmdline and b"--top-chrome-webui" not in cmdline
                and f"--user-data-dir={profile} ".encode() in cmdline):
            found.append(int(pid))
    return found


def wait_for(condition, seconds=20):
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_watchdog_opens_a_crashed_page_again(app, port, tmp_path):
    """A real Chromium; its page process is killed (what an out-of-memory kill does):
    the watchdog opens the starting page in that tab, which goes on to the kiosk."""
    import signal
    import sys

    from flask import request
    homes = []
    app.before_request(lambda: homes.append(1) if request.path == "/" else None)
    profile = tmp_path / "profile"
    watchdog = os.path.join(ROOT, "scripts", "kiosk_browser_watchdog.py")
    with ServerOnPort(app, port) as server:
        browser = subprocess.Popen(
            [sys.executable, watchdog, f"file://{STARTING_PAGE}?to={server.url}/", CHROMIUM,
             "--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={profile}"],
            stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for(lambda: homes), "the starting page never reached the kiosk"
            # The starting page's own process goes away after it hands over to the kiosk:
            # wait until the page processes stop changing, so the kill hits the kiosk page.
            seen = []
            assert wait_for(lambda: seen.append(set(renderers(profile))) or
                            (len(seen) > 5 and seen[-1] and seen[-1] == seen[-6]))
            before = len(homes)
            for pid in renderers(profile):
                os.kill(pid, signal.SIGKILL)
            assert wait_for(lambda: len(homes) > before), "the crashed page stayed crashed"
        finally:
            browser.terminate()
            _out, errors = browser.communicate(timeout=20)
    assert "the page crashed" in errors

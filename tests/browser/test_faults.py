"""The terminal always answers: a failed tap says so calmly, an error page goes home by
itself (issue 16). Faults: the server stopped mid-flow; the disk refusing a write."""
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from ..conftest import make_app
from ..factories import make_member
from .conftest import screenshot

COULD_NOT_SAVE = "暂时无法保存，请稍后再试或联系工会。"


@pytest.fixture
def app(tmp_path):
    """Production-like: CSRF on, exceptions become pages."""
    from kiosk.db import db
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, KIOSK_IDLE_SECONDS=60,
                   PROPAGATE_EXCEPTIONS=False)
    yield app
    if not db.is_closed():
        db.close()


def stop(live_server):
    """Stop serving: the listening socket and every kept-alive connection close."""
    server = live_server.server
    for channel in list(server._map.values()):
        channel.close()
    live_server.thread.join(timeout=5)


def to_mood_choice(page, staff_no):
    page.goto("/identify/?mode=keypad&next=/mood/choose")
    for key in staff_no:
        page.locator(f"[data-key='{key}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.locator(".mood-choice[data-mood='happy']")).to_be_visible()


def test_a_tap_while_the_server_is_stopped_shows_a_calm_notice_and_no_success(page, app,
                                                                             live_server):
    make_member(name="孙丽", staff_no="5150")
    to_mood_choice(page, "5150")
    stop(live_server)                            # the server stops mid-flow
    page.locator(".mood-choice[data-mood='happy']").tap()
    notice = page.locator(".fault-notice")
    expect(notice).to_have_text(COULD_NOT_SAVE)
    expect(page.locator(".mood-done")).to_have_count(0)
    box, tapped = notice.bounding_box(), page.locator(".mood-choice[data-mood='happy']").bounding_box()
    assert abs(box["y"] - (tapped["y"] + tapped["height"])) < 600   # near what was tapped
    screenshot(page, "fault-notice-server-stopped")


def test_a_tap_the_disk_refuses_shows_the_notice(page, app, live_server, monkeypatch):
    import kiosk.mood.checkin as checkin

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(checkin, "record_checkin", full_disk)
    make_member(name="孙丽", staff_no="5150")
    to_mood_choice(page, "5150")
    page.locator(".mood-choice[data-mood='ok']").tap()
    expect(page.locator(".fault-notice")).to_have_text(COULD_NOT_SAVE)
    expect(page.locator(".mood-done")).to_have_count(0)


def test_the_error_page_has_home_and_returns_home_by_itself(page, app, live_server):
    app.config["KIOSK_IDLE_SECONDS"] = 3
    page.goto("/no/such/page")
    expect(page.locator("h1")).to_have_text("页面不存在。")
    expect(page.locator(".topbar .btn-back")).to_contain_text("首页")
    screenshot(page, "error-page-404")
    page.wait_for_url(re.compile(r"/attract$"), timeout=8000)   # the idle timer, untouched
    expect(page.locator("body")).to_have_class(re.compile("is-attract"))


def test_the_home_button_on_the_error_page_goes_home(page, app, live_server):
    page.goto("/no/such/page")
    page.locator(".error-home").tap()
    expect(page.locator("body")).to_have_class(re.compile("is-home"))

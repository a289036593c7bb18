"""A worker at the touchscreen: home screen, language, identification, idle return."""
import re

from playwright.sync_api import expect

from ..factories import make_member, make_team
from .conftest import screenshot


def test_home_screen_speaks_chinese_then_english(oriented_page, orientation):
    page = oriented_page
    page.goto("/")
    expect(page.locator("h1")).to_have_text("欢迎！今天工会能帮您做什么？")
    tile = page.locator(".tile").first
    box = tile.bounding_box()
    assert box["height"] >= 64 and box["width"] >= 64
    # Nothing overflows sideways on either screen, and every tile is in sight without scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    last = page.locator(".tile").last.bounding_box()
    assert last["y"] + last["height"] <= page.viewport_size["height"]
    screenshot(page, f"home-zh-{orientation}")
    page.get_by_role("link", name="English").tap()
    expect(page.locator("h1")).to_have_text("Welcome, how can the union help today?")
    screenshot(page, f"home-en-{orientation}")


def test_worker_finds_their_team_and_taps_their_photo(page, app):
    team = make_team(name="车工一班")
    make_member(name="王芳", team=team, photo=True, app=app)
    page.goto("/identify/")
    page.get_by_role("link", name="车工一班").tap()
    expect(page.locator(".photo-card")).to_have_count(1)
    screenshot(page, "identify-photos-portrait")
    page.locator(".photo-card", has_text="王芳").tap()
    # A photo tap is a claim: one's details ask for proof first.
    expect(page.locator("h1")).to_have_text("王芳，请确认是您本人")


def test_worker_types_staff_number_on_the_keypad(page):
    make_member(name="李强", staff_no="1234")
    page.goto("/identify/?mode=keypad")
    for key in "1299":
        page.locator(f"[data-key='{key}']").tap()
    page.locator("[data-key='back']").tap()
    page.locator("[data-key='back']").tap()
    page.locator("[data-key='3']").tap()
    page.locator("[data-key='4']").tap()
    expect(page.locator("#staff-no")).to_have_value("1234")
    screenshot(page, "identify-keypad-portrait")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_have_text("李强，请确认是您本人")


def test_unknown_staff_number_gets_a_clear_message(page):
    page.goto("/identify/?mode=keypad")
    for key in "777":
        page.locator(f"[data-key='{key}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.get_by_role("alert")).to_contain_text("没有工号为 777 的会员")
    expect(page.locator("#staff-no")).to_have_value("777")


def test_badge_reader_identifies_like_a_keyboard(page):
    make_member(name="赵敏", badge_code="B880042")
    page.goto("/identify/")
    page.keyboard.type("B880042", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("您好，赵敏")


def test_unknown_badge_is_refused_kindly(page):
    page.goto("/identify/")
    page.keyboard.type("NOPE999", delay=5)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("这张工卡还没有登记")


def test_idle_screen_ends_on_the_attract_view_by_itself(browser, tmp_path):
    from kiosk.db import db

    from ..conftest import make_app
    from .conftest import PORTRAIT, LiveServer, new_page
    # Long enough that a loaded machine taps the key before the warning covers it.
    app = make_app(tmp_path / "idle", WTF_CSRF_ENABLED=True, KIOSK_IDLE_SECONDS=6,
                   KIOSK_IDLE_WARNING=2)
    with app.app_context(), LiveServer(app) as server:
        context, page = new_page(browser, PORTRAIT, base_url=server.url)
        page.goto("/identify/?mode=keypad")
        page.locator("[data-key='5']").tap()
        # A form: the countdown warns before the screen gives up.
        expect(page.locator("#idle-warning")).to_be_visible(timeout=8000)
        expect(page.locator("#idle-count")).to_have_text(re.compile(r"^[12]$"))
        # The next person finds the attract view (issue 14): today's board, 轻触开始.
        expect(page).to_have_url(re.compile(r"/attract$"), timeout=12000)
        expect(page.locator(".attract-touch")).to_have_text("轻触开始")
        context.close()
        db.close()

"""The board is the kiosk's idle screen: after the idle timeout the kiosk shows today's
weather board (轻触开始) and one touch brings the home screen back; a badge swiped on
the home or the attract screen goes straight to the worker's own mood question."""
import re

import pytest
from playwright.sync_api import expect

from kiosk.mood.models import MoodCheckin

from ..factories import make_checkin, make_member, make_team, make_workshop
from .conftest import LANDSCAPE, PORTRAIT, new_page, screenshot


def swipe(page, code):
    """A badge reader: the code typed fast, then Enter, with no field focused."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


@pytest.fixture
def canteen(app):
    """Two workshops with a morning's check-ins."""
    team = make_team(name="车工一班", workshop=make_workshop(name="机加车间"))
    other = make_team(name="焊接二班", workshop=make_workshop(name="焊装车间"))
    people = [make_member(name=name, team=team if i < 4 else other, photo=True, app=app,
                          badge_code=f"B77{i}")
              for i, name in enumerate(["王芳", "李强", "赵敏", "陈静", "刘洋", "周杰"])]
    for member, mood in zip(people[:5], ["happy", "happy", "ok", "upset", "happy"], strict=True):
        make_checkin(member, mood)
    return people


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_an_idle_kiosk_shows_todays_board_and_one_touch_returns_home(browser, live_server, app,
                                                                    canteen, viewport):
    app.config["KIOSK_IDLE_SECONDS"] = 2
    context, page = new_page(browser, viewport, base_url=live_server.url)
    page.goto("/")
    expect(page.locator("body")).to_have_class(re.compile("is-home"))
    # Nobody touches the home screen: it turns into today's board.
    expect(page).to_have_url(re.compile(r"/attract$"), timeout=6000)
    expect(page.locator(".attract-title")).to_have_text("今天的晴雨表")
    expect(page.locator(".attract-summary")).to_have_text("今天已有 5 / 6 人打卡")
    expect(page.locator(".attract-mood.mood-happy .attract-count")).to_have_text("3")
    expect(page.locator(".attract-mood.mood-ok .attract-count")).to_have_text("1")
    expect(page.locator(".attract-mood.mood-upset .attract-count")).to_have_text("1")
    expect(page.locator(".attract-workshops li")).to_have_count(2)
    expect(page.locator(".attract-touch")).to_have_text("轻触开始")
    # Counts only: nobody's name is on the idle screen.
    assert "王芳" not in page.content()
    assert page.evaluate("document.documentElement.scrollHeight") <= viewport["height"]
    orientation = "portrait" if viewport is PORTRAIT else "landscape"
    screenshot(page, f"attract-{orientation}")
    # It stays there (no idle return from the idle screen itself)…
    page.wait_for_timeout(2500)
    expect(page).to_have_url(re.compile(r"/attract$"))
    # …until one touch, anywhere.
    page.locator(".attract-mood.mood-ok").tap()
    expect(page.locator("body")).to_have_class(re.compile("is-home"))
    expect(page.locator("h1")).to_have_text("欢迎！今天工会能帮您做什么？")
    context.close()


def test_a_screen_left_alone_ends_on_the_attract_view_for_the_next_person(page, app, canteen):
    app.config.update(KIOSK_IDLE_SECONDS=2, KIOSK_IDLE_WARNING=1)
    page.goto("/mood/board")
    expect(page).to_have_url(re.compile(r"/attract$"), timeout=6000)
    expect(page.locator(".attract-title")).to_be_visible()


def test_the_attract_view_is_live(page, app, canteen):
    app.config["KIOSK_ATTRACT_REFRESH_SECONDS"] = 1
    page.goto("/attract")
    expect(page.locator(".attract-mood.mood-upset .attract-count")).to_have_text("1")
    make_checkin(canteen[5], "upset")          # someone checks in at another terminal
    expect(page.locator(".attract-mood.mood-upset .attract-count")).to_have_text("2", timeout=5000)
    expect(page.locator(".attract-summary")).to_have_text("今天已有 6 / 6 人打卡")


@pytest.mark.parametrize("start", ["/", "/attract"])
def test_a_badge_swipe_goes_straight_to_ones_own_mood_question(page, app, canteen, start):
    worker = canteen[5]
    page.goto(start)
    swipe(page, "B775")
    expect(page.locator("h1")).to_have_text("周杰，今天心情怎么样？")
    # Their own photo, so they know the kiosk took them for themselves.
    photo = page.locator(".mood-who .mood-card.is-me img")
    expect(photo).to_be_visible()
    assert f"/roster/photos/{worker.id}.jpg" in photo.get_attribute("src")
    screenshot(page, f"mood-choose-after-swipe{start.replace('/', '-')}")
    page.locator(".mood-choice[data-mood='happy']").tap()
    expect(page.locator(".mood-done")).to_be_visible()
    # A badge is proof: the check-in says so.
    assert MoodCheckin.get(MoodCheckin.member == worker.id).method == "badge"


def test_a_badge_swipe_passes_the_photo_proof_setting(page, app, canteen):
    """Where the chair asks for proof before a check-in, a badge is proof enough."""
    from kiosk.mood import settings as mood_settings
    with app.app_context():
        settings = mood_settings.load()
        settings.confirm_photo_checkin = True
        mood_settings.save(settings)
    page.goto("/")
    swipe(page, "B770")
    expect(page.locator("h1")).to_have_text("王芳，今天心情怎么样？")


def test_an_unknown_badge_on_the_home_screen_gets_a_friendly_message(page, canteen):
    page.goto("/")
    swipe(page, "NOPE999")
    expect(page.get_by_role("alert")).to_contain_text("这张工卡还没有登记")
    # The staff number still works, and leads to the mood question.
    expect(page.locator("#staff-no")).to_be_visible()
    for digit in canteen[2].staff_no:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_have_text("赵敏，今天心情怎么样？")


def test_touching_a_tile_is_not_a_badge(page, canteen):
    """Typing into nothing on the home screen is not taken for a swipe of two keys."""
    page.goto("/")
    page.keyboard.press("A")
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_class(re.compile("is-home"))

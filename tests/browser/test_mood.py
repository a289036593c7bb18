"""A worker at the touchscreen checks in on the weather board; the wall display and
the chair's care view follow (portrait, touch)."""
import re

from playwright.sync_api import expect

from ..factories import make_admin, make_checkin, make_member, make_team
from .conftest import LANDSCAPE, PORTRAIT, admin_log_in, new_page, screenshot

ADMIN_PASSWORD = "correct horse battery"


def zone(page, mood):
    return page.locator(f"[data-zone='{mood}']")


def test_check_in_from_home_in_four_taps(oriented_page, orientation, app):
    page = oriented_page
    team = make_team(name="车工一班")
    make_member(name="王芳", team=team, photo=True, app=app)
    make_member(name="李强", team=team, photo=True, app=app)
    page.goto("/")
    taps = 0

    def tap(locator):
        nonlocal taps
        locator.tap()
        taps += 1

    tap(page.locator("a.tile[href='/mood/']"))
    tap(page.get_by_role("link", name="车工一班"))
    tap(page.locator(".photo-card", has_text="王芳"))
    expect(page.locator("h1")).to_have_text("王芳，今天心情怎么样？")
    for mood in ("happy", "ok", "upset"):
        box = page.locator(f".mood-choice[data-mood='{mood}']").bounding_box()
        assert box["height"] >= 64 and box["width"] >= 64
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"mood-choose-{orientation}")
    tap(page.locator(".mood-choice[data-mood='ok']"))
    expect(page.locator(".mood-done h1")).to_have_text("您的照片已放到“还可以”")
    expect(zone(page, "ok").locator(".mood-card.is-me")).to_contain_text("王芳")
    expect(zone(page, "ok").locator(".mood-card.is-me img")).to_be_visible()
    expect(zone(page, "happy").locator(".mood-card")).to_have_count(0)
    assert taps == 4
    page.wait_for_timeout(500)   # let the drop-in animation finish for the picture
    screenshot(page, f"mood-done-{orientation}")


def test_the_confirmation_returns_home_by_itself(page, app):
    app.config["MOOD_AUTO_HOME_SECONDS"] = 2
    member = make_member(name="孙丽", staff_no="5150")
    page.goto("/identify/?mode=keypad&next=/mood/choose")
    for key in "5150":
        page.locator(f"[data-key='{key}']").tap()
    page.get_by_role("button", name="确定").tap()
    page.locator(".mood-choice[data-mood='happy']").tap()
    expect(page.locator(".mood-done")).to_be_visible()
    page.wait_for_url(re.compile(r"/$"), timeout=6000)
    expect(page.locator("body")).to_have_class(re.compile("is-home"))
    assert member.name not in page.content()


def test_an_upset_worker_can_ask_to_talk_with_one_tap(page, app):
    member = make_member(name="周敏", photo=True, app=app)
    page.goto(f"/identify/team/{member.team_id}?next=/mood/choose")
    page.locator(".photo-card", has_text="周敏").tap()
    page.locator(".mood-choice[data-mood='upset']").tap()
    expect(zone(page, "upset").locator(".mood-card.is-me")).to_contain_text("周敏")
    page.wait_for_timeout(500)
    screenshot(page, "mood-upset-offer-portrait")
    page.get_by_role("button", name="想找工会聊聊").tap()
    expect(page.get_by_role("status")).to_contain_text("工会主席会尽快来找您聊聊")
    screenshot(page, "mood-talk-sent-portrait")


def test_the_board_shows_the_photo_and_a_changed_mood_moves_it(page, app):
    # A browser changes its mind faster than the few seconds' guard between check-ins.
    app.config["MOOD_CHECKIN_MIN_SECONDS"] = 0
    team = make_team(name="装配一班")
    make_member(name="张伟", team=team, staff_no="6001", photo=True, app=app)
    for _ in range(5):
        make_member(team=team, photo=True, app=app)
    page.goto("/identify/?mode=keypad&next=/mood/choose")
    for key in "6001":
        page.locator(f"[data-key='{key}']").tap()
    page.get_by_role("button", name="确定").tap()
    page.locator(".mood-choice[data-mood='happy']").tap()
    expect(page.locator(".mood-done")).to_be_visible()
    page.get_by_role("link", name="重新选择").tap()
    expect(page.locator(".mood-current")).to_contain_text("很快乐")
    page.get_by_role("link", name="看看班组晴雨表").tap()
    expect(zone(page, "happy").locator(".mood-card")).to_contain_text(["张伟"])
    expect(zone(page, "none").locator(".mood-card")).to_have_count(5)
    # Change of mind: the photo moves to the rainy zone.
    page.go_back()
    page.locator(".mood-choice[data-mood='upset']").tap()
    expect(page.locator(".mood-done")).to_be_visible()
    page.goto(f"/mood/board/team/{team.id}")
    expect(zone(page, "upset").locator(".mood-card", has_text="张伟")).to_have_count(1)
    expect(zone(page, "happy").locator(".mood-card")).to_have_count(0)
    expect(zone(page, "upset").locator(".mood-count")).to_have_text("1")
    screenshot(page, "mood-board-team-portrait")


def test_a_member_without_consent_appears_only_in_the_count(page, app):
    team = make_team(name="铸造一班")
    shown = make_member(name="公开者", team=team, photo=True, app=app)
    hidden = make_member(name="保密者", team=team, photo=True, app=app, photo_consent=False)
    make_checkin(shown, "happy")
    make_checkin(hidden, "happy")
    page.goto(f"/mood/board/team/{team.id}")
    expect(zone(page, "happy").locator(".mood-count")).to_have_text("2")
    expect(zone(page, "happy").locator(".mood-card")).to_have_count(1)
    expect(zone(page, "happy")).to_contain_text("另有 1 人（未公开照片）")
    expect(page.locator("body")).not_to_contain_text("保密者")
    assert str(hidden.id) not in page.content()


def test_the_wall_display_updates_after_a_check_in_in_another_browser(browser, live_server, app):
    app.config["MOOD_WALL_POLL_SECONDS"] = 1
    team = make_team(name="总装二班")
    first = make_member(name="陈一", team=team, photo=True, app=app)
    make_member(name="林二", team=team, staff_no="7002", photo=True, app=app)
    for _ in range(120):     # a crowd: the wall pages, it never scrolls
        make_member(team=team)
    make_checkin(first, "happy")
    wall_context, wall = new_page(browser, LANDSCAPE, base_url=live_server.url)
    kiosk_context, kiosk = new_page(browser, PORTRAIT, base_url=live_server.url)
    try:
        wall.goto(f"/mood/wall/team/{team.id}")
        expect(wall.locator(".topbar")).to_be_hidden()
        expect(zone(wall, "happy").locator(".mood-card")).to_have_count(1)
        # Mark a photo that is on screen now.
        wall.evaluate("document.querySelector(\"[data-zone='happy'] img\").dataset.kept = 'yes'")

        kiosk.goto("/identify/?mode=keypad&next=/mood/choose")
        for key in "7002":
            kiosk.locator(f"[data-key='{key}']").tap()
        kiosk.get_by_role("button", name="确定").tap()
        kiosk.locator(".mood-choice[data-mood='upset']").tap()
        expect(kiosk.locator(".mood-done")).to_be_visible()

        expect(zone(wall, "upset").locator(".mood-card")).to_contain_text(["林二"], timeout=5000)
        expect(zone(wall, "upset").locator(".mood-count")).to_have_text("1")
        # The photo already shown is the same element (no reload, no blink) …
        assert wall.evaluate("document.querySelector(\"[data-zone='happy'] img\").dataset.kept") == "yes"
        # … and the wall still fits its screen (issue 14: a wall is never scrolled).
        assert wall.evaluate("document.documentElement.scrollHeight") <= LANDSCAPE["height"]
        screenshot(wall, "mood-wall-landscape")
    finally:
        wall_context.close()
        kiosk_context.close()


def test_the_chair_records_a_follow_up_and_the_item_leaves_the_open_list(page, app):
    make_admin(password=ADMIN_PASSWORD)
    member = make_member(name="郑浩", photo=True, app=app)
    make_checkin(member, "upset")
    admin_log_in(page)
    page.goto("/admin/mood/")
    item = page.locator("#today .care-item", has_text="郑浩")
    expect(item).to_have_count(1)
    expect(page.locator("#open-count")).to_have_attribute("data-open-count", "1")
    item.get_by_role("link", name="记录跟进").tap()
    form = page.locator(f"#follow-up-form-{member.id}")
    form.get_by_role("button", name="保存跟进记录").tap()        # nothing chosen yet
    expect(form.get_by_role("alert")).to_contain_text("请选择采取的措施")
    form = page.locator(f"#follow-up-form-{member.id}")
    form.get_by_label("心理疏导").check()
    form.locator("textarea").fill("下午安排心理疏导")
    screenshot(page, "mood-care-follow-up-portrait")
    form.get_by_role("button", name="保存跟进记录").tap()
    expect(page.locator("#care-lists .flash")).to_contain_text("已记录对 郑浩 的跟进")
    expect(page.locator("[data-open]", has_text="郑浩")).to_have_count(0)
    expect(page.locator("#open-count")).to_have_attribute("data-open-count", "0")
    expect(page.locator("#followed-up")).to_contain_text("下午安排心理疏导")

"""The weather board on a wall display: a canteen TV nobody scrolls or touches.

Everyone fits the screen (photos sized to the count), a crowd pages with a visible
page indicator, names stay legible from across the room, a clock and the time of
the server's last answer are always shown, and a wall whose server went quiet says so.
"""
import re
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from ..factories import make_checkin, make_member, make_team, make_workshop
from .conftest import LANDSCAPE, PORTRAIT, new_page, screenshot

MOODS = ["happy", "happy", "ok", "happy", "upset", "ok", None]   # a plausible morning


def make_crowd(app, size, team=None, photos=True, moods=MOODS):
    """``size`` members of one team, most with a photo, checked in as a shift would."""
    team = team or make_team(name="装配一班", workshop=make_workshop(name="总装车间"))
    members = []
    for i in range(size):
        surname = "王李张刘陈杨赵黄周吴"[i % 10]
        member = make_member(name=f"{surname}{'芳强敏静洋杰磊娜伟霞'[i // 10 % 10]}{i}",
                             team=team, photo=photos and i % 9 != 4, app=app)
        mood = moods[i % len(moods)]
        if mood:
            make_checkin(member, mood)
        members.append(member)
    return team, members


def wait_fitted(page):
    expect(page.locator("body[data-wall-fitted]")).to_have_count(1)
    # The fit runs again when the fonts are ready: take its settled state.
    page.wait_for_timeout(300)


def visible_cards(page):
    return page.evaluate("""() => [...document.querySelectorAll('#mood-zones .mood-card')]
      .filter(el => el.offsetParent !== null)
      .map(el => { const r = el.getBoundingClientRect();
                   const name = el.querySelector('.mood-card-name');
                   return { name: name.textContent, bottom: r.bottom, right: r.right,
                            zone: el.closest('[data-zone]').dataset.zone,
                            font: parseFloat(getComputedStyle(name).fontSize),
                            photo: el.querySelector('img, .mood-card-initial')
                                     .getBoundingClientRect().width }; })""")


def assert_fits_the_screen(page, viewport):
    assert page.evaluate("document.documentElement.scrollHeight") <= viewport["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    cards = visible_cards(page)
    assert cards, "no card on the wall"
    for card in cards:
        assert card["bottom"] <= viewport["height"] and card["right"] <= viewport["width"], card
        assert card["font"] >= 24, card          # legible from 3 m
    return cards


@pytest.mark.parametrize("size", [12, 44, 80])
@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_a_team_of_up_to_80_fits_the_wall_without_scrolling(browser, live_server, app,
                                                              size, viewport):
    team, members = make_crowd(app, size)
    context, page = new_page(browser, viewport, base_url=live_server.url)
    page.goto(f"/mood/wall/team/{team.id}")
    wait_fitted(page)
    cards = assert_fits_the_screen(page, viewport)
    # Every photo loads now (later pages too) on a placeholder colour: no white flash.
    assert page.evaluate("""() => [...document.querySelectorAll('#mood-zones img')].every(img =>
        img.loading !== 'lazy' && getComputedStyle(img).backgroundColor !== 'rgba(0, 0, 0, 0)')""")
    orientation = "landscape" if viewport is LANDSCAPE else "portrait"
    screenshot(page, f"wall-{size}-{orientation}")
    if not page.locator(".mood-page:visible").count():
        # Nobody is left out: everyone is on the screen at once.
        assert sorted(c["name"] for c in cards) == sorted(m.name for m in members)
    if size == 12:
        # A small team gets big photos (who has not checked in yet stays smaller).
        assert min(c["photo"] for c in cards if c["zone"] != "none") >= 140
    context.close()


def test_a_crowd_pages_with_a_visible_page_indicator(browser, live_server, app):
    app.config["MOOD_WALL_PAGE_SECONDS"] = 1
    workshop = make_workshop(name="冲压车间")
    everyone = []
    for n in range(4):
        _team, members = make_crowd(app, 60, team=make_team(name=f"冲压{n + 1}班", workshop=workshop),
                                    photos=False, moods=["happy"])
        everyone += members
    context, page = new_page(browser, LANDSCAPE, base_url=live_server.url)
    page.goto(f"/mood/wall/workshop/{workshop.id}")
    wait_fitted(page)
    indicator = page.locator(".mood-zone.mood-happy .mood-page")
    expect(indicator).to_have_text(re.compile(r"^第 \d+/\d+ 页$"))
    pages = int(re.search(r"/(\d+)", indicator.text_content()).group(1))
    assert pages >= 2
    screenshot(page, "wall-workshop-240-paged-landscape")
    # The pages turn by themselves: watch a whole round, each page with what it shows
    # (read at once, so that a turn in between cannot mix two pages).
    shown, seen = {}, set()
    deadline = time.monotonic() + 40
    while len(shown) < pages and time.monotonic() < deadline:
        label, cards = page.evaluate("""() => [
            document.querySelector('.mood-zone.mood-happy .mood-page').textContent,
            [...document.querySelectorAll('#mood-zones .mood-card')]
              .filter(el => el.offsetParent !== null).map(el => el.dataset.card)]""")
        shown.setdefault(label, set(cards))
        seen |= set(cards)
        page.wait_for_timeout(200)
    assert set(shown) == {f"第 {n}/{pages} 页" for n in range(1, pages + 1)}
    assert sum(len(cards) for cards in shown.values()) == len(everyone)    # no card twice
    assert seen == {str(m.id) for m in everyone}
    assert_fits_the_screen(page, LANDSCAPE)
    context.close()


def test_the_wall_shows_the_station_clock_and_when_it_last_heard(browser, live_server, app):
    app.config["MOOD_WALL_POLL_SECONDS"] = 1
    team, _members = make_crowd(app, 5)
    context, page = new_page(browser, LANDSCAPE, base_url=live_server.url,
                             timezone_id="UTC")     # the TV's own clock is on UTC
    # 00:30 UTC is 08:30 at the station (Asia/Shanghai): the wall tells station time.
    page.clock.set_fixed_time(datetime(2026, 6, 1, 0, 30, tzinfo=UTC))
    page.goto(f"/mood/wall/team/{team.id}")
    expect(page.locator("[data-clock]")).to_have_text("08:30")
    expect(page.locator(".wall-updated")).to_have_text("更新于 08:30", timeout=5000)
    expect(page.locator("[data-wall-stale]")).to_be_hidden()
    context.close()


def test_a_wall_whose_server_went_quiet_says_so_and_recovers(browser, live_server, app):
    app.config.update(MOOD_WALL_POLL_SECONDS=1, MOOD_WALL_STALE_SECONDS=3)
    team, _members = make_crowd(app, 6)
    context, page = new_page(browser, PORTRAIT, base_url=live_server.url)
    page.goto(f"/mood/wall/team/{team.id}")
    notice = page.locator("[data-wall-stale]")
    expect(page.locator(".wall-updated")).to_have_text(re.compile(r"^更新于 \d\d:\d\d$"))
    expect(notice).to_be_hidden()
    # The server vanishes: polls fail. No per-request error notice, one calm warning.
    page.route("**/mood/wall/**", lambda route: route.abort())
    expect(notice).to_be_visible(timeout=8000)
    expect(notice).to_contain_text("3 秒")
    expect(page.locator(".fault-notice")).to_have_count(0)
    screenshot(page, "wall-stale-portrait")
    page.unroute("**/mood/wall/**")
    expect(notice).to_be_hidden(timeout=5000)
    context.close()


def test_the_wall_names_this_months_birthdays_of_its_team(browser, live_server, app):
    team, members = make_crowd(app, 8)
    today = datetime.now(timezone(timedelta(hours=8))).date()
    members[1].birthday = today.replace(year=1990)
    members[1].save()
    shy = members[2]
    shy.birthday, shy.photo_consent = today.replace(year=1985), False
    shy.save()
    other = make_member(name="外班寿星", birthday=today.replace(year=1980))
    assert other.team_id != team.id
    context, page = new_page(browser, LANDSCAPE, base_url=live_server.url)
    page.goto(f"/mood/wall/team/{team.id}")
    wait_fitted(page)
    strip = page.locator(".birthday-strip")
    expect(strip).to_contain_text("本月寿星")
    expect(strip).to_contain_text(members[1].name)
    expect(strip).not_to_contain_text(shy.name)          # no consent, not named
    expect(strip).not_to_contain_text("外班寿星")          # another team's wall
    assert_fits_the_screen(page, LANDSCAPE)
    screenshot(page, "wall-birthdays-landscape")
    context.close()


def test_a_board_that_fills_up_on_screen_still_fits(browser, live_server, app):
    """Check-ins arrive while the wall is up: the merged board is sized again."""
    app.config["MOOD_WALL_POLL_SECONDS"] = 1
    team, _members = make_crowd(app, 12)
    context, page = new_page(browser, PORTRAIT, base_url=live_server.url)
    page.goto(f"/mood/wall/team/{team.id}")
    wait_fitted(page)
    big = min(c["photo"] for c in visible_cards(page) if c["zone"] != "none")
    make_crowd(app, 68, team=team, photos=False)
    expect(page.locator("#mood-zones .mood-card")).to_have_count(80, timeout=8000)
    wait_fitted(page)
    cards = assert_fits_the_screen(page, PORTRAIT)
    assert min(c["photo"] for c in cards) < big       # smaller photos, everyone still there
    context.close()


def test_a_wall_that_hides_the_upset_still_fits(browser, live_server, app):
    """The chair's setting: 有点烦 and 还没打卡 show their counts only, on the wall too."""
    from kiosk.mood import settings as mood_settings
    settings = mood_settings.load()
    settings.hide_upset_on_boards = True
    mood_settings.save(settings)
    team, members = make_crowd(app, 44)
    context, page = new_page(browser, LANDSCAPE, base_url=live_server.url)
    page.goto(f"/mood/wall/team/{team.id}")
    wait_fitted(page)
    cards = assert_fits_the_screen(page, LANDSCAPE)
    assert {c["zone"] for c in cards} == {"happy", "ok"}
    expect(page.locator(".mood-zone.mood-upset .mood-count-only")).to_be_visible()
    expect(page.locator(".mood-zone.mood-none .mood-count-only")).to_be_visible()
    screenshot(page, "wall-44-upset-hidden-landscape")
    context.close()

"""Every kiosk screen, in both orientations, fits the terminal without a page scroll and
passes axe-core (no serious or critical violation); so do the chair's main admin pages.

The conftest's AxeGuard checks every kiosk page each browser test loads; this walk
makes sure each screen is loaded at least once, with data on it, and adds the admin
pages (which the guard leaves to this file) and the screens only an htmx swap shows.
"""
import re

import pytest
from playwright.sync_api import expect

from kiosk.care.calendar_data import local_today
from kiosk.notices.models import Announcement

from ..conftest import ADMIN_PASSWORD
from ..factories import (
    make_admin,
    make_benefit_link,
    make_checkin,
    make_member,
    make_pin,
    make_request,
    make_team,
)
from .conftest import LANDSCAPE, PORTRAIT, axe_violations, describe_violations, new_page, screenshot


def seed(app):
    team = make_team(name="车工一班")
    people = [make_member(name=name, team=team, photo=i < 4, app=app,
                          badge_code=f"B{1000 + i}")
              for i, name in enumerate(["王芳", "李强", "赵敏", "陈静", "刘洋", "周杰"])]
    make_checkin(people[0], "happy")
    make_checkin(people[1], "ok")
    make_checkin(people[2], "upset")
    make_pin(people[3], "3691")
    link = make_benefit_link(title_zh="职工普惠")
    Announcement.create(title="夏季防暑降温", body="车间每日供应绿豆汤。")
    filed = make_request("hardship", "大病医疗", events=[("received", ""),
                                                     ("public_reply", "已联系您的班组长。")])
    birthday = make_member(name="孙丽", team=team, photo=True, app=app, badge_code="B2000",
                           birthday=local_today("Asia/Shanghai").replace(year=2000))  # a leap year
    return team, people, filed, link, birthday


def check(page, name, scroll_ok=False):
    """axe-core on the screen as it is, and (unless a long list) no page scroll."""
    problems = describe_violations(page.url, axe_violations(page))
    if not scroll_ok:
        height = page.evaluate("document.documentElement.scrollHeight")
        if height > page.viewport_size["height"]:
            problems.append(f"{name}: the page scrolls ({height} px > "
                            f"{page.viewport_size['height']} px)")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"{name}: the page scrolls sideways ({width} px)")
    screenshot(page, f"a11y-{name}")
    return problems


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_every_kiosk_screen_fits_and_passes_axe(browser, live_server, app, viewport):
    team, people, filed, link, birthday = seed(app)
    orientation = "portrait" if viewport is PORTRAIT else "landscape"
    context, page = new_page(browser, viewport, base_url=live_server.url)
    problems = []

    def visit(path, name, **kwargs):
        page.goto(path)
        problems.extend(check(page, f"{name}-{orientation}", **kwargs))

    visit("/", "home")
    visit("/identify/", "identify-teams")
    visit(f"/identify/team/{team.id}", "identify-photos")
    visit("/identify/?mode=keypad", "identify-keypad")
    visit("/mood/board", "mood-board-index")
    visit(f"/mood/board/team/{team.id}", "mood-team-board")
    visit(f"/mood/wall/team/{team.id}", "mood-wall")
    visit("/service/", "service-categories")
    visit("/service/new/hardship", "service-topic")
    visit("/service/track", "service-track")
    visit("/benefits/", "benefits")
    visit(f"/benefits/{link.id}", "benefits-show")
    visit("/notices/", "notices")
    visit("/attract", "attract")
    # Photos on screen: a placeholder colour while they load, and not lazy.
    page.goto(f"/identify/team/{team.id}")
    first = page.locator(".photo-card img").first
    assert first.get_attribute("loading") != "lazy"
    assert first.evaluate("img => getComputedStyle(img).backgroundColor") != "rgba(0, 0, 0, 0)"

    # A badge swipe on home: the birthday greeting first, then the mood question.
    page.goto("/")
    page.keyboard.type("B2000", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator(".birthday-greeting")).to_be_visible()
    problems.extend(check(page, f"care-birthday-{orientation}"))
    page.goto("/service/mine")
    problems.extend(check(page, f"service-mine-{orientation}"))
    page.goto("/identify/pin")
    problems.extend(check(page, f"identify-pin-{orientation}"))
    page.goto("/care/report")
    problems.extend(check(page, f"care-report-{orientation}"))
    page.goto("/care/report/hospital")
    problems.extend(check(page, f"care-report-hospital-{orientation}"))
    page.goto("/reset")

    # The mood question and the confirmation, after a badge (proof).
    page.goto("/identify/")
    page.keyboard.type("B1004", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("您好，刘洋")
    page.goto("/mood/choose")
    problems.extend(check(page, f"mood-choose-{orientation}"))
    page.locator(".mood-choice[data-mood='upset']").tap()
    expect(page.locator(".mood-done")).to_be_visible()
    page.wait_for_timeout(500)      # the drop animation is over
    problems.extend(check(page, f"mood-done-{orientation}"))
    page.goto("/identify/hello")
    problems.extend(check(page, f"identify-hello-{orientation}"))
    page.goto("/reset")

    # A claim (staff number) then the proof screen.
    page.goto("/identify/?mode=keypad")
    for digit in people[3].staff_no:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_contain_text("请确认是您本人")
    problems.extend(check(page, f"identify-prove-{orientation}"))
    page.goto("/reset")

    # Filing: the keyboard with candidates, the contact step, the review, the receipt.
    page.goto("/service/new/hardship")
    page.get_by_role("button", name="家庭困难", exact=True).tap()
    expect(page.locator("#description")).to_be_visible()
    for ch in "shenghuo":
        page.locator(f".kb-key[data-kb-key='{ch}']:visible").tap()
    expect(page.locator("[data-kb-candidate]").first).to_have_text("生活")
    problems.extend(check(page, f"service-describe-{orientation}"))
    page.get_by_role("button", name="下一步").tap()
    expect(page.locator("h1")).to_have_text("工会怎么联系您？")
    problems.extend(check(page, f"service-contact-{orientation}"))
    page.get_by_role("button", name=re.compile("匿名提交")).tap()
    expect(page.locator(".service-summary")).to_be_visible()
    problems.extend(check(page, f"service-review-{orientation}"))
    page.get_by_role("button", name="提交给工会").tap()
    expect(page.locator("#receipt-code")).to_be_visible()
    problems.extend(check(page, f"service-receipt-{orientation}"))

    page.goto("/service/track")
    for digit in filed.receipt_code:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="查询").tap()
    expect(page.locator(".service-badge")).to_be_visible()
    problems.extend(check(page, f"service-status-{orientation}"))
    context.close()
    assert not problems, "\n".join(problems)


ADMIN_PAGES = ["/admin/", "/admin/roster/members", "/admin/roster/teams", "/admin/roster/import",
               "/admin/mood/", "/admin/mood/trends", "/admin/mood/settings", "/admin/service/",
               "/admin/service/statistics", "/admin/service/settings", "/admin/benefits/",
               "/admin/care/", "/admin/sync/"]


def test_main_admin_pages_pass_axe_and_skip_to_content(browser, live_server, app):
    seed(app)
    make_admin(password=ADMIN_PASSWORD)
    context, page = new_page(browser, {"width": 1440, "height": 900}, base_url=live_server.url)
    page.goto("/admin/login")
    problems = describe_violations(page.url, axe_violations(page))
    page.fill("input[name=username]", "chair")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.locator("button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/admin/$"))
    for path in ADMIN_PAGES:
        page.goto(path)
        problems.extend(describe_violations(path, axe_violations(page)))
    # The first Tab reaches a link that skips the header to the content.
    page.goto("/admin/service/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")
    screenshot(page, "a11y-admin-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    context.close()
    assert not problems, "\n".join(problems)


def test_axe_runs_under_the_strict_policy_and_finds_what_is_wrong(page):
    """The check is not vacuous: axe is really evaluated in the page (its CSP unchanged)
    and reports a critical fault put there on purpose."""
    page.goto("/")
    assert axe_violations(page) == []
    page.evaluate("""() => { const b = document.createElement('button');
                             document.querySelector('.home').appendChild(b); }""")
    found = axe_violations(page)
    assert [v["id"] for v in found] == ["button-name"] and found[0]["impact"] == "critical"

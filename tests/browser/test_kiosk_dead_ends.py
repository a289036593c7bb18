"""No dead ends (issue 14, finding 6), as a worker and a chair see them.

- 不满意 asks why (one optional tap), and the chair reads the reason.
- The statistics table no longer squeezes the service names one character per line
  on the chair's 1280–1440 px laptop.
- 我的主页 and the notices, in both orientations and on a phone (screenshots).
"""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from kiosk.notices.models import Announcement
from kiosk.service.models import ServiceRequest

from ..conftest import ADMIN_PASSWORD
from ..factories import make_admin, make_checkin, make_member, make_pin, make_request, make_team
from .conftest import LANDSCAPE, PORTRAIT, admin_log_in, new_page, screenshot

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape"), (PHONE, "phone")]


def open_by_code(page, code):
    page.goto("/service/track")
    for digit in code:
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="查询").tap()


def test_not_satisfied_asks_why_with_one_optional_tap(page):
    filed = make_request("hardship", "大病医疗", events=[("resolved", "补助已发放。")])
    open_by_code(page, filed.receipt_code)
    page.get_by_role("button", name=re.compile("不满意")).tap()
    expect(page.get_by_text("能说说哪里不满意吗？")).to_be_visible()
    expect(page.locator(".service-badge")).to_have_text("已办结")          # nothing recorded yet
    screenshot(page, "rating-asks-why-portrait")
    page.get_by_role("button", name="办得太慢").tap()
    expect(page.get_by_role("status")).to_contain_text("工会主席会重新办理")
    expect(page.locator(".service-badge")).to_have_text("重新办理")
    expect(page.locator(".service-timeline")).to_contain_text("重新办理：办得太慢")
    assert ServiceRequest.get_by_id(filed.id).status == "reopened"


def test_not_satisfied_without_a_reason(page):
    filed = make_request("hardship", "大病医疗", events=[("resolved", "补助已发放。")])
    open_by_code(page, filed.receipt_code)
    page.get_by_role("button", name=re.compile("不满意")).tap()
    page.get_by_role("button", name="不想说").tap()
    expect(page.locator(".service-badge")).to_have_text("重新办理")


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_statistics_table_reads_well_on_the_chairs_laptop(browser, live_server, width):
    for key, topic in (("rights", "劳动合同"), ("counselling", "工作压力"), ("learning", "技能培训")):
        make_request(key, topic)
    make_admin(password=ADMIN_PASSWORD)
    context, page = new_page(browser, {"width": width, "height": 900}, base_url=live_server.url)
    admin_log_in(page)
    page.goto("/admin/service/statistics?months=24")
    name = page.locator("table.service-stats tbody th", has_text="权益有侵害")
    # The lines the name is set on: one, not one per character.
    lines = name.evaluate("""el => {
        const r = document.createRange(); r.selectNodeContents(el);
        return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }""")
    assert lines == 1, lines
    screenshot(page, f"admin-statistics-{width}")
    context.close()


@pytest.mark.parametrize("viewport, name", VIEWPORTS, ids=[v[1] for v in VIEWPORTS])
def test_my_page_and_the_notices(browser, live_server, viewport, name):
    member = make_member(name="王芳", staff_no="2046", team=make_team(name="装配二班"))
    make_pin(member, "3691")
    make_request("pay", "加班费", member=member, events=[("in_progress", "")])
    for days, mood in ((1, "happy"), (2, "ok"), (4, "upset"), (5, "happy")):
        make_checkin(member, mood, day=date.today() - timedelta(days=days))
    Announcement.create(title="夏送清凉", body="七月发放防暑用品。", starts_on=date.today())
    context, page = new_page(browser, viewport, base_url=live_server.url)
    page.goto("/")
    page.locator(".tile", has_text="我的主页").tap()
    page.get_by_role("link", name=re.compile("输入工号")).tap()
    for digit in "2046":
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()
    # Both screens have a keypad: tap the PIN's only once its screen is there.
    expect(page.locator("h1")).to_have_text("王芳，请确认是您本人")
    for digit in "3691":
        page.locator(f".keypad [data-key='{digit}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.locator(".my-requests")).to_contain_text("待遇有诉求 · 加班费")
    expect(page.locator(".my-mood-day[data-mood-day]")).to_have_count(4)
    screenshot(page, f"my-page-{name}")
    page.goto("/notices/")
    expect(page.locator(".notice-new")).to_have_text("新")
    screenshot(page, f"notices-{name}")
    Announcement.delete().execute()
    page.goto("/notices/")
    expect(page.locator(".empty-state")).to_contain_text("现在还没有新的通知")
    screenshot(page, f"notices-empty-{name}")
    context.close()

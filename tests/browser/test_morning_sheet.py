"""The chair opens the admin home at 07:40: the morning sheet's numbers, the sheet, its PDF."""
import re

from playwright.sync_api import expect

from kiosk.mood.records import request_talk

from ..factories import make_admin, make_checkin, make_member, make_request, make_team
from .conftest import admin_log_in, new_page, screenshot

ADMIN_PASSWORD = "correct horse battery"
LAPTOP = {"width": 1440, "height": 900}


def test_the_chair_reads_the_morning_sheet_and_sets_its_time(browser, live_server):
    make_admin(password=ADMIN_PASSWORD)
    team = make_team("车工一班")
    talker = make_member("李强", team=team)
    request_talk(talker.id, make_checkin(talker, "upset", hour=7).id)
    make_checkin(make_member("王芳", team=team), "upset", hour=6)
    make_request("counselling", "我只是想聊聊", description="睡不着")
    context, page = new_page(browser, LAPTOP, base_url=live_server.url)
    admin_log_in(page)
    card = page.locator(".morning-card")
    expect(card.locator("[data-count=talk] strong")).to_have_text("1")
    expect(card.locator("[data-count=upset] strong")).to_have_text("2")
    screenshot(page, "admin-home-morning-card")
    card.get_by_role("link", name="查看晨报").click()
    page.wait_for_url(re.compile(r"/admin/care/morning-sheet$"))
    expect(page.locator("#upset tbody tr").first).to_contain_text("李强")
    expect(page.locator("#requests")).to_contain_text("匿名")
    expect(page.locator("#requests")).not_to_contain_text("睡不着")
    page.get_by_label("时间（时:分）").fill("07:30")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("每天 07:30 将自动生成晨报")
    expect(page.get_by_label("时间（时:分）")).to_have_value("07:30")
    screenshot(page, "admin-morning-sheet")
    with page.expect_download() as download:
        page.get_by_role("link", name="打印用 PDF（一张 A4）").click()
    assert re.fullmatch(r"morning-sheet-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename)
    context.close()

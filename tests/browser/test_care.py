"""The chair opens the care calendar, records a hospital visit, and it moves to 已完成 (touch)."""
import re

from playwright.sync_api import expect

from kiosk.care.calendar_data import local_today
from kiosk.care.records import record_event

from ..factories import make_admin, make_member
from .conftest import admin_log_in, screenshot

ADMIN_PASSWORD = "correct horse battery"


def test_the_chair_records_a_hospital_visit_from_the_care_calendar(page, app):
    make_admin(password=ADMIN_PASSWORD)
    member = make_member(name="孙磊")
    record_event(member, "hospital", local_today("Asia/Shanghai"), "chair", place="市第一人民医院")
    admin_log_in(page)
    page.get_by_role("link", name="关爱日历").first.tap()
    item = page.locator("#due .care-due", has_text="孙磊")
    expect(item).to_contain_text("住院必访")
    screenshot(page, "care-calendar-portrait")
    item.get_by_role("link", name="记录祝贺或走访").tap()
    page.get_by_label("走访人").fill("王主席")
    page.get_by_label("慰问金（元）").fill("-100")
    page.get_by_role("button", name="保存记录").tap()          # refused, what was typed stays
    expect(page.get_by_role("alert").filter(has_text="0 到 100000")).to_have_count(1)
    expect(page.get_by_label("走访人")).to_have_value("王主席")
    page.get_by_label("医院").check()
    page.get_by_label("慰问品").fill("水果篮")
    page.get_by_label("慰问金（元）").fill("500")
    page.get_by_role("button", name="保存记录").tap()
    page.wait_for_url(re.compile(r"/admin/care/$"))
    expect(page.locator("#due .care-due")).to_have_count(0)
    expect(page.locator("#done")).to_contain_text("水果篮 · ¥500.00")

"""Trust at the touchscreen (issue 9): the touch that dismisses 我还在 presses nothing,
a double tap on 提交给工会 files one request, and despair typed by pinyin gets help."""
import re

from playwright.sync_api import expect

from kiosk.db import db
from kiosk.service.models import ServiceRequest

from ..conftest import make_app
from .conftest import PORTRAIT, LiveServer, new_page
from .test_service_requests import pick_word, screenshot, start_filing, type_keys


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_the_touch_that_dismisses_i_am_still_here_presses_nothing(browser, tmp_path):
    app = make_app(tmp_path / "idle", WTF_CSRF_ENABLED=True, KIOSK_IDLE_SECONDS=14,
                   KIOSK_IDLE_WARNING=7)
    with app.app_context(), LiveServer(app) as server:
        context, page = new_page(browser, PORTRAIT, base_url=server.url)
        page.goto("/service/new/hardship")
        page.get_by_role("button", name="家庭困难", exact=True).tap()
        type_keys(page, "ni")
        # On the text step: the finger lands where the space key is.
        space = page.locator("[data-kb-action='space']:visible")
        x, y = centre(space)
        expect(page.locator("#idle-warning")).to_be_visible(timeout=8000)
        page.touchscreen.tap(x, y)
        expect(page.locator("#idle-warning")).to_be_hidden()
        page.wait_for_timeout(500)
        expect(page.locator("[data-kb-pinyin]")).to_have_text("ni")   # nothing committed
        expect(page.locator("#description")).to_have_value("")

        # On the contact step: the finger lands on 实名提交.
        page.get_by_role("button", name="下一步").tap()
        named = page.get_by_role("button", name=re.compile("实名提交"))
        x, y = centre(named)
        expect(page.locator("#idle-warning")).to_be_visible(timeout=8000)
        screenshot(page, "idle-warning-over-contact-portrait")
        page.touchscreen.tap(x, y)
        expect(page.locator("#idle-warning")).to_be_hidden()
        page.wait_for_timeout(800)
        expect(page).to_have_url(re.compile(r"/service/contact$"))
        expect(page.locator("h1")).to_have_text("工会怎么联系您？")
        # The next touch is the worker's own again.
        named.tap()
        expect(page).to_have_url(re.compile(r"/identify/"))
        context.close()
        db.close()


def test_a_double_tap_on_send_files_exactly_one_request(page, app):
    start_filing(page)
    type_keys(page, "shenghuo")
    pick_word(page, "生活")
    page.get_by_role("button", name="下一步").tap()
    page.get_by_role("button", name=re.compile("匿名提交")).tap()
    send = page.get_by_role("button", name="提交给工会")
    x, y = centre(send)
    page.touchscreen.tap(x, y)
    page.touchscreen.tap(x, y)
    expect(page.locator("#receipt-code")).to_be_visible()
    with app.app_context():
        assert ServiceRequest.select().count() == 1


def test_despair_typed_by_pinyin_gets_the_help_panel(page, app):
    start_filing(page, "心理有困惑", "工作压力大")
    type_keys(page, "buxianghuo")
    expect(page.locator("[data-kb-candidate]").first).to_have_text("不想活")
    page.locator("[data-kb-candidate]").first.tap()
    expect(page.locator("#description")).to_have_value("不想活")
    page.get_by_role("button", name="下一步").tap()
    page.get_by_role("button", name=re.compile("匿名提交")).tap()
    page.get_by_role("button", name="提交给工会").tap()
    help_panel = page.locator("#crisis-help")
    expect(help_panel).to_be_visible()
    expect(help_panel).to_contain_text("12356")
    expect(help_panel).to_contain_text("工会主席会马上收到提醒")
    screenshot(page, "service-crisis-help-portrait")
    with app.app_context():
        filed = ServiceRequest.get()
        assert filed.crisis and filed.urgent and filed.member_id is None

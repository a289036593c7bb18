"""Proof at the touchscreen: a colleague's photo tap no longer opens someone's requests;
a worker sets their PIN from the chair's printed slip, or scans their badge."""
import re

from playwright.sync_api import expect

from ..conftest import ADMIN_PASSWORD
from ..factories import make_admin, make_member, make_pin, make_request, make_team
from .conftest import PORTRAIT, admin_log_in, new_page, screenshot

SECRET = "我最近失眠，想找心理咨询，不想让班长知道"


def open_my_requests(page):
    """查进度 → 我的诉求."""
    page.goto("/")
    page.locator(".tile", has_text="查进度").tap()
    page.get_by_role("link", name="我的诉求").tap()
    expect(page.locator("h1")).to_have_text("请问您是哪位？")


def type_on_keypad(page, digits):
    for digit in digits:
        page.locator(f".keypad [data-key='{digit}']").tap()


def test_the_colleagues_four_taps_are_refused_with_a_way_to_prove(page):
    team = make_team(name="装配二班")
    victim = make_member(name="王芳", staff_no="2046", badge_code="B2046", team=team)
    make_pin(victim)
    make_request("counselling", "心理咨询", description=SECRET, member=victim)
    open_my_requests(page)
    page.get_by_role("link", name="装配二班").tap()
    page.locator(".photo-card", has_text="王芳").tap()
    expect(page.locator("h1")).to_have_text("王芳，请确认是您本人")
    expect(page.locator(".prove-why")).to_contain_text("只点照片或输入工号还不够：请刷工卡，或输入您的个人密码")
    expect(page.locator("#pin")).to_be_visible()
    expect(page.get_by_text("或者刷工卡")).to_be_visible()
    screenshot(page, "identify-prove-portrait")
    html = page.content()
    assert SECRET not in html and "2046" not in html
    # Guessing does not open it either.
    type_on_keypad(page, "1357")
    page.get_by_role("button", name="确定").tap()
    expect(page.get_by_role("alert")).to_contain_text("个人密码不对")
    assert SECRET not in page.content()


def test_a_worker_sets_their_pin_from_a_printed_slip_and_reads_their_request(browser, live_server,
                                                                          page):
    member = make_member(name="李强", staff_no="5150", team=make_team(name="车工一班"))
    make_request("counselling", "心理咨询", description=SECRET, member=member)
    make_admin(password=ADMIN_PASSWORD)

    # The chair prints the slip from the roster.
    context, office = new_page(browser, PORTRAIT, base_url=live_server.url)
    admin_log_in(office)
    office.goto(f"/admin/roster/members/{member.id}")
    office.get_by_role("button", name="打印密码设置单").click()
    slip = office.locator(".pin-slip")
    expect(slip).to_contain_text("李强")
    expect(slip).to_contain_text("5150")
    code = slip.locator(".pin-slip-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{8}", code)
    # On paper: the print stylesheet drops the buttons and keeps the slip.
    office.emulate_media(media="print")
    expect(office.locator(".pin-slips-tools")).to_be_hidden()
    expect(slip).to_be_visible()
    screenshot(office, "pin-slip-print")
    context.close()

    # At the kiosk: staff number, then the slip's code, then a PIN twice.
    open_my_requests(page)
    page.get_by_role("link", name=re.compile("输入工号")).tap()
    type_on_keypad(page, "5150")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_have_text("李强，请确认是您本人")
    page.get_by_role("link", name="还没有密码？用设置单设置").tap()
    expect(page.locator("h1")).to_have_text("李强，请设置您的个人密码")
    type_on_keypad(page, code)
    page.get_by_role("button", name="确定").tap()
    expect(page.locator(".screen-lead")).to_contain_text("4 到 6 位数字密码")
    type_on_keypad(page, "3691")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator(".screen-lead")).to_contain_text("请再输入一遍")
    type_on_keypad(page, "3691")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_have_text("李强 的诉求")
    page.locator(".service-list-item", has_text="心理咨询").tap()
    expect(page.locator(".service-status-head h1")).to_contain_text("心理有困惑 · 心理咨询")
    expect(page.get_by_text(SECRET)).to_be_visible()

    # Next time: the staff number and the PIN.
    page.goto("/reset")
    open_my_requests(page)
    page.get_by_role("link", name=re.compile("输入工号")).tap()
    type_on_keypad(page, "5150")
    page.get_by_role("button", name="确定").tap()
    type_on_keypad(page, "3691")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_have_text("李强 的诉求")


def test_a_badge_proves_after_a_photo_tap(page):
    team = make_team(name="装配三班")
    member = make_member(name="赵敏", badge_code="B880042", team=team)
    make_request("learning", "技能培训", member=member)
    open_my_requests(page)
    page.get_by_role("link", name="装配三班").tap()
    page.locator(".photo-card", has_text="赵敏").tap()
    expect(page.locator("h1")).to_have_text("赵敏，请确认是您本人")
    page.wait_for_load_state()   # the badge reader's keys are heard once the page's script runs
    page.keyboard.type("B880042", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("赵敏 的诉求")
    expect(page.locator(".service-list-item", has_text="技能培训")).to_be_visible()

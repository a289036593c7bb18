"""At the touchscreen: a worker tells the union of a hospital stay (有喜事/有难事告诉工会),
and a worker who proves with a PIN after a photo tap is greeted on their birthday."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from kiosk.care.calendar_data import local_today
from kiosk.care.models import ReportedEvent

from ..factories import make_member, make_pin, make_team
from .conftest import screenshot


def type_on_keypad(page, digits):
    for digit in digits:
        page.locator(f".keypad [data-key='{digit}']").tap()


def type_keys(page, letters):
    for ch in letters:
        page.locator(f".kb-key[data-kb-key='{ch}']:visible").tap()


def fits_the_screen(page):
    """Nothing wider than the screen: no sideways scrolling on a kiosk."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_worker_tells_the_union_of_a_hospital_stay(oriented_page, orientation):
    page = oriented_page
    member = make_member(name="孙磊", staff_no="3307", team=make_team(name="车工一班"))
    make_pin(member, "3691")
    today = local_today("Asia/Shanghai")
    page.goto("/")
    page.locator(".tile", has_text="喜事·难事").tap()
    # A report goes out under the worker's name: proof, not a photo tap.
    page.get_by_role("link", name=re.compile("输入工号")).tap()
    type_on_keypad(page, "3307")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_have_text("孙磊，请确认是您本人")
    type_on_keypad(page, "3691")
    page.get_by_role("button", name="确定").tap()

    expect(page.locator("h1")).to_have_text("有喜事/有难事告诉工会")
    expect(page.locator(".care-kind-tile")).to_have_count(5)
    fits_the_screen(page)
    screenshot(page, f"care-report-choose-{orientation}")
    page.locator(".care-kind-tile", has_text="我住院了").tap()

    expect(page.locator("h1")).to_contain_text("我住院了")
    admitted = page.locator("[data-date=day]")
    admitted.get_by_role("button", name="前一天").tap()
    admitted.get_by_role("button", name="前一天").tap()
    two_days_ago = today - timedelta(days=2)
    expect(page.locator("input[name=day]")).to_have_value(two_days_ago.isoformat())
    page.get_by_role("button", name="已出院：选择出院日期").tap()
    expect(page.locator("input[name=end_day]")).to_have_value(today.isoformat())
    # Sent without the hospital: refused kindly, the dates kept.
    page.get_by_role("button", name="告诉工会").tap()
    expect(page.get_by_role("alert")).to_contain_text("请输入医院的名称")
    expect(page.locator("input[name=day]")).to_have_value(two_days_ago.isoformat())
    for letters, word in (("renmin", "人民"), ("yiyuan", "医院")):
        type_keys(page, letters)
        page.locator("[data-kb-candidate]", has_text=re.compile(f"^{word}$")).first.tap()
    expect(page.locator("#care-text")).to_have_value("人民医院")
    fits_the_screen(page)
    screenshot(page, f"care-report-form-{orientation}")
    page.get_by_role("button", name="告诉工会").tap()

    expect(page.locator("h1")).to_have_text("谢谢您告诉工会")
    expect(page.locator(".care-thanks-line")).to_have_text("祝您早日康复，请多保重身体。")
    screenshot(page, f"care-report-thanks-{orientation}")
    reported = ReportedEvent.get()
    assert (reported.kind, reported.day, reported.end_day, reported.place, reported.status) == (
        "hospital", two_days_ago, today, "人民医院", "pending")
    page.get_by_role("link", name="完成").tap()
    expect(page.locator(".tile").first).to_be_visible()


def test_a_worker_who_proves_with_a_pin_after_a_photo_tap_is_greeted_on_their_birthday(page):
    today = local_today("Asia/Shanghai")
    try:
        birthday = today.replace(year=today.year - 30)
    except ValueError:
        birthday = today.replace(year=today.year - 30, day=28)
    team = make_team(name="装配三班")
    member = make_member(name="赵敏", team=team, birthday=birthday, photo_consent=False)
    make_pin(member, "3691")
    page.goto("/")
    page.locator(".tile", has_text="我的信息").tap()
    page.get_by_role("link", name="装配三班").tap()
    page.locator(".photo-card", has_text="赵敏").tap()
    # A photo tap says nothing of the birthday: anyone could have tapped it.
    expect(page.locator("h1")).to_have_text("赵敏，请确认是您本人")
    assert "生日快乐" not in page.content()
    type_on_keypad(page, "3691")
    page.get_by_role("button", name="确定").tap()
    expect(page.locator("h1")).to_contain_text("生日快乐")
    screenshot(page, "care-birthday-after-pin-portrait")
    page.get_by_role("link", name="谢谢，继续").tap()
    expect(page.locator("h1")).to_contain_text("赵敏")

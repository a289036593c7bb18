"""Every kiosk screen works on a phone-sized screen (issue 14, finding 5): below ~600 px
wide the screens broke. At 390x844 (a phone) and 360x740 nothing sticks out to the
side, and a worker can still file a request and read the receipt with its QR code.
Screenshots of the screens in 390x844, 1080x1920 and 1920x1080 are kept to look at."""
import pytest
from playwright.sync_api import expect

from kiosk.benefits.models import BenefitLink
from kiosk.notices.models import Announcement

from ..factories import make_member, make_team
from .conftest import LANDSCAPE, PORTRAIT, new_page, screenshot

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}

# What sticks out past the right or the left edge, outside a box that scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX; if (x === "auto" || x === "scroll") return true; }
    return false; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    if ((box.right > width + 1 || box.left < -1) && !scrolls(el)) {
      const where = `${Math.round(box.left)}–${Math.round(box.right)}`;
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${where}`);
    }
  }
  return out.slice(0, 10);
}"""


@pytest.fixture
def seeded(app):
    team = make_team(name="车工一班")
    member = make_member(name="王芳", staff_no="2046", team=team)
    link = BenefitLink.create(owner="central", title_zh="齐鲁工惠", url="https://example.org/app")
    Announcement.create(title="夏送清凉", body="七月发放防暑用品。")
    return {"team": team, "member": member, "link": link}


def screens(seeded):
    team = seeded["team"]
    return ["/", "/identify/", "/identify/?mode=keypad", f"/identify/team/{team.id}",
            "/mood/board", f"/mood/board/team/{team.id}", "/service/", "/service/new/hardship",
            "/service/track", "/notices/", "/benefits/", f"/benefits/{seeded['link'].id}"]


def overflowing(page):
    """What sticks out of the screen, measured once the page's style sheets have loaded:
    a box measured before them (a loaded machine) is the browser's default, not ours."""
    page.wait_for_load_state()
    return page.evaluate(OVERFLOW)


def no_overflow(page, url):
    page.goto(url)
    sticking_out = overflowing(page)
    assert not sticking_out, f"{url} at {page.viewport_size}: {sticking_out}"


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390", "360"])
def test_no_kiosk_screen_sticks_out_on_a_phone(browser, live_server, seeded, viewport):
    context, page = new_page(browser, viewport, base_url=live_server.url)
    for url in screens(seeded):
        no_overflow(page, url)
    context.close()


def test_filing_and_the_receipt_on_a_phone(browser, live_server, seeded):
    context, page = new_page(browser, PHONE, base_url=live_server.url)
    page.goto("/")
    screenshot(page, "narrow-home-390")
    page.locator(".tile", has_text="帮你办").tap()
    expect(page.locator(".service-category", has_text="生活有困难")).to_be_visible()
    screenshot(page, "narrow-service-390")
    page.locator(".service-category", has_text="生活有困难").tap()
    page.get_by_role("button", name="家庭困难", exact=True).tap()
    expect(page.locator("#description")).to_be_visible()
    assert not overflowing(page)
    screenshot(page, "narrow-describe-390")
    page.get_by_role("button", name="下一步").tap()
    expect(page.locator("h1")).to_have_text("工会怎么联系您？")
    assert not overflowing(page)
    page.get_by_role("button", name="匿名提交").tap()
    expect(page.locator(".service-summary")).to_be_visible()
    assert not overflowing(page)
    page.get_by_role("button", name="提交给工会").tap()
    expect(page.locator("#receipt-qr")).to_be_visible()
    assert not overflowing(page)
    qr = page.locator("#receipt-qr").bounding_box()
    assert qr["width"] >= 200 and qr["x"] >= 0 and qr["x"] + qr["width"] <= 390
    screenshot(page, "narrow-receipt-390")
    context.close()


@pytest.mark.parametrize("viewport, name", [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")])
def test_the_receipt_in_both_orientations(browser, live_server, seeded, viewport, name):
    context, page = new_page(browser, viewport, base_url=live_server.url)
    page.goto("/service/new/rights")
    page.get_by_role("button", name="劳动合同", exact=True).tap()
    page.get_by_role("button", name="下一步").tap()
    expect(page.locator("h1")).to_have_text("工会怎么联系您？")
    page.get_by_role("button", name="匿名提交").tap()
    expect(page.locator(".service-summary")).to_be_visible()
    page.get_by_role("button", name="提交给工会").tap()
    expect(page.locator("#receipt-federation")).to_contain_text("市总工会")
    screenshot(page, f"receipt-federation-{name}")
    context.close()


def test_titles_are_not_squeezed_one_character_per_line(browser, live_server, seeded):
    context, page = new_page(browser, SMALL_PHONE, base_url=live_server.url)
    page.goto(f"/mood/board/team/{seeded['team'].id}")
    title = page.locator("h1").bounding_box()
    assert title["width"] > 200 and title["height"] < 120
    context.close()


def test_centrals_tracking_page_on_a_phone(browser, tmp_path):
    """What the phone shows after scanning the receipt's QR: central's page, 390 px."""
    from datetime import timedelta

    from kiosk.db import db
    from kiosk.models.base import utcnow
    from kiosk.service import receipt
    from kiosk.service.models import RequestEvent

    from ..conftest import make_app
    from ..factories import make_request
    from .conftest import LiveServer
    central = make_app(tmp_path / "central", KIOSK_ROLE="central", WTF_CSRF_ENABLED=True)
    with central.app_context():
        filed = make_request(category="rights", topic="拖欠工资", description="三个月没发工资")
        RequestEvent.create(request=filed.id, kind="public_reply", public=True, actor="市总",
                            text="已联系企业，请耐心等待，下周一前给您答复。", origin="central",
                            at=utcnow() + timedelta(seconds=1))
    db.close()
    with LiveServer(central) as server:
        for viewport, name in ((PHONE, "390"), (SMALL_PHONE, "360")):
            context, page = new_page(browser, viewport, base_url=server.url)
            page.goto(f"/t/{receipt.grouped(filed.receipt_code, '-')}")
            expect(page.locator(".phone-text")).to_contain_text("已联系企业")
            assert not overflowing(page)
            screenshot(page, f"central-tracking-phone-{name}")
            page.goto("/t/1234-5678-90123")
            expect(page.locator("body")).to_contain_text("今晚同步后可查")
            context.close()


def test_checking_in_on_a_phone(browser, live_server, seeded):
    context, page = new_page(browser, SMALL_PHONE, base_url=live_server.url)
    page.goto("/identify/?mode=keypad&next=/mood/choose")
    for key in "2046":
        page.locator(f"[data-key='{key}']").tap()
    page.get_by_role("button", name="确定").tap()
    expect(page.locator(".mood-choice[data-mood='happy']")).to_be_visible()
    assert not overflowing(page)
    screenshot(page, "narrow-mood-choose-360")
    page.locator(".mood-choice[data-mood='upset']").tap()
    expect(page.locator(".mood-done")).to_be_visible()
    assert not overflowing(page)
    screenshot(page, "narrow-mood-done-360")
    context.close()

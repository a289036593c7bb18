"""A worker taps a benefit card and scans the code from the screen; the chair previews it."""
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from kiosk import qr
from kiosk.benefits.demo import load_demo_links
from kiosk.benefits.models import BenefitLink

from ..conftest import make_app
from ..factories import make_admin, make_benefit_link, make_logo_png
from .conftest import LANDSCAPE, LiveServer, admin_log_in, new_page, screenshot


def decode_screenshot(page, path, locator=None):
    (locator or page).screenshot(path=str(path))
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path))]


def test_worker_taps_a_card_and_the_code_on_screen_scans(oriented_page, orientation, tmp_path):
    page = oriented_page
    load_demo_links()
    app_link = BenefitLink.get(BenefitLink.title_zh == "齐鲁工惠APP下载")  # logo in the code
    page.goto("/")
    page.locator(".tile", has_text="扫码享优惠").tap()
    expect(page.locator("h1")).to_have_text("扫码享优惠")
    cards = page.locator(".benefit-card")
    expect(cards).to_have_count(6)
    box = cards.first.bounding_box()
    assert box["height"] >= 64 and box["width"] >= 64
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"benefits-cards-{orientation}")

    page.locator(".benefit-card", has_text="齐鲁工惠APP下载").tap()
    view = page.locator(".qr-full")
    expect(view).to_be_visible()
    expect(view.locator("img")).to_have_js_property("complete", True)
    code_box = view.locator(".qr-full-code").bounding_box()
    assert code_box["width"] >= 600  # large: read from a metre away
    screenshot(page, f"benefits-fullscreen-{orientation}")
    assert decode_screenshot(page, tmp_path / "full.png") == [app_link.url]

    view.tap()  # anywhere: back to the cards, without reloading
    expect(view).to_have_count(0)
    expect(cards).to_have_count(6)


def test_every_card_code_scans_from_the_screenshot(page, tmp_path):
    load_demo_links()
    page.goto("/benefits/")
    found = set()
    for card in page.locator(".benefit-card").all():
        card.scroll_into_view_if_needed()
        found.update(decode_screenshot(page, tmp_path / "card.png", card.locator(".benefit-qr")))
    assert found == {link.url for link in BenefitLink.select()}


def test_full_screen_code_returns_by_itself(browser, tmp_path):
    from kiosk.db import db
    app = make_app(tmp_path / "quick", WTF_CSRF_ENABLED=True, BENEFITS_QR_SECONDS=2)
    with app.app_context(), LiveServer(app) as server:
        make_benefit_link("会员商家优惠")
        context, page = new_page(browser, LANDSCAPE, base_url=server.url)
        page.goto("/benefits/")
        page.locator(".benefit-card").tap()
        expect(page.locator(".qr-full")).to_be_visible()
        expect(page.locator(".qr-full")).to_have_count(0, timeout=5000)
        expect(page.locator(".benefit-card")).to_be_visible()
        # The same view opened as a page of its own goes back to the cards.
        link = BenefitLink.get()
        page.goto(f"/benefits/{link.id}")
        expect(page).to_have_url(re.compile(r"/benefits/$"), timeout=5000)
        context.close()
        db.close()


@pytest.mark.parametrize("with_logo", [False, True])
def test_svg_inlined_into_html_renders_and_decodes(page, tmp_path, with_logo):
    """What an htmx swap does: the SVG markup put straight into the page."""
    url = "https://example.org/union/aid/apply"
    svg = qr.render_svg(url, logo=make_logo_png() if with_logo else None)
    page.set_content('<body style="margin:0;background:#fff"><div id="swap"></div></body>')
    page.evaluate("html => { document.getElementById('swap').innerHTML = html }",
                  f'<div style="width:420px;height:420px">{svg}</div>')
    assert decode_screenshot(page, tmp_path / "svg.png", page.locator("#swap svg")) == [url]


def test_chair_sees_the_unsaved_code_as_the_kiosk_will(browser, live_server, tmp_path):
    make_admin(password="correct horse battery")
    context, page = new_page(browser, {"width": 1400, "height": 1000}, base_url=live_server.url)
    admin_log_in(page)
    page.goto("/admin/benefits/new")
    page.fill("#title_zh", "职工大病医疗互助保险")
    page.fill("#url", "javascript:alert(1)")
    page.locator("#category").select_option("insurance")
    expect(page.locator("#preview .field-error")).to_contain_text("只有以 https://")
    page.fill("#url", "example.org/union/mutual-insurance")
    page.locator("#logo").set_input_files({"name": "logo.png", "mimeType": "image/png",
                                           "buffer": make_logo_png()})
    page.locator("#logo_in_qr").check()
    preview = page.locator("#preview .benefit-qr svg")
    expect(preview.locator("image")).to_have_count(1)  # the logo sits in the code
    expect(preview).to_be_visible()
    screenshot(page, "benefits-admin-preview")
    assert decode_screenshot(page, tmp_path / "preview.png", preview) == [
        "https://example.org/union/mutual-insurance"]
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_contain_text("已保存")
    screenshot(page, "benefits-admin-list")
    context.close()


def test_chair_ticks_links_and_gets_a_poster(browser, live_server):
    load_demo_links()
    make_admin(password="correct horse battery")
    context, page = new_page(browser, {"width": 1400, "height": 1000}, base_url=live_server.url)
    page.goto("/admin/login?next=/admin/benefits/")
    page.fill("input[name=username]", "chair")
    page.fill("input[name=password]", "correct horse battery")
    page.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("扫码优惠链接")
    expect(page.locator("#benefit-links button[disabled]")).to_have_count(2)  # first ↑, last ↓
    # Hiding a federation link here swaps the table in place.
    row = page.locator("tr", has_text="会员商家优惠")
    row.get_by_role("button", name="在本驿站隐藏").click()
    expect(page.locator("tr", has_text="会员商家优惠")).to_contain_text("本驿站已隐藏")
    screenshot(page, "benefits-admin-links")
    for title in ("齐鲁工惠APP下载", "困难职工帮扶申请", "职工大病医疗互助保险"):
        page.locator("tr", has_text=title).locator("input.pick").check()
    page.get_by_role("button", name="用勾选的链接制作 A4 海报").click()
    expect(page.locator("h1")).to_have_text("张贴在食堂墙上的 A4 海报")
    sheet = page.locator("img.poster-sheet")
    expect(sheet).to_have_count(1)
    expect(sheet).to_have_js_property("complete", True)
    assert sheet.evaluate("img => img.naturalWidth") == 1654  # A4 at 200 dpi
    screenshot(page, "benefits-admin-poster")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()

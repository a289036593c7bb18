"""The union chair manages benefit links: forms that refuse bad input kindly, posters."""
import io
import re
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from kiosk import pdf
from kiosk.benefits import poster
from kiosk.benefits.models import BenefitLink, BenefitLinkLocal, BenefitLogo
from kiosk.models import AuditLog

from .factories import make_benefit_link, make_logo_png
from .pdf_tools import pdf_fonts, pdf_text, rasterise

FORM = {
    "title_zh": "会员商家优惠", "title_en": "Merchant offers",
    "description_zh": "周边商家凭会员码打折", "description_en": "Discounts nearby",
    "category": "offers", "url": "https://example.org/offers",
}


def post_link(client, path="/admin/benefits/new", logo=None, **changes):
    data = dict(FORM, **changes)
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), "logo.png")
    return client.post(path, data=data, content_type="multipart/form-data")


def text(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/admin/benefits/", "/admin/benefits/new", "/admin/benefits/poster?link=x",
    "/admin/benefits/poster.pdf?link=x",
])
def test_benefit_admin_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_chair_adds_a_link_with_a_logo_in_the_code(admin):
    response = post_link(admin, logo=make_logo_png(size=(900, 600)), logo_in_qr="y",
                         url="example.org/offers?city=heze")
    assert response.status_code == 302
    link = BenefitLink.get()
    assert (link.owner, link.title_en, link.url) == ("station", "Merchant offers",
                                                      "https://example.org/offers?city=heze")
    assert link.with_logo_in_qr
    logo = Image.open(io.BytesIO(bytes(BenefitLogo.get().png)))
    assert logo.format == "PNG" and max(logo.size) <= 256
    assert AuditLog.select().where(AuditLog.action == "add benefit link").count() == 1
    listing = text(admin.get("/admin/benefits/"))
    assert "会员商家优惠" in listing and "example.org/offers?city=heze" in listing


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(1)", "只有以 https:// 或 http:// 开头的网页链接才能生成二维码"),
    ("data:text/html,hi", "只有以 https:// 或 http:// 开头的网页链接才能生成二维码"),
    ("https://chair:secret@example.org/", "含有用户名或密码"),
    ("https://example.org/a b", "不能有空格"),
    ("", "请填写链接"),
    ("https://example.org/" + "x" * 200, "请换一个更短的链接"),
])
def test_bad_links_are_refused_and_the_rest_of_the_form_stays(admin, url, message):
    response = post_link(admin, url=url)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'value="Merchant offers"' in page and 'value="周边商家凭会员码打折"' in page
    assert '<option selected value="offers">' in page or 'value="offers" selected' in page
    assert BenefitLink.select().count() == 0


def test_a_link_too_long_for_a_logo_says_what_to_do(admin):
    url = "https://example.org/" + "y" * 60
    response = post_link(admin, url=url, logo=make_logo_png(), logo_in_qr="y")
    assert response.status_code == 422
    assert "中间放标志时" in text(response) and "不把标志放进二维码" in text(response)
    assert post_link(admin, url=url, logo=make_logo_png()).status_code == 302


@pytest.mark.parametrize("data, message", [
    (b"this is not an image", "这个文件不是图片"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "这个文件不是图片"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 1), "文件太大"),
])
def test_non_images_and_oversized_logos_are_refused(admin, data, message):
    response = post_link(admin, logo=data)
    assert response.status_code == 422
    assert message in text(response) and 'value="会员商家优惠"' in text(response)
    assert BenefitLink.select().count() == 0


def test_a_tiny_or_huge_image_is_refused(admin):
    assert "太小" in text(post_link(admin, logo=make_logo_png(size=(8, 8))))
    huge = io.BytesIO()
    Image.new("1", (5000, 4000)).save(huge, "PNG")
    assert "像素太多" in text(post_link(admin, logo=huge.getvalue()))


def test_a_good_logo_survives_a_refused_url(admin):
    response = post_link(admin, url="javascript:alert(1)", logo=make_logo_png())
    assert response.status_code == 422
    digest = re.search(r'name="pending_logo" type="hidden" value="(\w+)"', text(response)).group(1)
    assert f"/benefits/logos/{digest}.png" in text(response)  # the chair sees it is kept
    assert post_link(admin, pending_logo=digest).status_code == 302
    assert BenefitLink.get().logo_digest == digest


def test_schedule_must_end_after_it_starts(admin):
    response = post_link(admin, visible_from="2026-06-10", visible_until="2026-06-01")
    assert response.status_code == 422 and "截止日期早于开始日期" in text(response)


def test_chair_edits_a_link_and_removes_its_logo(admin):
    link = make_benefit_link("旧标题", logo=make_logo_png())
    assert 'value="旧标题"' in text(admin.get(f"/admin/benefits/{link.id}"))
    response = post_link(admin, f"/admin/benefits/{link.id}", remove_logo="y",
                         url="https://example.org/new")
    assert response.status_code == 302
    link = BenefitLink.get_by_id(link.id)
    assert (link.title_zh, link.url, link.logo_digest) == ("会员商家优惠", "https://example.org/new", None)


def test_a_central_link_is_read_only_at_the_station(admin):
    link = make_benefit_link("市总链接", owner="central")
    page = text(admin.get(f"/admin/benefits/{link.id}"))
    assert "由市总工会统一设置" in page and "<form" in page and 'name="title_zh"' not in page
    assert post_link(admin, f"/admin/benefits/{link.id}").status_code == 403
    assert BenefitLink.get_by_id(link.id).title_zh == "市总链接"


def test_hide_and_move_answer_htmx_with_the_table(admin):
    central = make_benefit_link("市总链接", owner="central", sort_order=10)
    own = make_benefit_link("本站链接", sort_order=20)
    response = admin.post(f"/admin/benefits/{central.id}/hidden", data={"hidden": "1"},
                          headers={"HX-Request": "true"})
    assert text(response).lstrip().startswith('<section id="benefit-links"')
    assert "本驿站已隐藏" in text(response)
    assert BenefitLinkLocal.get(BenefitLinkLocal.link == central.id).hidden
    response = admin.post(f"/admin/benefits/{own.id}/move", data={"direction": "up"})
    assert response.status_code == 303
    listing = text(admin.get("/admin/benefits/"))
    assert re.findall(r'<a href="/admin/benefits/[^"]+">([^<]+)</a>', listing) == ["本站链接", "市总链接"]


def test_preview_shows_the_unsaved_card_with_an_inline_svg(admin):
    data = dict(FORM, logo=(io.BytesIO(make_logo_png()), "l.png"), logo_in_qr="y")
    response = admin.post("/admin/benefits/preview", data=data, content_type="multipart/form-data",
                          headers={"HX-Request": "true"})
    html = text(response)
    assert '<div class="kiosk-preview">' in html and "会员商家优惠" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "svg:rect" not in html
    assert "data:image/png;base64," in html
    assert BenefitLogo.select().count() == 0  # a preview stores nothing
    bad = admin.post("/admin/benefits/preview", data=dict(FORM, url="javascript:x"))
    assert "只有以 https://" in text(bad) and "<svg" not in text(bad)
    empty = admin.post("/admin/benefits/preview", data=dict(FORM, url=""))
    assert "填写链接后" in text(empty)


# --- Posters --------------------------------------------------------------------

def test_poster_pdf_is_text_and_vector_codes_that_all_decode(admin, tmp_path):
    links = [make_benefit_link(f"链接{n}", url=f"https://example.org/poster/{n}") for n in range(5)]
    links[0] = make_benefit_link("带标志", url="https://example.org/logo", logo=make_logo_png(),
                                 logo_in_qr=True)
    links[1] = make_benefit_link("长链接", url="https://example.org/a-much-longer-link/" + "x" * 60)
    query = "&".join(f"link={link.id}" for link in links)
    page = admin.get(f"/admin/benefits/poster?{query}")
    assert page.status_code == 200 and "共 2 张" in text(page)
    response = admin.get(f"/admin/benefits/poster.pdf?{query}")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    words = pdf_text(response.data, tmp_path)
    assert "扫码享优惠" in words and "带标志" in words and "长链接" in words and "链接4" in words
    fonts = pdf_fonts(response.data, tmp_path)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and "NotoSansCJK" in f["name"]
                         for f in fonts)
    # Only the logo is a picture; the codes themselves are vector squares.
    pages = rasterise(response.data, tmp_path, dpi=150)
    assert len(pages) == 2
    assert all(abs(image.width / image.height - 210 / 297) < 0.01 for image in pages)
    found = {r.text: r for image in pages for r in zxingcpp.read_barcodes(image)}
    assert sorted(found) == sorted(link.url for link in links)
    # Every code on the 4-up sheet is printed the same size, whatever its version.
    first_sheet = [r for r in zxingcpp.read_barcodes(pages[0])]
    sides = [r.position.bottom_right.x - r.position.top_left.x for r in first_sheet]
    assert len(sides) == 4 and max(sides) - min(sides) <= 3, sides


def test_each_code_on_a_sheet_gets_the_same_square_whatever_its_version():
    items = [poster.PosterItem(f"福利{n}", "", "https://example.org/" + "x" * (n * 40), "example.org")
             for n in range(4)]
    codes = [e for e in poster.layout(items, date(2026, 12, 1))[0] if isinstance(e, poster.Code)]
    assert len({c.symbol.version for c in codes}) > 1
    assert len({round(c.unit * c.symbol.size, 6) for c in codes}) == 1


def test_poster_png_sheet_decodes_and_out_of_range_is_404(admin):
    link = make_benefit_link(url="https://example.org/png-poster")
    response = admin.get(f"/admin/benefits/poster-1.png?link={link.id}&download=1")
    assert response.mimetype == "image/png" and "attachment" in response.headers["Content-Disposition"]
    image = Image.open(io.BytesIO(response.data))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["https://example.org/png-poster"]
    assert admin.get(f"/admin/benefits/poster-2.png?link={link.id}").status_code == 404


def test_a_poster_needs_a_chosen_link(admin):
    response = admin.get("/admin/benefits/poster", follow_redirects=True)
    assert "请至少勾选一个链接" in text(response)


def test_without_a_chinese_font_the_poster_is_refused_with_a_message(admin, monkeypatch):
    monkeypatch.setattr(pdf, "FONT_DIRS", ["/nonexistent"])
    poster._measuring_font.cache_clear()
    link = make_benefit_link()
    response = admin.get(f"/admin/benefits/poster.pdf?link={link.id}", follow_redirects=True)
    assert "缺少中文字体" in text(response) and "fonts-noto-cjk" in text(response)

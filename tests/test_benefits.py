"""A worker at the kiosk browses benefit links and scans their codes; who owns which link."""
import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from kiosk import qr
from kiosk.benefits import service
from kiosk.benefits.demo import load_demo_links
from kiosk.benefits.images import local_today, qr_version
from kiosk.benefits.models import BenefitLink, BenefitLinkLocal

from .conftest import make_app
from .factories import make_benefit_link, make_logo_png


@pytest.fixture
def today(app):
    return local_today(app.config["BABEL_DEFAULT_TIMEZONE"])


def card_titles(response):
    return re.findall(r'<h2 class="benefit-title">([^<]+)</h2>', response.get_data(as_text=True))


def decode_png(data):
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def test_home_screen_has_a_scan_for_benefits_tile(client):
    page = client.get("/").get_data(as_text=True)
    assert "扫码享优惠" in page and 'href="/benefits/"' in page


def test_cards_show_the_links_in_the_chairs_order(client):
    make_benefit_link("困难职工帮扶申请", sort_order=20, description_zh="生活有困难，工会帮你解决")
    make_benefit_link("齐鲁工惠APP下载", sort_order=10)
    response = client.get("/benefits/")
    assert response.status_code == 200
    assert card_titles(response) == ["齐鲁工惠APP下载", "困难职工帮扶申请"]
    assert "生活有困难，工会帮你解决" in response.get_data(as_text=True)


def test_hidden_scheduled_and_expired_links_stay_off_the_kiosk(client, today):
    make_benefit_link("现在显示")
    make_benefit_link("今天开始", visible_from=today)
    make_benefit_link("今天截止", visible_until=today)
    make_benefit_link("已隐藏", hidden=True)
    make_benefit_link("明天开始", visible_from=today + timedelta(days=1))
    make_benefit_link("昨天截止", visible_until=today - timedelta(days=1))
    assert card_titles(client.get("/benefits/")) == ["现在显示", "今天开始", "今天截止"]


def test_english_speakers_see_english_titles_or_the_chinese_one(client):
    make_benefit_link("医疗互助", title_en="Mutual medical insurance")
    make_benefit_link("技能竞赛报名")
    client.get("/lang/en")
    assert card_titles(client.get("/benefits/")) == ["Mutual medical insurance", "技能竞赛报名"]


def test_nothing_to_scan_is_said_plainly(client):
    assert "暂时没有可扫码的内容" in client.get("/benefits/").get_data(as_text=True)


def test_category_tabs_swap_only_the_cards_for_htmx(client):
    make_benefit_link("会员商家优惠", category="offers")
    make_benefit_link("困难职工帮扶申请", category="aid")
    fragment = client.get("/benefits/?category=aid", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="benefit-cards"')
    assert card_titles(fragment) == ["困难职工帮扶申请"]
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/benefits/?category=aid").get_data(as_text=True)
    assert page.lstrip().startswith("<!doctype html>")


def test_tapping_a_card_gets_the_full_screen_code_as_a_fragment_or_a_page(client):
    link = make_benefit_link("齐鲁工惠APP下载", url="https://example.org/qlgh/app")
    fragment = client.get(f"/benefits/{link.id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="qr-full" data-qr-full')
    assert 'data-return-seconds="45"' in html and "example.org/qlgh/app" in html
    page = client.get(f"/benefits/{link.id}").get_data(as_text=True)
    assert page.lstrip().startswith("<!doctype html>") and "data-qr-full" in page


def test_a_hidden_link_has_no_full_screen_view(client):
    link = make_benefit_link(hidden=True)
    assert client.get(f"/benefits/{link.id}").status_code == 404


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_qr_image_is_cached_by_content_with_etag(client, kind):
    link = make_benefit_link(url="https://example.org/offers")
    key = qr_version(link, kind)
    response = client.get(f"/benefits/{link.id}/qr.{kind}?v={key}")
    assert response.status_code == 200
    assert response.mimetype == {"png": "image/png", "svg": "image/svg+xml"}[kind]
    assert response.headers["ETag"] == f'"{key}"'
    assert "immutable" in response.headers["Cache-Control"]
    if kind == "png":
        assert decode_png(response.data) == ["https://example.org/offers"]
    # Without the version in the URL the browser must revalidate, and gets a 304.
    unversioned = client.get(f"/benefits/{link.id}/qr.{kind}")
    assert unversioned.headers["Cache-Control"] == "no-cache"
    again = client.get(f"/benefits/{link.id}/qr.{kind}", headers={"If-None-Match": f'"{key}"'})
    assert again.status_code == 304 and again.data == b""


def test_a_changed_url_or_logo_gives_a_new_image(client):
    link = make_benefit_link(url="https://example.org/a")
    first = qr_version(link, "png")
    link.url = "https://example.org/b"
    link.save()
    second = qr_version(link, "png")
    assert second != first
    response = client.get(f"/benefits/{link.id}/qr.png", headers={"If-None-Match": f'"{first}"'})
    assert response.status_code == 200 and decode_png(response.data) == ["https://example.org/b"]
    link = make_benefit_link(url="https://example.org/b", logo=make_logo_png(), logo_in_qr=True)
    assert qr_version(link, "png") != second
    assert decode_png(client.get(f"/benefits/{link.id}/qr.png").data) == ["https://example.org/b"]


def test_cards_link_versioned_images_that_the_server_renders_once(client):
    make_benefit_link(url="https://example.org/once")
    qr.image_cache.clear()
    page = client.get("/benefits/").get_data(as_text=True)
    src = re.search(r'<img src="(/benefits/[^"]+/qr\.svg\?v=\w+)"', page).group(1)
    client.get(src)
    client.get(src)
    assert len(qr.image_cache) == 1


def test_a_hidden_links_code_is_not_served_to_the_kiosk_but_to_the_chair(client, admin):
    link = make_benefit_link(hidden=True)
    assert client.get(f"/benefits/{link.id}/qr.png").status_code == 404
    assert admin.get(f"/benefits/{link.id}/qr.png").status_code == 200


def test_logo_is_served_by_its_digest_and_never_changes(client):
    link = make_benefit_link(logo=make_logo_png())
    response = client.get(f"/benefits/logos/{link.logo_digest}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/benefits/logos/0000000000000000.png").status_code == 404


def test_a_central_link_too_long_to_scan_is_left_out_not_drawn_badly(client):
    make_benefit_link("太长的链接", owner="central", url="https://example.org/" + "x" * 300)
    make_benefit_link("正常链接", owner="central")
    assert card_titles(client.get("/benefits/")) == ["正常链接"]


def test_a_central_link_too_long_for_its_logo_is_drawn_without_it(client):
    url = "https://example.org/" + "y" * 60  # fits plain, not with a logo
    link = make_benefit_link(owner="central", url=url, logo=make_logo_png(), logo_in_qr=True)
    response = client.get(f"/benefits/{link.id}/qr.png")
    assert response.status_code == 200 and decode_png(response.data) == [url]
    assert qr_version(link, "png") == qr.image_key("png", url, None, module_px=12)


# --- Who writes what: the single-writer rule ---------------------------------

def test_station_hides_a_central_link_locally_without_touching_the_row(client):
    central = make_benefit_link("市总链接", owner="central")
    before = BenefitLink.get_by_id(central.id).updated_at
    service.set_hidden(central, True, "station")
    assert BenefitLink.get_by_id(central.id).updated_at == before
    assert BenefitLink.get_by_id(central.id).hidden is False
    assert BenefitLinkLocal.get(BenefitLinkLocal.link == central.id).hidden is True
    assert card_titles(client.get("/benefits/")) == []
    service.set_hidden(central, False, "station")
    assert card_titles(client.get("/benefits/")) == ["市总链接"]


def test_a_federation_withdrawn_link_stays_hidden_whatever_the_station_set(client):
    make_benefit_link("撤下的链接", owner="central", hidden=True)
    assert card_titles(client.get("/benefits/")) == []


def test_moving_past_central_links_keeps_their_rows_untouched(client):
    own = make_benefit_link("本站链接", sort_order=30)
    first = make_benefit_link("市总一", owner="central", sort_order=10)
    second = make_benefit_link("市总二", owner="central", sort_order=20)
    stamps = {link.id: BenefitLink.get_by_id(link.id).updated_at for link in (first, second)}
    service.move(own, -1, "station")
    service.move(BenefitLink.get_by_id(own.id), -1, "station")
    assert card_titles(client.get("/benefits/")) == ["本站链接", "市总一", "市总二"]
    for link in (first, second):
        row = BenefitLink.get_by_id(link.id)
        assert (row.sort_order, row.updated_at) == (link.sort_order, stamps[link.id])
    assert service.move(BenefitLink.get_by_id(own.id), -1, "station") is False  # already first


def test_a_station_cannot_save_a_central_link(app):
    central = make_benefit_link(owner="central")
    with pytest.raises(service.NotOwnedHere):
        service.save_link(central, "station", False, title_zh="改了")
    assert BenefitLink.get_by_id(central.id).title_zh == central.title_zh


def test_a_new_link_goes_last_and_is_owned_where_it_was_made(app):
    make_benefit_link(sort_order=500)
    link = service.save_link(BenefitLink(), "station", True, title_zh="新", url="https://example.org/n")
    assert link.owner == "station" and link.sort_order == 510


def test_the_central_server_writes_central_links(tmp_path):
    from kiosk.db import db

    from .factories import make_admin
    app = make_app(tmp_path, KIOSK_ROLE="central")
    with app.app_context():
        db.connect(reuse_if_open=True)
        make_admin(password="pw-central-123")
        client = app.test_client()
        client.post("/admin/login", data={"username": "chair", "password": "pw-central-123"})
        response = client.post("/admin/benefits/new", data={
            "title_zh": "全市职工医疗互助", "category": "insurance",
            "url": "https://example.org/city/insurance"})
        assert response.status_code == 302
        assert BenefitLink.get().owner == "central"
        db.close()


def test_demo_links_load_once_and_every_code_decodes(client):
    assert load_demo_links() == 6
    assert load_demo_links() == 0
    links = list(BenefitLink.listed())
    assert {link.owner for link in links} == {"central", "station"}
    for link in links:
        response = client.get(f"/benefits/{link.id}/qr.png")
        assert decode_png(response.data) == [link.url], link.title_zh
        assert link.url.startswith("https://example.org/")

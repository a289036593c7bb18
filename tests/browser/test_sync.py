"""The sync as administrators see it: the station's Sync page and central's pages, by touch."""
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from kiosk.db import db
from kiosk.models.base import utcnow
from kiosk.sync import central_store
from kiosk.sync.models import Station

from ..conftest import ADMIN_PASSWORD, make_app
from ..factories import make_admin
from ..sync.conftest import CentralProcess
from ..sync.helpers import make_mood_counts, wire_record
from .conftest import LANDSCAPE, LiveServer, admin_log_in, new_page, screenshot


def test_chair_connects_the_station_and_syncs_now(page, tmp_path):
    station_id, secret = str(uuid.uuid4()), "s3cret-" + uuid.uuid4().hex
    central = CentralProcess({"DATABASE": str(tmp_path / "central.sqlite3")},
                             tmp_path / "central-instance", {station_id: secret}).start()
    try:
        make_admin(password=ADMIN_PASSWORD)
        make_mood_counts(40)
        admin_log_in(page)
        page.goto("/admin/sync/")
        page.fill("#url", central.url)
        page.fill("#station_id", station_id)
        page.fill("#secret", "typed wrong")
        page.get_by_role("button", name="验证并保存").tap()
        expect(page.locator("#connect-form .error")).to_contain_text("市总服务器不接受这个密钥")
        expect(page.locator("#url")).to_have_value(central.url)  # what was typed stays
        page.fill("#secret", secret)
        page.get_by_role("button", name="验证并保存").tap()
        expect(page.locator(".flash")).to_contain_text("已连接市总服务器")
        sync_now = page.get_by_role("button", name="立即同步")
        page.wait_for_load_state("load")   # measured once the style sheets apply
        box = sync_now.bounding_box()
        assert box["height"] >= 64
        sync_now.tap()
        expect(page.locator(".sync-runs .ok").first).to_have_text("完成", timeout=30_000)
        expect(page.locator(".sync-progress")).to_contain_text("已上传心情统计：40 条")
        screenshot(page, "sync-station-portrait")
    finally:
        central.stop()


def test_federation_registers_a_station_and_reads_the_dashboard(browser, tmp_path):
    app = make_app(tmp_path, KIOSK_ROLE="central", WTF_CSRF_ENABLED=True)
    make_admin(password=ADMIN_PASSWORD)
    fresh = Station.create(id=uuid.uuid4(), name="机加工车间驿站", enterprise="菏泽重工",
                           secret="a", last_sync_ok_at=utcnow() - timedelta(hours=3),
                           software_version="0.1.0")
    Station.create(id=uuid.uuid4(), name="食堂驿站", enterprise="鲁西纺织", secret="b",
                   last_sync_ok_at=utcnow() - timedelta(days=2), software_version="0.1.0")
    today = utcnow().date()
    records = [wire_record("mood_group", day=(today - timedelta(weeks=week)).isoformat(),
                           mood=mood, count=count)
               for week in range(4)
               for mood, count in (("happy", 20 + week * 3), ("ok", 12), ("upset", 6 - week))]
    central_store.accept_batch(fresh.id, "mood_group", records)
    from kiosk.service import lifecycle
    for i, category in enumerate(["pay", "pay", "rights", "hardship", "suggestion"]):
        request = lifecycle.file_request(category, "加班费", "")
        if i % 2 == 0:
            lifecycle.add_event(request.id, "resolved", "chair", request.handled_by)
            lifecycle.rate(request.id, satisfied=i != 2, origin=request.handled_by)
    db.close()
    with LiveServer(app) as server:
        context, page = new_page(browser, LANDSCAPE, base_url=server.url)
        admin_log_in(page)
        page.goto("/admin/central/stations")
        page.fill("#name", "铸造车间驿站")
        page.get_by_role("button", name="登记并显示密钥").tap()
        # The enterprise is missing: the form is not sent, the name stays typed.
        expect(page.locator("#enterprise")).to_have_attribute("required", "")
        expect(page.locator("#name")).to_have_value("铸造车间驿站")
        expect(page.locator(".secret-once")).to_have_count(0)
        page.fill("#enterprise", "菏泽重工")
        page.get_by_role("button", name="登记并显示密钥").tap()
        expect(page.locator(".secret-once")).to_contain_text("铸造车间驿站")
        secret = Station.get(Station.name == "铸造车间驿站").secret
        expect(page.locator(".secret-once")).to_contain_text(secret)
        screenshot(page, "sync-central-registered-landscape")
        page.goto("/admin/central/")
        expect(page.locator("#station-health .flag")).to_have_count(2)  # 食堂驿站, 铸造 (never)
        expect(page.locator(".stack")).to_have_count(4)
        expect(page.locator(".big-number")).to_have_text("5")
        screenshot(page, "sync-central-dashboard-landscape")
        context.close()


def test_worker_reads_the_federations_notices(oriented_page, orientation):
    from kiosk.notices.models import Announcement
    Announcement.create(title="夏送清凉：7月1日起到工会领取防暑用品",
                        body="凭会员卡到工会办公室领取绿豆、藿香正气水和毛巾。\n每人一份。")
    Announcement.create(title="职工子女助学金开始申请", body="申请截止8月31日，扫码填写申请表。")
    oriented_page.goto("/")
    tile = oriented_page.get_by_role("link", name="通知公告")
    assert tile.bounding_box()["height"] >= 64
    tile.tap()
    expect(oriented_page.locator(".notice")).to_have_count(2)
    expect(oriented_page.locator(".notice h2").first).to_be_visible()
    screenshot(oriented_page, f"sync-notices-{orientation}")

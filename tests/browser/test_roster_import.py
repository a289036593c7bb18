"""The union chair imports the roster from Excel and the photos from a zip, in a real browser."""
import io
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import expect

from kiosk.roster.models import Member

from ..conftest import ADMIN_PASSWORD
from ..factories import make_admin, make_member, make_team, make_workshop
from .conftest import LANDSCAPE, PORTRAIT, admin_log_in, new_page, screenshot

ROWS = ["工号,姓名,车间,班组,工卡号,生日,公开照片",
        "2001,张三,机加工车间,车工一班,B2001,1990/1/31,是",
        "1001,王芳,机加工车间,数控班,,,",
        ",无号,,车工一班,,,",
        "2002,赵六,,铸造班,,,",
        "2003,钱七,,车工一班,,1990-02-30,",
        "2004,孙八,,车工一班,,,",
        "2004,孙八八,,车工一班,,,"]


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    app.config["ROSTER_IMPORT_FOLDER"] = str(tmp_path / "imports")


@pytest.fixture
def chair_page(browser, live_server, orientation):
    """The chair, logged in, at a desk (landscape) or on the kiosk's own screen (portrait)."""
    turning = make_workshop(name="机加工车间")
    make_team(name="车工一班", workshop=turning)
    make_team(name="数控班", workshop=turning)
    make_member(name="王芳", staff_no="1001", team=make_team(name="铣工班", workshop=turning))
    make_admin(password=ADMIN_PASSWORD)
    viewport = PORTRAIT if orientation == "portrait" else LANDSCAPE
    context, page = new_page(browser, viewport, base_url=live_server.url, accept_downloads=True)
    admin_log_in(page)
    yield page
    context.close()


def fits_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_chair_imports_a_gbk_csv_after_checking_the_preview(chair_page, orientation):
    page = chair_page
    page.get_by_role("link", name="导入名册").first.tap()
    expect(page.locator("h1")).to_have_text("导入名册")
    assert fits_sideways(page)
    screenshot(page, f"roster-import-upload-{orientation}")

    page.locator("input[name=csv_file]").set_input_files(
        files=[{"name": "名册.csv", "mimeType": "text/csv",
                "buffer": ("\r\n".join(ROWS) + "\r\n").encode("gb18030")}])
    page.get_by_role("button", name="上传并检查").tap()
    expect(page.locator("h1")).to_have_text("核对导入")
    expect(page.locator(".count-card.import-add strong")).to_have_text("1")
    expect(page.locator(".count-card.import-update strong")).to_have_text("1")
    expect(page.locator(".count-card.import-reject strong")).to_have_text("5")
    expect(page.locator(".import-group-reject")).to_contain_text("未知班组“铸造班”")
    expect(page.locator(".import-group-update")).to_contain_text("机加工车间/铣工班")
    assert not Member.select().where(Member.staff_no == "2001").exists()
    assert fits_sideways(page)
    screenshot(page, f"roster-import-preview-{orientation}")

    page.get_by_role("button", name="导入：添加 1 人，更新 1 人").tap()
    expect(page.locator("h1")).to_have_text("导入结果")
    expect(page.locator(".count-card.import-add strong")).to_have_text("1")
    assert Member.get(staff_no="2001").name == "张三"
    assert Member.get(staff_no="1001").team.name == "数控班"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载未通过的行（附原因）").tap()
    rejected = open(download.value.path(), encoding="utf-8-sig").read()
    assert rejected.splitlines()[0].endswith(",原因") and "缺少工号" in rejected
    assert fits_sideways(page)
    screenshot(page, f"roster-import-report-{orientation}")


def test_chair_uploads_a_zip_of_photos(chair_page, orientation):
    page = chair_page
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 60)).save(photo, "JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("1001.jpg", photo.getvalue())
        z.writestr("1002.jpg", photo.getvalue())
        z.writestr("说明.txt", "照片按工号命名")
    page.goto("/admin/roster/photos")
    page.locator("input[name=photos]").set_input_files(
        files=[{"name": "照片.zip", "mimeType": "application/zip", "buffer": archive.getvalue()}])
    page.get_by_role("button", name="上传照片").tap()
    expect(page.locator(".photo-results")).to_contain_text("已添加照片")
    expect(page.locator(".photo-results tr", has_text="1002.jpg")).to_contain_text("没有这个工号的会员")
    expect(page.locator(".photo-results tr", has_text="说明.txt")).to_contain_text("文件名不是以工号开头")
    assert Member.get(staff_no="1001").photo_digest is not None
    assert fits_sideways(page)
    screenshot(page, f"roster-import-photos-{orientation}")

"""The union chair imports the roster from an Excel CSV, and photos from a zip."""
import io
import json
import os
import re
import time
import zipfile
from datetime import date

import pytest
from PIL import Image

from kiosk.models import AuditLog
from kiosk.roster import csv_import
from kiosk.roster.models import Member, MemberPhoto, Team, Workshop

from .factories import make_member, make_team, make_workshop

HEADER = "工号,姓名,车间,班组,工卡号,生日,公开照片"


def csv_bytes(lines, encoding="utf-8-sig", header=HEADER):
    return ("\r\n".join([header] + lines) + "\r\n").encode(encoding)


def upload(admin, data, filename="roster.csv", follow_redirects=False, **fields):
    return admin.post("/admin/roster/import", data={"csv_file": (io.BytesIO(data), filename), **fields},
                      content_type="multipart/form-data", follow_redirects=follow_redirects)


def confirm_token(page_html):
    return re.search(r'name="token" value="([^"]+)"', page_html).group(1)


def preview_and_confirm(admin, create_teams="0"):
    preview = admin.get("/admin/roster/import/preview")
    assert preview.status_code == 200
    response = admin.post("/admin/roster/import/confirm",
                          data={"token": confirm_token(preview.get_data(as_text=True)),
                                "create_teams": create_teams})
    assert response.status_code == 303
    return response.headers["Location"]


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Uploads wait in the test's own folder, not in the shared instance folder."""
    app.config["ROSTER_IMPORT_FOLDER"] = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def english(admin):
    with admin.session_transaction() as session:
        session["lang"] = "en"
    return admin


@pytest.fixture
def roster():
    """An enterprise with two teams named alike in different workshops, and two members."""
    turning = make_workshop(name="机加工车间")
    assembly = make_workshop(name="装配车间")
    lathe = make_team(name="车工一班", workshop=turning)
    make_team(name="调试班", workshop=turning)
    make_team(name="调试班", workshop=assembly)
    wang = make_member(name="王芳", staff_no="1001", team=lathe, badge_code="B1001",
                       birthday=date(1985, 5, 1), photo_consent=False)
    li = make_member(name="李强", staff_no="1002", team=lathe, badge_code="B1002")
    return {"lathe": lathe, "wang": wang, "li": li}


MIXED_ROWS = [
    "2001,张三,机加工车间,车工一班,B2001,1990/1/31,是",      # 2  add
    "1001,王芳,,机加工车间/调试班,,1985-05-01,yes",            # 3  update: team and consent
    ",无号,,车工一班,,,",                                      # 4  missing staff number
    "2002,赵六,,铸造班,,,",                                    # 5  unknown team
    "2003,钱七,,车工一班,,1990-02-30,",                         # 6  bad date
    "2004,孙八,,车工一班,,,",                                   # 7  duplicate …
    "2004,孙八八,,车工一班,,,",                                 # 8  … of row 7
    "2005,周九,,车工一班,B1002,,",                              # 9  badge of 1002
    "2006,吴十,,调试班,,,",                                     # 10 ambiguous team
    "1002,李强,,,,,",                                          # 11 unchanged
    "2007,郑一,,车工一班,,1990年1月31日,否",                    # 12 add
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_mixed_file_previews_then_imports_only_the_good_rows(english, roster, encoding):
    response = upload(english, csv_bytes(MIXED_ROWS, encoding))
    assert response.status_code == 303

    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    assert "Nothing has been written yet" in preview
    assert {"utf-8": "UTF-8 ·", "utf-8-sig": "UTF-8 with BOM",
            "gb18030": "GBK / GB18030"}[encoding] in preview
    assert Member.select().count() == 2 and not Member.get(staff_no="1001").photo_consent

    report_url = preview_and_confirm(english)
    report = english.get(report_url).get_data(as_text=True)

    added = {m.staff_no: m for m in Member.select().where(Member.staff_no.startswith("200"))}
    assert set(added) == {"2001", "2007"}
    zhang = added["2001"]
    assert (zhang.name, zhang.team_id, zhang.badge_code, zhang.birthday, zhang.photo_consent) == (
        "张三", roster["lathe"].id, "B2001", date(1990, 1, 31), True)
    assert added["2007"].birthday == date(1990, 1, 31) and not added["2007"].photo_consent
    wang = Member.get(staff_no="1001")
    assert wang.team.label == "机加工车间/调试班" and wang.photo_consent
    assert wang.badge_code == "B1001" and wang.birthday == date(1985, 5, 1)  # empty cells kept

    for reason in ("No staff number.", "Unknown team “铸造班”.",
                   "Birthday “1990-02-30” is not a date we can read",
                   "Duplicate: staff number 2004 is also on row 8.",
                   "Duplicate: staff number 2004 is also on row 7.",
                   "Badge code B1002 belongs to staff number 1002.",
                   "Several workshops have a team “调试班”"):
        assert reason in report
    data = json.loads(open(_report_path(english, report_url), encoding="utf-8").read())
    assert data["counts"] == {"add": 2, "update": 1, "unchanged": 1, "reject": 7}
    log = AuditLog.select().where(AuditLog.action == "import roster").get()
    assert log.target == "roster.csv" and "added 2, updated 1" in log.detail


def _report_path(admin, report_url):
    token = report_url.rsplit("/", 1)[1]
    return os.path.join(admin.application.config["ROSTER_IMPORT_FOLDER"], token + ".report.json")


def test_nothing_is_written_until_the_chair_confirms_and_cancel_discards(admin, roster,
                                                                        import_folder):
    upload(admin, csv_bytes(["2001,张三,,车工一班,,,"]))
    admin.get("/admin/roster/import/preview")
    assert not Member.select().where(Member.staff_no == "2001").exists()
    imports = str(import_folder)
    assert len(os.listdir(imports)) == 1

    response = admin.post("/admin/roster/import/cancel")
    assert response.status_code == 303
    assert os.listdir(imports) == []
    assert not Member.select().where(Member.staff_no == "2001").exists()
    assert admin.get("/admin/roster/import/preview").status_code == 302


def test_confirm_checks_again_against_the_roster_as_it_is_now(english, roster):
    upload(english, csv_bytes(["2001,张三,,车工一班,B9,,", "2002,钱七,,车工一班,B8,,"]))
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    # Meanwhile someone adds 2001 by hand and gives badge B8 to 1002.
    make_member(name="张三丰", staff_no="2001", team=roster["lathe"])
    Member.update(badge_code="B8").where(Member.staff_no == "1002").execute()

    english.post("/admin/roster/import/confirm",
                 data={"token": confirm_token(preview), "create_teams": "0"})
    assert Member.get(staff_no="2001").name == "张三"          # an update now, not a clash
    assert not Member.select().where(Member.staff_no == "2002").exists()
    assert Member.get(staff_no="1002").badge_code == "B8"


def test_report_says_when_the_roster_changed_since_the_preview(english, roster):
    upload(english, csv_bytes(["2002,钱七,,车工一班,B8,,"]))
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    Member.update(badge_code="B8").where(Member.staff_no == "1002").execute()
    response = english.post("/admin/roster/import/confirm",
                            data={"token": confirm_token(preview), "create_teams": "0"})
    report = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "The roster changed between the preview and the import" in report
    assert "Badge code B8 belongs to staff number 1002." in report


def test_a_second_confirm_does_not_import_twice(english, roster):
    upload(english, csv_bytes(["2001,张三,,车工一班,,,"]))
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    token = confirm_token(preview)
    first = english.post("/admin/roster/import/confirm", data={"token": token, "create_teams": "0"})
    assert "/report/" in first.headers["Location"]
    second = english.post("/admin/roster/import/confirm", data={"token": token, "create_teams": "0"},
                          follow_redirects=True)
    assert "expired or was already imported" in second.get_data(as_text=True)
    assert Member.select().where(Member.staff_no == "2001").count() == 1
    assert AuditLog.select().where(AuditLog.action == "import roster").count() == 1


def test_an_upload_left_for_more_than_an_hour_expires(english, roster, import_folder):
    upload(english, csv_bytes(["2001,张三,,车工一班,,,"]))
    folder = str(import_folder)
    (name,) = os.listdir(folder)
    old = time.time() - 2 * 3600
    os.utime(os.path.join(folder, name), (old, old))
    response = english.get("/admin/roster/import/preview", follow_redirects=True)
    assert "expired or was already imported" in response.get_data(as_text=True)
    assert os.listdir(folder) == []


def test_missing_teams_are_created_only_when_the_chair_asks(english, roster):
    upload(english, csv_bytes(["3001,冯一,铸造车间,熔炼班,,,", "3002,陈二,,造型班,,,"]))
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    assert "Create the missing teams too" in preview
    assert "Tick “create missing teams” to create it" in preview

    preview = english.get("/admin/roster/import/preview?create_teams=1").get_data(as_text=True)
    assert "These teams will be created:" in preview and "铸造车间/熔炼班" in preview
    report_url = preview_and_confirm(english, create_teams="1")
    report = english.get(report_url).get_data(as_text=True)
    team = Team.by_label("铸造车间/熔炼班")
    assert team is not None and Member.get(staff_no="3001").team_id == team.id
    # A team without its workshop cannot be created: which workshop would it go under?
    assert not Member.select().where(Member.staff_no == "3002").exists()
    assert "Unknown team “造型班”." in report
    assert Workshop.select().where(Workshop.name == "铸造车间").count() == 1


def test_english_headers_tabs_and_a_title_row_above_them(admin, roster):
    text = ("2024年职工名册\t\t\n"
            "Staff No\tName\tTeam\tBirthday\tPublic photo\tNotes\n"
            "2001\t张三\t机加工车间/车工一班\t19900131\t1\tnew hire\n")
    upload(admin, text.encode("utf-16"), "roster.txt")
    report_url = preview_and_confirm(admin)
    assert Member.get(staff_no="2001").birthday == date(1990, 1, 31)
    report = json.loads(open(_report_path(admin, report_url), encoding="utf-8").read())
    assert report["encoding"] == "utf-16" and report["ignored_columns"] == ["Notes"]


@pytest.mark.parametrize("data, message", [
    (b"", "Choose a CSV file"),
    (b"PK\x03\x04rest-of-an-xlsx", "This is an Excel workbook"),
    ("姓名,班组\n张三,车工一班\n".encode(), "No staff number column was found"),
    (HEADER.encode() + b"\n,,,,,,\n", "no members below them"),
    (b"\xff\xfd\x80abc,def\n", "cannot be read"),
])
def test_a_file_that_cannot_be_imported_says_why_on_the_upload_form(english, data, message):
    response = upload(english, data, filename="roster.csv" if data else "")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not english.get("/admin/roster/import").get_data(as_text=True).count("waiting for you")


def test_rejected_rows_download_keeps_the_row_and_adds_the_reason(english, roster):
    upload(english, csv_bytes(["2001,张三,,车工一班,,,", "2002,钱七,,铸造班,,1990/13/1,"]))
    report_url = preview_and_confirm(english)
    response = english.get(report_url + "/rejected.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER + ",Reason"
    assert lines[1].startswith("2002,钱七,,铸造班,,1990/13/1,,")
    assert "Unknown team “铸造班”." in lines[1] and "1990/13/1" in lines[1]
    assert len(lines) == 2


def test_template_and_roster_download_open_in_excel_and_import_back_unchanged(admin, roster):
    template = admin.get("/admin/roster/import/template.csv")
    assert template.data == b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n"
    make_member(name="零号", staff_no="00123", team=roster["lathe"], badge_code="123456789012345")
    exported = admin.get("/admin/roster/export.csv").data
    assert '\r\n="00123",零号,' in exported.decode("utf-8-sig")  # Excel keeps the zeros
    assert_imports_back_unchanged(admin, exported, members=3)


def assert_imports_back_unchanged(client, data, members):
    with client.session_transaction() as session:
        session["lang"] = "en"
    upload(client, data)
    preview = client.get("/admin/roster/import/preview").get_data(as_text=True)
    assert "matches the roster already: there is nothing to import" in preview
    assert re.search(rf"<strong>{members}</strong> unchanged", preview)


def test_preview_shows_what_an_update_changes(english, roster):
    upload(english, csv_bytes(["1001,王芳,,,B7,,"]))
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    assert re.search(r"Badge code:</strong>\s*<del>B1001</del> → <ins>B7</ins>", preview)


@pytest.mark.parametrize("path", ["/admin/roster/import", "/admin/roster/import/preview",
                                  "/admin/roster/import/template.csv", "/admin/roster/export.csv",
                                  "/admin/roster/photos"])
def test_import_pages_need_an_administrator(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_import_is_an_admin_section(admin):
    page = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/roster/import"' in page


# -- unit checks of the pure CSV logic ---------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1990-01-31", date(1990, 1, 31)), ("1990/1/31", date(1990, 1, 31)),
    ("19900131", date(1990, 1, 31)), ("1990年1月31日", date(1990, 1, 31)),
    ("1990.1.31", date(1990, 1, 31)), ("1990/1/31 0:00", date(1990, 1, 31)),
    ("１９９０－０１－３１", date(1990, 1, 31)),
    ("1990-02-30", None), ("31/01/1990", None), ("2999-01-01", None), ("1899-12-31", None),
    ("32904", None), ("soon", None),
])
def test_birthdays_in_the_ways_excel_writes_them(text, expected):
    assert csv_import.parse_birthday(text, today=date(2026, 1, 1)) == expected


@pytest.mark.parametrize("text, expected", [
    ("是", True), ("否", False), ("Yes", True), ("no", False), ("1", True), ("0", False),
    ("１", True), ("maybe", None),
])
def test_public_photo_answers(text, expected):
    assert csv_import.parse_consent(text) is expected


def test_gbk_bytes_are_not_mistaken_for_utf8():
    text, encoding = csv_import.decode("工号,姓名\n1,张三\n".encode("gbk"))
    assert encoding == "gb18030" and "张三" in text


# -- photos in bulk ----------------------------------------------------------

def jpeg(colour="red", size=(600, 400)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def png(colour="blue"):
    out = io.BytesIO()
    Image.new("RGB", (300, 500), colour).save(out, "PNG")
    return out.getvalue()


def zip_of(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload_photos(admin, *files):
    return admin.post("/admin/roster/photos",
                      data={"photos": [(io.BytesIO(data), name) for name, data in files]},
                      content_type="multipart/form-data")


def result_row(page, filename):
    match = re.search(r"<tr[^>]*>\s*<td>" + re.escape(filename) + r"</td>(.*?)</tr>", page, re.S)
    assert match, filename
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_zip_of_photos_with_one_non_image_inside(english, roster, app):
    zhao = make_member(name="赵敏", staff_no="1003", team=roster["lathe"], photo=True, app=app)
    old_digest = zhao.photo_digest
    archive = zip_of({
        "photos/1001.jpg": jpeg("red"),
        "photos/1003.png": png("blue"),
        "photos/1002.jpg": b"this is a spreadsheet, not a photo",
        "photos/9999.jpg": jpeg("green"),
        "__MACOSX/photos/._1001.jpg": b"resource fork",
        "photos/.DS_Store": b"finder",
        "photos/说明.txt": "照片按工号命名".encode(),
    })
    response = upload_photos(english, ("photos.zip", archive))
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    assert "Photo added" in result_row(page, "1001.jpg")
    assert "Photo replaced" in result_row(page, "1003.png")
    assert "This file is not an image." in result_row(page, "1002.jpg")
    assert "No member has this staff number." in result_row(page, "9999.jpg")
    assert "The file name does not start with a staff number." in result_row(page, "说明.txt")
    assert "._1001.jpg" not in page and ".DS_Store" not in page

    wang = Member.get(staff_no="1001")
    photo = Image.open(io.BytesIO(bytes(MemberPhoto.get(MemberPhoto.member == wang).jpeg)))
    assert photo.size == (app.config["PHOTO_SIZE"],) * 2 and photo.getpixel((160, 160))[0] > 200
    assert Member.get(staff_no="1003").photo_digest != old_digest
    assert Member.get(staff_no="1002").photo_digest is None
    log = AuditLog.select().where(AuditLog.action == "import photos").get()
    assert "added 1, replaced 1, rejected 3" in log.detail


def test_photos_uploaded_one_by_one_named_with_staff_number_and_name(english, roster):
    response = upload_photos(english, ("1001_王芳.jpg", jpeg()), ("1002 李强.png", png()))
    page = response.get_data(as_text=True)
    assert "Photo added" in result_row(page, "1001_王芳.jpg")
    assert "Photo added" in result_row(page, "1002 李强.png")
    assert Member.get(staff_no="1002").photo_digest is not None


def test_zip_names_written_by_chinese_windows_in_gbk(english, roster):
    # Windows' zip stores "1001_王芳.jpg" in GBK without the UTF-8 flag.
    archive = zip_of({"1001_XXXX.jpg": jpeg()})
    archive = archive.replace(b"XXXX", "王芳".encode("gbk"))
    page = upload_photos(english, ("照片.zip", archive)).get_data(as_text=True)
    assert "Photo added" in result_row(page, "1001_王芳.jpg")


def test_two_files_for_one_member_are_both_rejected(english, roster):
    page = upload_photos(english, ("1001.jpg", jpeg("red")), ("1001.png", png())).get_data(as_text=True)
    assert "Several files are for this member" in result_row(page, "1001.jpg")
    assert "Several files are for this member" in result_row(page, "1001.png")
    assert Member.get(staff_no="1001").photo_digest is None


def test_too_large_photo_in_a_zip_is_refused_before_it_is_read(english, roster, app):
    app.config["PHOTO_MAX_BYTES"] = 50_000
    big = jpeg(size=(2000, 2000)) + b"\0" * 60_000
    page = upload_photos(english, ("p.zip", zip_of({"1001.jpg": big, "1002.jpg": jpeg()}))).get_data(
        as_text=True)
    assert "This file is too large." in result_row(page, "1001.jpg")
    assert "Photo added" in result_row(page, "1002.jpg")


def test_zip_bomb_is_refused_as_a_whole(english, roster, app):
    app.config["PHOTO_ZIP_MAX_TOTAL_BYTES"] = 5 * 1024 * 1024
    bomb = zip_of({"1001.jpg": b"\0" * (6 * 1024 * 1024)})
    assert len(bomb) < 20_000  # it weighs nothing and inflates to 6 MB
    response = upload_photos(english, ("bomb.zip", bomb))
    assert response.status_code == 422
    assert "unpacks to more than 5 MB" in response.get_data(as_text=True)
    assert Member.get(staff_no="1001").photo_digest is None


def test_zip_with_too_many_files_is_refused(english, roster, app):
    app.config["PHOTO_ZIP_MAX_ENTRIES"] = 3
    archive = zip_of({f"{n}.jpg": b"x" for n in range(4)})
    response = upload_photos(english, ("many.zip", archive))
    assert response.status_code == 422
    assert "The zip has 4 files; upload at most 3 at a time." in response.get_data(as_text=True)


def test_a_broken_zip_or_no_file_says_so(english):
    response = upload_photos(english, ("photos.zip", b"PK\x03\x04 broken"))
    assert response.status_code == 422
    assert "This is not a zip file that can be opened." in response.get_data(as_text=True)
    response = english.post("/admin/roster/photos", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose photo files or a zip file" in response.get_data(as_text=True)


def test_pages_speak_chinese_by_default(admin, roster):
    upload(admin, csv_bytes(["2002,赵六,,铸造班,,,"]))
    preview = admin.get("/admin/roster/import/preview").get_data(as_text=True)
    assert "核对导入" in preview and "未知班组“铸造班”" in preview


def test_a_formula_in_a_name_stays_text_in_excel_and_comes_back_as_it_was(admin, roster):
    make_member(name="=HYPERLINK(1)", staff_no="1003", team=roster["lathe"])
    exported = admin.get("/admin/roster/export.csv").data.decode("utf-8-sig")
    assert "\r\n1003,'=HYPERLINK(1)," in exported
    assert_imports_back_unchanged(admin, exported.encode("utf-8"), members=3)


def test_ticking_create_teams_on_the_upload_form_carries_to_the_preview(english, roster):
    upload(english, csv_bytes(["3001,冯一,铸造车间,熔炼班,,,"]), create_teams="y")
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    assert "These teams will be created:" in preview
    assert 'name="create_teams" value="1"' in preview


def test_an_upload_over_the_size_limit_gets_a_message_not_an_error_page(english, app):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(english, csv_bytes(["2001,张三,,车工一班,,,"] * 100), follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The upload is larger than 1 MB. Split it into smaller files." in page
    assert "<h1>Import roster</h1>" in page


def test_old_reports_are_swept_away_after_an_hour(english, roster, import_folder):
    upload(english, csv_bytes(["2001,张三,,车工一班,,,"]))
    report_url = preview_and_confirm(english)
    assert english.get(report_url).status_code == 200
    (name,) = os.listdir(import_folder)
    old = time.time() - 2 * 3600
    os.utime(import_folder / name, (old, old))
    english.get("/admin/roster/import")
    assert os.listdir(import_folder) == []
    assert english.get(report_url).status_code == 404


def test_a_confirm_racing_another_confirm_of_the_same_upload_imports_nothing(english, roster,
                                                                             import_folder,
                                                                             monkeypatch):
    from kiosk.roster import import_views
    upload(english, csv_bytes(["2001,张三,,车工一班,,,"]))
    preview = english.get("/admin/roster/import/preview").get_data(as_text=True)
    (name,) = os.listdir(import_folder)
    with english.session_transaction() as session:
        pending = dict(session["roster_import"])
    data = (import_folder / name).read_bytes()
    # Both clicks' requests read the upload; the first has claimed it and is still writing.
    monkeypatch.setattr(import_views, "_pending", lambda: (pending, data))
    os.rename(import_folder / name, import_folder / name.replace(".csv", ".applying"))
    response = english.post("/admin/roster/import/confirm",
                            data={"token": confirm_token(preview), "create_teams": "0"})
    assert response.status_code == 303 and "/report/" not in response.headers["Location"]
    assert not Member.select().where(Member.staff_no == "2001").exists()

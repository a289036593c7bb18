"""Roster files as real offices save them (issue 14, finding 7).

LibreOffice and Excel save "CSV" in GBK on a Chinese Windows: 䶮 and 𠮷 are not in
GBK and come out as "?". Excel also reads 000123 as the number 123. The import must
say so instead of offering "龚䶮 → 龚?" as an ordinary update or adding a second
member 123; a birthday in the future gets its own message; 王　芳 (a name padded
with an ideographic space to line up with three-character names) is stored 王芳.
"""
from datetime import date

import pytest

from kiosk.roster import csv_import
from kiosk.roster.models import Member

from .factories import make_member, make_team, make_workshop
from .test_roster_import import csv_bytes, preview_and_confirm, upload


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    app.config["ROSTER_IMPORT_FOLDER"] = str(tmp_path / "imports")


@pytest.fixture
def lathe():
    return make_team(name="车工一班", workshop=make_workshop(name="机加工车间"))


def preview(admin):
    return admin.get("/admin/roster/import/preview").get_data(as_text=True)


def gbk_as_libreoffice_saves_it(lines):
    """GBK with "?" for what GBK cannot hold, as LibreOffice and Excel write it."""
    return csv_bytes([line.encode("gbk", "replace").decode("gbk") for line in lines], "gbk")


def test_a_rare_character_lost_in_gbk_is_refused_not_offered_as_an_update(admin, lathe):
    make_member(name="龚䶮", staff_no="1001", team=lathe)
    make_member(name="𠮷田", staff_no="1002", team=lathe)
    data = gbk_as_libreoffice_saves_it(["1001,龚䶮,,车工一班,,,", "1002,𠮷田,,车工一班,,,",
                                        "1003,张三,,车工一班,,,"])
    assert b"?" in data                      # what the office's file really holds
    assert upload(admin, data).status_code == 303
    page = preview(admin)
    assert "姓名“龚?”里有问号，名册里是“龚䶮”" in page
    assert "姓名“?田”里有问号，名册里是“𠮷田”" in page
    assert "另存为“CSV UTF-8”" in page       # the way out, once at the top
    assert "导入：添加 1 人，更新 0 人" in page
    preview_and_confirm(admin)
    assert {m.staff_no: m.name for m in Member.select()} == {
        "1001": "龚䶮", "1002": "𠮷田", "1003": "张三"}


def test_a_new_member_whose_name_has_a_question_mark_is_refused(admin, lathe):
    upload(admin, csv_bytes(["2001,龚?,,车工一班,,,", "2002,李\ufffd,,车工一班,,,"]))
    page = preview(admin)
    assert "姓名“龚?”里有问号" in page and "姓名“李\ufffd”里有问号" in page
    assert "导入：" not in page               # nothing left to import


def test_a_staff_number_excel_shortened_is_flagged_not_added_twice(admin, lathe):
    make_member(name="王芳", staff_no="000123", team=lathe)
    upload(admin, csv_bytes(["123,王芳,,车工一班,,,", "124,李强,,车工一班,,,"]))
    page = preview(admin)
    assert "工号“123”像是被 Excel 去掉了开头的 0：名册里有 000123（王芳）" in page
    assert "工号“124”比名册里的工号短" in page     # a warning: 124 is still added
    preview_and_confirm(admin)
    assert sorted(m.staff_no for m in Member.select()) == ["000123", "124"]


def test_a_birthday_in_the_future_says_so(admin, lathe):
    upload(admin, csv_bytes(["2001,张三,,车工一班,,2990-01-31,"]))
    page = preview(admin)
    assert "生日“2990-01-31”在今天之后" in page
    assert "请写成 1990-01-31 这样的格式" not in page


def test_a_name_padded_with_an_ideographic_space_is_stored_without_it(admin, lathe):
    upload(admin, csv_bytes(["2001,王\u3000芳,,车工一班,,,", "2002,Li Qiang,,车工一班,,,"]))
    preview_and_confirm(admin)
    assert {m.staff_no: m.name for m in Member.select()} == {"2001": "王芳", "2002": "Li Qiang"}


@pytest.mark.parametrize("text, problem", [
    ("2990-01-31", "future_date"), ("1990-02-30", "bad_date"), ("1990-01-31", None),
])
def test_birthday_problems(text, problem):
    assert csv_import.birthday_problem(text, today=date(2026, 1, 1)) == problem

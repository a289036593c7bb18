"""Names are cleaned on every path into the roster (issue 12, finding 7).

A member named "\u202e芳王" showed as 王芳 on the public photo grid (a right-to-left
override turns the text around); "=1+1\n2" was stored with its newline. Whether
typed in the member form, the workshop and team forms, or a CSV, a name loses its
direction controls and control characters, and its spaces are made plain and single.
"""
import io

import pytest

from kiosk.cleaning import clean_name
from kiosk.roster.models import Member, Team, Workshop

from .factories import make_member, make_team, make_workshop
from .test_roster_import import csv_bytes, preview_and_confirm, upload

RLO_NAME = "\u202e芳王"
NEWLINE_NAME = "=1+1\n2"


@pytest.mark.parametrize("typed, stored", [
    (RLO_NAME, "芳王"),
    (NEWLINE_NAME, "=1+1 2"),
    ("王\u3000\u3000芳", "王芳"),                         # padding, not a word break (issue 14)
    ("王\u3000芳", "王芳"),
    ("Li\u3000Qiang", "Li Qiang"),
    ("  Li \t  Qiang\r\n", "Li Qiang"),
    ("\u2067王芳\u2069\u200e\u200f\u061c", "王芳"),        # isolates, marks, Arabic letter mark
    ("王\u202a\u202b\u202c\u202d芳\u2066\u2068", "王芳"),
    ("王\u200b芳\ufeff", "王芳"),                          # zero-width space, BOM
    ("a\x00b\x07c\x1bd\x7fe\x9bf\x1cg", "abcdefg"),
    ("李\u00a0强", "李强"),                                # no-break space
    ("𠮷\u3000田", "𠮷田"),
    ("王 Fang", "王 Fang"),
    ("Zoë", "Zoë"),
    ("", ""),
    (None, ""),
])
def test_clean_name(typed, stored):
    assert clean_name(typed) == stored


def test_the_member_form_stores_the_cleaned_name(admin):
    team = make_team()
    for staff_no, typed in (("3001", RLO_NAME), ("3002", NEWLINE_NAME)):
        response = admin.post("/admin/roster/members/new", data={
            "staff_no": staff_no, "name": typed, "team": str(team.id)})
        assert response.status_code == 302
    assert Member.get(Member.staff_no == "3001").name == "芳王"
    assert Member.get(Member.staff_no == "3002").name == "=1+1 2"


def test_a_name_of_only_invisible_characters_is_refused_as_empty(admin):
    team = make_team()
    response = admin.post("/admin/roster/members/new", data={
        "staff_no": "3003", "name": "\u202e\u200f \n", "team": str(team.id)})
    assert response.status_code == 200            # the form again, with its error
    assert not Member.select().where(Member.staff_no == "3003").exists()


def test_editing_a_member_cleans_the_name_too(admin):
    member = make_member(name="王芳")
    admin.post(f"/admin/roster/members/{member.id}", data={
        "staff_no": member.staff_no, "name": RLO_NAME, "team": str(member.team_id)})
    assert Member.get_by_id(member.id).name == "芳王"


def test_workshop_and_team_names_are_cleaned(admin):
    admin.post("/admin/roster/teams", data={"kind": "workshop", "w-name": "装配\n车间\u202e"})
    workshop = Workshop.get()
    assert workshop.name == "装配车间"
    admin.post("/admin/roster/teams", data={"kind": "team", "t-workshop": str(workshop.id),
                                            "t-name": "\u2066一班\u3000\u3000甲"})
    assert Team.get().name == "一班甲"


def test_the_public_photo_grid_shows_no_direction_override(admin, client):
    team = make_team()
    admin.post("/admin/roster/members/new", data={
        "staff_no": "3001", "name": RLO_NAME, "team": str(team.id), "photo_consent": "y"})
    for url in (f"/identify/team/{team.id}", "/admin/roster/members?q=3001"):
        html = client.get(url).get_data(as_text=True) if url.startswith("/identify") \
            else admin.get(url).get_data(as_text=True)
        assert "芳王" in html and "\u202e" not in html, url


@pytest.fixture
def lathe(app, tmp_path):
    app.config["ROSTER_IMPORT_FOLDER"] = str(tmp_path / "imports")
    return make_team(name="车工一班", workshop=make_workshop(name="机加工车间"))


def test_a_csv_import_cleans_names_and_the_preview_says_so(admin, lathe):
    with admin.session_transaction() as session:
        session["lang"] = "en"
    rows = [f'4001,{RLO_NAME},,车工一班,,,',
            '4002,"=1+1\n2",,车工一班,,,',
            '4003,"赵\u3000\u3000六",机加工车间\u200f,车工一班,,,',
            '4004,钱七,,车工一班,,,']
    assert upload(admin, csv_bytes(rows)).status_code == 303
    preview = admin.get("/admin/roster/import/preview").get_data(as_text=True)
    assert preview.count("invisible characters, line breaks or extra spaces were taken out") == 4
    assert "\u202e" not in preview
    preview_and_confirm(admin)
    names = {m.staff_no: m.name for m in Member.select()}
    assert names == {"4001": "芳王", "4002": "=1+1 2", "4003": "赵六", "4004": "钱七"}


def test_a_csv_in_chinese_says_what_it_cleaned_in_chinese(admin, lathe):
    upload(admin, csv_bytes([f"4001,{RLO_NAME},,车工一班,,,"]))
    preview = admin.get("/admin/roster/import/preview").get_data(as_text=True)
    assert "姓名：已去掉看不见的字符、换行或多余的空格。" in preview


def test_demo_data_and_factories_go_through_the_same_cleaning(app):
    # The model is the last line: whatever path writes a name, it is cleaned on save.
    member = make_member(name=NEWLINE_NAME)
    assert Member.get_by_id(member.id).name == "=1+1 2"
    team = Team.create(workshop=make_workshop(name="\u202e甲"), name="乙\t\t丙")
    assert team.label == "甲/乙丙"


def test_upload_of_a_name_with_a_bidi_override_via_multipart_form(admin):
    # The same form, as a browser sends it with a photo field (multipart).
    team = make_team()
    admin.post("/admin/roster/members/new", data={
        "staff_no": "3009", "name": RLO_NAME, "team": str(team.id),
        "photo": (io.BytesIO(b""), "")}, content_type="multipart/form-data")
    assert Member.get(Member.staff_no == "3009").name == "芳王"

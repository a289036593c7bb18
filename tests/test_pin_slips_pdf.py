"""The chair downloads PIN set-up slips as a PDF: eight to an A4 page, codes that work."""
import re

from kiosk import pdf
from kiosk.roster import pins
from kiosk.roster.models import MemberPin

from .factories import make_member, make_team
from .pdf_tools import pdf_fonts, pdf_pages, pdf_text
from .test_identify_proof import set_up_pin


def test_a_teams_slips_come_as_a_pdf_eight_to_a_page_never_cached(admin, client, tmp_path):
    team = make_team(name="装配二班")
    members = [make_member(f"工友{n}", team=team) for n in range(10)]
    response = admin.post(f"/admin/roster/teams/{team.id}/pin-slips", data={"format": "pdf"})
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    assert pdf_pages(response.data, tmp_path) == 2
    words = pdf_text(response.data, tmp_path)
    assert words.count("个人密码设置单") == 10 and "装配二班" in words
    assert all(m.staff_no in words and m.name in words for m in members)
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in pdf_fonts(response.data, tmp_path))
    # The code printed for a member is the one that works at the kiosk.
    first = members[0]
    block = words[words.index(first.staff_no):]
    code = re.search(r"设置码\s*(\d{4}) (\d{4})", block)
    assert code, block[:300]
    assert set_up_pin(client, first, "".join(code.groups()))[-1].status_code == 303


def test_one_members_slip_as_pdf_voids_the_earlier_slip(admin, tmp_path):
    member = make_member("孙磊")
    admin.post(f"/admin/roster/members/{member.id}/pin-slip")
    response = admin.post(f"/admin/roster/members/{member.id}/pin-slip", data={"format": "pdf"})
    assert pdf_pages(response.data, tmp_path) == 1 and "孙磊" in pdf_text(response.data, tmp_path)
    page = admin.get(f"/admin/roster/members/{member.id}").get_data(as_text=True)
    assert 'name="format" value="pdf"' in page


def test_without_the_chinese_font_a_pdf_is_refused_with_what_to_install(admin, monkeypatch):
    monkeypatch.setattr(pdf, "FONT_DIRS", ["/nonexistent"])
    response = admin.get("/admin/care/morning-sheet.pdf",
                         headers={"Referer": "http://localhost/admin/care/morning-sheet"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/care/morning-sheet")
    page = admin.get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert "缺少中文字体" in page and "fonts-noto-cjk" in page
    member = make_member()
    pins.issue_setup_code(member, "chair")
    before = MemberPin.get(MemberPin.member == member.id).setup_hash
    slip = admin.post(f"/admin/roster/members/{member.id}/pin-slip", data={"format": "pdf"})
    assert slip.status_code == 303
    # Refused before a new code was issued: the slip the member holds still works.
    assert MemberPin.get(MemberPin.member == member.id).setup_hash == before

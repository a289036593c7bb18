"""The chair manages the roster: workshops, teams, members; never a hard delete."""
import io
import re

from kiosk.demo_data import avatar
from kiosk.models import AuditLog
from kiosk.roster.models import Member, MemberPhoto, Team, Workshop

from .conftest import unstamped
from .factories import make_admin, make_member, make_team, make_workshop


def test_chair_adds_a_workshop_and_a_team(admin):
    admin.post("/admin/roster/teams", data={"kind": "workshop", "w-name": "装配车间", "w-sort_order": "1"})
    workshop = Workshop.get(Workshop.name == "装配车间")
    admin.post("/admin/roster/teams", data={"kind": "team", "t-workshop": str(workshop.id),
                                            "t-name": "总装一班", "t-sort_order": "0"})
    assert Team.get(Team.name == "总装一班").workshop == workshop
    page = admin.get("/admin/roster/teams").get_data(as_text=True)
    assert "总装一班" in page


def test_duplicate_workshop_is_refused_and_the_name_is_kept(admin):
    make_workshop(name="装配车间")
    response = admin.post("/admin/roster/teams", data={"kind": "workshop", "w-name": "装配车间"})
    page = response.get_data(as_text=True)
    assert "已有同名车间" in page and 'value="装配车间"' in page
    assert Workshop.select().count() == 1


def test_chair_adds_a_member_with_a_photo(admin, app):
    team = make_team()
    response = admin.post("/admin/roster/members/new", data={
        "staff_no": "2001", "name": "孙丽", "team": str(team.id), "badge_code": "B1",
        "birthday": "1988-05-06", "photo_consent": "y",
        "photo": (io.BytesIO(avatar("x", size=600)), "me.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    member = Member.get(Member.staff_no == "2001")
    assert member.name == "孙丽" and member.photo_consent and member.birthday.isoformat() == "1988-05-06"
    assert MemberPhoto.get(MemberPhoto.member == member).jpeg[:2] == b"\xff\xd8"
    assert admin.get(f"/roster/photos/{member.id}.jpg").status_code == 200
    assert AuditLog.get(AuditLog.action == "add member").target == "2001"


def test_a_taken_staff_number_is_refused_and_the_form_keeps_its_values(admin):
    existing = make_member(staff_no="3001")
    response = admin.post("/admin/roster/members/new", data={
        "staff_no": "3001", "name": "新来的", "team": str(existing.team_id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "该工号已被其他会员使用" in page and 'value="新来的"' in page
    assert Member.select().count() == 1


def test_a_non_image_photo_is_refused_and_nothing_is_saved(admin):
    team = make_team()
    response = admin.post("/admin/roster/members/new", data={
        "staff_no": "4001", "name": "周杰", "team": str(team.id),
        "photo": (io.BytesIO(b"not an image"), "cv.pdf")}, content_type="multipart/form-data")
    assert "这个文件不是图片" in response.get_data(as_text=True)
    assert not Member.select().where(Member.staff_no == "4001").exists()


def test_chair_edits_a_member(admin):
    member = make_member(name="旧名字")
    other = make_team(name="新班组")
    admin.post(f"/admin/roster/members/{member.id}", data={
        "staff_no": member.staff_no, "name": "新名字", "team": str(other.id)})
    member = Member.get_by_id(member.id)
    assert member.name == "新名字" and member.team == other and member.photo_consent is False


def test_deactivated_member_is_kept_but_cannot_identify(admin, client):
    member = make_member(staff_no="5001")
    admin.post(f"/admin/roster/members/{member.id}/active", data={"active": "0"})
    assert Member.get_by_id(member.id).active is False
    response = client.post("/identify/code", data={"code": "5001", "method": "keypad"})
    assert response.status_code == 422
    assert "/admin/roster/members" in admin.get("/admin/roster/members?inactive=1").request.path
    assert "5001" in admin.get("/admin/roster/members?inactive=1").get_data(as_text=True)
    assert "5001" not in admin.get("/admin/roster/members").get_data(as_text=True)


def test_search_finds_by_name_staff_number_and_badge(admin):
    make_member(name="陈伟", staff_no="6001", badge_code="B6001")
    make_member(name="刘洋", staff_no="6002")
    for query in ("陈伟", "6001", "B6001"):
        page = admin.get(f"/admin/roster/members?q={query}").get_data(as_text=True)
        assert "陈伟" in page and "刘洋" not in page


def test_search_as_you_type_returns_only_the_results_fragment(admin):
    make_member(name="陈伟")
    response = admin.get("/admin/roster/members?q=陈", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<section id="results">') and "<html" not in page
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in admin.get("/admin/roster/members?q=陈").get_data(as_text=True)


def test_photo_of_a_non_consenting_member_is_not_public(admin, client, app):
    member = make_member(photo=True, app=app, photo_consent=False)
    assert client.get(f"/roster/photos/{member.id}.jpg").status_code == 404
    assert admin.get(f"/roster/photos/{member.id}.jpg").status_code == 200


def counting(monkeypatch, model, method):
    """Count the calls of a model's query class method (a list read from the database)."""
    calls, real = [], getattr(model, method)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(model, method, counted)
    return calls


def test_the_member_list_is_read_once_per_data_version_and_shows_a_change_at_once(admin, app,
                                                                                 monkeypatch):
    """50 rows cost 10 ms a request (issue 15): rendered once until the roster changes."""
    make_member(name="陈伟")
    searches = counting(monkeypatch, Member, "search")
    first = admin.get("/admin/roster/members").get_data(as_text=True)
    assert unstamped(admin.get("/admin/roster/members").get_data(as_text=True)) == unstamped(first)
    assert len(searches) == 1 and "陈伟" in first
    make_member(name="刘洋")
    assert "刘洋" in admin.get("/admin/roster/members").get_data(as_text=True)
    assert len(searches) == 2


def test_each_chair_gets_their_own_csrf_token_in_the_cached_rows(app):
    """The rows are rendered once for everyone; the token in each form is this session's."""
    app.config["WTF_CSRF_ENABLED"] = True
    member = make_member(name="陈伟")
    tokens, secrets = [], []
    for username in ("chair", "deputy"):
        make_admin(username=username, password="correct horse battery")
        client = app.test_client()
        login_page = client.get("/admin/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        assert client.post("/admin/login", data={"username": username, "csrf_token": csrf,
                                                 "password": "correct horse battery"}).status_code == 302
        for path in ("/admin/roster/members", "/admin/roster/teams"):
            page = client.get(path).get_data(as_text=True)
            (token,) = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
            tokens.append(token)
            secrets.append(token.partition(".")[0])  # the token's second-stamp aside
        response = client.post(f"/admin/roster/members/{member.id}/active",
                               data={"active": "0", "csrf_token": tokens[-1]})
        assert response.status_code == 302
    assert secrets[0] == secrets[1] and secrets[2] == secrets[3] and secrets[0] != secrets[2]


def test_the_team_list_is_read_once_per_data_version_and_shows_a_change_at_once(admin,
                                                                               monkeypatch):
    team = make_team(name="车工一班")
    make_member(team=team)
    teams = counting(monkeypatch, Team, "select")
    first = admin.get("/admin/roster/teams").get_data(as_text=True)
    read = len(teams)
    assert unstamped(admin.get("/admin/roster/teams").get_data(as_text=True)) == unstamped(first)
    assert len(teams) == read and "车工一班" in first
    admin.post("/admin/roster/teams", data={"kind": "team", "t-workshop": str(team.workshop_id),
                                            "t-name": "车工二班"})
    page = admin.get("/admin/roster/teams").get_data(as_text=True)
    assert "车工二班" in page and len(teams) > read
    assert f'<option value="{team.id}"' not in page  # the team form picks workshops

"""Pages and figures kept in memory per data version (issue 15) never show the past:
every change shows on the next request, whoever made it."""
import re

import pytest

from kiosk.db import db

from .conftest import make_app
from .factories import make_checkin, make_member, make_request, make_team, make_workshop

pytestmark = pytest.mark.usefixtures("app")


def zone(html, mood):
    """The names in one zone of a board."""
    match = re.search(rf'data-zone="{mood}".*?(?=data-zone=|$)', html, re.S)
    return match.group(0) if match else ""


def test_a_check_in_shows_on_the_board_at_once(client):
    team = make_team(name="车工一班")
    wang = make_member(name="王芳", team=team, photo_consent=True)
    board = f"/mood/board/team/{team.id}"
    first = client.get(board).get_data(as_text=True)
    assert client.get(board).get_data(as_text=True) == first  # served from memory now
    assert "王芳" in zone(first, "none") and "王芳" not in zone(first, "happy")
    make_checkin(wang, "happy")
    after = client.get(board).get_data(as_text=True)
    assert "王芳" in zone(after, "happy") and "王芳" not in zone(after, "none")


def test_a_check_in_through_the_kiosk_shows_on_the_board_at_once(tmp_path):
    app = make_app(tmp_path, KIOSK_IDENTIFIED_SECONDS=3600)
    team = make_team(name="车工二班")
    li = make_member(name="李强", team=team, photo_consent=True)
    wall, worker = app.test_client(), app.test_client()
    board = f"/mood/board/team/{team.id}"
    before = wall.get(board).get_data(as_text=True)
    assert "李强" in zone(before, "none")
    attract = wall.get("/attract").get_data(as_text=True)
    worker.post("/identify/code", data={"code": li.staff_no, "method": "keypad"})
    assert worker.post("/mood/checkin", data={"mood": "happy"}).status_code in (200, 303)
    after = wall.get(board).get_data(as_text=True)
    assert "李强" in zone(after, "happy") and "李强" not in zone(after, "none")
    assert wall.get("/attract").get_data(as_text=True) != attract  # its counts moved too


def test_a_language_switch_shows_the_other_language(client):
    make_member(team=make_team())
    chinese = client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True) == chinese
    client.get("/lang/en?next=/")
    english = client.get("/").get_data(as_text=True)
    assert english != chinese
    assert 'lang="en"' in english and 'lang="zh-Hans"' in chinese
    client.get("/lang/zh_Hans?next=/")
    assert client.get("/").get_data(as_text=True) == chinese


def test_a_roster_change_shows_in_the_photo_grid_and_the_team_list(client):
    workshop = make_workshop(name="机加工车间")
    team = make_team(name="车工三班", workshop=workshop)
    make_member(name="张伟", team=team)
    grid = f"/identify/team/{team.id}"
    assert "张伟" in client.get(grid).get_data(as_text=True)
    newcomer = make_member(name="赵敏", team=team)
    html = client.get(grid).get_data(as_text=True)
    assert "张伟" in html and "赵敏" in html
    newcomer.name = "赵敏敏"
    newcomer.save()
    assert "赵敏敏" in client.get(grid).get_data(as_text=True)
    make_team(name="铣工一班", workshop=workshop)
    assert "铣工一班" in client.get("/identify/").get_data(as_text=True)


def test_the_photo_grid_lists_names_in_pinyin_order(client):
    team = make_team()
    for name in ("张伟", "王芳", "艾青"):
        make_member(name=name, team=team)
    html = client.get(f"/identify/team/{team.id}").get_data(as_text=True)
    assert html.index("艾青") < html.index("王芳") < html.index("张伟")


def csrf_tokens(html):
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) | set(
        re.findall(r'"X-CSRFToken": "([^"]+)"', html))


def test_each_visitor_gets_their_own_working_csrf_token_from_a_cached_page(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    team = make_team()
    member = make_member(team=team)
    grid = f"/identify/team/{team.id}"
    first, second = app.test_client(), app.test_client()
    mine = csrf_tokens(first.get(grid).get_data(as_text=True))
    theirs = csrf_tokens(second.get(grid).get_data(as_text=True))
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    assert "\x00" not in second.get(grid).get_data(as_text=True)
    # The token of a page served from memory is the visitor's own: the tap works.
    response = second.post("/identify/member", data={"member_id": str(member.id),
                                                      "csrf_token": theirs.pop()})
    assert response.status_code in (200, 303)
    refused = first.post("/identify/member", data={"member_id": str(member.id),
                                                    "csrf_token": "forged"})
    assert refused.status_code == 400


def test_an_identified_worker_never_gets_a_page_made_for_someone_else(tmp_path):
    app = make_app(tmp_path)
    team = make_team()
    member = make_member(name="孙丽", team=team)
    anonymous, worker = app.test_client(), app.test_client()
    anonymous_home = anonymous.get("/").get_data(as_text=True)
    worker.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    assert worker.get("/").status_code == 200
    assert anonymous.get("/").get_data(as_text=True) == anonymous_home


def test_a_follow_up_and_a_new_request_show_on_the_admin_pages_at_once(admin):
    team = make_team()
    upset = make_member(name="周杰", team=team)
    make_checkin(upset, "upset")
    assert "周杰" in admin.get("/admin/mood/").get_data(as_text=True)
    assert "周杰" in admin.get("/admin/mood/").get_data(as_text=True)
    from kiosk.models import utcnow
    from kiosk.mood.models import MoodFollowUp
    with db.connection_context():
        MoodFollowUp.create(member=upset, shift_day=utcnow().date().replace(year=2100),
                            kind="talk", by_admin="chair")
    assert 'data-member="' + upset.staff_no not in admin.get("/admin/mood/").get_data(as_text=True)

    before = admin.get("/admin/service/statistics").get_data(as_text=True)
    inbox = admin.get("/admin/service/").get_data(as_text=True)
    make_request(topic="食堂饭菜")
    assert admin.get("/admin/service/statistics").get_data(as_text=True) != before
    assert "食堂饭菜" not in inbox
    assert "食堂饭菜" in admin.get("/admin/service/").get_data(as_text=True)

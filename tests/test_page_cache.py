"""Pages and figures kept in memory per data version (issue 15) never show the past:
every change shows on the next request, whoever made it."""
import re

import pytest

from kiosk.db import db

from .conftest import chair_client, make_app, unstamped
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
    assert unstamped(client.get(board).get_data(as_text=True)) == unstamped(first)  # from memory
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
    chinese = unstamped(client.get("/").get_data(as_text=True))
    assert unstamped(client.get("/").get_data(as_text=True)) == chinese
    client.get("/lang/en?next=/")
    english = client.get("/").get_data(as_text=True)
    assert english != chinese
    assert 'lang="en"' in english and 'lang="zh-Hans"' in chinese
    client.get("/lang/zh_Hans?next=/")
    assert unstamped(client.get("/").get_data(as_text=True)) == chinese


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
    anonymous_home = unstamped(anonymous.get("/").get_data(as_text=True))
    worker.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    assert worker.get("/").status_code == 200
    assert unstamped(anonymous.get("/").get_data(as_text=True)) == anonymous_home


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


def reaching_flask(app):
    """The paths of the requests that reached Flask (one answered in front of it never does)."""
    from flask import request, request_started
    paths = []

    def started(sender, **extra):
        paths.append(request.path)

    request_started.connect(started, app, weak=False)
    return paths


def test_a_page_answered_in_front_of_flask_is_the_page_flask_sent_with_its_headers(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    team = make_team(name="车工五班")
    make_member(name="钱进", team=team, photo_consent=True)
    flask_saw = reaching_flask(app)
    client = app.test_client()
    board = f"/mood/board/team/{team.id}"
    client.get(board)  # the first page sets the session (its CSRF secret)
    from_flask = client.get(board)
    assert len(flask_saw) == 2
    answered_in_front = client.get(board)
    assert len(flask_saw) == 2
    assert answered_in_front.get_data() == from_flask.get_data()
    assert answered_in_front.headers.to_wsgi_list() == from_flask.headers.to_wsgi_list()
    assert "default-src 'self'" in answered_in_front.headers["Content-Security-Policy"]
    # A write is on the next page at once: the answer kept in front is for the old data.
    make_checkin(make_member(name="孔明", team=team, photo_consent=True), "happy")
    assert "孔明" in zone(client.get(board).get_data(as_text=True), "happy")
    assert len(flask_saw) == 3


def test_each_visitor_gets_their_own_token_from_a_page_answered_in_front_of_flask(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    team = make_team()
    member = make_member(team=team)
    flask_saw = reaching_flask(app)
    grid = f"/identify/team/{team.id}"
    first, second = app.test_client(), app.test_client()
    for visitor in (first, second, first, second):
        visitor.get(grid)
    assert len(flask_saw) == 4
    mine = csrf_tokens(first.get(grid).get_data(as_text=True))
    theirs = csrf_tokens(second.get(grid).get_data(as_text=True))
    assert len(flask_saw) == 4
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    response = second.post("/identify/member", data={"member_id": str(member.id),
                                                      "csrf_token": theirs.pop()})
    assert response.status_code in (200, 303)


def test_an_identified_worker_or_an_admin_session_always_reaches_flask(tmp_path):
    app = make_app(tmp_path, KIOSK_IDENTIFIED_SECONDS=3600)
    member = make_member(name="孙丽", team=make_team())
    worker = app.test_client()
    worker.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    chair = chair_client(app)
    flask_saw = reaching_flask(app)
    for visitor in (worker, chair):
        for _ in range(3):
            assert visitor.get("/").status_code == 200
    assert flask_saw == ["/"] * 6


def test_a_visitor_gets_from_memory_the_token_of_the_page_rendered_for_them(tmp_path, monkeypatch):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    team = make_team()
    make_member(team=team)
    client = app.test_client()
    grid = f"/identify/team/{team.id}"
    rendered = csrf_tokens(client.get(grid).get_data(as_text=True))
    # A token signed a few seconds later differs: the page from memory must not sign anew.
    from itsdangerous.timed import TimestampSigner
    later = TimestampSigner.get_timestamp(TimestampSigner("x")) + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    for _ in range(3):
        assert csrf_tokens(client.get(grid).get_data(as_text=True)) == rendered


# --- admin sections kept per data version (issue 15: every admin page ≤ 5 ms) ---------

def logged_in(app, username):
    from .conftest import ADMIN_PASSWORD
    from .factories import make_admin
    make_admin(username=username, password=ADMIN_PASSWORD)
    chair = app.test_client()
    chair.post("/admin/login", data={"username": username, "password": ADMIN_PASSWORD})
    return chair


def test_the_statistics_follow_the_language_and_the_period(admin):
    make_request(topic="食堂饭菜")
    chinese = admin.get("/admin/service/statistics").get_data(as_text=True)
    assert "全部类别" in chinese
    admin.get("/lang/en")
    english = admin.get("/admin/service/statistics").get_data(as_text=True)
    assert "All services" in english and "全部类别" not in english
    admin.get("/lang/zh_Hans")
    three = admin.get("/admin/service/statistics?months=3").get_data(as_text=True)
    assert three.count('<th class="num">20') == 3   # three months' columns, no more
    again = admin.get("/admin/service/statistics").get_data(as_text=True)
    figures = 'class="service-kpis"'   # the page's CSRF token is signed anew every second
    assert again.split(figures)[1] == chinese.split(figures)[1]


def test_the_trends_show_a_check_in_and_the_team_asked_for_at_once(admin):
    first, second = make_team(name="铸造班"), make_team(name="锻造班")
    worker = make_member(team=first)
    page = admin.get(f"/admin/mood/trends?team={first.id}").get_data(as_text=True)
    assert "铸造班" in page.split('id="daily"')[1].split("</h2>")[0]
    other = admin.get(f"/admin/mood/trends?team={second.id}").get_data(as_text=True)
    assert "锻造班" in other.split('id="daily"')[1].split("</h2>")[0]
    make_checkin(worker, "happy")
    after = admin.get(f"/admin/mood/trends?team={first.id}").get_data(as_text=True)
    assert "100% · 0% · 0%" in after and "100% · 0% · 0%" not in page


def test_the_benefit_links_show_a_change_at_once_with_each_chairs_own_token(app, admin):
    from .factories import make_benefit_link
    make_benefit_link("工会会员卡")
    before = admin.get("/admin/benefits/").get_data(as_text=True)
    assert "工会会员卡" in before
    other = logged_in(app, "vice")
    theirs = other.get("/admin/benefits/").get_data(as_text=True)
    assert len(csrf_tokens(before)) == 1 and len(csrf_tokens(theirs)) == 1
    assert csrf_tokens(before) != csrf_tokens(theirs)
    make_benefit_link("职工医疗互助")
    assert "职工医疗互助" in admin.get("/admin/benefits/").get_data(as_text=True)


def test_a_new_alert_channel_shows_at_once(admin):
    from kiosk.alerts.models import AlertChannel
    assert "值班群" not in admin.get("/admin/alerts/").get_data(as_text=True)
    with db.connection_context():
        AlertChannel.create(name="值班群", kind="wecom", secrets={"key": "k" * 20},
                            triggers="talk")
    assert "值班群" in admin.get("/admin/alerts/").get_data(as_text=True)


def test_the_cache_keeps_no_more_than_its_size_and_drops_what_nobody_asks_for():
    from kiosk.data_version import VersionCache
    now = [0.0]
    cache = VersionCache(size=3, idle_seconds=600, clock=lambda: now[0])
    for minute in range(5):           # a key with the minute in it: one a minute
        cache.put(1, ("care", minute), f"list {minute}")
        now[0] += 60
    assert len(cache.entries) == 3
    assert cache.peek(1, ("care", 4)) == "list 4"
    now[0] += 300                     # the latest is asked for again…
    assert cache.peek(1, ("care", 4)) == "list 4"
    now[0] += 400
    cache.put(1, ("grid",), "cards")  # …the others, not for ten minutes: gone
    assert [key for (_version, key) in cache.entries] == [("care", 4), ("grid",)]
    assert cache.peek(1, ("care", 3)) is None

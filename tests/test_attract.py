"""The board is the idle screen (issue 14): the attract view, the idle reset that leads to
it, the badge swipe from home, and 本月寿星 on a team's board and wall."""
import re
from datetime import timedelta

import pytest

from kiosk.care.calendar_data import local_today

from .factories import make_checkin, make_member, make_team, make_workshop

pytestmark = pytest.mark.usefixtures("app")


def born_this_month(years=30):
    day = local_today("Asia/Shanghai")
    return day.replace(year=day.year - years, day=min(day.day, 28))


def test_the_attract_view_shows_todays_counts_and_no_names(client):
    team = make_team(name="车工一班")
    happy, upset = make_member(name="王芳", team=team), make_member(name="李强", team=team)
    make_member(name="赵敏", team=team)
    make_checkin(happy, "happy")
    make_checkin(upset, "upset")
    html = client.get("/attract").get_data(as_text=True)
    assert "今天的晴雨表" in html and "轻触开始" in html
    assert "今天已有 2 / 3 人打卡" in html
    for name in ("王芳", "李强", "赵敏"):
        assert name not in html
    # A touch goes home; the kiosk's idle timer does not run here.
    assert 'data-touch-url="/"' in html and "data-no-idle" in html


def test_the_attract_view_refreshes_as_a_fragment(client):
    make_member(team=make_team())
    response = client.get("/attract", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="attract"')
    assert "<html" not in html


def test_an_idle_reset_leads_to_the_attract_view_and_a_home_button_home(client):
    assert client.get("/reset?then=attract").headers["Location"] == "/attract"
    assert client.get("/reset").headers["Location"] == "/"
    assert client.get("/reset?then=https://evil.example").headers["Location"] == "/"


def test_the_home_screen_takes_a_badge_swipe_to_the_mood_question(client):
    html = client.get("/").get_data(as_text=True)
    assert 'data-badge-form="swipe-form"' in html
    assert 'data-attract-url="/attract"' in html
    form = re.search(r'<form id="swipe-form"[^>]*>.*?</form>', html, re.S).group(0)
    assert 'action="/identify/code"' in form and "hx-post" not in form
    assert 'name="next" value="/mood/choose"' in form and 'name="purpose" value="mood"' in form
    assert "刷工卡，直接登记心情" in html


def test_a_swiped_badge_proves_and_goes_straight_to_the_question(client):
    member = make_member(name="周杰", badge_code="B5150")
    response = client.post("/identify/code", data={"code": "B5150", "method": "badge",
                                                   "next": "/mood/choose", "purpose": "mood"})
    assert response.status_code == 303 and response.headers["Location"] == "/mood/choose"
    with client.session_transaction() as session:
        assert session["member"]["method"] == "badge"
    html = client.get("/mood/choose").get_data(as_text=True)
    assert "周杰，今天心情怎么样？" in html and 'class="mood-who"' in html
    assert member.name in html


def test_an_unknown_badge_from_home_is_told_kindly_and_can_type_the_staff_number(client):
    response = client.post("/identify/code", data={"code": "NOPE", "method": "badge",
                                                   "next": "/mood/choose", "purpose": "mood"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "这张工卡还没有登记" in html and 'id="staff-no"' in html
    assert 'name="next" value="/mood/choose"' in html


def test_a_team_board_and_wall_name_this_months_birthdays_of_that_team(client):
    workshop = make_workshop(name="总装车间")
    team, other = make_team(name="装配一班", workshop=workshop), make_team(name="装配二班")
    make_member(name="王芳", team=team, birthday=born_this_month())
    make_member(name="李强", team=team, birthday=born_this_month(), photo_consent=False)
    make_member(name="赵敏", team=other, birthday=born_this_month())
    for url in (f"/mood/board/team/{team.id}", f"/mood/wall/team/{team.id}"):
        html = client.get(url).get_data(as_text=True)
        strip = re.search(r'<section class="birthday-strip".*?</section>', html, re.S).group(0)
        assert "本月寿星" in strip and "王芳" in strip
        assert "李强" not in strip          # no consent to public boards
        assert "赵敏" not in strip          # another team
    # The workshop's wall names its teams' birthdays.
    html = client.get(f"/mood/wall/workshop/{workshop.id}").get_data(as_text=True)
    assert "王芳" in re.search(r'<section class="birthday-strip".*?</section>', html, re.S).group(0)


def test_the_wall_carries_its_clock_and_stale_warning(client, app):
    app.config["MOOD_WALL_STALE_SECONDS"] = 45
    team = make_team()
    make_member(team=team)
    html = client.get(f"/mood/wall/team/{team.id}").get_data(as_text=True)
    assert 'data-tz="Asia/Shanghai"' in html
    assert re.search(r'<time class="wall-time" data-clock>\d\d:\d\d</time>', html)
    assert re.search(r"更新于 <time data-updated>\d\d:\d\d</time>", html)
    assert 'data-stale-seconds="45"' in html and "已超过 45 秒没有连上驿站服务器" in html
    assert 'data-page-label="第 {page}/{pages} 页"' in html


def test_tiles_say_action_or_looking_and_no_two_share_a_colour(client):
    html = client.get("/").get_data(as_text=True)
    assert "登记心情" in html and "看晴雨表" in html
    tones = re.findall(r'class="tile tone-([a-z]+)"', html)
    assert len(tones) == len(set(tones)) >= 6


def test_yesterday_is_not_today_on_the_attract_view(client):
    member = make_member(team=make_team())
    make_checkin(member, "upset", day=local_today("Asia/Shanghai") - timedelta(days=3))
    html = client.get("/attract").get_data(as_text=True)
    assert "今天已有 0 / 1 人打卡" in html

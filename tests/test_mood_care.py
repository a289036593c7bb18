"""The union chair's care view, trends, calendar and settings for the weather board."""
from datetime import timedelta

import pytest

from kiosk.models import AuditLog, utcnow
from kiosk.mood import settings as mood_settings
from kiosk.mood.care_data import care_lists
from kiosk.mood.days import shift_day
from kiosk.mood.models import MoodAlertAck, MoodFollowUp
from kiosk.mood.records import request_talk

from .factories import MOOD_TZ, make_checkin, make_member, make_team

pytestmark = pytest.mark.usefixtures("app")


def today():
    return shift_day(utcnow(), MOOD_TZ, mood_settings.load().day_start_hour)


def lists():
    return care_lists(mood_settings.load(), today(), utcnow())


def staff_nos(items):
    return [item.member.staff_no for item in items]


@pytest.mark.parametrize("path", ["/admin/mood/", "/admin/mood/trends", "/admin/mood/settings"])
def test_the_care_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_todays_upset_workers_come_first_and_a_talk_request_on_top(admin):
    team = make_team()
    early, talker = make_member(team=team), make_member(team=team)
    make_checkin(early, "upset", hour=6)
    record = make_checkin(talker, "upset", hour=9)
    request_talk(talker.id, record.id)
    make_checkin(make_member(team=team), "happy")
    assert staff_nos(lists().today) == [talker.staff_no, early.staff_no]
    html = admin.get("/admin/mood/").get_data(as_text=True)
    assert html.index(talker.name) < html.index(early.name)
    assert "想找工会聊聊" in html


def test_an_upset_worker_stays_open_until_a_follow_up(admin):
    member = make_member(name="周杰")
    make_checkin(member, "upset", day=today() - timedelta(days=5))
    assert staff_nos(lists().earlier) == [member.staff_no]   # days pass, still open
    response = admin.post(f"/admin/mood/follow-up/{member.id}",
                          data={"kind": "counselling", "note": "约了下周再聊"},
                          headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="care-lists"')
    assert 'data-open-count="0"' in html and "心理疏导" in html and "约了下周再聊" in html
    assert lists().open_count == 0
    follow_up = MoodFollowUp.get()
    assert (follow_up.by_admin, follow_up.kind) == ("chair", "counselling")
    entry = AuditLog.get(AuditLog.action == "mood follow-up")
    assert entry.actor == "chair" and entry.target == member.staff_no


def test_a_follow_up_answers_the_earlier_days_but_not_a_new_upset_day(admin):
    member = make_member()
    make_checkin(member, "upset", day=today() - timedelta(days=2))
    make_checkin(member, "upset", day=today() - timedelta(days=1))
    admin.post(f"/admin/mood/follow-up/{member.id}", data={"kind": "talk"})
    assert lists().open_count == 0
    make_checkin(member, "upset")
    assert staff_nos(lists().today) == [member.staff_no]


def test_a_follow_up_needs_a_kind_and_keeps_the_note(admin):
    member = make_member()
    make_checkin(member, "upset")
    response = admin.post(f"/admin/mood/follow-up/{member.id}", data={"note": "写了一半"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == f"#follow-up-form-{member.id}"
    html = response.get_data(as_text=True)
    assert "请选择采取的措施" in html and "写了一半" in html
    assert MoodFollowUp.select().count() == 0


def test_the_follow_up_form_works_as_a_plain_page(admin):
    member = make_member(name="吴磊")
    make_checkin(member, "upset")
    page = admin.get(f"/admin/mood/follow-up/{member.id}").get_data(as_text=True)
    assert "<html" in page and "吴磊" in page and "hx-post" not in page.split("<form id=")[1]
    response = admin.post(f"/admin/mood/follow-up/{member.id}", data={"kind": "rest"})
    assert response.status_code == 302
    assert "已记录对 吴磊 的跟进" in admin.get("/admin/mood/").get_data(as_text=True)


def test_upset_days_running_are_listed_as_a_streak(admin):
    member = make_member()
    make_checkin(member, "upset", day=today() - timedelta(days=3))
    make_checkin(member, "upset", day=today() - timedelta(days=1))   # a day off between
    result = lists()
    assert staff_nos(result.streaks) == [member.staff_no]
    assert result.streaks[0].streak == 2
    assert "连续 2 天有点烦" in admin.get("/admin/mood/").get_data(as_text=True)


def test_an_open_item_older_than_the_setting_is_highlighted(admin):
    settings = mood_settings.load()
    settings.open_highlight_hours = 24
    mood_settings.save(settings)
    old, fresh = make_member(), make_member()
    make_checkin(old, "upset", day=today() - timedelta(days=3))
    make_checkin(fresh, "upset", day=today(), hour=0)
    result = lists()
    flags = {i.member.staff_no: i.overdue for i in result.today + result.earlier}
    assert flags[old.staff_no] is True
    html = admin.get("/admin/mood/").get_data(as_text=True)
    assert 'is-overdue' in html.split(f'data-member="{old.staff_no}"')[0].rsplit("<article", 1)[1]


def test_a_team_over_the_threshold_alerts_the_admin_home_until_acknowledged(admin):
    team = make_team(name="调试班")
    for mood in ("upset", "upset", "happy", "ok"):
        make_checkin(make_member(team=team), mood)
    home = admin.get("/admin/").get_data(as_text=True)
    assert "调试班 今天有 50% 的职工“有点烦”" in home
    response = admin.post(f"/admin/mood/alerts/{team.id}/ack", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "chair 已于" in response.get_data(as_text=True)
    assert MoodAlertAck.select().count() == 1
    assert "今天有 50%" not in admin.get("/admin/").get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.action == "mood alert acknowledged").exists()


def test_a_small_sample_raises_no_team_alert():
    team = make_team()
    make_checkin(make_member(team=team), "upset")
    assert lists().teams == []


def test_the_trends_show_each_teams_shares(admin):
    team = make_team(name="数控班")
    a, b = make_member(team=team), make_member(team=team)
    for offset in range(1, 4):
        make_checkin(a, "happy", day=today() - timedelta(days=offset))
        make_checkin(b, "upset", day=today() - timedelta(days=offset))
    make_checkin(a, "ok")
    html = admin.get(f"/admin/mood/trends?team={team.id}").get_data(as_text=True)
    row = html.split("数控班</a>")[1].split("</tr>")[0]
    # 7 days: 3 happy, 1 ok, 3 upset of 7 check-ins.
    assert "43% · 14% · 43%" in row and "共 7 人次" in row
    assert html.count("<svg class=\"share-bar\"") == 2
    assert 'class="daily-svg"' in html


def test_the_trends_still_count_after_the_purge(admin):
    settings = mood_settings.load()
    settings.retention_days = 7
    mood_settings.save(settings)
    team = make_team(name="熔炼班")
    make_checkin(make_member(team=team), "upset", day=today() - timedelta(days=20))
    admin.post("/admin/mood/purge")
    html = admin.get("/admin/mood/trends").get_data(as_text=True)
    row = html.split("熔炼班</a>")[1].split("</tr>")[0]
    assert "0% · 0% · 100%" in row


def test_the_member_calendar_shows_moods_and_follow_ups(admin):
    member = make_member(name="钱七")
    day = today()
    make_checkin(member, "happy", day=day, hour=7)
    make_checkin(member, "upset", day=day, hour=8)
    MoodFollowUp.create(member=member, shift_day=day, kind="talk", by_admin="chair",
                        note="聊过了")
    html = admin.get(f"/admin/mood/member/{member.id}").get_data(as_text=True)
    cell = html.split(f'data-day="{day.isoformat()}"')[1].split("</td>")[0]
    assert 'data-mood="upset"' in cell and "改过，共打卡 2 次" in cell and "谈心" in cell
    assert "聊过了" in html


def test_the_calendar_moves_month_by_month(admin):
    member = make_member()
    html = admin.get(f"/admin/mood/member/{member.id}?month=2025-02").get_data(as_text=True)
    assert 'data-day="2025-02-28"' in html and 'data-day="2025-03-01"' not in html
    assert admin.get(f"/admin/mood/member/{member.id}?month=junk").status_code == 200


def test_the_chair_sets_the_settings_and_the_change_is_audited(admin):
    data = {"day_start_hour": "6", "retention_days": "30", "upset_threshold_percent": "40",
            "alert_min_checkins": "4", "open_highlight_hours": "12",
            "confirm_photo_checkin": "y"}
    assert admin.post("/admin/mood/settings", data=data).status_code == 302
    settings = mood_settings.load()
    assert (settings.day_start_hour, settings.retention_days, settings.confirm_photo_checkin) \
        == (6, 30, True)
    entry = AuditLog.get(AuditLog.action == "mood settings")
    assert "retention_days=30" in entry.detail


def test_settings_out_of_range_are_refused_and_keep_what_was_typed(admin):
    data = {"day_start_hour": "25", "retention_days": "3", "upset_threshold_percent": "30",
            "alert_min_checkins": "3", "open_highlight_hours": "24"}
    response = admin.post("/admin/mood/settings", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入 0 到 23 之间的数字" in html and 'value="25"' in html
    assert mood_settings.load().day_start_hour == 4


def test_the_settings_page_shows_retention_and_wall_links(admin):
    team = make_team(name="安保班")
    html = admin.get("/admin/mood/settings").get_data(as_text=True)
    assert 'value="90"' in html and "flask --app kiosk mood purge" in html
    assert f"/mood/wall/team/{team.id}" in html

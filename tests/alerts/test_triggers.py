"""Each event the chair chose raises its alert from the real routes, in its own
transaction, and says no more than it may: never an anonymous request's text."""
from datetime import date, timedelta

import pytest

from kiosk.alerts import raise_alert, triggers
from kiosk.alerts.daily import run_if_due
from kiosk.alerts.models import Alert, AlertDelivery
from kiosk.care.records import record_event
from kiosk.db import db, write_transaction
from kiosk.models import utcnow
from kiosk.mood import settings as mood_settings
from kiosk.service.models import ServiceRequest

from ..factories import make_checkin, make_member, make_team, make_workshop, prove
from .helpers import HX, deliver, file_request, identify, upset_and_talk, wecom


@pytest.fixture
def team():
    return make_team(name="车工一班", workshop=make_workshop(name="机加车间"))


def test_an_anonymous_crisis_request_alerts_without_its_text_or_its_time(app, client, robot, admin):
    wecom(triggers="crisis")
    admin.post("/admin/alerts/settings", data={"include_names": "y", "daily_hour": "8"})
    response = file_request(client, description="我真的不想活了，班长天天骂我")
    assert response.status_code == 303
    request = ServiceRequest.get()
    assert request.crisis and request.anonymous
    deliver(app)
    [text] = robot.texts
    assert text == ("有一位工友匿名提交了一条需要立即关注的诉求（心理困扰或令人担心的话），"
                    "请尽快登录驿站查看")
    for words in ("不想活", "班长", "骂"):
        assert words not in robot.received[0]["body"].decode("utf-8")
    alert, delivery = Alert.get(), AlertDelivery.get()
    assert alert.coarse and "member_id" not in alert.params and "team" not in alert.params
    for moment in (alert.created_at, delivery.created_at, delivery.sent_at,
                   delivery.last_attempt_at):
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)
    assert "我真的" not in str(alert.params)
    # Once sent, not even the retry bookkeeping keeps a finer time.
    assert delivery.next_attempt_at is None and delivery.claimed_until is None


def test_the_outbox_tables_keep_no_write_order(app):
    # As the request tables (migration 0008): an anonymous request's alert cannot be
    # placed between two talk alerts by its position in the file.
    for table in ("alert", "alert_delivery"):
        create_sql, = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?",
                                     (table,)).fetchone()
        assert create_sql.rstrip().endswith("WITHOUT ROWID")


def test_a_crisis_reaches_a_channel_that_asked_only_for_urgent_requests(app, client, robot):
    wecom(triggers="urgent")
    file_request(client, category="counselling", description="最近睡不好")
    deliver(app)
    assert len(robot.texts) == 1 and "需要立即关注" in robot.texts[0]


def test_an_urgent_named_request_names_the_team_and_only_with_the_setting_the_worker(
        app, client, robot, team, admin):
    wecom(triggers="urgent")
    member = make_member(name="李强", team=team)
    prove(client, member)
    file_request(client, category="rights", description="工资被扣", mode="named")
    assert ServiceRequest.get().urgent and not ServiceRequest.get().anonymous
    deliver(app)
    assert robot.texts == ["车工一班有一位工友提交了一条紧急诉求（权益有侵害），请登录驿站查看"]
    assert "工资" not in robot.texts[0]
    admin.post("/admin/alerts/settings", data={"include_names": "y", "daily_hour": "8"})
    prove(client, member)
    file_request(client, category="rights", description="还是扣工资", mode="named")
    deliver(app)
    assert robot.texts[1] == "车工一班的李强提交了一条紧急诉求（权益有侵害），请登录驿站查看"


def test_an_ordinary_request_raises_nothing(app, client, robot):
    wecom()
    file_request(client, category="suggestion", description="食堂多开一个窗口")
    assert not ServiceRequest.get().urgent
    assert Alert.select().count() == 0


def test_a_team_over_the_mood_threshold_alerts_once_a_day(app, client, robot, team):
    wecom(triggers="team_mood")
    settings = mood_settings.load()
    settings.upset_threshold_percent, settings.alert_min_checkins = 50, 3
    mood_settings.save(settings)
    moods = ["happy", "upset", "upset", "upset"]
    for mood in moods:
        client.get("/reset")
        identify(client, make_member(team=team))
        assert client.post("/mood/checkin", data={"mood": mood}, headers=HX).status_code == 200
    assert Alert.select().count() == 1          # over at the third check-in, once
    deliver(app)
    assert robot.texts == ["车工一班今天有67%的工友选了“有点烦”，请登录驿站查看"]


def test_a_team_under_the_threshold_raises_nothing(app, client, team):
    wecom(triggers="team_mood")
    for mood in ["happy", "ok", "happy", "upset"]:      # 25 %, the line is 30 %
        client.get("/reset")
        identify(client, make_member(team=team))
        client.post("/mood/checkin", data={"mood": mood}, headers=HX)
    assert Alert.select().count() == 0


def test_only_the_channels_that_asked_for_a_trigger_get_it(app, client, robot, team):
    wecom(triggers="crisis", name="只要危机")
    wecom(triggers="talk", name="关闭的", enabled=False)
    upset_and_talk(client, make_member(team=team))
    assert Alert.select().count() == 0 and AlertDelivery.select().count() == 0


def test_the_alert_is_rolled_back_with_its_event(app, team):
    wecom(triggers="talk")
    member = make_member(team=team)
    with pytest.raises(RuntimeError):
        with write_transaction():
            raise_alert("talk", "talk:rolled-back", team="车工一班", member_id=str(member.id))
            raise RuntimeError("power cut before the commit")
    assert Alert.select().count() == 0 and AlertDelivery.select().count() == 0


def test_an_unknown_trigger_is_a_programming_error(app):
    with pytest.raises(ValueError):
        raise_alert("gossip", "x")


def test_a_life_event_a_worker_reports_at_the_kiosk_reaches_the_chair_without_its_words(
        app, client, robot, team):
    wecom(triggers="life_event")
    prove(client, make_member(name="孙磊", team=team))
    response = client.post("/care/report/hospital", data={
        "day": date.today().isoformat(), "text": "市第一人民医院 心脏手术", "save": "1"})
    assert response.status_code == 303
    client.post("/care/report/hospital", data={           # the same report again: one alert
        "day": date.today().isoformat(), "text": "市第一人民医院 心脏手术", "save": "1"})
    deliver(app)
    assert robot.texts == ["车工一班有一位工友在驿站告诉工会一件事（住院），请登录驿站确认"]


def test_the_morning_sheet_written_by_the_timer_tells_the_chair(app, robot, runner, team):
    wecom(triggers="morning_sheet")
    member = make_member(team=team)
    make_checkin(member, "upset")
    result = runner.invoke(args=["care", "morning-sheet"])
    assert result.exit_code == 0, result.output
    deliver(app)
    [text] = robot.texts
    assert text.endswith("晨报已备好：有点烦1人，想找工会聊聊0人，紧急诉求0条，"
                         "待办祝贺慰问0项，请登录驿站查看")


def test_a_life_event_reported_at_the_kiosk(app, robot, team, admin):
    wecom(triggers="life_event")
    member = make_member(name="赵敏", team=team)
    with write_transaction():
        event = record_event(member, "hospital", date.today(), "kiosk")
        triggers.life_event_reported(event.id, member, event.kind)
    deliver(app)
    assert robot.texts == ["车工一班有一位工友在驿站告诉工会一件事（住院），请登录驿站确认"]


def test_the_morning_sheet(app, robot):
    wecom(triggers="morning_sheet")
    triggers.morning_sheet_ready(date(2026, 3, 2), upset=2, talk=1, requests=3, care=4)
    triggers.morning_sheet_ready(date(2026, 3, 2), upset=9)        # the same day: one alert
    deliver(app)
    assert robot.texts == ["2026-03-02晨报已备好：有点烦2人，想找工会聊聊1人，紧急诉求3条，"
                           "待办祝贺慰问4项，请登录驿站查看"]


def test_overdue_visits_are_checked_once_a_day_at_the_chairs_hour(app, robot, team):
    wecom(triggers="visit_overdue")
    member = make_member(name="孙丽", team=team)
    member.created_at = utcnow() - timedelta(days=400)
    member.save()
    # A hospital stay 20 days ago, nobody visited (kept in time within 7 days).
    record_event(member, "hospital", date.today() - timedelta(days=20), "chair")
    tz = app.config["BABEL_DEFAULT_TIMEZONE"]
    # 08:05 in Shanghai is 00:05 UTC; the hour is 8 by default.
    today = date.today()
    morning = utcnow().replace(year=today.year, month=today.month, day=today.day, hour=0,
                               minute=5)
    with app.app_context(), db.connection_context():
        assert not run_if_due(morning - timedelta(hours=1), tz)     # 07:05: not yet
        assert run_if_due(morning, tz)
        assert not run_if_due(morning + timedelta(hours=3), tz)     # once a day
    deliver(app, morning + timedelta(minutes=1))
    assert robot.texts == ["关爱日历：有1项祝贺或慰问已过期限还未完成，请登录驿站查看"]
    # The next day the same overdue visit is not told again.
    with app.app_context(), db.connection_context():
        assert run_if_due(morning + timedelta(days=1), tz)
    assert Alert.select().count() == 1


def test_an_anonymous_requests_alert_retries_on_schedule_without_storing_when(
        tmp_path, robot):
    from kiosk.alerts import outbox

    from .conftest import alerts_app
    app = alerts_app(tmp_path, robot)
    wecom(triggers="urgent")
    robot.answers.append((200, {"errcode": 45009, "errmsg": "api freq out of limit, hint: "
                                "[1764617483_24_9f1c], at 19:31:23"}))
    file_request(app.test_client(), category="rights", description="扣工资")
    start = utcnow()
    assert deliver(app, start).retrying == 1
    delivery = AlertDelivery.get()
    assert delivery.next_attempt_at == delivery.created_at == Alert.get().created_at
    assert delivery.error_detail == "errcode 45009: api freq out of limit, hint: […_24_9f1c], at …"
    assert deliver(app, start + timedelta(seconds=29)).sent == 0     # the backoff, in memory
    assert len(robot.received) == 1
    assert deliver(app, start + timedelta(seconds=30)).sent == 1
    assert AlertDelivery.get().error_detail == ""     # a mail server's queue id may date it
    # After a restart the memory is gone: a waiting one is tried at once.
    robot.answers.append((500, b"busy"))
    file_request(app.test_client(), category="rights", description="又扣工资")
    deliver(app, start)
    outbox._coarse_not_before.clear()
    assert deliver(app, start + timedelta(seconds=1)).sent == 1

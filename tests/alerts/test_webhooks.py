"""A worker's 想找工会聊聊 reaches the chair's WeCom or DingTalk group, through a real HTTP
server on loopback standing in for the robot: the exact JSON, DingTalk's signature,
retries after a 500 and a refused connection, and nothing lost across a restart."""
import base64
import hashlib
import hmac
import threading
import time
from datetime import timedelta

from kiosk.alerts import channels
from kiosk.alerts.models import Alert, AlertDelivery
from kiosk.alerts.outbox import claim, deliver_due, retry_delay
from kiosk.db import db
from kiosk.models import utcnow
from kiosk.roster.models import Team

from ..factories import make_member, make_team, make_workshop
from .conftest import alerts_app
from .helpers import DING_SECRET, DING_TOKEN, WECOM_KEY, deliver, dingtalk, upset_and_talk, wecom

TALK_MESSAGE = "车工一班有一位工友想找工会聊聊，请登录驿站查看"


def chegong_member():
    team = make_team(name="车工一班", workshop=make_workshop(name="机加车间"))
    return make_member(name="王芳", team=team)


def test_a_talk_request_reaches_the_wecom_robot_as_the_minimal_message(app, client, robot):
    wecom()
    upset_and_talk(client, chegong_member())
    result = deliver(app)
    assert result.sent == 1
    [call] = robot.received
    assert call["path"] == "/cgi-bin/webhook/send" and call["query"] == {"key": WECOM_KEY}
    assert call["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert call["json"] == {"msgtype": "text", "text": {"content": TALK_MESSAGE}}
    assert "王芳" not in call["body"].decode("utf-8")
    delivery = AlertDelivery.get()
    assert delivery.status == "sent" and delivery.attempts == 1
    assert delivery.error_detail == "errcode 0: ok"


def test_the_chair_may_turn_names_on(app, client, robot, admin):
    wecom()
    admin.post("/admin/alerts/settings", data={"include_names": "y", "daily_hour": "8"})
    upset_and_talk(client, chegong_member())
    deliver(app)
    assert robot.texts == ["车工一班的王芳想找工会聊聊，请登录驿站查看"]


def test_dingtalk_signed_mode_carries_a_signature_that_verifies(app, client, robot):
    dingtalk()
    upset_and_talk(client, chegong_member())
    before = int(time.time() * 1000)
    deliver(app)
    [call] = robot.received
    assert call["path"] == "/robot/send"
    query = call["query"]
    assert query["access_token"] == DING_TOKEN
    timestamp = int(query["timestamp"])
    assert before - 5000 <= timestamp <= int(time.time() * 1000) + 5000
    # Verified here independently: base64(HMAC-SHA256(secret, "timestamp\nsecret")).
    expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == expected
    assert "%2B" in call["raw_query"] or "+" not in expected   # url-encoded, as DingTalk wants
    assert call["json"] == {"msgtype": "text", "text": {"content": TALK_MESSAGE}}


def test_the_dingtalk_signature_uses_the_clock_it_is_given(robot):
    transport = channels.Transport(dingtalk_url=f"{robot.base}/robot/send", clock=lambda: 1700000000.5)
    assert channels.send_dingtalk("tok12345", "SECabc", "驿站测试", transport) == "errcode 0: ok"
    query = robot.received[0]["query"]
    assert query["timestamp"] == "1700000000500"
    assert query["sign"] == base64.b64encode(hmac.new(b"SECabc", b"1700000000500\nSECabc",
                                                      hashlib.sha256).digest()).decode()


def test_dingtalk_without_a_secret_sends_no_signature(app, client, robot):
    dingtalk(secret=None)
    upset_and_talk(client, chegong_member())
    deliver(app)
    assert set(robot.received[0]["query"]) == {"access_token"}


def test_a_refusal_by_the_robot_is_a_failure_that_keeps_its_words(app, client, robot):
    wecom()
    robot.answers.append((200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: xyz"}))
    upset_and_talk(client, chegong_member())
    result = deliver(app)
    assert result.sent == 0 and result.retrying == 1
    delivery = AlertDelivery.get()
    assert delivery.status == "pending" and delivery.error_kind == "refused"
    assert delivery.error_detail == "errcode 93000: invalid webhook url, hint: xyz"


def test_a_server_error_is_retried_after_the_backoff_and_then_sent(app, client, robot):
    wecom()
    robot.answers.append((500, b"upstream broke"))
    upset_and_talk(client, chegong_member())
    start = utcnow()
    assert deliver(app, start).retrying == 1
    delivery = AlertDelivery.get()
    assert delivery.error_kind == "http" and delivery.error_detail == "HTTP 500 upstream broke"
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    assert deliver(app, start + timedelta(seconds=29)).sent == 0      # not yet
    assert len(robot.received) == 1
    assert deliver(app, start + timedelta(seconds=30)).sent == 1
    assert robot.texts == [TALK_MESSAGE, TALK_MESSAGE]
    assert AlertDelivery.get().status == "sent" and AlertDelivery.get().attempts == 2


def test_the_backoff_doubles_from_30_seconds_to_an_hour():
    assert [retry_delay(n) for n in range(1, 11)] == [30, 60, 120, 240, 480, 960, 1920, 3600,
                                                       3600, 3600]


def test_a_refused_connection_is_retried_on_the_schedule_and_given_up_after_a_day(tmp_path):
    app = alerts_app(tmp_path)          # nothing listens where the robot should be
    wecom()
    member = chegong_member()
    upset_and_talk(app.test_client(), member)
    start = utcnow()
    now, waits = start, []
    while AlertDelivery.get().status == "pending":
        deliver(app, now)
        delivery = AlertDelivery.get()
        assert delivery.error_kind == "unreachable"
        if delivery.status == "pending":
            waits.append(int((delivery.next_attempt_at - now).total_seconds()))
            now = delivery.next_attempt_at
    assert waits[:9] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    delivery = AlertDelivery.get()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert timedelta(hours=24) <= now - Alert.get().created_at < timedelta(hours=25)
    assert delivery.attempts == len(waits) + 1


def test_the_same_talk_request_twice_in_a_day_is_one_alert(app, client, robot):
    wecom()
    member = chegong_member()
    upset_and_talk(client, member)
    app.config["MOOD_CHECKIN_MIN_SECONDS"] = 0
    client.post("/mood/checkin", data={"mood": "ok"})
    upset_and_talk(client, member)
    assert Alert.select().count() == 1
    deliver(app)
    assert robot.texts == [TALK_MESSAGE]


def test_alerts_queued_while_offline_are_delivered_after_a_restart(tmp_path, robot):
    offline = alerts_app(tmp_path)
    wecom()
    upset_and_talk(offline.test_client(), chegong_member())
    start = utcnow()
    assert deliver(offline, start).retrying == 1          # the network is down
    db.close()
    # The station restarts (a new process, the same database file); the network is back.
    online = alerts_app(tmp_path, robot)
    assert deliver(online, start + timedelta(seconds=31)).sent == 1
    assert robot.texts == [TALK_MESSAGE]


def test_the_servers_thread_delivers_right_after_the_request(tmp_path, robot):
    app = alerts_app(tmp_path, robot, ALERTS_DELIVERY_THREAD=True, ALERTS_POLL_SECONDS=3600)
    try:
        wecom()
        member = chegong_member()
        client = app.test_client()
        upset_and_talk(client, member)
        # Woken by the request's end, not by the (hour-long) poll.
        assert robot.arrived.wait(15), "the alert did not arrive"
        assert robot.texts == [TALK_MESSAGE]
    finally:
        app.extensions["kiosk_alerts"].stop()


def test_a_restarted_server_sends_what_was_queued_before_it_stopped(tmp_path, robot):
    queued = alerts_app(tmp_path, robot)             # no thread: nothing sent yet
    wecom()
    upset_and_talk(queued.test_client(), chegong_member())
    assert robot.received == []
    db.close()
    app = alerts_app(tmp_path, robot, ALERTS_DELIVERY_THREAD=True, ALERTS_POLL_SECONDS=3600)
    try:
        app.test_client().get("/")                  # the first request starts the thread
        assert robot.arrived.wait(15)
        assert robot.texts == [TALK_MESSAGE]
    finally:
        app.extensions["kiosk_alerts"].stop()


def test_the_thread_does_not_start_in_tests_unless_asked(app, client):
    client.get("/")
    assert not app.extensions["kiosk_alerts"].running


def test_two_deliverers_never_send_one_delivery_twice(app, client, robot):
    wecom(triggers="talk")
    dingtalk(triggers="talk")
    for _n in range(4):
        upset_and_talk(client, make_member(team=Team.get_or_none(Team.name == "车工一班")
                                           or make_team(name="车工一班")))
    assert AlertDelivery.select().count() == 8
    now = utcnow()
    barrier = threading.Barrier(3)

    def run():
        barrier.wait()
        with app.app_context():
            deliver_due(channels.Transport.from_config(app.config), now)
        db.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(robot.received) == 8
    assert AlertDelivery.select().where(AlertDelivery.status == "sent").count() == 8


def test_a_claimed_delivery_cannot_be_claimed_again_until_its_claim_expires(app, client):
    wecom()
    upset_and_talk(client, chegong_member())
    delivery, now = AlertDelivery.get(), utcnow()
    assert claim(delivery.id, now) is not None
    assert claim(delivery.id, now) is None
    # A deliverer that died mid-send: the row comes back after the claim's time.
    assert claim(delivery.id, now + timedelta(minutes=10)) is not None


def test_the_command_line_delivers_what_is_due(app, client, robot, runner):
    wecom()
    upset_and_talk(client, chegong_member())
    result = runner.invoke(args=["alerts", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, to retry 0, given up 0." in result.output
    assert robot.texts == [TALK_MESSAGE]
    assert "Sent 0" in runner.invoke(args=["alerts", "deliver"]).output    # nothing twice


def test_the_command_line_says_what_failed(tmp_path):
    app = alerts_app(tmp_path)
    wecom()
    upset_and_talk(app.test_client(), chegong_member())
    result = app.test_cli_runner().invoke(args=["alerts", "deliver"])
    assert result.exit_code == 0 and "to retry 1" in result.output
    assert "工会干部群: unreachable" in result.output


def test_more_alerts_than_one_batch_all_go_out_in_one_run(app, robot):
    from kiosk.alerts import raise_alert
    from kiosk.alerts.outbox import deliver_due
    wecom(triggers="morning_sheet")
    for n in range(7):
        raise_alert("morning_sheet", f"morning_sheet:test-{n}", day=f"D{n}")
    with app.app_context():
        result = deliver_due(channels.Transport.from_config(app.config), utcnow(), limit=3)
    assert result.sent == 7 and len(robot.received) == 7


def test_old_alerts_leave_with_their_log_but_not_while_they_wait(app):
    from kiosk.alerts import raise_alert
    from kiosk.alerts.outbox import purge_before
    wecom(triggers="morning_sheet")
    old = utcnow() - timedelta(days=100)
    raise_alert("morning_sheet", "morning_sheet:sent", now=old, day="A")
    raise_alert("morning_sheet", "morning_sheet:waiting", now=old, day="B")
    AlertDelivery.update(status="sent").where(AlertDelivery.alert == Alert.get(
        Alert.dedupe_key == "morning_sheet:sent").id).execute()
    assert purge_before(utcnow() - timedelta(days=90)) == 1
    assert [a.dedupe_key for a in Alert.select()] == ["morning_sheet:waiting"]
    assert AlertDelivery.select().count() == 1

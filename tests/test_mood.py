"""A worker checks in on the weather board; the boards count each worker once a day."""
import threading
from datetime import date, datetime, timedelta

import pytest

from kiosk.db import db
from kiosk.models import AuditLog, utcnow
from kiosk.mood import settings as mood_settings
from kiosk.mood.board_data import board
from kiosk.mood.days import shift_day
from kiosk.mood.models import MoodCheckin, MoodCurrent, MoodDailyCount, MoodFollowUp
from kiosk.mood.records import CheckinRefused, record_checkin
from kiosk.mood.retention import purge, run_daily_if_due
from kiosk.roster.models import Member

from .factories import MOOD_TZ, PIN, make_checkin, make_member, make_pin, make_team

# Every test runs on its own fresh database.
pytestmark = pytest.mark.usefixtures("app")


def identify(client, member, method="photo"):
    """Identify at the kiosk through the real component."""
    if method == "photo":
        response = client.post("/identify/member", data={"member_id": str(member.id)})
    else:
        response = client.post("/identify/code", data={"code": member.staff_no, "method": method})
    assert response.status_code == 303


def checkin(client, mood, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/mood/checkin", data={"mood": mood}, headers=headers)


def today():
    return shift_day(utcnow(), MOOD_TZ, mood_settings.load().day_start_hour)


# --- The check-in -------------------------------------------------------------

def test_the_tile_sends_an_unidentified_worker_through_identification(client):
    response = client.get("/mood/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/identify/?next=/mood/choose")


def test_the_home_screen_has_the_weather_board_tiles(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/mood/"' in page and 'href="/mood/board"' in page
    assert "晴雨表" in page


def test_a_check_in_answers_with_the_photo_in_its_zone(client, app):
    member = make_member(name="王芳", photo=True, app=app)
    identify(client, member)
    response = checkin(client, "happy")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="mood-panel"')      # the fragment only
    chosen = html.split('is-chosen" data-zone="')[1]
    assert chosen.startswith("happy") and "王芳" in chosen.split("</div>\n      \n")[0]
    assert f"/roster/photos/{member.id}.jpg" in html
    assert MoodCurrent.get(MoodCurrent.member == member).mood == "happy"


def test_a_plain_form_post_gets_the_confirmation_page(client):
    member = make_member(name="李强")
    identify(client, member, "keypad")
    response = checkin(client, "ok", htmx=False)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<html" in page and "还可以" in page and "李强" in page


def test_checking_in_again_replaces_todays_mood_and_keeps_the_history(client, app):
    app.config["MOOD_CHECKIN_MIN_SECONDS"] = 0   # no few seconds' guard between the two
    member = make_member()
    identify(client, member)
    checkin(client, "happy")
    checkin(client, "upset")
    assert [c.mood for c in MoodCheckin.select().order_by(MoodCheckin.at)] == ["happy", "upset"]
    assert MoodCurrent.select().count() == 1
    assert MoodCurrent.get().mood == "upset"


def test_repeat_taps_change_nothing_but_todays_mood():
    team = make_team()
    member, other = make_member(team=team), make_member(team=team)
    now = utcnow()
    for i in range(20):
        record_checkin(member.id, "happy", tz=MOOD_TZ, day_start_hour=4,
                       now=now + timedelta(seconds=i))
    record_checkin(other.id, "ok", tz=MOOD_TZ, day_start_hour=4, now=now)
    assert MoodCheckin.select().where(MoodCheckin.member == member).count() == 1
    result = board([team], shift_day(now, MOOD_TZ, 4))
    assert result.zones["happy"].count == 1 and result.zones["ok"].count == 1
    # Twenty changes of mind still count the member once.
    for i in range(20):
        record_checkin(member.id, ("ok", "upset")[i % 2], tz=MOOD_TZ, day_start_hour=4,
                       now=now + timedelta(minutes=1, seconds=i))
    result = board([team], shift_day(now, MOOD_TZ, 4))
    assert result.checked_in == 2
    assert result.zones["upset"].count == 1 and result.zones["ok"].count == 1


def test_a_night_shift_check_in_counts_for_the_day_the_shift_began():
    member = make_member()
    # 02:00 local on 12 March 2026 = 18:00 UTC on 11 March.
    record, _ = record_checkin(member.id, "ok", tz=MOOD_TZ, day_start_hour=4,
                               now=datetime(2026, 3, 11, 18, 0))
    assert record.shift_day == date(2026, 3, 11)


def test_a_deactivated_member_cannot_check_in(client):
    member = make_member()
    identify(client, member)
    Member.update(active=False).where(Member.id == member.id).execute()
    response = checkin(client, "happy")
    assert response.headers["HX-Redirect"].startswith("/identify/")
    assert MoodCheckin.select().count() == 0
    with pytest.raises(CheckinRefused):
        record_checkin(member.id, "happy", tz=MOOD_TZ, day_start_hour=4)


def test_an_unknown_badge_gets_a_clear_message(client):
    response = client.post("/identify/code", data={"code": "NOPE42", "method": "badge",
                                                    "next": "/mood/choose"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "这张工卡还没有登记" in response.get_data(as_text=True)


def test_an_unknown_mood_is_refused_kindly(client):
    identify(client, make_member())
    response = checkin(client, "ecstatic")
    assert response.status_code == 422
    assert "请点选三个天气按钮中的一个" in response.get_data(as_text=True)
    assert MoodCheckin.select().count() == 0


def test_check_in_without_identification_goes_to_identify(client):
    response = checkin(client, "happy")
    assert response.headers["HX-Redirect"].startswith("/identify/?next=/mood/choose")


def test_an_upset_worker_may_ask_to_talk_to_the_union(client):
    member = make_member()
    identify(client, member)
    checkin(client, "upset")
    record = MoodCheckin.get()
    html = client.post("/mood/talk", data={"checkin_id": str(record.id)},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "工会主席会尽快来找您聊聊" in html
    assert MoodCheckin.get_by_id(record.id).wants_talk


def test_nobody_can_ask_to_talk_on_someone_elses_check_in(client):
    other = make_member()
    record = make_checkin(other, "upset")
    identify(client, make_member())
    response = client.post("/mood/talk", data={"checkin_id": str(record.id)})
    assert response.status_code == 404
    assert not MoodCheckin.get_by_id(record.id).wants_talk


def test_concurrent_check_ins_from_several_terminals_lose_nothing(app):
    app.config["MOOD_CHECKIN_MIN_SECONDS"] = 0   # each member's second check-in counts here
    team = make_team()
    members = [make_member(team=team) for _ in range(12)]
    errors = []

    def terminal(chunk):
        try:
            with app.app_context():
                db.connect(reuse_if_open=True)
                client = app.test_client()
                for member in chunk:
                    identify(client, member)
                    assert checkin(client, "upset").status_code == 200
                    # … and the same member again from this terminal.
                    assert checkin(client, "happy").status_code == 200
                db.close()
        except Exception as error:   # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=terminal, args=(members[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert MoodCheckin.select().count() == 24
    result = board([team], today())
    assert result.zones["happy"].count == 12 and result.checked_in == 12


def test_the_same_member_on_two_terminals_at_once_has_one_current_mood(app):
    member = make_member()
    barrier = threading.Barrier(2)
    errors = []

    def tap(mood):
        try:
            with app.app_context():
                db.connect(reuse_if_open=True)
                barrier.wait()
                record_checkin(member.id, mood, tz=MOOD_TZ, day_start_hour=4)
                db.close()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=tap, args=(mood,)) for mood in ("happy", "upset")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert MoodCheckin.select().count() == 2
    current = MoodCurrent.get()
    assert current.checkin.mood == current.mood


def test_a_claimed_check_in_asks_for_proof_when_the_station_wants_it(client):
    settings = mood_settings.load()
    settings.confirm_photo_checkin = True
    mood_settings.save(settings)
    member = make_member(name="赵敏", staff_no="4711")
    make_pin(member)
    identify(client, member, "photo")
    response = client.get("/mood/choose")
    assert response.status_code == 303 and response.headers["Location"].startswith(
        "/identify/prove?next=/mood/choose")
    # The staff number, which anyone may read off a list, is no longer the confirmation.
    assert "4711" not in client.get(response.headers["Location"]).get_data(as_text=True)
    assert checkin(client, "happy").headers["HX-Redirect"].startswith("/identify/prove")
    identify(client, member, "keypad")
    assert checkin(client, "happy").headers["HX-Redirect"].startswith("/identify/prove")
    wrong = client.post("/identify/prove", data={"pin": "1357", "next": "/mood/choose"})
    assert wrong.status_code == 422 and "个人密码不对" in wrong.get_data(as_text=True)
    assert client.post("/identify/prove", data={"pin": PIN}).status_code == 303
    assert checkin(client, "happy").status_code == 200
    assert MoodCheckin.get().method == "pin"


def test_a_badge_is_proof_enough_for_a_check_in(client):
    settings = mood_settings.load()
    settings.confirm_photo_checkin = True
    mood_settings.save(settings)
    member = make_member(badge_code="B4711")
    identify(client, member, "photo")
    # The badge form on the proof screen: the reader's code, whatever the form claims.
    client.post("/identify/code", data={"code": "B4711", "method": "keypad"})
    assert checkin(client, "ok").status_code == 200
    assert MoodCheckin.get().method == "badge"


def test_without_the_setting_a_claim_is_enough_to_check_in(client):
    identify(client, make_member(), "photo")
    assert checkin(client, "ok").status_code == 200


# --- The boards ------------------------------------------------------------------

def test_the_board_shows_each_photo_in_its_zone_and_who_has_not_checked_in(client):
    team = make_team(name="装配一班")
    happy, upset = make_member(name="张三", team=team), make_member(name="李四", team=team)
    make_member(name="王五", team=team)
    make_checkin(happy, "happy")
    make_checkin(upset, "upset")
    html = client.get(f"/mood/board/team/{team.id}").get_data(as_text=True)
    zones = {z.split('"')[0]: z for z in html.split('data-zone="')[1:]}
    assert "张三" in zones["happy"] and "李四" in zones["upset"] and "王五" in zones["none"]
    assert "今天已有 2 / 3 人打卡" in html


def test_a_member_without_consent_is_counted_but_never_shown(client):
    team = make_team()
    private = make_member(name="隐私哥", team=team, photo_consent=False)
    make_checkin(private, "upset")
    html = client.get(f"/mood/board/team/{team.id}").get_data(as_text=True)
    assert "隐私哥" not in html and str(private.id) not in html
    upset = html.split('data-zone="upset"')[1].split("</section>")[0]
    assert '<span class="mood-count" data-count>1</span>' in upset
    assert "另有 1 人（未公开照片）" in upset


def test_the_board_index_counts_every_team(client):
    team = make_team(name="铣工班")
    make_checkin(make_member(team=team), "ok")
    make_member(team=team)
    html = client.get("/mood/board").get_data(as_text=True)
    assert "铣工班" in html and "还没打卡 1" in html


def test_the_workshop_board_gathers_its_teams(client):
    first = make_team(name="一班")
    second = make_team(name="二班", workshop=first.workshop)
    make_checkin(make_member(name="甲", team=first), "happy")
    make_checkin(make_member(name="乙", team=second), "happy")
    html = client.get(f"/mood/board/workshop/{first.workshop.id}").get_data(as_text=True)
    happy = html.split('data-zone="happy"')[1].split("</section>")[0]
    assert "甲" in happy and "乙" in happy


def test_the_wall_answers_204_while_nothing_changes(client, app):
    app.config["MOOD_BOARD_MAX_AGE_SECONDS"] = 3600
    team = make_team()
    member = make_member(team=team)
    page = client.get(f"/mood/wall/team/{team.id}").get_data(as_text=True)
    assert "data-no-idle" in page and "every 5s" in page
    digest = page.split('data-digest="')[1].split('"')[0]
    url = f"/mood/wall/team/{team.id}?since={digest}"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204
    make_checkin(member, "happy")
    changed = client.get(url, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert changed.get_data(as_text=True).lstrip().startswith('<div id="mood-zones"')
    assert changed.vary.find("HX-Request") >= 0 or "HX-Request" in changed.headers.get("Vary", "")


def test_a_roster_change_reaches_a_board_shown_before(admin, app):
    team = make_team()
    member = make_member(name="调走者", team=team)
    make_checkin(member, "ok")
    url = f"/mood/board/team/{team.id}"
    assert "调走者" in admin.get(url).get_data(as_text=True)        # now in the cache
    admin.post(f"/admin/roster/members/{member.id}/active", data={"active": "0"})
    assert "调走者" not in admin.get(url).get_data(as_text=True)
    assert "今天已有 0 / 0 人打卡" in admin.get(url).get_data(as_text=True)


def test_a_board_speaks_the_visitors_language(client):
    team = make_team()
    make_checkin(make_member(team=team), "happy")
    url = f"/mood/board/team/{team.id}"
    assert "很快乐" in client.get(url).get_data(as_text=True)
    client.get("/lang/en")
    html = client.get(url).get_data(as_text=True)
    assert "Very happy" in html and "很快乐" not in html


def test_an_unknown_or_hidden_team_has_no_board(client):
    team = make_team(active=False)
    assert client.get(f"/mood/board/team/{team.id}").status_code == 404


# --- Retention ------------------------------------------------------------------

def test_the_purge_keeps_the_right_daily_counts_and_deletes_the_rest():
    team, other_team = make_team(), make_team()
    a, b, c = (make_member(team=team) for _ in range(3))
    d = make_member(team=other_team)
    old = today() - timedelta(days=100)
    make_checkin(a, "happy", day=old)
    make_checkin(a, "upset", day=old, hour=9)          # changed: counts once, as upset
    make_checkin(b, "upset", day=old)
    make_checkin(c, "ok", day=old)
    make_checkin(d, "happy", day=old)
    recent = today() - timedelta(days=3)
    make_checkin(a, "ok", day=recent)
    MoodFollowUp.create(member=a, shift_day=old, kind="talk", by_admin="chair")

    result = purge(mood_settings.load(), today())

    counts = {(r.day, r.team_id, r.mood): r.count for r in MoodDailyCount.select()}
    assert counts[(old, team.id, "upset")] == 2
    assert counts[(old, team.id, "ok")] == 1
    assert (old, team.id, "happy") not in counts
    assert counts[(old, other_team.id, "happy")] == 1
    assert counts[(recent, team.id, "ok")] == 1           # closed days are counted too
    assert result.checkins == 5 and result.follow_ups == 1
    assert MoodCheckin.select().where(MoodCheckin.shift_day == old).count() == 0
    assert MoodCurrent.select().where(MoodCurrent.shift_day == old).count() == 0
    assert MoodCheckin.select().where(MoodCheckin.shift_day == recent).count() == 1
    # Running it again changes nothing.
    purge(mood_settings.load(), today())
    assert {(r.day, r.team_id, r.mood): r.count for r in MoodDailyCount.select()} == counts


def test_the_daily_purge_runs_by_itself_once_a_day():
    member = make_member()
    make_checkin(member, "ok", day=today() - timedelta(days=120))
    assert run_daily_if_due(MOOD_TZ) is not None
    assert MoodCheckin.select().count() == 0
    make_checkin(member, "ok", day=today() - timedelta(days=120))
    assert run_daily_if_due(MOOD_TZ) is None        # already ran today
    assert MoodCheckin.select().count() == 1


def test_the_first_check_in_of_the_day_triggers_the_purge(client):
    member = make_member()
    make_checkin(member, "ok", day=today() - timedelta(days=120))
    identify(client, member)
    checkin(client, "happy")
    assert MoodCheckin.select().where(MoodCheckin.shift_day < today()).count() == 0


def test_the_purge_command_is_there_for_cron(runner):
    member = make_member()
    make_checkin(member, "upset", day=today() - timedelta(days=91))
    result = runner.invoke(args=["mood", "purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 check-in(s)" in result.output
    assert MoodDailyCount.get().count == 1
    assert AuditLog.select().where(AuditLog.action == "mood purge").exists()


def test_confirming_with_an_unknown_badge_says_so(client):
    settings = mood_settings.load()
    settings.confirm_photo_checkin = True
    mood_settings.save(settings)
    identify(client, make_member(), "photo")
    response = client.post("/identify/code", data={"code": "NOPE42", "method": "badge"})
    assert response.status_code == 422
    assert "这张工卡还没有登记" in response.get_data(as_text=True)

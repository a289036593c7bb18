"""The check-in's write (plain SQL on every tap) leaves the rows the ORM would have:
a full synced record, today's mood pointing at it, and a confirmation that names the
worker's workshop and team."""
import pytest

from kiosk.models import this_station_id
from kiosk.mood.models import MoodCheckin, MoodCurrent
from kiosk.mood.records import record_checkin

from .conftest import make_app
from .factories import MOOD_TZ, make_member, make_team, make_workshop

pytestmark = pytest.mark.usefixtures("app")


def test_a_check_in_is_a_full_synced_record_and_todays_mood_points_at_it():
    team = make_team()
    member = make_member(team=team)
    first, changed = record_checkin(member.id, "happy", tz=MOOD_TZ, day_start_hour=4,
                                    method="photo")
    assert changed and first.team.id == team.id
    stored = MoodCheckin.get_by_id(first.id)
    assert (stored.member_id, stored.team_id, stored.mood, stored.method) == (
        member.id, team.id, "happy", "photo")
    assert stored.station_id == this_station_id()
    assert stored.created_at == stored.updated_at == stored.at and not stored.wants_talk
    second, changed = record_checkin(member.id, "upset", tz=MOOD_TZ, day_start_hour=4)
    current = MoodCurrent.get(MoodCurrent.member == member.id)
    assert changed and (current.checkin_id, current.mood, current.team_id) == (
        second.id, "upset", team.id)
    again, changed = record_checkin(member.id, "upset", tz=MOOD_TZ, day_start_hour=4)
    assert not changed and again.id == second.id
    assert MoodCheckin.select().count() == 2


def test_the_confirmation_names_the_workshop_and_team_and_links_the_teams_board(tmp_path):
    app = make_app(tmp_path, KIOSK_IDENTIFIED_SECONDS=3600)
    team = make_team(name="钳工二班", workshop=make_workshop(name="装配车间"))
    member = make_member(team=team)
    worker = app.test_client()
    worker.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    done = worker.post("/mood/checkin", data={"mood": "ok"}, headers={"HX-Request": "true"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "装配车间 · 钳工二班" in html
    board = f"/mood/board/team/{team.id}"
    assert board in html or board in worker.get("/mood/choose").get_data(as_text=True)
    assert worker.get(board).status_code == 200

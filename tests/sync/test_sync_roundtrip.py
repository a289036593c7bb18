"""A station and a real central process: what goes up, what comes down, exactly once."""
import pytest

from kiosk.models import Setting
from kiosk.mood.models import MoodGroupCount
from kiosk.notices.models import Announcement
from kiosk.sync import kinds, outbox, runner
from kiosk.sync.models import CentralRecord, SyncRun

from ..factories import make_member, make_team, make_workshop
from .helpers import acked_count, central_count, central_view, make_mood_counts, station_app, sync


def test_a_night_of_records_arrives_once_and_is_marked_sent(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        workshop = make_workshop("机加工车间")
        team = make_team("车工一班", workshop=workshop)
        for _ in range(3):
            make_member(team=team)
        make_mood_counts(1200)
        run = sync()
        assert run.ok, run.error
        assert run.pushed == 1202 and run.conflicts == 0 and run.backlog == 0
        assert acked_count() == 1202
        assert central_count(central, "mood_group") == 1200
        assert central_count(central, "team") == 1
        with central_view(central):
            team_row = CentralRecord.get(CentralRecord.kind == "team")
            assert '"members":3' in team_row.data and '"name"' in team_row.data
            # A run reported by the station is listed at central.
            assert SyncRun.select().where(SyncRun.station.is_null(False)).count() == 1

        # A second run sends nothing; a changed row goes again, as an update, not a copy.
        again = sync()
        assert again.ok and again.pushed == 0
        row = MoodGroupCount.select().first()
        row.count = 99
        row.save()
        make_member(team=team)  # the team's head count changes: the team goes again
        third = sync()
        assert third.ok and third.pushed == 2
        assert central_count(central, "mood_group") == 1200
        with central_view(central):
            stored = CentralRecord.get_by_id(row.id)
            assert '"count":99' in stored.data


def test_announcements_and_the_station_profile_come_down(tmp_path, central, station_secret):
    with central_view(central):
        for i in range(30):
            Announcement.create(title=f"通知{i}", body="夏送清凉")
    with station_app(tmp_path, central, station_secret):
        run = runner.run_sync("test", batch_size=7)
        assert run.ok, run.error
        assert run.pulled == 31  # 30 announcements + this station's profile
        assert Announcement.select().count() == 30
        assert Setting.get_value("central.enterprise") == "测试企业"
        cursor = int(Setting.get_value(runner.CURSOR))
        # Nothing new: nothing pulled, the cursor stays.
        assert sync().pulled == 0
        assert int(Setting.get_value(runner.CURSOR)) == cursor
    # Central edits one and deletes another: both changes come down.
    with central_view(central):
        first = Announcement.select().order_by(Announcement.title).first()
        first.title = "新标题"
        first.save()
        Announcement.select().order_by(Announcement.title.desc()).first().delete_instance()
    with station_app(tmp_path, central, station_secret):
        run = sync()
        assert run.ok and run.pulled == 2
        assert Announcement.select().count() == 29
        assert Announcement.get_by_id(first.id).title == "新标题"


def test_a_wrong_secret_is_a_clear_error_and_nothing_is_marked(tmp_path, central, station_secret):
    with station_app(tmp_path, central, (station_secret[0], "not the secret")):
        make_mood_counts(10)
        run = sync()
        assert not run.ok and run.error_code == "bad_signature"
        assert acked_count() == 0
        assert outbox.count_pending(kinds.station_kinds()) == 10
    assert central_count(central) == 0


def test_configure_checks_the_secret_with_central(tmp_path, central, station_secret):
    from kiosk.sync.protocol import SyncError
    with station_app(tmp_path, None, station_secret):
        with pytest.raises(SyncError) as error:
            runner.configure(central.url, station_secret[0], "wrong", "test")
        assert error.value.code == "bad_signature"
        assert runner.configuration() is None
        answer = runner.configure(central.url, station_secret[0], station_secret[1], "test")
        assert answer["station"]["enterprise"] == "测试企业"
        assert runner.configuration() == (central.url, station_secret[0], station_secret[1])

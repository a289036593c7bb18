"""Every sync run is recorded, also one that fails before it starts or is cut off (issue 16)."""
import pytest

from kiosk.db import db
from kiosk.models import Setting
from kiosk.sync import runner
from kiosk.sync.models import SyncRun


@pytest.fixture
def station(app):
    with app.app_context(), db.connection_context():
        yield app


def configure(url="http://127.0.0.1:9"):
    Setting.set_value("sync.url", url)
    Setting.set_value("sync.station_id", "3b0f6a3e-4c1e-4d55-9d3e-1a1a1a1a1a1a")
    Setting.set_value("sync.secret", "s" * 40)


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["sync", *args])


def test_a_run_without_connection_settings_is_recorded(station):
    result = cli(station)
    assert result.exit_code == 1 and "not_configured" in result.output
    assert [r.error_code for r in SyncRun.select()] == ["not_configured"]


def test_a_run_with_central_unreachable_is_recorded_in_one_line(station):
    configure()
    result = cli(station)
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "unreachable" in result.output
    assert [r.error_code for r in SyncRun.select()] == ["unreachable"]


def test_a_bug_before_the_run_starts_is_one_line_recorded_and_non_zero(station, monkeypatch):
    configure()

    def broken():
        raise ValueError("a broken setting\nsecond line")
    monkeypatch.setattr(runner, "configuration", broken)
    result = cli(station)
    assert result.exit_code == 1
    assert result.output.strip() == "Sync failed: ValueError: a broken setting"
    assert "Traceback" not in result.output
    run = SyncRun.get()
    assert run.ok is False and run.error_code == "internal" and run.finished_at is not None


def test_a_run_cut_by_a_power_cut_shows_as_interrupted_on_the_next_start(station):
    SyncRun.create(trigger="nightly")          # started, never finished: the power went
    result = cli(station, "status")
    assert "running" not in result.output and "interrupted" in result.output
    run = SyncRun.get()
    assert run.ok is False and run.error_code == "interrupted"


def test_a_run_going_on_is_not_called_interrupted(station):
    running = SyncRun.create(trigger="admin")
    with runner.run_lock(station.instance_path):
        runner.close_interrupted_if_idle(station.instance_path)
    assert SyncRun.get_by_id(running.id).ok is None


def test_the_admin_page_shows_an_interrupted_run(station, admin):
    SyncRun.create(trigger="nightly")
    html = admin.get("/admin/sync/").get_data(as_text=True)
    assert "这次同步在完成前被中断" in html and "进行中" not in html

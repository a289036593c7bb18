"""The station's side as an administrator uses it: admin page, CLI, the nightly script."""
import fcntl
import os
import subprocess
import time

import pytest

from kiosk.sync import runner
from kiosk.sync.models import SyncRun

from ..conftest import ADMIN_PASSWORD
from ..factories import make_admin
from .conftest import ROOT
from .helpers import central_count, make_mood_counts, station_app

sqlite_only = pytest.mark.parametrize("central_db", ["sqlite"], indirect=True)


def _login(app):
    make_admin(password=ADMIN_PASSWORD)
    client = app.test_client()
    assert client.post("/admin/login", data={"username": "chair",
                                             "password": ADMIN_PASSWORD}).status_code == 302
    client.get("/lang/en")
    return client


@sqlite_only
def test_connecting_with_a_wrong_secret_says_so_and_keeps_the_form(tmp_path, central,
                                                                   station_secret):
    with station_app(tmp_path, None, station_secret) as app:
        admin = _login(app)
        page = admin.get("/admin/sync/").get_data(as_text=True)
        assert "connect-form" in page and "Sync now" not in page
        response = admin.post("/admin/sync/connect", headers={"HX-Request": "true"}, data={
            "url": central.url, "station_id": station_secret[0], "secret": "wrong"})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Central refused the secret" in html and central.url in html
        assert runner.configuration() is None
        response = admin.post("/admin/sync/connect", data={
            "url": central.url, "station_id": station_secret[0], "secret": station_secret[1]})
        assert response.status_code == 303
        page = admin.get("/admin/sync/").get_data(as_text=True)
        assert "Sync now" in page and "测试企业" in page


@sqlite_only
def test_sync_now_runs_in_the_background_and_is_listed(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret) as app:
        admin = _login(app)
        make_mood_counts(700)
        assert admin.post("/admin/sync/run").status_code == 303
        deadline = time.monotonic() + 60
        while app.extensions["sync_progress"]["running"] and time.monotonic() < deadline:
            time.sleep(0.1)
        fragment = admin.get("/admin/sync/status", headers={"HX-Request": "true"})
        html = fragment.get_data(as_text=True)
        assert html.lstrip().startswith('<section class="card sync-run" id="run-panel"')
        assert "every 1s" not in html  # no longer polling
        assert "Sent mood counts: 700" in html and ">700<" in html
        assert central_count(central, "mood_group") == 700


@sqlite_only
def test_the_cli_shows_progress_and_fails_with_a_non_zero_exit(tmp_path, central,
                                                               station_secret):
    with station_app(tmp_path, central, station_secret) as app:
        make_mood_counts(1200)
        cli = app.test_cli_runner()
        result = cli.invoke(args=["sync"])
        assert result.exit_code == 0, result.output
        assert "up   mood_group: 500 sent" in result.output
        assert "Sync done" in result.output and "1200 up" in result.output
        status = cli.invoke(args=["sync", "status"])
        assert "Waiting to go up: 0" in status.output
        bad = cli.invoke(args=["sync", "configure", "--url", central.url, "--station-id",
                               station_secret[0], "--secret", "wrong"])
        assert bad.exit_code == 1 and "bad_signature" in bad.output
        runner.configure(central.url, station_secret[0], "wrong", "t", verify=False)
        failed = cli.invoke(args=["sync"])
        assert failed.exit_code == 1 and "bad_signature" in failed.output


@sqlite_only
def test_the_nightly_script_retries_locks_and_reports_by_exit_code(tmp_path, central,
                                                                   station_secret):
    instance = tmp_path / "station"
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(30)
    env = dict(os.environ, KIOSK_INSTANCE_PATH=str(instance), SYNC_JITTER="0",
               SYNC_RETRIES="2", SYNC_BACKOFF="0.1", SECRET_KEY="test")
    env.pop("DATABASE", None)
    script = os.path.join(ROOT, "scripts", "nightly-sync")
    done = subprocess.run([script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert central_count(central, "mood_group") == 30
    # A second run while the first still holds the lock leaves at once.
    with open(instance / "nightly-sync.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        locked = subprocess.run([script], env=env, capture_output=True, text=True, timeout=60)
    assert locked.returncode == 75
    # Central down: retried with backoff, then a non-zero exit for cron to mail.
    central.stop()
    down = subprocess.run([script], env=env, capture_output=True, text=True, timeout=120)
    assert down.returncode == 1
    assert "Retry 1/2" in down.stderr and "Retry 2/2" in down.stderr
    assert "unreachable" in down.stderr
    with station_app(tmp_path, None, station_secret):
        runs = list(SyncRun.select().order_by(SyncRun.id))
        assert [r.trigger for r in runs] == ["nightly"] * 4
        assert [r.ok for r in runs] == [True, False, False, False]


def test_the_sync_page_speaks_chinese_by_default(admin):
    page = admin.get("/admin/sync/").get_data(as_text=True)
    assert "与市总同步" in page and "验证并保存" in page and "还没有同步过" in page
    response = admin.post("/admin/sync/connect", data={"url": "not a url", "station_id": "",
                                                       "secret": "x"})
    assert response.status_code == 422
    assert "请输入地址" in response.get_data(as_text=True)


def test_the_kiosk_shows_current_notices_from_central(client, app):
    from datetime import date, timedelta

    from kiosk.notices.models import Announcement
    today = date.today()
    Announcement.create(title="夏送清凉", body="7月1日起到工会领取防暑用品")
    Announcement.create(title="已过期", ends_on=today - timedelta(days=3))
    Announcement.create(title="还没开始", starts_on=today + timedelta(days=3))
    Announcement.create(title="已撤下", active=False)
    home = client.get("/").get_data(as_text=True)
    assert "通知公告" in home
    page = client.get("/notices/").get_data(as_text=True)
    assert "夏送清凉" in page and "防暑用品" in page
    assert "已过期" not in page and "还没开始" not in page and "已撤下" not in page

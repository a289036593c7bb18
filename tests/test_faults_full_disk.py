"""A full disk degrades the station, it does not stop it (issue 16).

The disk is real: a 24 MB tmpfs filled to the last byte (tests/fulldisk.py).
"""
import os

import pytest

from kiosk import create_app
from kiosk.db import db, migrate
from kiosk.models import AdminUser, Setting
from kiosk.mood.models import MoodCheckin
from kiosk.service.models import ServiceRequest
from kiosk.sync.models import SyncRun

from .conftest import ADMIN_PASSWORD
from .factories import make_admin, make_benefit_link, make_member
from .fulldisk import small_disk  # noqa: F401 (a fixture)

HX = {"HX-Request": "true"}
READ_ONLY_PAGES = ["/", "/mood/board", "/benefits/", "/notices/", "/identify/", "/admin/login"]
COULD_NOT_SAVE = "暂时无法保存，请稍后再试或联系工会"


def station(disk, **config):
    """Start a station whose instance folder and database live on ``disk``."""
    os.environ["KIOSK_INSTANCE_PATH"] = os.path.join(disk.path, "instance")
    settings = {"TESTING": True, "WTF_CSRF_ENABLED": False,
                "DATABASE": os.path.join(disk.path, "kiosk.sqlite3"),
                # thresholds for a 24 MB disk (a terminal's are 32 MB and 512 MB)
                "DISK_FULL_BYTES": 1024 * 1024, "DISK_LOW_BYTES": 4 * 1024 * 1024}
    settings.update(config)
    return create_app(settings)


def shut_down():
    """Like a stopped server: every connection closed (SQLite removes -wal and -shm)."""
    if not db.is_closed():
        db.close()
    db.obj.close_all()


@pytest.fixture
def full_station(small_disk, monkeypatch):  # noqa: F811
    """A set-up station, stopped; the disk fills; the station starts again."""
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", "")
    app = station(small_disk)
    migrate()
    with app.app_context(), db.connection_context():
        member = make_member(name="王芳", staff_no="3001")
        make_admin(password=ADMIN_PASSWORD)
        make_benefit_link(title_zh="职工电影票")
        Setting.set_value("sync.url", "http://127.0.0.1:9")
        Setting.set_value("sync.station_id", "3b0f6a3e-4c1e-4d55-9d3e-1a1a1a1a1a1a")
        Setting.set_value("sync.secret", "s" * 40)
    shut_down()
    small_disk.fill()
    app = station(small_disk)
    migrate()  # scripts/run migrates first: with nothing pending it must not fail
    app.member = member
    app.disk = small_disk
    yield app
    shut_down()


def identify(client, member):
    response = client.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    assert response.status_code == 303


def test_a_station_started_on_a_full_disk_serves_its_read_only_pages(full_station):
    client = full_station.test_client()
    for path in READ_ONLY_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "职工电影票" in client.get("/benefits/").get_data(as_text=True)


def test_a_check_in_on_a_full_disk_says_it_was_not_saved_and_works_when_space_returns(
        full_station):
    client = full_station.test_client()
    identify(client, full_station.member)
    response = client.post("/mood/checkin", data={"mood": "happy"}, headers=HX)
    assert response.status_code == 503
    assert COULD_NOT_SAVE in response.get_data(as_text=True)
    full_station.disk.free()                       # no restart
    response = client.post("/mood/checkin", data={"mood": "happy"}, headers=HX)
    assert response.status_code == 200
    with full_station.app_context(), db.connection_context():
        assert MoodCheckin.select().count() == 1


def test_a_request_submitted_on_a_full_disk_lands_on_the_friendly_page(full_station):
    client = full_station.test_client()
    assert client.post("/service/new/hardship", data={"topic": "0"}).status_code == 303
    assert client.post("/service/describe", data={"description": "宿舍热水器坏了"}).status_code == 303
    assert client.post("/service/contact", data={"phone": "", "mode": "anonymous"}).status_code == 303
    response = client.post("/service/submit")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert COULD_NOT_SAVE in html and 'href="/reset"' in html and "首页" in html
    full_station.disk.free()
    assert client.post("/service/submit").status_code == 303     # the draft was kept
    with full_station.app_context(), db.connection_context():
        assert ServiceRequest.select().count() == 1


def test_the_chair_logs_in_on_a_full_disk_and_sees_the_red_banner(full_station):
    client = full_station.test_client()
    response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    assert 'class="disk-banner"' in html and "磁盘已满" in html and "剩余 0 MB" in html
    full_station.disk.free()
    html = client.get("/admin/").get_data(as_text=True)
    assert "磁盘已满" not in html
    with full_station.app_context(), db.connection_context():
        client.post("/admin/logout")
        client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
        assert AdminUser.get(AdminUser.username == "chair").last_login_at is not None


def test_sync_on_a_full_disk_fails_in_one_line_and_is_recorded_when_space_returns(full_station):
    with full_station.app_context():
        result = full_station.test_cli_runner().invoke(args=["sync"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == ["Sync failed (disk_full): the station's disk is full: free some space, "
                     "then sync again (nothing was sent or received)"], result.output
    assert "Traceback" not in result.output
    full_station.disk.free()
    with full_station.app_context():
        result = full_station.test_cli_runner().invoke(args=["sync"])
    assert result.exit_code == 1 and "Traceback" not in result.output   # central is down
    with full_station.app_context(), db.connection_context():
        codes = [r.error_code for r in SyncRun.select().order_by(SyncRun.id)]
    assert codes == ["disk_full", "unreachable"]


def test_sync_now_on_a_full_disk_answers_the_chair(full_station):
    client = full_station.test_client()
    client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
    response = client.post("/admin/sync/run")
    assert response.status_code in (302, 303)
    import time
    for _ in range(100):
        if not full_station.extensions["sync_progress"]["running"]:
            break
        time.sleep(0.05)
    html = client.get("/admin/sync/").get_data(as_text=True)
    assert "驿站磁盘已满" in html


def test_a_disk_that_fills_while_the_station_runs_never_claims_a_save(small_disk,  # noqa: F811
                                                                      monkeypatch):
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", "")
    app = station(small_disk)
    migrate()
    client = app.test_client()
    with app.app_context(), db.connection_context():
        members = [make_member(staff_no=f"{4000 + n}") for n in range(40)]
        # An empty WAL, as after a checkpoint: otherwise the space the migrations' large
        # writes left in it takes forty check-ins without asking the disk for a block.
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert client.get("/").status_code == 200
    small_disk.fill()
    answers = []
    for member in members:
        c = app.test_client()
        identify(c, member)
        answers.append(c.post("/mood/checkin", data={"mood": "ok"}, headers=HX).status_code)
    assert set(answers) <= {200, 503} and 503 in answers
    with app.app_context(), db.connection_context():
        saved = MoodCheckin.select().count()
    assert saved == answers.count(200)            # every "saved" was saved, nothing else
    small_disk.free()
    c = app.test_client()
    identify(c, members[-1])
    assert c.post("/mood/checkin", data={"mood": "ok"}, headers=HX).status_code == 200
    shut_down()


def test_scripts_run_starts_on_a_full_disk_and_serves_the_board(small_disk,  # noqa: F811
                                                                   monkeypatch):
    """Before: flask migrate failed ("disk I/O error") and scripts/run exited 1 in a loop."""
    import signal
    import socket
    import subprocess
    import time
    import urllib.request
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", "")
    station(small_disk)
    migrate()
    shut_down()
    small_disk.fill()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PORT=str(port), KIOSK_DEMO="0",
               KIOSK_INSTANCE_PATH=os.path.join(small_disk.path, "instance"),
               DATABASE=os.path.join(small_disk.path, "kiosk.sqlite3"))
    proc = subprocess.Popen([os.path.join(root, "scripts", "run")], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        status = None
        for _ in range(240):
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/mood/board", timeout=5) as r:
                    status = r.status
                break
            except OSError:
                time.sleep(0.25)
        assert status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)

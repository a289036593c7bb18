"""Sync fixtures: a central in a real server process (killable), on SQLite and on PostgreSQL.

PostgreSQL is not optional: central's tests run against a real server at
PG_TEST_URL (default postgresql://postgres@127.0.0.1:5432/test). Each test gets
its own throwaway database, dropped afterwards. When no server answers, the
tests fail with a message that says how to get one (scripts/test starts it).
"""
import os
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from kiosk import create_app
from kiosk.db import db, migrate, open_database

from ..conftest import ADMIN_PASSWORD
from ..factories import make_admin

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
PG_TEST_URL = os.environ.get("PG_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _pg_url(dbname):
    parts = urlsplit(PG_TEST_URL)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _pg_admin():
    import psycopg2
    try:
        conn = psycopg2.connect(PG_TEST_URL, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL is needed for central's tests and does not answer at "
                    f"{PG_TEST_URL}: {exc}. Run the tests with scripts/test (it starts a "
                    f"local cluster), or apt-get install postgresql, or set PG_TEST_URL.",
                    pytrace=False)
    conn.autocommit = True
    return conn


class PgDatabase:
    """A uniquely named database, created now and dropped by ``drop()``."""

    def __init__(self):
        self.name = f"kiosk_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        conn = _pg_admin()
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.name}"')
        conn.close()
        self.url = _pg_url(self.name)

    def drop(self):
        conn = _pg_admin()
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        conn.close()


@pytest.fixture(params=BACKENDS)
def central_db(request, tmp_path):
    """Where central keeps its data: {"DATABASE": path} or {"DATABASE_URL": url}."""
    if request.param == "sqlite":
        yield {"DATABASE": str(tmp_path / "central.sqlite3")}
        return
    pg = PgDatabase()
    try:
        yield {"DATABASE_URL": pg.url}
    finally:
        pg.drop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CentralProcess:
    """``python -m tests.sync.central_server`` on a free loopback port."""

    def __init__(self, db_config, instance_path, stations):
        self.db_config = db_config
        self.instance_path = instance_path
        self.stations = stations  # {station_id: secret}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, fault=""):
        env = dict(os.environ, KIOSK_ROLE="central", KIOSK_INSTANCE_PATH=str(self.instance_path),
                   SECRET_KEY="test", SYNC_FAULT=fault,
                   TEST_STATIONS=",".join(f"{k}:{v}" for k, v in self.stations.items()))
        env.pop("DATABASE", None)
        env.pop("DATABASE_URL", None)
        env.update(self.db_config)
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.sync.central_server",
                                      str(self.port)], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("central did not start: "
                                   + self.proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("central did not listen within 30 s")

    def wait_dead(self, timeout=15):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self, fault=""):
        self.stop()
        return self.start(fault)

    def database(self):
        """A separate connection to central's database, to count what arrived."""
        return open_database(path=self.db_config.get("DATABASE"),
                             url=self.db_config.get("DATABASE_URL"))


@pytest.fixture
def station_secret():
    return str(uuid.uuid4()), "s3cret-" + uuid.uuid4().hex


@pytest.fixture
def central(central_db, tmp_path, station_secret):
    """A running central that knows one station (``station_secret``)."""
    station_id, secret = station_secret
    process = CentralProcess(central_db, tmp_path / "central-instance", {station_id: secret})
    process.start()
    yield process
    process.stop()


@pytest.fixture
def central_app(central_db, tmp_path):
    settings = {"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                "KIOSK_ROLE": "central", "DATABASE": str(tmp_path / "unused.sqlite3")}
    settings.update(central_db)
    app = create_app(settings)
    migrate()
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        db.close()


@pytest.fixture
def federation_admin(central_app):
    make_admin(password=ADMIN_PASSWORD)
    client = central_app.test_client()
    response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    client.get("/lang/en")
    return client

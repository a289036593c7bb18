"""Fixtures: app, client, runner, admin, and (in tests/browser) live_server + page."""
import os
import re
import tempfile

import pytest
from argon2 import PasswordHasher

import kiosk.passwords
from kiosk import create_app
from kiosk.db import db, migrate

from .factories import make_admin

ADMIN_PASSWORD = "correct horse battery"

# Test apps keep their instance files (secret key, demo password, uploads) out of
# the repository's instance/ folder, where a developer's own kiosk lives.
os.environ["KIOSK_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="kiosk-test-instance-")

# Real argon2id, but with test-sized costs: the production 64 MiB × 3 passes takes
# half a second per hash on a busy 2-core machine, and many tests log in.
kiosk.passwords.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_app(tmp_path, **config):
    """An app on a fresh SQLite file under tmp_path, built by the real migrations."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE": str(tmp_path / "kiosk.sqlite3"),
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(config)
    app = create_app(settings)
    migrate()
    return app


_CSRF_STAMP = re.compile(r'((?:name="csrf_token" value=|"X-CSRFToken": )"[^".]+)\.[^"]*"')


def unstamped(html):
    """A page without the second its CSRF tokens were signed in: every page carries the
    session's token signed anew each second, so two answers a second apart differ there
    and only there. The session's own secret (the token's first part) is kept."""
    return _CSRF_STAMP.sub(r'\1"', html)


def chair_client(app, language=None):
    """A test client of ``app`` logged in as the union chair (for tests that build their app)."""
    with app.app_context():
        make_admin(password=ADMIN_PASSWORD)
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    if language:
        client.get(f"/lang/{language}")
    return client


@pytest.fixture(autouse=True)
def _unbind_database():
    """After each test the models point nowhere: a test that forgot its ``app`` fails
    loudly instead of writing into the previous test's database."""
    yield
    if db.obj is not None and not db.is_closed():
        db.close()
    db.initialize(None)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    # No app context is held open: each request must get its own, as in production
    # (a shared one would carry g — the admin, the locale — from request to request).
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin(app):
    """A test client logged in as the union chair."""
    make_admin(password=ADMIN_PASSWORD)
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client

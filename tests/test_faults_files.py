"""The files the app writes for itself survive a power cut, and are ours alone (issues 16, 12)."""
import logging
import os
import stat

import pytest

from kiosk import create_app, demo_data, files
from kiosk.db import db, migrate

PAGES = ["/", "/mood/board", "/identify/", "/benefits/", "/admin/login"]


def start(instance, tmp_path, **config):
    """Start the app as scripts/run does: no SECRET_KEY given, the instance folder decides."""
    os.environ["KIOSK_INSTANCE_PATH"] = str(instance)
    settings = {"TESTING": True, "DATABASE": str(tmp_path / "kiosk.sqlite3"),
                "WTF_CSRF_ENABLED": False}
    settings.update(config)
    app = create_app(settings)
    migrate()
    return app


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(folder))
    yield folder
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.mark.parametrize("content", ["", "\n", "3f2a"])
def test_a_truncated_secret_key_is_replaced_and_every_page_answers(instance, tmp_path, caplog,
                                                                     content):
    start(instance, tmp_path)
    (instance / "secret_key").write_text(content)      # a power cut after the first start
    with caplog.at_level(logging.WARNING):
        app = start(instance, tmp_path)
    assert len(app.config["SECRET_KEY"]) >= 32
    assert "secret key" in caplog.text
    assert (instance / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    client = app.test_client()
    for path in PAGES:
        assert client.get(path).status_code == 200, path


def test_a_good_secret_key_is_kept(instance, tmp_path):
    first = start(instance, tmp_path).config["SECRET_KEY"]
    assert start(instance, tmp_path).config["SECRET_KEY"] == first


def test_a_truncated_demo_password_is_made_again_and_the_pages_answer(instance, tmp_path):
    app = start(instance, tmp_path)
    with app.app_context(), db.connection_context():
        demo_data._demo_admin(app)
    (instance / "demo_admin_password").write_text("")
    app = start(instance, tmp_path)
    assert demo_data.demo_password(app) is None
    with app.app_context(), db.connection_context():
        password = demo_data._demo_admin(app)
    assert password and demo_data.demo_password(app) == password
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "chair", "password": password})
    assert response.status_code == 302


def test_a_truncated_import_waiting_for_confirmation_answers_kindly(instance, tmp_path):
    from kiosk.admin.auth import hash_password
    from kiosk.models import AdminUser
    app = start(instance, tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context(), db.connection_context():
        AdminUser.create(username="chair", password_hash=hash_password("correct horse battery"))
    client = app.test_client()
    client.post("/admin/login", data={"username": "chair", "password": "correct horse battery"})
    csv = "工号,姓名,车间,班组\n2001,王芳,机加工车间,车工一班\n".encode()
    from io import BytesIO
    response = client.post("/admin/roster/import", data={
        "csv_file": (BytesIO(csv), "roster.csv"), "create_teams": "y"},
        content_type="multipart/form-data")
    assert response.status_code in (200, 303), response.status_code
    waiting = os.listdir(instance / "imports")
    assert waiting and not [n for n in waiting if n.endswith(".tmp")]
    for name in waiting:
        assert stat.S_IMODE(os.stat(instance / "imports" / name).st_mode) == 0o600
        (instance / "imports" / name).write_bytes(b"")        # a power cut mid-write
    page = client.get(response.headers.get("Location") or "/admin/roster/import")
    assert page.status_code < 500


def test_write_atomic_replaces_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "state"
    files.write_atomic(str(target), "old")
    files.write_atomic(str(target), "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["state"]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_the_app_makes_its_files_private(instance, tmp_path):
    app = start(instance, tmp_path, DATABASE=str(instance / "kiosk.sqlite3"))
    with app.app_context(), db.connection_context():
        demo_data._demo_admin(app)
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    for name in os.listdir(instance):
        mode = stat.S_IMODE(os.stat(instance / name).st_mode)
        assert mode & 0o077 == 0, f"{name} is {mode:o}"
    assert {"kiosk.sqlite3", "secret_key", "demo_admin_password"} <= set(os.listdir(instance))


def test_an_old_readable_instance_folder_is_tightened(instance, tmp_path):
    """Before: the database, the secret key and imports were world-readable (issue 12, 9)."""
    (instance / "imports").mkdir(parents=True)
    for name in ("secret_key", "kiosk.sqlite3", "imports/abc.csv"):
        (instance / name).write_text("x" * 64)
        os.chmod(instance / name, 0o644)
    os.chmod(instance / "imports", 0o755)
    os.chmod(instance, 0o755)
    start(instance, tmp_path)
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(instance / "imports").st_mode) == 0o700
    for name in ("secret_key", "kiosk.sqlite3", "imports/abc.csv"):
        assert stat.S_IMODE(os.stat(instance / name).st_mode) == 0o600, name


def test_the_app_refuses_a_world_writable_instance_folder(instance, tmp_path):
    instance.mkdir()
    os.chmod(instance, 0o777)
    with pytest.raises(files.UnsafeFolder, match="chmod 700"):
        create_app({"TESTING": True, "DATABASE": str(tmp_path / "k.sqlite3")})

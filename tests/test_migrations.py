"""The schema is built and upgraded by migrations, in place, without losing rows."""
import uuid

from kiosk import create_app
from kiosk.db import db, migrate, pending_migrations


def test_a_database_at_an_older_version_upgrades_without_losing_rows(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "old.sqlite3")})
    with app.app_context():
        migrate("0001_roster")
        assert "0002_admin" in pending_migrations()
        station, workshop, team, member = (uuid.uuid4().hex for _ in range(4))  # as peewee stores them
        now = "2026-01-01 08:00:00"
        with db.connection_context():
            db.execute_sql("INSERT INTO workshop VALUES (?, ?, ?, ?, '装配车间', 0, 1)",
                           (workshop, station, now, now))
            db.execute_sql("INSERT INTO team VALUES (?, ?, ?, ?, ?, '总装一班', 0, 1)",
                           (team, station, now, now, workshop))
            db.execute_sql("INSERT INTO member (id, station_id, created_at, updated_at, staff_no, name,"
                           " team_id, photo_consent, active) VALUES (?, ?, ?, ?, '1001', '王芳', ?, 1, 1)",
                           (member, station, now, now, team))
        applied = migrate()
        assert applied and "0002_admin" in applied and pending_migrations() == []
        from kiosk.models import AdminUser
        from kiosk.roster.models import Member
        with db.connection_context():
            kept = Member.get(Member.staff_no == "1001")
            assert kept.name == "王芳" and kept.team.workshop.name == "装配车间"
            assert AdminUser.select().count() == 0  # the new table exists and works


def test_migrating_twice_changes_nothing(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "k.sqlite3")})
    with app.app_context():
        assert migrate()
        assert migrate() == []


def test_sqlite_runs_with_the_pragmas_a_kiosk_needs(app):
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL: a confirmed check-in survives a power cut
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000

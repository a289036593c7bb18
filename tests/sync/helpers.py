"""Helpers for the sync tests: a station app wired to a central process, bulk rows, counts."""
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

from kiosk.db import db, write_transaction
from kiosk.models import Setting
from kiosk.mood.models import MoodGroupCount
from kiosk.notices.models import Announcement
from kiosk.sync import changelog, runner
from kiosk.sync.models import (
    CentralChange,
    CentralConflict,
    CentralRecord,
    Station,
    StationNonce,
    SyncRun,
    SyncState,
)

from ..conftest import make_app

# Setting too: a synced row's default station_id is read from the settings table.
CENTRAL_MODELS = [Announcement, CentralChange, CentralConflict, CentralRecord, Station,
                  StationNonce, SyncRun, Setting]


@contextmanager
def station_app(tmp_path, central, station_secret, name="station"):
    """A station on its own SQLite file, connected to ``central``; yields the app in context."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    app = make_app(folder, SYNC_BATCH_SIZE=500)
    with app.app_context():
        db.connect(reuse_if_open=True)
        if central is not None:
            runner.configure(central.url, station_secret[0], station_secret[1], "test",
                             verify=False)
        try:
            yield app
        finally:
            if not db.is_closed():
                db.close()


def make_mood_counts(n, day=date(2026, 1, 1)):
    """``n`` group counts (what a station pushes most of), inserted in bulk."""
    rows = []
    for i in range(n):
        rows.append({"id": uuid.uuid4(), "station_id": uuid.uuid4(),
                     "day": day + timedelta(days=i // 30), "workshop_id": uuid.uuid4(),
                     "workshop_name": f"车间{i % 7}", "team_id": None, "team_name": "",
                     "mood": ("happy", "ok", "upset")[i % 3], "count": i % 11 + 1,
                     "members": 12})
    with write_transaction():
        for i in range(0, len(rows), 500):
            MoodGroupCount.insert_many(rows[i:i + 500]).execute()
    return rows


def sync(**kwargs):
    return runner.run_sync("test", **kwargs)


@contextmanager
def central_view(central):
    """Bind the sync models to central's database for a look (the station is idle meanwhile).

    Rows a test writes here stand for what central's administrator writes through its
    screens, which log each change as they write it (tests/sync/test_change_log.py):
    leaving the view puts the test's rows into the change log the same way.
    """
    database = central.database()
    database.connect()
    try:
        with database.bind_ctx(CENTRAL_MODELS):
            yield
        previous = db.obj
        db.initialize(database)
        try:
            changelog.reconcile()
        finally:
            db.initialize(previous)
    finally:
        database.close()
        if hasattr(database, "close_all"):
            database.close_all()  # a pooled PostgreSQL: hang up, the test drops the database


def central_count(central, kind=None, orphan=None):
    with central_view(central):
        query = CentralRecord.select()
        if kind:
            query = query.where(CentralRecord.kind == kind)
        if orphan is not None:
            query = query.where(CentralRecord.orphan == orphan)
        return query.count()


def acked_count(kind=None):
    query = SyncState.select().where(~SyncState.conflict)
    if kind:
        query = query.where(SyncState.kind == kind)
    return query.count()


def wire_record(kind, version="2026-03-01T00:00:00.000000", **fields):
    """A complete record of ``kind`` as a station serialises it (mood_group or workshop)."""
    rid = str(uuid.uuid4())
    data = {"id": rid, "station_id": str(uuid.uuid4()), "created_at": version,
            "updated_at": version}
    if kind == "mood_group":
        data.update({"day": "2026-03-01", "workshop_id": None, "workshop_name": "车间",
                     "team_id": None, "team_name": "", "mood": "happy", "count": 1,
                     "members": 10})
    elif kind == "workshop":
        data.update({"name": "车间", "sort_order": 0, "active": True})
    data.update(fields)
    return {"id": rid, "version": version, "data": data}

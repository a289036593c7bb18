"""The sync's figures: 200 stations pushing a night concurrently, and one station's nightly sync.

Central is served by gunicorn with sync workers on loopback, on SQLite and on
PostgreSQL. Each figure is next to a raw bulk insert of the same rows into a
fresh central's ledger in the same run; the counts are checked at the end.
"""
import os
import tempfile
import time
import uuid

from . import sync_sim


def _backends(h):
    folder = tempfile.mkdtemp(prefix="kiosk-bench-sync-")
    yield "SQLite", (lambda n: {"DATABASE": os.path.join(folder, f"central{n}.sqlite3")}), None
    try:
        scratch = [sync_sim.PgScratch(), sync_sim.PgScratch()]
    except Exception as exc:  # said plainly, not hidden: the figure is missing
        print(f"    PostgreSQL figures not measured: {exc}")
        return
    try:
        yield "PostgreSQL", (lambda n: {"DATABASE_URL": scratch[n].url}), scratch
    finally:
        for s in scratch:
            s.drop()


def run(h):
    quick = h.seconds < 1
    stations = 20 if quick else 200
    for label, config, _scratch in _backends(h):
        sent, seconds, stored, nights = sync_sim.simulate(config(0), stations=stations)
        if stored != sent:
            raise RuntimeError(f"{label}: {sent} records sent, central holds {stored}")
        rows, bulk_seconds = sync_sim.bulk_insert_baseline(config(1), nights)
        if rows != sent:
            raise RuntimeError(f"{label}: baseline inserted {rows}, sync sent {sent}")
        h.report(f"sync, {stations} stations pushing concurrently to central on {label} "
                 f"(gunicorn, 3 sync workers; {sent} records, all {stored} stored once)",
                 sent / seconds, rows / bulk_seconds, "records/s", lower_is_better=False)
    _one_station(h)


def _one_station(h):
    """A real station with a night's data: its full sync (hello, push, pull, report)."""
    folder = tempfile.mkdtemp(prefix="kiosk-bench-station-")
    station_id, secret = str(uuid.uuid4()), uuid.uuid4().hex
    central = sync_sim.Central({"DATABASE": os.path.join(folder, "central.sqlite3")}, folder)
    central.prepare([(station_id, secret)])
    central.start()
    try:
        app = h.app()
        with app.app_context():
            from kiosk.db import db
            from kiosk.sync import runner
            db.connect(reuse_if_open=True)
            records = _fill_station(station_id)
            runner.configure(central.url, station_id, secret, "bench", verify=False)
            started = time.perf_counter()
            run = runner.run_sync("bench")
            seconds = time.perf_counter() - started
            if not run.ok or run.pushed != records:
                raise RuntimeError(f"station sync: ok={run.ok} pushed {run.pushed}/{records}: "
                                   f"{run.error}")
            db.close()
        night = sync_sim.night_of(station_id)
        rows, bulk_seconds = sync_sim.bulk_insert_baseline(
            {"DATABASE": os.path.join(folder, "baseline.sqlite3")}, {station_id: night})
        h.report(f"one station's full nightly sync ({records} records: 300 mood counts, "
                 f"20 requests with events, its roster)", seconds,
                 bulk_seconds * records / rows, "s")
    finally:
        central.stop()


def _fill_station(station_id):
    """300 mood counts (20 teams × 3 moods × 5 days) and 20 requests with events."""
    from datetime import date, timedelta

    from kiosk.models import Member, Team, Workshop
    from kiosk.mood.models import MoodDailyCount
    from kiosk.service_requests import lifecycle
    workshop = Workshop.create(name="机加工车间")
    teams = [Team.create(workshop=workshop, name=f"班组{i}") for i in range(20)]
    for n, team in enumerate(teams):
        for k in range(6):
            Member.create(staff_no=f"{n:02d}{k}", name=f"职工{n}{k}", team=team)
    for d in range(5):
        for team in teams:
            for mood in ("happy", "ok", "upset"):
                MoodDailyCount.create(day=date(2026, 3, 1) - timedelta(days=d), team=team,
                                      mood=mood, count=2)
    events = 0
    for i in range(20):
        request = lifecycle.file_request("suggestion", "安全", "车间照明太暗")
        events += 1
        if i % 2:
            lifecycle.add_event(request.id, "received", "chair", "station")
            events += 1
    return 1 + 20 + 300 + 20 + events

"""Simulated stations pushing a night's data to a real central (``scripts/simulate-stations``).

Central runs as gunicorn with several *sync* workers on loopback (see
docs/sync-protocol.md for why not threaded workers), on SQLite or PostgreSQL. Each
simulated station pushes what a real one pushes in a night — its requests,
their events and its mood counts — through the real signed protocol, in
batches, many stations at once. The same rows are then bulk-inserted straight
into central's ledger table of a fresh database: the baseline of the same run.
"""
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
MOODS = ("happy", "ok", "upset")
CATEGORIES = ("suggestion", "learning", "hardship", "counselling", "pay", "rights")


def night_of(station_id, moods=300, requests=20, seed=0):
    """What one station pushes after a night: {kind: [record]} as its outbox serialises them."""
    rnd = random.Random(f"{station_id}{seed}")
    now = datetime(2026, 3, 2, 2, 0)
    stamp = lambda dt: dt.isoformat(timespec="microseconds")  # noqa: E731
    sid = str(station_id)
    out = {"service_request": [], "request_event": [], "mood_group": []}
    for _ in range(requests):
        rid, at = str(uuid.uuid4()), now - timedelta(hours=rnd.randint(1, 20))
        out["service_request"].append({
            "id": rid, "station_id": sid, "created_at": stamp(at), "updated_at": stamp(at),
            "category": rnd.choice(CATEGORIES), "topic": "加班费", "description": "车间反映的问题" * 3,
            "receipt_code": f"{rnd.randrange(10 ** 13):013d}", "handled_by": "station",
            "urgent": False, "anonymous": True, "phone": None})
        for k, kind in enumerate(("submitted", "received", "resolved")[:rnd.randint(1, 3)]):
            ev_at = at + timedelta(minutes=10 * k)
            out["request_event"].append({
                "id": str(uuid.uuid4()), "station_id": sid, "created_at": stamp(ev_at),
                "updated_at": stamp(ev_at), "request_id": rid, "kind": kind, "text": "",
                "public": True, "actor": "chair", "origin": "station", "at": stamp(ev_at)})
    day = date(2026, 3, 1)
    for i in range(moods):
        out["mood_group"].append({
            "id": str(uuid.uuid4()), "station_id": sid, "created_at": stamp(now),
            "updated_at": stamp(now), "day": (day - timedelta(days=i // 60)).isoformat(),
            "workshop_id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{sid}{i % 20}")),
            "workshop_name": f"车间{i % 20}", "team_id": None, "team_name": "",
            "mood": MOODS[i % 3], "count": rnd.randint(0, 30), "members": 30})
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Central:
    """A migrated central database and a gunicorn serving it with ``workers`` sync workers."""

    def __init__(self, db_config, instance, workers=3):
        self.db_config, self.instance, self.workers = db_config, instance, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def env(self):
        env = dict(os.environ, KIOSK_ROLE="central", KIOSK_INSTANCE_PATH=self.instance,
                   SECRET_KEY="bench")
        env.pop("DATABASE", None)
        env.pop("DATABASE_URL", None)
        env.update(self.db_config)
        return env

    def prepare(self, stations):
        """Migrate and register the stations (in a child process: the app binds one database)."""
        code = ("import sys,json;from kiosk import create_app;from kiosk.db import db,migrate;"
                "from kiosk.sync.models import Station;app=create_app();migrate();"
                "rows=json.load(sys.stdin);"
                "[Station.insert(id=i,name='驿站'+i[:4],enterprise='企业'+str(n%20),secret=s)"
                ".execute() for n,(i,s) in enumerate(rows)]")
        import json
        subprocess.run([sys.executable, "-c", code], input=json.dumps(stations), text=True,
                       env=self.env(), cwd=ROOT, check=True)

    def start(self):
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.proc = subprocess.Popen(
            [gunicorn, "-w", str(self.workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--log-level", "warning", "kiosk:create_app()"],
            env=self.env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("central did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


def push_station(url, station_id, secret, night, batch_size=500):
    """One station's push, as the real client does it; returns records acknowledged."""
    from kiosk.sync.client import CentralClient
    client = CentralClient(url, station_id, secret, timeout=120)
    acked = 0
    try:
        client.hello("bench")
        for kind in ("service_request", "request_event", "mood_group"):
            records = night[kind]
            for i in range(0, len(records), batch_size):
                chunk = records[i:i + batch_size]
                wire = [{"id": r["id"], "version": r["updated_at"], "data": r} for r in chunk]
                answer = client.call("POST", "/push",
                                     {"batch": f"{kind}{i}", "kind": kind, "records": wire})
                if len(answer["ack"]) != len(chunk):
                    raise RuntimeError(f"{kind}: {len(answer['ack'])}/{len(chunk)} acked, "
                                       f"{answer['conflicts'][:1]}")
                acked += len(chunk)
    finally:
        client.close()
    return acked


def simulate(db_config, stations=200, concurrency=32, workers=3, moods=300, requests=20):
    """Push every station's night concurrently; return (records, seconds, central's count)."""
    instance = tempfile.mkdtemp(prefix="kiosk-sim-")
    creds = [(str(uuid.uuid4()), uuid.uuid4().hex) for _ in range(stations)]
    nights = {sid: night_of(sid, moods, requests) for sid, _ in creds}
    central = Central(db_config, instance, workers)
    central.prepare(creds)
    central.start()
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            totals = list(pool.map(lambda c: push_station(central.url, c[0], c[1], nights[c[0]]),
                                   creds))
        seconds = time.perf_counter() - started
    finally:
        central.stop()
    stored = count_records(db_config)
    return sum(totals), seconds, stored, nights


def count_records(db_config):
    from kiosk.db import open_database
    database = open_database(path=db_config.get("DATABASE"), url=db_config.get("DATABASE_URL"))
    cursor = database.execute_sql("SELECT COUNT(*) FROM central_record")
    count = cursor.fetchone()[0]
    database.close()
    return count


def bulk_insert_baseline(db_config, nights, batch_size=500):
    """The same rows inserted straight into a fresh central's ledger: records/s."""
    from kiosk.db import bind, migrate, open_database
    from kiosk.sync.models import CentralRecord, Station
    from kiosk.sync.protocol import canonical_json, content_digest
    database = open_database(path=db_config.get("DATABASE"), url=db_config.get("DATABASE_URL"))
    bind(database)
    migrate()
    rows = []
    with database.connection_context():
        for sid in nights:
            Station.insert(id=sid, name="s", enterprise="e", secret="x").execute()
        for sid, night in nights.items():
            for kind, records in night.items():
                for r in records:
                    rows.append({"id": r["id"], "kind": kind, "station": sid,
                                 "parent_id": r.get("request_id"), "version": r["updated_at"],
                                 "digest": content_digest(r), "data": canonical_json(r)})
        started = time.perf_counter()
        for i in range(0, len(rows), batch_size):
            with database.atomic():
                CentralRecord.insert_many(rows[i:i + batch_size]).execute()
        seconds = time.perf_counter() - started
    database.close()
    return len(rows), seconds


def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="postgresql://… (default: SQLite)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kiosk-sim-")
    config = ({"DATABASE_URL": args.database_url} if args.database_url
              else {"DATABASE": os.path.join(folder, "central.sqlite3")})
    sent, seconds, stored, _ = simulate(config, args.stations, args.concurrency, args.workers)
    print(f"{args.stations} stations pushed {sent} records in {seconds:.1f} s "
          f"({sent / seconds:.0f} records/s); central holds {stored}.")
    if stored != sent:
        sys.exit(f"count mismatch: sent {sent}, central holds {stored}")


if __name__ == "__main__":
    main()


class PgScratch:
    """A throwaway PostgreSQL database beside PG_TEST_URL's, dropped by ``drop()``."""

    def __init__(self, base_url=None):
        from urllib.parse import urlsplit, urlunsplit

        import psycopg2
        self.base = base_url or os.environ.get("PG_TEST_URL",
                                               "postgresql://postgres@127.0.0.1:5432/test")
        self.name = f"kiosk_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        conn = psycopg2.connect(self.base, connect_timeout=5)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.name}"')
        conn.close()
        self.url = urlunsplit(urlsplit(self.base)._replace(path=f"/{self.name}"))

    def drop(self):
        import psycopg2
        conn = psycopg2.connect(self.base)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        conn.close()

"""Simulated stations syncing a night with a real central (``scripts/simulate-stations``).

Central runs as gunicorn with several *sync* workers on loopback (see
docs/sync-protocol.md for why not threaded workers), on SQLite or PostgreSQL. Each
simulated station does what a real one does in a night — hello, push its requests,
their events and its mood counts in batches, pull the change log, report the run —
through the real signed protocol, many stations at once.

The baseline is the database's own speed in the same run: the same rows, as central
stores them, written by a raw ``INSERT … ON CONFLICT DO NOTHING`` (``executemany`` on
SQLite, psycopg2's ``execute_values`` on PostgreSQL) into a second, fresh central
database, one transaction per batch. The two are interleaved round by round (a slice
of stations over HTTP, then the same slice raw), so a neighbour's load on this shared
machine falls on both alike. Server CPU is counted from /proc: central's gunicorn
master and workers and PostgreSQL's backends for its database, against the baseline
process and its backend.
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


def night_of(station_id, moods=340, requests=20, seed=0):
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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU of a process so far (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def pg_backends(db_config):
    """PIDs of the PostgreSQL backends serving the database of ``db_config`` (none: SQLite)."""
    url = db_config.get("DATABASE_URL")
    if not url:
        return []
    import psycopg2
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()")
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


class CpuMeter:
    """CPU seconds spent by a set of processes between ``start()`` and ``stop()``."""

    def __init__(self, pids):
        self.pids = pids
        self.spent = 0.0
        self._before = {}

    def start(self):
        self._before = {pid: cpu_seconds(pid) for pid in self.pids()}

    def stop(self):
        for pid in self.pids():
            self.spent += cpu_seconds(pid) - self._before.get(pid, 0.0)


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

    def prepare(self, stations, announcements=5):
        """Migrate, register the stations and write a few announcements, then put it all into
        the change log (a child process: the app binds one database)."""
        code = ("import sys,json;from kiosk import create_app;from kiosk.db import db,migrate,"
                "write_transaction;from kiosk.sync import changelog;"
                "from kiosk.sync.models import Station;from kiosk.notices.models import "
                "Announcement;app=create_app();migrate();rows=json.load(sys.stdin);"
                "db.connect();"
                "[Station.insert_many([{'id':i,'name':'驿站'+i[:4],'enterprise':'企业'+str(n%20),"
                "'secret':s} for n,(i,s) in enumerate(rows[k:k+1000],start=k)]).execute() "
                "for k in range(0,len(rows),1000)];"
                f"[Announcement.create(title='通知%d'%n,body='夏送清凉') for n in range({announcements})];"
                "changelog.reconcile();db.close()")
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

    def server_pids(self):
        """gunicorn's master and workers, and the database's backends."""
        return [self.proc.pid, *children(self.proc.pid), *pg_backends(self.db_config)]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


def encoded_pushes(night, batch_size=500):
    """A night's pushes as (records, body on the wire), encoded ahead: a real station
    encodes on its own CPU, not on central's, so the bench does it before the clock runs."""
    from kiosk.sync.protocol import encode_body
    out = []
    for kind in ("service_request", "request_event", "mood_group"):
        records = night[kind]
        for i in range(0, len(records), batch_size):
            chunk = records[i:i + batch_size]
            wire = [{"id": r["id"], "version": r["updated_at"], "data": r} for r in chunk]
            out.append((len(chunk), encode_body({"batch": f"{kind}{i}", "kind": kind,
                                                 "records": wire})))
    return out


def sync_station(url, station_id, secret, pushes):
    """One station's night, as the real client does it: hello, push, pull, report.

    ``pushes`` come from ``encoded_pushes``. Returns (records acknowledged, changes
    pulled, seconds).
    """
    from kiosk.sync.client import CentralClient
    started = time.perf_counter()
    client = CentralClient(url, station_id, secret, timeout=120)
    acked = pulled = 0
    try:
        client.hello("bench")
        for count, body in pushes:
            answer = client.send("POST", "/push", body)
            if len(answer["ack"]) != count:
                raise RuntimeError(f"{len(answer['ack'])}/{count} acked, "
                                   f"{answer['conflicts'][:1]}")
            acked += count
        cursor, more = 0, True
        while more:
            page = client.call("GET", "/changes", query={"after": cursor, "limit": 500})
            pulled += len(page["changes"])
            cursor, more = page["next"], page["more"]
        client.call("POST", "/runs", {"ok": True, "trigger": "bench", "pushed": acked,
                                      "pulled": pulled})
    finally:
        client.close()
    return acked, pulled, time.perf_counter() - started


def ledger_rows(nights):
    """The rows central stores for these nights, as tuples for a raw insert."""
    from kiosk.sync.protocol import canonical_json, content_digest
    now = datetime(2026, 3, 2, 3, 0)
    rows = []
    for sid, night in nights.items():
        for kind, records in night.items():
            for r in records:
                rows.append((uuid.UUID(r["id"]).hex, kind, uuid.UUID(sid).hex,
                             uuid.UUID(r["request_id"]).hex if r.get("request_id") else None,
                             r["updated_at"], content_digest(r), canonical_json(r), False,
                             now, now))
    return rows


class RawUpsert:
    """The baseline: the same rows into a fresh central's ledger, raw, one transaction a batch."""

    SQL = ("INSERT INTO central_record (id, kind, station_id, parent_id, version, digest, data, "
           "orphan, received_at, updated_at) VALUES {} ON CONFLICT DO NOTHING")

    def __init__(self, db_config, station_ids):
        from kiosk.db import bind, migrate, open_database
        from kiosk.sync.models import Station
        self.db_config = db_config
        self.database = open_database(path=db_config.get("DATABASE"),
                                      url=db_config.get("DATABASE_URL"))
        bind(self.database)
        migrate()
        with self.database.connection_context():
            ids = list(station_ids)
            for k in range(0, len(ids), 1000):
                Station.insert_many([{"id": i, "name": "s", "enterprise": "e", "secret": "x"}
                                     for i in ids[k:k + 1000]]).execute()
        self.conn = self.database.connection()
        self.cpu = CpuMeter(lambda: [os.getpid(), *pg_backends(db_config)])
        self.sqlite = "DATABASE_URL" not in db_config

    def insert(self, rows, batch_size=500):
        """Insert ``rows``; return seconds (CPU goes to ``self.cpu``)."""
        self.cpu.start()
        started = time.perf_counter()
        for i in range(0, len(rows), batch_size):
            chunk = rows[i:i + batch_size]
            with self.database.atomic():
                cursor = self.database.cursor()
                if self.sqlite:
                    cursor.executemany(self.SQL.format("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), chunk)
                else:
                    from psycopg2.extras import execute_values
                    execute_values(cursor, self.SQL.format("%s"), chunk, page_size=1000)
        seconds = time.perf_counter() - started
        self.cpu.stop()
        return seconds

    def count(self):
        return self.database.execute_sql("SELECT COUNT(*) FROM central_record").fetchone()[0]

    def close(self):
        self.database.close()
        if hasattr(self.database, "close_all"):
            self.database.close_all()


class Night:
    """What one interleaved night measured."""

    def __init__(self):
        self.records = self.pulled = self.stations = 0
        self.seconds = self.base_seconds = self.cpu = self.base_cpu = 0.0
        # The simulated stations' own CPU (this process) while they synced: they share the
        # machine with central, so it is said beside central's, never counted in it.
        self.client_cpu = 0.0
        self.station_seconds = []
        self.stored = 0


def night(db_config, base_config, stations=200, registered=None, concurrency=32, workers=3,
          rounds=5, moods=340, requests=20):
    """``stations`` of ``registered`` sync a night; the raw baseline interleaved, round by round."""
    registered = max(registered or stations, stations)
    instance = tempfile.mkdtemp(prefix="kiosk-sim-")
    creds = [(str(uuid.uuid4()), uuid.uuid4().hex) for _ in range(registered)]
    syncing = creds[:stations]
    warm = (str(uuid.uuid4()), uuid.uuid4().hex)
    central = Central(db_config, instance, workers)
    central.prepare(creds + [warm])
    baseline = RawUpsert(base_config, [sid for sid, _ in syncing])
    central.start()
    warm_up(central, warm)
    result = Night()
    result.stations = stations
    meter = CpuMeter(central.server_pids)
    try:
        size = -(-stations // rounds)
        for start in range(0, stations, size):
            part = syncing[start:start + size]
            nights = {sid: night_of(sid, moods, requests) for sid, _ in part}
            pushes = {sid: encoded_pushes(n) for sid, n in nights.items()}
            meter.start()
            client_cpu = time.process_time()
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                done = list(pool.map(
                    lambda c, p=pushes: sync_station(central.url, c[0], c[1], p[c[0]]), part))
            result.seconds += time.perf_counter() - started
            result.client_cpu += time.process_time() - client_cpu
            meter.stop()
            result.records += sum(d[0] for d in done)
            result.pulled += sum(d[1] for d in done)
            result.station_seconds += [d[2] for d in done]
            result.base_seconds += baseline.insert(ledger_rows(nights))
        result.stored = count_records(db_config)
        base_stored = baseline.count()
    finally:
        central.stop()
        baseline.close()
    result.cpu, result.base_cpu = meter.spent, baseline.cpu.spent
    if result.stored != result.records or base_stored != result.records:
        raise RuntimeError(f"sent {result.records}, central holds {result.stored}, "
                           f"the baseline {base_stored}")
    return result


def warm_up(central, station):
    """A central serving a city is warm: its workers have booted (imports, the app, a pooled
    connection) and answered a pull before the clock runs, so no boot is counted as sync."""
    from kiosk.sync.client import CentralClient
    for _ in range(4 * central.workers):
        client = CentralClient(central.url, *station)
        client.call("GET", "/changes", query={"after": 0})
        client.close()


def pull_cost(db_config, registered, pulls=300):
    """Seconds per pull of one station (its profile, the announcements) with ``registered``
    stations in the registry and the change log: what ``/changes`` costs, nothing else."""
    instance = tempfile.mkdtemp(prefix="kiosk-pull-")
    creds = [(str(uuid.uuid4()), uuid.uuid4().hex) for _ in range(registered)]
    central = Central(db_config, instance, workers=1)
    central.prepare(creds)
    central.start()
    from kiosk.sync.client import CentralClient
    client = CentralClient(central.url, *creds[0], timeout=60)
    try:
        client.call("GET", "/changes", query={"after": 0, "limit": 500})
        started = time.perf_counter()
        for _ in range(pulls):
            page = client.call("GET", "/changes", query={"after": 0, "limit": 500})
        seconds = (time.perf_counter() - started) / pulls
    finally:
        client.close()
        central.stop()
    if len(page["changes"]) != 6:  # its profile and five announcements
        raise RuntimeError(f"a pull saw {len(page['changes'])} changes, not 6")
    return seconds


def count_records(db_config):
    from kiosk.db import open_database
    database = open_database(path=db_config.get("DATABASE"), url=db_config.get("DATABASE_URL"))
    cursor = database.execute_sql("SELECT COUNT(*) FROM central_record")
    count = cursor.fetchone()[0]
    database.close()
    if hasattr(database, "close_all"):
        database.close_all()
    return count


def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--registered", type=int, default=None,
                        help="stations in the registry (default: those syncing)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default=None,
                        help="postgresql://… of an empty database (default: SQLite); the "
                             "baseline gets a scratch database beside it")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kiosk-sim-")
    scratch = None
    if args.database_url:
        config = {"DATABASE_URL": args.database_url}
        scratch = PgScratch(args.database_url)
        base = {"DATABASE_URL": scratch.url}
    else:
        config = {"DATABASE": os.path.join(folder, "central.sqlite3")}
        base = {"DATABASE": os.path.join(folder, "baseline.sqlite3")}
    try:
        r = night(config, base, args.stations, args.registered, args.concurrency, args.workers)
    finally:
        if scratch:
            scratch.drop()
    print(f"{args.stations} stations synced {r.records} records (pulled {r.pulled}) in "
          f"{r.seconds:.1f} s ({r.records / r.seconds:.0f} records/s, server CPU "
          f"{r.cpu / r.records * 1e6:.0f} µs/record, the simulated stations' own "
          f"{r.client_cpu / r.records * 1e6:.0f} µs/record); raw upsert of the same rows "
          f"{r.records / r.base_seconds:.0f} records/s ({r.base_cpu / r.records * 1e6:.0f} "
          f"µs/record); central holds {r.stored}.")


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


if __name__ == "__main__":
    main()

"""Two central server processes (two hosts) on one PostgreSQL database: a station's night
pushed to both at once is stored once, and pulls from either see one change log."""
import threading
import uuid

import pytest

from bench.sync_sim import night_of
from kiosk import create_app
from kiosk.db import db, write_transaction
from kiosk.notices.models import Announcement
from kiosk.service.models import RequestEvent, ServiceRequest
from kiosk.sync import changelog
from kiosk.sync.client import CentralClient
from kiosk.sync.models import CentralConflict, CentralRecord

from .conftest import CentralProcess, PgDatabase

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg():
    database = PgDatabase()
    yield database
    database.drop()


@pytest.fixture
def two_hosts(pg, tmp_path):
    stations = {str(uuid.uuid4()): "secret-" + uuid.uuid4().hex for _ in range(3)}
    hosts = []
    try:
        for name in ("a", "b"):  # one after the other: the first one migrates
            hosts.append(CentralProcess({"DATABASE_URL": pg.url}, tmp_path / name,
                                        stations).start())
        yield hosts, stations
    finally:
        for host in hosts:
            host.stop()


@pytest.fixture
def central_here(pg, tmp_path):
    """This process as a third central on the same database (for writes and counts)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "KIOSK_ROLE": "central",
                      "DATABASE": str(tmp_path / "unused.sqlite3"), "DATABASE_URL": pg.url})
    yield app
    db.obj.close_all()


def _push_night(host, station_id, secret, night, start, answers):
    client = CentralClient(host.url, station_id, secret)
    try:
        start.wait()
        client.hello("test")
        for kind in ("service_request", "request_event", "mood_group"):
            records = night[kind]
            for i in range(0, len(records), 50):
                wire = [{"id": r["id"], "version": r["updated_at"], "data": r}
                        for r in records[i:i + 50]]
                answers.append(client.call("POST", "/push", {"batch": f"{kind}{i}",
                                                             "kind": kind, "records": wire}))
    finally:
        client.close()


def test_a_night_pushed_to_both_hosts_at_once_is_stored_exactly_once(two_hosts, central_here):
    hosts, stations = two_hosts
    nights = {sid: night_of(sid, moods=120, requests=10) for sid in stations}
    start = threading.Barrier(2 * len(stations))
    answers = {(sid, host.port): [] for sid in stations for host in hosts}
    threads = [threading.Thread(target=_push_night, args=(host, sid, secret, nights[sid], start,
                                                          answers[(sid, host.port)]))
               for sid, secret in stations.items() for host in hosts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for (sid, _port), pushed in answers.items():
        sent = {r["id"] for records in nights[sid].values() for r in records}
        # Each host acknowledges the whole night, as if it alone had taken it.
        assert {i for answer in pushed for i in answer["ack"]} == sent
        assert all(answer["conflicts"] == [] for answer in pushed)
    with central_here.app_context():
        db.connect(reuse_if_open=True)
        counts = {kind: sum(len(n[kind]) for n in nights.values())
                  for kind in ("service_request", "request_event", "mood_group")}
        assert CentralRecord.select().count() == sum(counts.values())
        for kind, count in counts.items():
            assert CentralRecord.select().where(CentralRecord.kind == kind).count() == count
        assert ServiceRequest.select().count() == counts["service_request"]
        assert RequestEvent.select().count() == counts["request_event"]
        assert CentralConflict.select().count() == 0
        db.close()


def _announce(app, titles):
    with app.app_context():
        db.connect(reuse_if_open=True)
        for title in titles:
            with write_transaction():
                item = Announcement.create(title=title)
                changelog.record("announcement", [item.id])
        db.close()


def test_pulls_from_either_host_see_one_log_in_order_while_both_write(two_hosts,
                                                                      central_here):
    hosts, stations = two_hosts
    station_id, secret = next(iter(stations.items()))
    writers = [threading.Thread(target=_announce,
                                args=(central_here, [f"{w}-{n}" for n in range(15)]))
               for w in ("a", "b")]
    for writer in writers:
        writer.start()
    clients = [CentralClient(host.url, station_id, secret) for host in hosts]
    seen, cursor, turn = [], 0, 0
    try:
        while any(w.is_alive() for w in writers) or turn < 4:
            page = clients[turn % 2].call("GET", "/changes", query={"after": cursor, "limit": 3})
            seen += page["changes"]
            cursor = page["next"]
            turn += 1 if not page["more"] else 0
        for writer in writers:
            writer.join()
        while True:  # what committed after the last look
            page = clients[turn % 2].call("GET", "/changes", query={"after": cursor})
            seen += page["changes"]
            cursor, turn = page["next"], turn + 1
            if not page["more"]:
                break
    finally:
        for client in clients:
            client.close()
    with central_here.app_context():
        db.connect(reuse_if_open=True)
        everything, _cursor, _more = changelog.changes_after(station_id, 0, 1000)
        db.close()
    # Nothing skipped, nothing twice, in sequence order, whichever host answered.
    assert [c["seq"] for c in seen] == [c["seq"] for c in everything]
    titles = [c["data"]["title"] for c in seen if c["kind"] == "announcement"]
    assert sorted(titles) == sorted(f"{w}-{n}" for w in ("a", "b") for n in range(15))


def test_a_change_that_commits_late_is_never_skipped(central_here):
    """Appends queue behind the one in flight, so a seq is visible only after all before it."""
    with central_here.app_context():
        from kiosk.db import migrate
        from kiosk.models.base import this_station_id
        migrate()
        with db.connection_context():
            this_station_id()  # central's own id, written once now rather than by the slow writer
    station = uuid.uuid4()
    holding, release = threading.Event(), threading.Event()

    def slow_writer():
        with central_here.app_context():
            db.connect(reuse_if_open=True)
            with write_transaction():
                item = Announcement.create(title="slow")
                changelog.record("announcement", [item.id])
                holding.set()
                release.wait(30)
            db.close()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    holding.wait(30)
    fast = threading.Thread(target=_announce, args=(central_here, ["fast"]))
    fast.start()
    fast.join(timeout=1)  # it cannot finish: it waits for the slow one's seq to commit
    with central_here.app_context():
        db.connect(reuse_if_open=True)
        before, cursor, _more = changelog.changes_after(station, 0, 10)
        db.close()
    release.set()
    slow.join()
    fast.join()
    assert before == [] and cursor == 0
    with central_here.app_context():
        db.connect(reuse_if_open=True)
        after, _cursor, _more = changelog.changes_after(station, cursor, 10)
        db.close()
    assert [c["data"]["title"] for c in after] == ["slow", "fast"]

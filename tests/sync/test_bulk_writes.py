"""Central's raw bulk writes (kiosk/bulk.py) store exactly what peewee would, on both engines:
values shared by a whole batch go once, awkward text survives, and an upsert or update of a
batch touches only the rows it names (issue 11: one statement per batch on PostgreSQL)."""
import uuid
from datetime import datetime

from kiosk import bulk
from kiosk.db import write_transaction
from kiosk.sync.models import CentralRecord, Station

AWKWARD = ["it's", 'a "quote"', "back\\slash", "tab\there\nnewline", "工会驿站", "$1 %s %(x)s ?",
           "{\"a\":[1,2]}", ""]


def _station():
    station = str(uuid.uuid4())
    Station.create(id=station, name="驿站", enterprise="企业", secret="s")
    return station


def test_insert_ignore_stores_shared_values_once_per_batch_and_says_what_went_in(central_app):
    station = _station()
    now = datetime(2026, 3, 2, 3, 0, 0, 123456)
    ids = [str(uuid.uuid4()) for _ in AWKWARD]
    parent = str(uuid.uuid4())
    rows = [(rid, parent if i % 2 else None, f"v{i}", f"{i:064d}", text, bool(i % 3))
            for i, (rid, text) in enumerate(zip(ids, AWKWARD, strict=True))]
    same = {"kind": "mood_group", "station": station, "received_at": now, "updated_at": now}
    names = ("id", "parent_id", "version", "digest", "data", "orphan")
    with write_transaction():
        first = bulk.insert_ignore(CentralRecord, names, rows, returning="id", ready=True,
                                   same=same)
    with write_transaction():
        again = bulk.insert_ignore(CentralRecord, names, rows[:3] + [
            (str(uuid.uuid4()), None, "v", "0" * 64, "new", False)], returning="id",
            ready=True, same=same)
    if first is not None:  # PostgreSQL says which went in; SQLite's caller holds the lock
        assert sorted(bulk.uuid_text(i) for i in first) == sorted(ids)
        assert len(again) == 1 and bulk.uuid_text(again[0]) not in ids
    stored = {str(r.id): r for r in CentralRecord.select()}
    assert len(stored) == len(ids) + 1
    for rid, parent_id, version, digest, text, orphan in rows:
        row = stored[rid]
        assert (row.data, row.version, row.digest, row.orphan) == (text, version, digest, orphan)
        assert (str(row.parent_id) if row.parent_id else None) == parent_id
        assert (row.kind, str(row.station_id), row.received_at, row.updated_at) == (
            "mood_group", station, now, now)


def test_insert_ignore_of_nothing_writes_nothing(central_app):
    with write_transaction():
        assert bulk.insert_ignore(CentralRecord, ("id",), [], returning="id") == []
        assert bulk.insert_ignore(CentralRecord, ("id",), []) is None
    assert CentralRecord.select().count() == 0


def test_update_many_changes_only_the_named_rows_past_the_guard(central_app):
    station = _station()
    now = datetime(2026, 3, 2, 3, 0)
    ids = [str(uuid.uuid4()) for _ in range(4)]
    with write_transaction():
        bulk.insert_ignore(CentralRecord, ("id", "version", "digest", "data"),
                           [(rid, "2026-03-01", "d", "old") for rid in ids], same={
                               "kind": "mood_group", "station": station, "orphan": False,
                               "received_at": now, "updated_at": now})
    later = datetime(2026, 3, 2, 4, 0)
    with write_transaction():
        bulk.update_many(CentralRecord, ("version", "data", "updated_at"), "id", [
            ("2026-03-02", AWKWARD[0], later, ids[0], "2026-03-02"),   # newer: taken
            ("2026-02-01", "older", later, ids[1], "2026-02-01"),      # older: the guard
            ("2026-03-02", AWKWARD[3], later, ids[2], "2026-03-02"),
        ], guard=("version", "<"))
    stored = {str(r.id): (r.version, r.data, r.updated_at) for r in CentralRecord.select()}
    assert stored[ids[0]] == ("2026-03-02", AWKWARD[0], later)
    assert stored[ids[1]] == ("2026-03-01", "old", now)
    assert stored[ids[2]] == ("2026-03-02", AWKWARD[3], later)
    assert stored[ids[3]] == ("2026-03-01", "old", now)


def test_upsert_inserts_new_rows_updates_taken_keys_and_raises_on_another_unique(central_app):
    from peewee import IntegrityError

    from kiosk.db import db
    from kiosk.service.models import ServiceRequest
    station = _station()
    names = ("id", "station_id", "created_at", "updated_at", "awaiting_since", "category",
             "topic", "description", "receipt_code", "handled_by", "urgent", "crisis", "phone")
    at = "2026-03-01T08:00:00.000000"
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    def row(rid, code, topic):
        return (rid, station, at, at, at, "pay", topic, AWKWARD[2], code, "central", False,
                True, None)

    update = ("topic", "description", "updated_at")
    with write_transaction():
        bulk.upsert(ServiceRequest, names, [row(first, "1" * 13, "加班费")], "id", update)
        bulk.upsert(ServiceRequest, names, [row(first, "1" * 13, AWKWARD[0]),
                                            row(second, "2" * 13, "新")], "id", update)
    stored = {str(r.id): r for r in ServiceRequest.select()}
    assert stored[first].topic == AWKWARD[0] and stored[second].topic == "新"
    assert stored[first].description == AWKWARD[2] and stored[first].crisis is True
    assert stored[first].created_at == datetime(2026, 3, 1, 8, 0)
    with write_transaction():
        try:
            with db.atomic():
                bulk.upsert(ServiceRequest, names, [row(str(uuid.uuid4()), "2" * 13, "x")],
                            "id", update)
        except IntegrityError:
            pass
        else:
            raise AssertionError("a second request with a taken receipt code was stored")
    assert ServiceRequest.select().count() == 2


def test_the_ledger_keeps_one_index_on_kind_the_purges(central_app):
    """Each index is written for every pushed record: the ledger's reads by kind go through
    (kind, received_at), and no index on kind alone is kept beside it (0023)."""
    from kiosk.db import db
    indexes = {tuple(i.columns) for i in db.get_indexes("central_record")}
    assert ("kind", "received_at") in indexes
    assert ("kind",) not in indexes

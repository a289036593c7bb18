"""Central: store pushed batches, know the stations (the change log: changelog.py).

Storing is ``INSERT … ON CONFLICT DO NOTHING`` on the record's UUID (the
primary key is the guard, so two concurrent retries of one batch cannot both
insert), then one read of what is stored to decide, per record, between ack
(same content), update (a newer write by the owner of a mutable kind) and
conflict (anything else: set aside for review, never overwritten).
"""
import json
from collections import namedtuple
from contextlib import nullcontext
from datetime import timedelta

from peewee import IntegrityError

from .. import bulk
from ..db import db, is_sqlite, write_transaction
from ..models.base import utcnow
from . import kinds as registry
from .models import (
    CentralConflict,
    CentralRecord,
    Station,
    StationNonce,
    SyncRun,
)
from .protocol import (
    BAD_REQUEST,
    DEFAULT_CLOCK_WINDOW,
    STATION_DISABLED,
    UNKNOWN_KIND,
    SyncError,
    canonical_json,
    json_digest,
)

# Station id (dashed text) → secret, for the active stations this process has served.
# Never trusted alone: ``claim_nonce`` checks, in the statement that stores the nonce, that
# the station is still active with that very secret, so disabling a station or giving it a
# new secret (at any host) takes effect at its next request (tests/sync/test_sync_security).
_SECRETS = {}
_SECRETS_MAX = 100_000


def find_secret(station_id, cached=True):
    """A station's secret (None: unknown), from this process's cache unless ``cached`` is
    False; raises SyncError(STATION_DISABLED) for a disabled one (read from the registry)."""
    key = str(station_id)
    if cached:
        secret = _SECRETS.get(key)
        if secret is not None:
            return secret
    row = db.execute_sql(f'SELECT "secret", "active" FROM "station" WHERE "id" = {db.param}',
                         (Station.id.db_value(station_id),)).fetchone()
    if row is None:
        _SECRETS.pop(key, None)
        return None
    if not row[1]:
        _SECRETS.pop(key, None)
        raise SyncError(STATION_DISABLED, "this station is disabled at central")
    if len(_SECRETS) >= _SECRETS_MAX:
        _SECRETS.clear()
    _SECRETS[key] = row[0]
    return row[0]


def forget_station(station_id):
    _SECRETS.pop(str(station_id), None)


def claim_nonce(station_id, nonce, secret):
    """Store a request's nonce in the caller's transaction, if the station is still active
    with ``secret``. True: stored (first use); False: used before (a replay); None: the
    station changed since ``secret`` was read (disabled, removed or given a new secret).

    One statement: the unique (station, nonce) index decides a replay, and a concurrent
    copy of the request waits for this transaction and then finds the nonce taken.
    """
    p = db.param
    sid = Station.id.db_value(station_id)
    cursor = db.execute_sql(
        f'INSERT INTO "station_nonce" ("station_id", "nonce", "seen_at") '
        f'SELECT "id", {p}, {p} FROM "station" WHERE "id" = {p} AND "active" '
        f'AND "secret" = {p} ON CONFLICT DO NOTHING',
        (nonce[:64], StationNonce.seen_at.db_value(utcnow()), sid, secret))
    if cursor.rowcount == 1:
        return True
    row = db.execute_sql(f'SELECT "secret", "active" FROM "station" WHERE "id" = {p}',
                         (sid,)).fetchone()
    if row is not None and row[1] and row[0] == secret:
        return False
    forget_station(station_id)
    return None


def remember_nonce(station_id, nonce, window_seconds=None):
    """True the first time a station uses a nonce; the unique index decides. Its own
    transaction: for a request that failed after its nonce was claimed (rolled back)."""
    try:
        with db.atomic():
            StationNonce.insert(station=station_id, nonce=nonce[:64]).execute()
    except IntegrityError:
        return False
    return True


def forget_old_nonces(station_id, window_seconds):
    """Nonces older than the clock window cannot be replayed (the timestamp check refuses
    them first), so they need not be kept. Once a run (at hello), not once a request;
    ``flask central purge`` sweeps those of stations that stopped saying hello."""
    cutoff = utcnow() - timedelta(seconds=2 * window_seconds)
    StationNonce.delete().where((StationNonce.station == station_id)
                                & (StationNonce.seen_at < cutoff)).execute()


def station_secret(station_id):
    """The secret central signs its answers to a station with (None: not a station)."""
    station = Station.get_or_none(Station.id == station_id)
    return station.secret if station is not None else None


def _transaction():
    """The API request's own transaction when there is one (central/api.py: the nonce and
    what the request writes commit together, once), else a write transaction of its own."""
    return nullcontext() if db.in_transaction() else write_transaction()


def _validated(kind, raw):
    try:
        record_id = bulk.uuid_text(raw["id"])
        data = raw["data"]
        version = raw["version"]
        if not isinstance(version, str) or len(version) > 64:
            raise ValueError("version is not a time")
        if not isinstance(data, dict) or str(data.get("id")) != record_id:
            raise ValueError("data.id differs from id")
    except (KeyError, TypeError, ValueError) as exc:
        raise SyncError(BAD_REQUEST, f"malformed {kind.name} record: {exc}") from None
    return record_id, version, data


def accept_batch(station_id, kind_name, records, window=DEFAULT_CLOCK_WINDOW):
    """Store one pushed batch; return (acked ids, [{id, reason}]).

    A record is refused on its own, with its reason, when it does not fit its kind's
    schema, when another station owns it or its parent, or when its feature's rule
    says this station may not write it. A refused record is never applied: it is set
    aside in ``central_conflict`` for review and the rest of the batch goes on.
    """
    kind = registry.get(kind_name)
    if kind is None or kind.owner != registry.STATION:
        raise SyncError(UNKNOWN_KIND, f"central does not take records of kind {kind_name!r}")
    station_id = bulk.uuid_text(station_id)
    now = utcnow()
    incoming, refused = {}, []
    for raw in records:
        record_id, version, data = _validated(kind, raw)
        data, problem = kind.check(data, version, now, window)
        if problem:
            refused.append((record_id, data, f"invalid record: {problem}"))
        else:
            incoming[record_id] = (version, data)
    acked, conflicts = [], []
    with _transaction():
        before, parents = _stored(kind, incoming)
        for rid, reason in _ownership_refusals(kind, station_id, incoming, before,
                                               parents).items():
            refused.append((rid, incoming.pop(rid)[1], reason))
        # A record the station should never have sent is set aside, like a conflict:
        # refusing the whole batch would block the station's every later night.
        for rid, data, reason in refused:
            _set_aside(kind, rid, station_id, data, reason, conflicts)
        if not incoming:
            return acked, conflicts
        inserted = _insert_new(kind, station_id, incoming, before, parents, now)
        updates, fresh = [], []
        for rid, (version, data) in incoming.items():
            if rid in inserted:
                acked.append(rid)
                if not inserted[rid]:  # not an orphan
                    fresh.append(data)
                continue
            have = before[rid]
            digest = kind.digest(data)
            reason = None
            if have.kind != kind.name or str(have.station_id) != str(station_id):
                reason = "another station or kind holds this id"
            elif have.digest == digest:
                pass
            elif kind.mutable and version > have.version:
                # The single writer of this record changed it: take the newer write.
                updates.append((version, digest, canonical_json(data), kind.parent_id(data),
                                now, rid, version))
                if not have.orphan:
                    fresh.append(data)
            elif kind.mutable and version < have.version:
                pass  # an older write of the owner, already superseded here
            else:
                reason = "same id, different content"
            if reason:
                _set_aside(kind, rid, station_id, data, reason, conflicts)
            else:
                acked.append(rid)
        bulk.update_many(CentralRecord, ("version", "digest", "data", "parent_id", "updated_at"),
                         "id", updates, guard=("version", "<"))
        if fresh and kind.materialize:
            kind.materialize(fresh)
        if _has_children(kind) and inserted:
            for child_kind, child_ids in _adopt_children(list(inserted)).items():
                _materialize(registry.get(child_kind), child_ids)
    return acked, conflicts


# A ledger row's own columns; its kind, station and times are the push's (sent once).
LEDGER_COLUMNS = ("id", "parent_id", "version", "digest", "data", "orphan")
# What the ingest reads back of a stored record (its data only when a rule needs it).
Stored = namedtuple("Stored", "id kind station_id version digest orphan data")


def _stored(kind, incoming):
    """({id: Stored}, {parent id: Stored with data}) for a batch, in two raw reads at most.

    A kind without a parent or a rule of its own (the mood counts: most of a night) is not
    read first on PostgreSQL: its insert says which ids were already there
    (``_insert_new``), and only those are read and judged — a read of the batch less.
    """
    if kind.refusal is None and not kind.parent_field and not is_sqlite():
        return {}, {}
    before = _read_stored(list(incoming), with_data=kind.refusal is not None)
    parent_ids = {kind.parent_id(data) for _version, data in incoming.values()} - {None}
    return before, _read_stored(list(parent_ids), with_data=True)


def _read_stored(ids, with_data=False):
    names = ("id", "kind", "station", "version", "digest", "orphan") + (
        ("data",) if with_data else ())
    found = {}
    for row in bulk.select_in(CentralRecord, names, "id", ids):
        stored = Stored(bulk.uuid_text(row[0]), row[1], bulk.uuid_text(row[2]), *row[3:6],
                        row[6] if with_data else None)
        found[stored.id] = stored
    return found


def _insert_new(kind, station_id, incoming, before, parents, now):
    """Store the records central did not hold; return {id: orphan?} of those inserted.

    One raw ``INSERT … ON CONFLICT DO NOTHING``. On SQLite the write lock is held since
    ``before`` was read, so every new id is inserted; on PostgreSQL another process may
    have stored one meanwhile (a station's retry to a second host): RETURNING says which
    went in, and the others are read now and judged like any stored record.
    """
    rows, orphans = [], {}
    for rid, (version, data) in incoming.items():
        if rid in before:
            continue
        parent_id = kind.parent_id(data)
        # An event that arrived before its parent is kept, flagged until the parent comes.
        orphans[rid] = parent_id is not None and parent_id not in parents
        text = canonical_json(data)
        rows.append((rid, parent_id, version, json_digest(text), text, orphans[rid]))
    returned = bulk.insert_ignore(CentralRecord, LEDGER_COLUMNS, rows, returning="id",
                                  ready=True, same={"kind": kind.name, "station": station_id,
                                                    "received_at": now, "updated_at": now})
    if returned is None:
        return orphans
    inserted = {bulk.uuid_text(i) for i in returned}
    raced = [rid for rid in orphans if rid not in inserted]
    before.update(_read_stored(raced))
    return {rid: orphan for rid, orphan in orphans.items() if rid in inserted}


def _has_children(kind):
    return any(k.parent_kind == kind.name for k in registry.all_kinds().values())


def _set_aside(kind, rid, station_id, data, reason, conflicts):
    reason = reason[:200]
    conflicts.append({"id": rid, "reason": reason})
    (CentralConflict.insert(kind=kind.name, record_id=rid, station=station_id,
                            digest=kind.digest(data), data=canonical_json(data), reason=reason)
     .on_conflict_ignore().execute())


def _ownership_refusals(kind, station_id, incoming, before, parents):
    """{id: reason} for the records this station may not write.

    The owner of a record is the station that first sent it; the owner of an event's
    parent must be the same station; then the feature's own rule (``kind.refusal``),
    given the stored copy, the parent and the whole push, says what this station may write.
    """
    refusals = {}
    batch = PushBatch(data for _version, data in incoming.values())
    for rid, (_version, data) in incoming.items():
        have = before.get(rid)
        if have is not None and (have.kind != kind.name
                                 or str(have.station_id) != str(station_id)):
            refusals[rid] = "another station or kind holds this id"
            continue
        parent = parents.get(kind.parent_id(data) or "")
        if parent is not None and (parent.kind != kind.parent_kind
                                   or str(parent.station_id) != str(station_id)):
            refusals[rid] = f"its {kind.parent_kind} belongs to another station"
            continue
        if kind.refusal:
            # The whole push goes along: an event's rule may need the events before it.
            reason = kind.refusal(data, json.loads(have.data) if have else None,
                                  json.loads(parent.data) if parent else None, batch)
            if reason:
                refusals[rid] = str(reason)
    return refusals


class PushBatch(list):
    """The records of one push, as a feature's rule sees them, with a place (``memo``)
    for what the rule read once for the whole push rather than once per record."""

    def __init__(self, records):
        super().__init__(records)
        self.memo = {}


def _adopt_children(parent_ids):
    """Clear the flag of events whose parent just came; return {kind: [ids]} adopted.

    The parent's owner and the child's rule are checked now, as they would have been
    had the parent come first: a child another station sent, or one its rule forbids,
    stays an orphan (never applied) and is set aside for review.
    """
    adopted = {}
    orphans = [row for row in bulk.select_in(
        CentralRecord, ("id", "kind", "station", "parent_id", "orphan", "data"), "parent_id",
        parent_ids) if row[4]]
    if not orphans:  # the usual case: the events came after their request
        return adopted
    parents = _read_stored(list({bulk.uuid_text(row[3]) for row in orphans}), with_data=True)
    for record_id, kind_name, station, parent_id, _orphan, data in orphans:
        kind = registry.get(kind_name)
        parent = parents.get(bulk.uuid_text(parent_id))
        record_id, station = bulk.uuid_text(record_id), bulk.uuid_text(station)
        data = json.loads(data)
        reason = None
        if kind is None or parent is None:
            continue
        if parent.kind != kind.parent_kind or parent.station_id != station:
            reason = f"its {kind.parent_kind} belongs to another station"
        elif kind.refusal:
            reason = kind.refusal(data, None, json.loads(parent.data), ())
        if reason:
            _set_aside(kind, record_id, station, data, str(reason), [])
            continue
        adopted.setdefault(kind_name, []).append(record_id)
    for ids in adopted.values():
        CentralRecord.update(orphan=False).where(CentralRecord.id.in_(ids)).execute()
    return adopted


def _materialize(kind, ids):
    """Copy stored, non-orphan records into the feature's own tables (central's inbox)."""
    if kind is None or kind.materialize is None or not ids:
        return
    rows = (CentralRecord.select(CentralRecord.data)
            .where(CentralRecord.id.in_(ids) & ~CentralRecord.orphan))
    data = [json.loads(r.data) for r in rows]
    if data:
        kind.materialize(data)


RUN_NUMBERS = ("pushed", "pulled", "conflicts", "bytes_up", "bytes_down", "backlog")
RUN_MAX = 2**31 - 1


def run_report_problem(report):
    """Why a station's run report cannot be recorded, or None."""
    for key in RUN_NUMBERS:
        value = report.get(key, 0)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= RUN_MAX:
            return f"{key} is not a whole number 0…{RUN_MAX}"
    for key in ("trigger", "error_code", "error", "started_at"):
        if report.get(key) is not None and not isinstance(report[key], str):
            return f"{key} is not text"
    return None


def record_run(station_id, report):
    """A station's own account of a run, listed on central's pages."""
    def number(key):
        try:
            return max(0, int(report.get(key) or 0))
        except (TypeError, ValueError):
            return 0
    now = utcnow()
    ok = bool(report.get("ok"))
    with _transaction():
        SyncRun.create(station=station_id, trigger=str(report.get("trigger", ""))[:20],
                       started_at=_parse_time(report.get("started_at")) or now, finished_at=now,
                       ok=ok, pushed=number("pushed"), pulled=number("pulled"),
                       conflicts=number("conflicts"), bytes_up=number("bytes_up"),
                       bytes_down=number("bytes_down"), backlog=number("backlog"),
                       error_code=str(report.get("error_code") or "")[:40],
                       error=str(report.get("error") or "")[:2000])
        fields = {"last_seen_at": now, "backlog": number("backlog")}
        if ok:
            fields.update(last_sync_ok_at=now, last_sync_error="")
        else:
            fields["last_sync_error"] = str(report.get("error") or "")[:2000]
        Station.update(**fields).where(Station.id == station_id).execute()


def _parse_time(value):
    from datetime import datetime
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except (TypeError, ValueError):
        return None

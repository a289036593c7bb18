"""Central's change log: what stations pull, appended as central-owned rows change.

Whoever changes a central-owned row (a station's profile, an announcement, a
benefit link, central's reply on a request) calls ``record(kind, ids)`` in the
same transaction, so the change log and the rows can never disagree, and a pull
reads ``seq > cursor`` for its station and nothing else (``changes_after``):
its cost does not grow with the number of stations.

``reconcile()`` is the full sweep the log replaced (every row of every central
kind against what was last put in the log). It runs once when central starts
(scripts/run-central: rows loaded by a demo or an older version) and by hand
(``flask central publish``); in the tests it proves no write path forgot to record.
"""
import json

from ..db import db, is_sqlite, write_transaction
from . import kinds as registry
from .models import CentralChange, CentralPublished
from .protocol import canonical_json

# The advisory lock that serialises appends on PostgreSQL (SQLite has its write lock).
# Held to commit, so sequence numbers become visible in the order they were taken:
# a station's cursor can never skip a change that commits late.
PUBLISH_LOCK = 724_001
DELETED = "deleted"


def _lock():
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PUBLISH_LOCK,))


def record(kind_name, ids):
    """Append the current state of these rows of a central kind; return changes appended.

    A row the kind no longer lists (deleted, or no longer central's) goes down as a delete.
    """
    kind = registry.get(kind_name)
    ids = sorted({str(i) for i in ids if i is not None})
    if kind is None or kind.owner != registry.CENTRAL or not ids:
        return 0
    with write_transaction():
        _lock()
        published = {str(p.record_id): p for p in
                     CentralPublished.select().where(CentralPublished.record_id.in_(ids))}
        rows = kind.select().where(kind.model.id.in_(ids))
        return _append(kind, rows, published, ids)


def reconcile(kind_names=None):
    """Append every central-owned change the log is missing; return how many (0: none missed).

    ``kind_names`` limits the sweep to small kinds (benefit logos) on their write path.
    """
    written = 0
    with write_transaction():
        _lock()
        for kind in registry.central_kinds():
            if kind_names is not None and kind.name not in kind_names:
                continue
            published = {str(p.record_id): p for p in
                         CentralPublished.select().where(CentralPublished.kind == kind.name)}
            written += _append(kind, kind.select(), published, list(published))
    return written


def _append(kind, rows, published, gone_candidates):
    """Upsert changes for ``rows`` whose version moved; deletes for candidates not among them."""
    seen, written = set(), 0
    for row in rows:
        rid = str(row.id)
        seen.add(rid)
        version = kind.version(row)
        before = published.get(rid)
        if before is not None and before.version == version:
            continue
        target = kind.target(row) if kind.target else None
        if kind.target and target is None:
            continue  # meant for one station and none is known (e.g. a request filed at central)
        _change(kind.name, rid, target, "upsert", kind.serialize(row))
        (CentralPublished.insert(record_id=rid, kind=kind.name, version=version, target=target)
         .on_conflict(conflict_target=[CentralPublished.record_id],
                      update={CentralPublished.version: version}).execute())
        written += 1
    for rid in gone_candidates:
        before = published.get(rid)
        if rid in seen or before is None or before.version == DELETED:
            continue
        _change(kind.name, rid, before.target, "delete", {"id": rid})
        (CentralPublished.update(version=DELETED)
         .where(CentralPublished.record_id == rid).execute())
        written += 1
    return written


def _change(kind_name, rid, target, op, data):
    CentralChange.insert(kind=kind_name, record_id=rid, target=target, op=op,
                         data=canonical_json(data)).execute()


def changes_after(station_id, after, limit):
    """One page of the log for a station: (changes, next cursor, more?).

    Two range reads on the (target, seq) index — the changes for every station and
    those for this one — merged by seq: what other stations receive is never read.
    """
    columns = (CentralChange.seq, CentralChange.kind, CentralChange.record_id,
               CentralChange.op, CentralChange.data)
    found = []
    for where in (CentralChange.target.is_null(), CentralChange.target == station_id):
        found += list(CentralChange.select(*columns)
                      .where(where & (CentralChange.seq > after))
                      .order_by(CentralChange.seq).limit(limit + 1).tuples())
    found.sort(key=lambda row: row[0])
    more = len(found) > limit
    found = found[:limit]
    changes = [{"seq": seq, "kind": kind, "id": str(rid), "op": op, "data": json.loads(data)}
               for seq, kind, rid, op, data in found]
    return changes, (found[-1][0] if found else after), more

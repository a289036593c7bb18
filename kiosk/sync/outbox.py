"""Station: the outbox, derived from the rows themselves.

A record is waiting to go up when central has not acknowledged its current
version: for most kinds, when its ``updated_at`` differs from the
``SyncState.sent_updated_at`` stored at the ack (one anti-join, no hook in
any feature's code); for kinds with derived fields, when the digest differs.
A row changed between sending and the ack keeps its new ``updated_at`` and so
stays in the outbox: nothing written at the station can be lost by a sync.
"""
import uuid
from dataclasses import dataclass

from peewee import JOIN

from .. import bulk
from ..db import write_transaction
from ..models.base import utcnow
from .models import SyncState


@dataclass
class OutgoingRecord:
    id: str
    version: str
    digest: str
    data: dict
    updated_at: object  # the row's updated_at as stored, marked at the ack


def pending(kind, limit):
    """Up to ``limit`` records of ``kind`` that central has not acknowledged."""
    if kind.detect == "digest":
        return _pending_by_digest(kind, limit)
    model = kind.model
    query = (kind.select()
             .join(SyncState, JOIN.LEFT_OUTER, on=(SyncState.record_id == model.id))
             .where(SyncState.record_id.is_null()
                    | (SyncState.sent_updated_at.is_null())
                    | (SyncState.sent_updated_at != model.updated_at))
             .order_by(model.updated_at, model.id)
             .limit(limit))
    return [_outgoing(kind, row) for row in query]


def _outgoing(kind, row, version=None):
    data = kind.serialize(row)
    return OutgoingRecord(str(row.id), version or kind.version(row), kind.digest(data), data,
                          row.updated_at)


def _pending_by_digest(kind, limit):
    sent = {str(s.record_id): s.sent_digest
            for s in SyncState.select().where(SyncState.kind == kind.name)}
    out = []
    # The version orders the owner's writes at central: the time this content was first sent.
    version = utcnow().isoformat(timespec="microseconds")
    for row in kind.select().order_by(kind.model.id):
        record = _outgoing(kind, row, version)
        if sent.get(record.id) != record.digest:
            out.append(record)
            if len(out) >= limit:
                break
    return out


def count_pending(kinds):
    total = 0
    for kind in kinds:
        total += len(pending(kind, 10**9)) if kind.detect == "digest" else (
            kind.select()
            .join(SyncState, JOIN.LEFT_OUTER, on=(SyncState.record_id == kind.model.id))
            .where(SyncState.record_id.is_null() | SyncState.sent_updated_at.is_null()
                   | (SyncState.sent_updated_at != kind.model.updated_at))
            .count())
    return total


# What an ack writes of a record; the rest of its SyncState row is written once.
ACK_COLUMNS = ("record_id", "kind", "sent_updated_at", "sent_digest", "conflict", "reason",
               "sent_at")


def mark_sent(kind, records, acked_ids, conflict_ids, reasons=None):
    """Record central's ack: only the ids it listed, each at the version that was sent.

    A refused record (``conflict_ids``, with central's ``reasons`` by id) is kept as
    refused, not as sent: the 同步 page lists it with the reason.
    """
    acked = {str(uuid.UUID(i)) for i in acked_ids}
    conflicts = {str(uuid.UUID(i)) for i in conflict_ids}
    reasons = {str(uuid.UUID(k)): str(v or "")[:200] for k, v in (reasons or {}).items()}
    rows = []
    now = utcnow()
    if kind.coarse_ack_time:
        now = now.replace(minute=0, second=0, microsecond=0)
    by_digest = kind.detect == "digest"
    for record in records:
        if record.id in acked or record.id in conflicts:
            refused = record.id in conflicts
            rows.append((record.id, kind.name, None if by_digest else record.updated_at,
                         record.digest, refused, reasons.get(record.id, "") if refused else "",
                         now))
    if not rows:
        return 0
    with write_transaction():
        # One raw upsert (bulk.py): peewee's insert_many of a night's acks, filling the
        # station id per row, was a tenth of a station's sync (issue 11).
        bulk.upsert(SyncState, ACK_COLUMNS, rows, "record_id", ACK_COLUMNS[1:])
        if kind.on_acked:
            kind.on_acked([r[0] for r in rows if not r[4]])
    return len(rows)


def conflicts():
    """Records central refused, with its reasons: the 同步 page lists them."""
    return SyncState.select().where(SyncState.conflict).order_by(SyncState.sent_at.desc())

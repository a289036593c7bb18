"""Central's retention: what each of its growing tables keeps, and the purge that does it.

docs/capacity.md gives the rows per night and per year behind these numbers. Run
``flask central purge`` daily (cron or a systemd timer, like the nightly sync) after
the night's syncs; it deletes in slices, so it never holds a long lock.
"""
from datetime import timedelta

from peewee import fn

from ..db import write_transaction
from ..models.base import utcnow
from ..sync import protocol
from ..sync.models import CentralChange, CentralConflict, CentralRecord, StationNonce, SyncRun

# Days each kind of row is kept (None: kept until an administrator decides otherwise).
KEEP_DAYS = {
    # A station pulls the newest change of each record; an older change of the same record
    # is never needed once every station has had a month to pull past it.
    "superseded changes": 30,
    # The dashboard shows the last runs and a week's health; half a year is for questions.
    "sync runs": 180,
    # A conflict an administrator resolved is kept a year for the record; open ones stay.
    "resolved conflicts": 365,
    # Daily mood counts per team: the trends look back a year; two are kept.
    "mood counts": 730,
}
# Ledger kinds purged by age, and the retention each follows. Requests and their events
# are casework: kept, as the federation's own records rules require (docs/capacity.md).
LEDGER_KINDS = {"mood_group": "mood counts"}
SLICE = 10_000


def purge(now=None, keep_days=None):
    """Delete what is past its retention; return {what: rows deleted}."""
    now = now or utcnow()
    keep = dict(KEEP_DAYS, **(keep_days or {}))
    done = {}
    window = 2 * protocol.DEFAULT_CLOCK_WINDOW
    done["nonces"] = _in_slices(StationNonce, StationNonce.id,
                                StationNonce.seen_at < now - timedelta(seconds=window))
    done["superseded changes"] = _superseded_changes(
        now - timedelta(days=keep["superseded changes"]))
    done["sync runs"] = _in_slices(
        SyncRun, SyncRun.id, SyncRun.station.is_null(False)
        & (SyncRun.started_at < now - timedelta(days=keep["sync runs"])))
    done["resolved conflicts"] = _in_slices(
        CentralConflict, CentralConflict.id, CentralConflict.resolved
        & (CentralConflict.received_at < now - timedelta(days=keep["resolved conflicts"])))
    for kind, rule in LEDGER_KINDS.items():
        done[rule] = _in_slices(
            CentralRecord, CentralRecord.id, (CentralRecord.kind == kind)
            & (CentralRecord.received_at < now - timedelta(days=keep[rule])))
    return done


def _in_slices(model, key, condition):
    """DELETE … WHERE condition, SLICE rows per transaction."""
    total = 0
    while True:
        with write_transaction():
            ids = [row[0] for row in model.select(key).where(condition).limit(SLICE).tuples()]
            if ids:
                model.delete().where(key.in_(ids)).execute()
        total += len(ids)
        if len(ids) < SLICE:
            return total


def _superseded_changes(cutoff):
    """Changes older than ``cutoff`` with a later change of the same record.

    Safe for every cursor: a station whose cursor is before the deleted change still
    receives the later one, which carries the record as it is now (or its delete).
    """
    later = CentralChange.alias("later")
    has_later = (later.select(later.seq)
                 .where((later.record_id == CentralChange.record_id)
                        & (later.seq > CentralChange.seq)))
    total = 0
    while True:
        with write_transaction():
            seqs = [s for (s,) in CentralChange.select(CentralChange.seq)
                    .where((CentralChange.created_at < cutoff) & fn.EXISTS(has_later))
                    .limit(SLICE).tuples()]
            if seqs:
                CentralChange.delete().where(CentralChange.seq.in_(seqs)).execute()
        total += len(seqs)
        if len(seqs) < SLICE:
            break
    return total

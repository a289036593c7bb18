"""``flask central purge``: each growing table of central keeps what docs/capacity.md says,
and a station pulling from any cursor still gets every record as it is now."""
import uuid
from datetime import timedelta

from kiosk.central import registry, retention
from kiosk.models.base import utcnow
from kiosk.sync import central_store, changelog
from kiosk.sync.models import (
    CentralChange,
    CentralConflict,
    CentralRecord,
    StationNonce,
    SyncRun,
)

from .helpers import wire_record

LONG_AGO = timedelta(days=800)


def _age(model, field, rows_where, by=LONG_AGO):
    model.update({field: utcnow() - by}).where(rows_where).execute()


def test_the_purge_keeps_what_is_current_and_drops_what_is_past(central_app):
    station, _secret = registry.register_station("甲", "甲厂")
    for name in ("甲一", "甲二", "甲三"):
        registry.update_station(station, name, "甲厂", "", True)
    other, _secret = registry.register_station("乙", "乙厂")
    _age(CentralChange, "created_at", CentralChange.seq > 0)
    # Nonces: one inside the clock window, one long past it.
    central_store.remember_nonce(station.id, "fresh", 300)
    central_store.remember_nonce(station.id, "stale", 300)
    _age(StationNonce, "seen_at", StationNonce.nonce == "stale")
    # Runs, conflicts, mood counts: old and new of each.
    for n in range(2):
        central_store.record_run(station.id, {"ok": True, "pushed": n})
    _age(SyncRun, "started_at", SyncRun.pushed == 0)
    old, new = wire_record("mood_group"), wire_record("mood_group")
    acked, _conflicts = central_store.accept_batch(station.id, "mood_group", [old, new])
    assert len(acked) == 2
    _age(CentralRecord, "received_at", CentralRecord.id == old["id"])
    for resolved in (True, False):
        CentralConflict.create(kind="mood_group", record_id=uuid.uuid4(), station=station.id,
                               digest="d", data="{}", reason="r", resolved=resolved)
    _age(CentralConflict, "received_at", CentralConflict.id > 0)

    done = retention.purge()

    assert done == {"nonces": 1, "superseded changes": 3, "sync runs": 1,
                    "resolved conflicts": 1, "mood counts": 1}
    assert [n.nonce for n in StationNonce.select()] == ["fresh"]
    assert [r.pushed for r in SyncRun.select()] == [1]
    assert [c.resolved for c in CentralConflict.select()] == [False]
    assert [str(r.id) for r in CentralRecord.select()] == [new["id"]]
    # From the start of the log, each station still gets its profile as it is now.
    changes, _cursor, _more = changelog.changes_after(station.id, 0, 100)
    assert [c["data"]["name"] for c in changes] == ["甲三"]
    theirs, _cursor, _more = changelog.changes_after(other.id, 0, 100)
    assert [c["data"]["name"] for c in theirs] == ["乙"]
    assert retention.purge() == dict.fromkeys(done, 0)


def test_the_purge_command_says_what_it_deleted(central_app):
    result = central_app.test_cli_runner().invoke(args=["central", "purge"])
    assert result.exit_code == 0, result.output
    assert "superseded changes: 0 deleted" in result.output

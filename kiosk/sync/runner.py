"""Station: one sync run — hello, push every kind's outbox, pull the change sequence.

Callable from the CLI, the admin page's "sync now" and the nightly script.
Every run is recorded as a ``SyncRun`` (start, end, counts, bytes, error).
"""
import fcntl
import json
import logging
import os
import secrets
from contextlib import contextmanager

from .. import storage
from ..db import db, write_transaction
from ..models import Setting
from ..models.base import utcnow
from . import kinds as registry
from . import outbox, protocol
from .client import CentralClient
from .kind_spec import ParentMissing
from .models import SyncParked, SyncRun
from .protocol import SyncError

log = logging.getLogger(__name__)

URL, STATION_ID, SECRET, CURSOR, BATCH = ("sync.url", "sync.station_id", "sync.secret",
                                          "sync.cursor", "sync.batch_size")
# Plain http to a host other than this machine, only when the administrator asked for it;
# a CA file for central's certificate when an enterprise CA signed it.
INSECURE_HTTP, CA_FILE = "sync.insecure_http", "sync.ca_file"
DEFAULT_BATCH = 500


def configuration():
    """(url, station id, secret) or None when the station has not been set up."""
    values = [Setting.get_value(key) for key in (URL, STATION_ID, SECRET)]
    return tuple(values) if all(values) else None


def insecure_http():
    """True when the administrator allowed plain http to a central that is not this machine."""
    return Setting.get_value(INSECURE_HTTP) == "1"


def connect(config=None):
    """A client for the configured central (https rules and CA file as configured)."""
    url, station_id, secret = config or configuration()
    return CentralClient(url, station_id, secret, insecure_http=insecure_http(),
                         ca_file=Setting.get_value(CA_FILE) or None)


def configure(url, station_id, secret, software_version, verify=True, insecure_http=False,
              ca_file=None):
    """Save central's URL and this station's credentials, after central proved itself.

    The hello's answer must carry central's proof (client.py): a server that does not
    know the secret is refused (``central_unproven``) and nothing is saved.
    """
    import uuid
    try:
        station_id = str(uuid.UUID(station_id.strip()))
    except ValueError:
        raise SyncError(protocol.NOT_CONFIGURED, "the station id is not a valid id") from None
    url, secret = url.strip().rstrip("/"), secret.strip()
    client = CentralClient(url, station_id, secret, timeout=15, insecure_http=insecure_http,
                           ca_file=ca_file)
    answer = None
    if verify:
        try:
            answer = client.hello(software_version)
        finally:
            client.close()
    with write_transaction():
        Setting.set_value(URL, url)
        Setting.set_value(STATION_ID, station_id)
        Setting.set_value(SECRET, secret)
        Setting.set_value(INSECURE_HTTP, "1" if insecure_http else "0")
        Setting.set_value(CA_FILE, ca_file or "")
        if answer:
            for key in ("name", "enterprise", "address"):
                Setting.set_value(f"central.{key}", answer["station"].get(key) or "")
    return answer


class Progress:
    """What a run is doing, as events; ``echo`` gets each as an English line (the CLI).

    Events: ("connected", name=), ("pushed", kind=, sent=), ("pulled", count=, cursor=),
    ("failed", code=, message=). The admin page words them in the admin's language.
    """

    LINES = {
        "connected": "Connected to central as {name}",
        "pushed": "  up   {kind}: {sent} sent",
        "pulled": "  down {count} change(s), cursor {cursor}",
        "failed": None,  # the CLI ends with the one line that says why; not twice
    }

    def __init__(self, echo=None, on_event=None):
        self.echo = echo
        self.on_event = on_event

    def __call__(self, event, **values):
        if self.on_event:
            self.on_event(event, values)
        if self.echo and self.LINES[event]:
            self.echo(self.LINES[event].format(**values))


INTERRUPTED, DISK_FULL, INTERNAL = "interrupted", "disk_full", "internal"
# Runs that failed while the disk was full, saved by the next run that can write.
_unsaved_runs = []


@contextmanager
def run_lock(instance_path):
    """At most one run at a time on a station (the nightly timer vs "sync now")."""
    os.makedirs(instance_path, exist_ok=True)
    fh = open(os.path.join(instance_path, "sync.lock"), "w")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("locked", "another sync is running on this station") from None
        yield
    finally:
        fh.close()


def close_interrupted_runs(keep=None):
    """Runs still "running" while no run holds the lock were cut off (a power cut, a kill).

    Call with the run lock held (``run_sync`` does) or after checking that it is free.
    """
    with storage.best_effort("closing interrupted sync runs"):
        query = SyncRun.update(ok=False, error_code=INTERRUPTED, finished_at=utcnow(),
                               error="the run was cut off (power cut or crash) before it "
                                     "finished; nothing it had not finished was marked as sent")
        query = query.where(SyncRun.station.is_null() & SyncRun.ok.is_null())
        if keep is not None and keep.id is not None:
            query = query.where(SyncRun.id != keep.id)
        query.execute()


def close_interrupted_if_idle(instance_path):
    """For the status pages: close interrupted runs unless a run holds the lock right now."""
    try:
        with run_lock(instance_path):
            close_interrupted_runs()
    except SyncError:
        pass  # a run is going on: its row says "running" and is right
    except OSError as exc:
        log.warning("could not check the sync lock: %s", exc)


def _new_run(trigger):
    """The run's record, saved at once; on a full disk kept in memory and saved later."""
    run = SyncRun(trigger=trigger, started_at=utcnow())
    with storage.best_effort("the sync run's start"):
        for earlier in list(_unsaved_runs):
            earlier.save()
            _unsaved_runs.remove(earlier)
        run.save()
    return run


def _check_disk():
    from flask import current_app, has_app_context
    if has_app_context() and storage.disk_status(current_app)["full"]:
        raise SyncError(DISK_FULL, "the station's disk is full: free some space, then sync "
                                   "again (nothing was sent or received)")


def run_sync(software_version, trigger="manual", progress=None, batch_size=None, client=None):
    """Run one sync; return the finished ``SyncRun`` (``ok`` False with the error on failure).

    Every run is recorded, also one that fails before it starts (a full disk,
    no network, a wrong secret); a run cut off by a power cut is closed as
    interrupted by the next one.
    """
    progress = progress or Progress()
    run = _new_run(trigger)
    try:
        close_interrupted_runs(keep=run)
        config = configuration()
        if config is None and client is None:
            raise SyncError(protocol.NOT_CONFIGURED,
                            "this station is not connected to central: enter central's URL, "
                            "the station id and the secret first")
        client = client or connect(config)
        _check_disk()  # after the client: central still hears of the failed run
        batch_size = batch_size or int(Setting.get_value(BATCH, DEFAULT_BATCH))
        hello = client.hello(software_version)
        progress("connected", name=hello["station"]["name"])
        _push(client, run, batch_size, progress)
        _pull(client, run, batch_size, progress)
        run.ok = True
    except SyncError as exc:
        run.ok, run.error_code, run.error = False, exc.code, exc.message
        log.warning("sync failed (%s): %s", exc.code, exc.message)
        progress("failed", code=exc.code, message=exc.message)
    except Exception as exc:
        if not storage.is_storage_error(exc):  # recorded, then re-raised: a bug must not look like a success
            run.ok, run.error_code, run.error = False, INTERNAL, repr(exc)
            _finish(run, client)
            raise
        storage.note_failure(exc)
        run.ok, run.error_code = False, DISK_FULL
        run.error = f"the station could not write (disk full?): {exc}"
        log.warning("sync failed (%s): %s", run.error_code, run.error)
        progress("failed", code=run.error_code, message=run.error)
    _finish(run, client)
    return run


def _finish(run, client):
    run.finished_at = utcnow()
    try:
        run.backlog = outbox.count_pending(registry.station_kinds())
    except Exception:  # the count is for display; never hide the run's own outcome
        log.exception("could not count the outbox")
    if client is not None:
        run.bytes_up, run.bytes_down = client.bytes_up, client.bytes_down
        # Nothing, not even the run's account, goes to a server that did not prove it is central.
        if run.error_code not in protocol.AUTH_ERRORS + (protocol.PROTOCOL_MISMATCH,
                                                          protocol.NOT_CONFIGURED,
                                                          protocol.CENTRAL_UNPROVEN):
            try:
                client.call("POST", "/runs", {
                    "ok": run.ok, "trigger": run.trigger, "pushed": run.pushed,
                    "pulled": run.pulled, "conflicts": run.conflicts, "bytes_up": run.bytes_up,
                    "bytes_down": run.bytes_down, "backlog": run.backlog,
                    "error_code": run.error_code, "error": run.error,
                    "started_at": run.started_at.isoformat()})
            except SyncError as exc:
                log.info("could not report the run to central: %s", exc)
        client.close()
    try:
        run.save()
    except Exception as exc:
        if not storage.is_storage_error(exc):
            raise
        if run not in _unsaved_runs:
            _unsaved_runs.append(run)
        log.warning("sync run not recorded yet (disk full); the next run records it: %s", exc)


def _push(client, run, batch_size, progress):
    for kind in registry.station_kinds():
        if kind.prepare:
            kind.prepare()
        sent_here = 0
        while True:
            records = outbox.pending(kind, batch_size)
            if not records:
                break
            batch = secrets.token_hex(8)
            answer = client.call("POST", "/push", {
                "batch": batch, "kind": kind.name,
                "records": [{"id": r.id, "version": r.version, "data": r.data} for r in records]})
            acked, conflicts = _check_ack(answer, batch, kind, records)
            # The run's counts commit with the ack they count: one commit (one fsync of
            # the station's disk) per batch, not two (issue 11: a night's sync ≤ 0.3 s).
            with write_transaction():
                outbox.mark_sent(kind, records, acked, [c["id"] for c in conflicts],
                                 {c["id"]: c.get("reason") for c in conflicts})
                run.pushed += len(acked)
                run.conflicts += len(conflicts)
                run.save()
            sent_here += len(records)
            progress("pushed", kind=kind.name, sent=sent_here)
            if len(acked) + len(conflicts) < len(records):
                raise SyncError(protocol.NOT_AN_ACK, "central acknowledged only part of a batch",
                                retry=True)


def _check_ack(answer, batch, kind, records):
    """An ack is central's answer to this very batch, listing ids that were in it."""
    if answer.get("batch") != batch or not isinstance(answer.get("ack"), list):
        raise SyncError(protocol.NOT_AN_ACK, "the answer does not acknowledge this batch",
                        retry=True)
    sent = {r.id for r in records}
    acked = [i for i in answer["ack"] if i in sent]
    conflicts = [c for c in answer.get("conflicts", []) if c.get("id") in sent]
    return acked, conflicts


def _pull(client, run, batch_size, progress):
    retry_parked()
    while True:
        cursor = int(Setting.get_value(CURSOR, 0))
        page = client.call("GET", "/changes", query={"after": cursor, "limit": batch_size})
        changes = page.get("changes")
        if not isinstance(changes, list) or not isinstance(page.get("next"), int):
            raise SyncError(protocol.NOT_AN_ACK, "central's page of changes is malformed",
                            retry=True)
        if changes:
            with write_transaction():  # the count commits with the page it counts
                apply_page(changes, cursor, page["next"])
                run.pulled += len(changes)
                run.save()
            progress("pulled", count=len(changes), cursor=page["next"])
        if not page.get("more") or not changes:
            break


def apply_page(changes, cursor, next_cursor):
    """Apply one page and move the cursor in the same transaction (a crash keeps both or neither)."""
    with write_transaction():
        if int(Setting.get_value(CURSOR, 0)) != cursor:
            return  # another run applied this page meanwhile
        for change in changes:
            if int(change["seq"]) <= cursor:
                continue
            if not _apply(change["kind"], change["op"], change["data"]):
                # A kind this software does not know yet, or a parent not here yet:
                # kept, and applied by a later run (after an upgrade, or once it comes).
                (SyncParked.insert(record_id=change["id"], kind=change["kind"], op=change["op"],
                                   seq=change["seq"], data=json.dumps(change["data"]))
                 .on_conflict_replace().execute())
        Setting.set_value(CURSOR, next_cursor)


def _apply(kind_name, op, data):
    kind = registry.get(kind_name)
    if kind is None or kind.owner != registry.CENTRAL or not kind.apply:
        return False
    try:
        with db.atomic():  # a savepoint: a missing parent undoes only this record
            kind.apply(op, data)
    except ParentMissing:
        return False
    return True


def retry_parked():
    """Apply the parked changes that can be applied now; return how many were."""
    applied = 0
    with write_transaction():
        for parked in SyncParked.select().order_by(SyncParked.seq):
            if _apply(parked.kind, parked.op, json.loads(parked.data)):
                parked.delete_instance()
                applied += 1
    return applied


def recent_runs(limit=30):
    return SyncRun.select().where(SyncRun.station.is_null()).order_by(SyncRun.id.desc()).limit(limit)


__all__ = ["configure", "configuration", "run_sync", "run_lock", "apply_page", "db"]

"""Central's sync API, /api/v1/: every request signed by a registered station.

Errors answer JSON ``{"protocol", "error", "message"}`` with a distinct code
(docs/sync-protocol.md) so that the station can log and show what went wrong.
"""
import logging

from flask import Blueprint, current_app, g, jsonify, request

from .. import __version__
from ..models.base import utcnow
from ..sync import central_store, protocol
from ..sync.models import Station
from ..sync.protocol import SyncError

log = logging.getLogger(__name__)
bp = Blueprint("api_v1", __name__, url_prefix=protocol.API_PREFIX)

STATUS = {
    protocol.UNKNOWN_STATION: 401, protocol.BAD_SIGNATURE: 401, protocol.CLOCK_SKEW: 401,
    protocol.REPLAYED_NONCE: 401, protocol.STATION_DISABLED: 403,
    protocol.PROTOCOL_MISMATCH: 426, protocol.BAD_REQUEST: 400, protocol.UNKNOWN_KIND: 422,
}


def _error(code, message, **extra):
    body = {"protocol": protocol.PROTOCOL_VERSION, "error": code, "message": message}
    body.update(extra)
    return jsonify(body), STATUS.get(code, 400)


@bp.errorhandler(SyncError)
def _sync_error(exc):
    log.warning("sync request refused (%s): %s", exc.code, exc.message)
    extra = {"server_time": int(utcnow().timestamp())} if exc.code == protocol.CLOCK_SKEW else {}
    if exc.code == protocol.PROTOCOL_MISMATCH:
        extra["supported"] = [protocol.PROTOCOL_VERSION]
    return _error(exc.code, exc.message, **extra)


@bp.before_request
def _authenticate():
    window = current_app.config.get("SYNC_CLOCK_WINDOW", protocol.DEFAULT_CLOCK_WINDOW)
    body = request.get_data(cache=True)
    g.station_id = protocol.check_request(
        request.headers, request.method, request.full_path.rstrip("?"), body,
        central_store.find_secret,
        lambda station_id, nonce: central_store.remember_nonce(station_id, nonce, window),
        window=window)
    try:
        g.payload = protocol.decode_body(body, request.headers.get("Content-Encoding", ""))
    except (OSError, ValueError, EOFError):
        raise SyncError(protocol.BAD_REQUEST, "the body is not gzip-compressed JSON") from None


def _ok(**body):
    body["protocol"] = protocol.PROTOCOL_VERSION
    response = jsonify(body)
    return response


@bp.post("/hello")
def hello():
    """A station introduces itself: central answers with its registry entry and limits."""
    payload = g.payload if isinstance(g.payload, dict) else {}
    station = Station.get_by_id(g.station_id)
    Station.update(software_version=str(payload.get("software_version", ""))[:40],
                   last_seen_at=utcnow()).where(Station.id == station.id).execute()
    return _ok(station={"id": str(station.id), "name": station.name,
                        "enterprise": station.enterprise, "address": station.address},
               central_version=__version__,
               batch_size=current_app.config.get("SYNC_BATCH_SIZE", 500),
               server_time=int(utcnow().timestamp()))


@bp.post("/push")
def push():
    """Store a batch of one kind; the ack lists exactly the ids central now holds."""
    payload = g.payload
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise SyncError(protocol.BAD_REQUEST, "a push needs {batch, kind, records: [...]}")
    limit = current_app.config.get("SYNC_MAX_BATCH", 5000)
    if len(payload["records"]) > limit:
        raise SyncError(protocol.BAD_REQUEST, f"at most {limit} records in one batch")
    acked, conflicts = central_store.accept_batch(g.station_id, str(payload.get("kind")),
                                                  payload["records"])
    return _ok(batch=payload.get("batch"), kind=payload.get("kind"), ack=acked,
               conflicts=conflicts)


@bp.get("/changes")
def changes():
    """The change sequence after the station's cursor, one page."""
    try:
        after = max(0, int(request.args.get("after", 0)))
        limit = min(max(1, int(request.args.get("limit", 500))), 5000)
    except ValueError:
        raise SyncError(protocol.BAD_REQUEST, "after and limit are whole numbers") from None
    central_store.publish()
    rows, cursor, more = central_store.changes_after(g.station_id, after, limit)
    return _ok(changes=rows, next=cursor, more=more)


@bp.post("/runs")
def runs():
    """The station reports a finished run (for central's dashboard)."""
    if not isinstance(g.payload, dict):
        raise SyncError(protocol.BAD_REQUEST, "a run report is a JSON object")
    central_store.record_run(g.station_id, g.payload)
    return _ok(recorded=True)

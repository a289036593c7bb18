"""Central's sync API, /api/v1/: every request signed by a registered station.

Errors answer JSON ``{"protocol", "error", "message"}`` with a distinct code
(docs/sync-protocol.md) so that the station can log and show what went wrong.
"""
import logging

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..db import db, is_sqlite
from ..models.base import utcnow
from ..sync import central_store, changelog, protocol
from ..sync.models import Station
from ..sync.protocol import SyncError
from ..version import __version__

log = logging.getLogger(__name__)
bp = Blueprint("api_v1", __name__, url_prefix=protocol.API_PREFIX)

STATUS = {
    protocol.UNKNOWN_STATION: 401, protocol.BAD_SIGNATURE: 401, protocol.CLOCK_SKEW: 401,
    protocol.REPLAYED_NONCE: 401, protocol.STATION_DISABLED: 403,
    protocol.PROTOCOL_MISMATCH: 426, protocol.BAD_REQUEST: 400, protocol.UNKNOWN_KIND: 400,
    protocol.TOO_LARGE: 413, protocol.NOT_FOUND: 404, protocol.METHOD_NOT_ALLOWED: 405,
    protocol.SERVER_ERROR: 500,
}
# A replay is answered 409 (the request conflicts with one central already took).
STATUS[protocol.REPLAYED_NONCE] = 409
HTTP_CODES = {404: protocol.NOT_FOUND, 405: protocol.METHOD_NOT_ALLOWED, 413: protocol.TOO_LARGE}


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


def http_error(exc):
    """Any HTTP error under /api/v1/ (an unknown path, a wrong method, a body too large) as JSON.

    Registered on the app for the API's paths only (routing errors never reach a blueprint).
    """
    code = HTTP_CODES.get(exc.code, protocol.BAD_REQUEST)
    body = {"protocol": protocol.PROTOCOL_VERSION, "error": code,
            "message": exc.description or exc.name}
    return jsonify(body), exc.code if exc.code < 500 else 400


def api_error(exc):
    """The app's error handler: JSON for the API's paths, the usual page elsewhere."""
    if not request.path.startswith(protocol.API_PREFIX + "/"):
        return exc
    if isinstance(exc, HTTPException):
        return http_error(exc)
    log.exception("sync API failed")
    return _failed()


def _failed():
    body = {"protocol": protocol.PROTOCOL_VERSION, "error": protocol.SERVER_ERROR,
            "message": "central failed; nothing from this request was kept"}
    return jsonify(body), 500


bp.register_error_handler(Exception, api_error)


def _read_body():
    """The raw body, refused with 413 from its declared length and again while streaming."""
    limit = current_app.config.get("SYNC_MAX_BODY", protocol.MAX_BODY)
    if (request.content_length or 0) > limit:
        raise SyncError(protocol.TOO_LARGE, f"the body is over {limit} bytes")
    request.max_content_length = limit
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise SyncError(protocol.TOO_LARGE, f"the body is over {limit} bytes") from None


class _StationChanged(Exception):
    """The cached registry entry of a station is out of date: check the request again."""


@bp.before_request
def _authenticate():
    window = current_app.config.get("SYNC_CLOCK_WINDOW", protocol.DEFAULT_CLOCK_WINDOW)
    body = _read_body()
    try:
        g.station_id = _check(body, window, cached=True)
    except _StationChanged:
        g.station_id = _check(body, window, cached=False)
    # From here on every answer, errors included, carries central's proof (see _finish).
    g.request_nonce = request.headers.get(protocol.H_NONCE, "")
    try:
        g.payload = protocol.decode_body(body, request.headers.get("Content-Encoding", ""))
    except protocol.TooLarge as exc:
        raise SyncError(protocol.TOO_LARGE, str(exc)) from None
    except (OSError, ValueError, EOFError, UnicodeDecodeError):
        raise SyncError(protocol.BAD_REQUEST, "the body is not gzip-compressed JSON within "
                        f"{protocol.MAX_DEPTH} levels") from None


def _check(body, window, cached):
    """The request's station id, or SyncError. The secret comes from this process's cache
    first; the nonce's statement proves the cache current (``central_store.claim_nonce``),
    and a signature that fails against a cached secret is checked again against the registry."""
    def find_secret(station_id):
        # Kept for the answer's proof (_finish): one registry read at most, not two.
        g.station_secret = central_store.find_secret(station_id, cached=cached)
        return g.station_secret

    try:
        return protocol.check_request(
            request.headers, request.method, request.full_path.rstrip("?"), body,
            find_secret, _claim_nonce, window=window)
    except SyncError as exc:
        if cached and exc.code == protocol.BAD_SIGNATURE:
            raise _StationChanged from None
        raise
    except _StationChanged:
        if not cached:  # changed again between the read and the claim
            raise SyncError(protocol.UNKNOWN_STATION, "the station's registration changed "
                            "during the request; try again") from None
        raise


def _claim_nonce(station_id, nonce):
    """Begin the request's transaction with its nonce: one commit per request (_finish).

    Not on SQLite: there the nonce's write takes the database's one write lock, and the
    request would hold it while it decodes and checks its records, which every other
    request then waits for. The nonce commits on its own there, as a push does after it.
    """
    txn = db.transaction("IMMEDIATE") if is_sqlite() else db.transaction()
    txn.__enter__()
    g.request_txn = txn
    claimed = central_store.claim_nonce(station_id, nonce, g.station_secret)
    if claimed is None:
        _end_transaction(commit=False)
        raise _StationChanged
    if claimed and is_sqlite():
        _end_transaction(commit=True)
    if not claimed:
        g.nonce_kept = True  # a replay: the first request's nonce is there
    return claimed


def _end_transaction(commit):
    txn = g.pop("request_txn", None)
    if txn is None:
        return
    if commit:
        txn.__exit__(None, None, None)  # a failed commit rolls back and raises
    else:
        txn.__exit__(SyncError, None, None)


@bp.after_request
def _finish(response):
    """Commit what the request wrote before answering, then sign the answer: status, body
    and the request's nonce. A refused request keeps nothing but its nonce, which is kept
    on its own so that the same request cannot be tried again."""
    if "request_txn" in g:
        if response.status_code < 400:
            try:
                _end_transaction(commit=True)
            except Exception:
                log.exception("sync API: commit failed")
                response, _status = _failed()
                response.status_code = 500
        if response.status_code >= 400:
            _end_transaction(commit=False)
            if not g.get("nonce_kept"):
                central_store.remember_nonce(g.station_id, g.request_nonce)
    nonce = g.get("request_nonce")
    if nonce:
        secret = g.get("station_secret")
        if secret:
            response.headers[protocol.H_PROOF] = protocol.response_proof(
                secret, response.status_code, nonce, response.get_data())
    return response


@bp.teardown_request
def _roll_back(exc):
    """Nothing is left open for the pool: an answer that never reached _finish keeps nothing."""
    _end_transaction(commit=False)


def _ok(**body):
    body["protocol"] = protocol.PROTOCOL_VERSION
    response = jsonify(body)
    return response


@bp.post("/hello")
def hello():
    """A station introduces itself: central answers with its registry entry and limits."""
    payload = g.payload if isinstance(g.payload, dict) else {}
    station = Station.get_by_id(g.station_id)
    central_store.forget_old_nonces(station.id, current_app.config.get(
        "SYNC_CLOCK_WINDOW", protocol.DEFAULT_CLOCK_WINDOW))
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
    window = current_app.config.get("SYNC_CLOCK_WINDOW", protocol.DEFAULT_CLOCK_WINDOW)
    acked, conflicts = central_store.accept_batch(g.station_id, str(payload.get("kind")),
                                                  payload["records"], window)
    return _ok(batch=payload.get("batch"), kind=payload.get("kind"), ack=acked,
               conflicts=conflicts)


@bp.get("/changes")
def changes():
    """The change log after the station's cursor, one page (an indexed range read)."""
    try:
        after = int(request.args.get("after", 0))
        limit = int(request.args.get("limit", 500))
    except ValueError:
        raise SyncError(protocol.BAD_REQUEST, "after and limit are whole numbers") from None
    if not 0 <= after <= protocol.MAX_CURSOR or not 1 <= limit <= 5000:
        raise SyncError(protocol.BAD_REQUEST,
                        f"after is 0…{protocol.MAX_CURSOR} and limit 1…5000")
    rows, cursor, more = changelog.changes_after(g.station_id, after, limit)
    return _ok(changes=rows, next=cursor, more=more)


@bp.post("/runs")
def runs():
    """The station reports a finished run (for central's dashboard)."""
    if not isinstance(g.payload, dict):
        raise SyncError(protocol.BAD_REQUEST, "a run report is a JSON object")
    problem = central_store.run_report_problem(g.payload)
    if problem:
        raise SyncError(protocol.BAD_REQUEST, f"run report: {problem}")
    central_store.record_run(g.station_id, g.payload)
    return _ok(recorded=True)

"""The wire protocol of the nightly sync, version 1 (docs/sync-protocol.md).

Pure functions: canonical JSON, digests, gzip, request signing and checking.
No Flask and no database here, so the station's client, central's API and the
tests all use the same definitions.
"""
import gzip
import hashlib
import hmac
import json
import secrets
import time
import uuid
import zlib
from datetime import date, datetime

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"

H_STATION = "X-Kiosk-Station"
H_TIMESTAMP = "X-Kiosk-Timestamp"
H_NONCE = "X-Kiosk-Nonce"
H_SIGNATURE = "X-Kiosk-Signature"
H_PROTOCOL = "X-Kiosk-Protocol"
# Central's answer to a signed request: HMAC over its status, the request's nonce and the body.
H_PROOF = "X-Kiosk-Proof"

# Seconds a signed request stays valid either side of central's clock.
DEFAULT_CLOCK_WINDOW = 300

# Error codes central answers with; the station shows each one differently.
UNKNOWN_STATION = "unknown_station"
STATION_DISABLED = "station_disabled"
BAD_SIGNATURE = "bad_signature"
CLOCK_SKEW = "clock_skew"
REPLAYED_NONCE = "replayed_nonce"
PROTOCOL_MISMATCH = "protocol_mismatch"
BAD_REQUEST = "bad_request"
UNKNOWN_KIND = "unknown_kind"
TOO_LARGE = "too_large"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
# … and the errors the station finds itself.
NOT_AN_ACK = "not_an_ack"
UNREACHABLE = "unreachable"
SERVER_ERROR = "server_error"
NOT_CONFIGURED = "not_configured"
CENTRAL_UNPROVEN = "central_unproven"   # the answer is not signed with this station's secret
INSECURE_URL = "insecure_url"           # http:// to a host that is not this machine

# Limits on what central reads (docs/sync-protocol.md, "Limits").
MAX_BODY = 16 * 1024 * 1024          # bytes on the wire, and bytes after gunzip
MAX_RATIO = 100                      # gunzip may grow a body at most this much …
RATIO_FLOOR = 1024 * 1024            # … once it is past this size
MAX_DEPTH = 32                       # nesting of JSON arrays and objects
MAX_CURSOR = 2**63 - 1


class TooLarge(ValueError):
    """A body over the limits: central answers 413 without storing anything."""

AUTH_ERRORS = (UNKNOWN_STATION, STATION_DISABLED, BAD_SIGNATURE, CLOCK_SKEW, REPLAYED_NONCE)


class SyncError(Exception):
    """A sync step failed with a protocol error code; ``retry`` says if trying again may help."""

    def __init__(self, code, message, retry=False, status=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retry = retry
        self.status = status


def _default(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# One encoder for every call: json.dumps with these options builds a new one each time,
# which was a tenth of central's time per pushed record.
_CANONICAL = json.JSONEncoder(default=_default, sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False)


def canonical_json(value):
    """The one JSON form that digests are taken over: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(value)


def content_digest(data):
    """The digest that decides whether two copies of a record are the same."""
    return json_digest(canonical_json(data))


def json_digest(text):
    """``content_digest`` of a record whose canonical JSON is already at hand."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_body(value):
    """JSON, gzip-compressed: what goes on the wire."""
    return gzip.compress(canonical_json(value).encode("utf-8"), compresslevel=5, mtime=0)


def gunzip_bounded(raw, limit=MAX_BODY, ratio=MAX_RATIO, floor=RATIO_FLOOR):
    """Decompress a gzip body, refusing (``TooLarge``) past ``limit`` bytes or ``ratio``×.

    Decompressed a piece at a time, so a bomb costs at most ``limit`` bytes of memory.
    """
    ceiling = min(limit, max(floor, len(raw) * ratio))
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, ceiling + 1)
    except zlib.error as exc:  # not gzip at all: bad input, never a server error
        raise ValueError(f"not gzip data: {exc}") from None
    if len(out) > ceiling or inflater.unconsumed_tail:
        raise TooLarge(f"the body decompresses to more than {ceiling} bytes")
    if not inflater.eof:
        raise ValueError("truncated gzip data")
    return out


def _depth_problem(value, limit):
    # Level by level, containers only: a push is mostly scalars, and this runs on every
    # record. json.loads makes plain dicts and lists, so their exact types are enough.
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below = []
        for item in level:
            below += [v for v in (item.values() if type(item) is dict else item)
                      if type(v) is dict or type(v) is list]
        level = below
    return False


def decode_body(raw, content_encoding="", max_depth=MAX_DEPTH):
    """gzip-compressed (or plain) JSON, within the limits; ``ValueError`` when it is not."""
    if content_encoding.strip().lower() == "gzip":
        raw = gunzip_bounded(raw)
    if not raw:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _depth_problem(value, max_depth):
        raise ValueError(f"JSON nested deeper than {max_depth}")
    return value


def new_secret():
    return secrets.token_urlsafe(32)


def string_to_sign(method, path, timestamp, nonce, body):
    body_digest = hashlib.sha256(body or b"").hexdigest()
    return "\n".join([method.upper(), path, str(timestamp), nonce, body_digest]).encode("utf-8")


def signature(secret, method, path, timestamp, nonce, body):
    return hmac.new(secret.encode("utf-8"), string_to_sign(method, path, timestamp, nonce, body),
                    hashlib.sha256).hexdigest()


def sign_headers(station_id, secret, method, path, body, now=None, nonce=None):
    """The headers that authenticate one request of a station."""
    timestamp = int(now if now is not None else time.time())
    nonce = nonce or secrets.token_hex(16)
    return {
        H_STATION: str(station_id),
        H_TIMESTAMP: str(timestamp),
        H_NONCE: nonce,
        H_SIGNATURE: signature(secret, method, path, timestamp, nonce, body),
        H_PROTOCOL: str(PROTOCOL_VERSION),
    }


def check_request(headers, method, path, body, find_secret, remember_nonce,
                  now=None, window=DEFAULT_CLOCK_WINDOW):
    """Authenticate a station's request; return its station id or raise ``SyncError``.

    ``find_secret(station_id)`` returns the secret, None for an unknown station,
    or raises SyncError(STATION_DISABLED). ``remember_nonce(station_id, nonce)``
    returns False when the nonce was seen before. The order matters: the nonce is
    remembered only after the signature is right, so a forger cannot burn nonces.
    """
    version = headers.get(H_PROTOCOL)
    if version != str(PROTOCOL_VERSION):
        raise SyncError(PROTOCOL_MISMATCH,
                        f"central speaks sync protocol {PROTOCOL_VERSION}, the station {version or 'none'}")
    station = headers.get(H_STATION, "")
    try:
        station_id = uuid.UUID(station)
    except ValueError:
        raise SyncError(UNKNOWN_STATION, "no valid station id in the request") from None
    secret = find_secret(station_id)
    if secret is None:
        raise SyncError(UNKNOWN_STATION, f"station {station_id} is not registered at central")
    try:
        timestamp = int(headers.get(H_TIMESTAMP, ""))
    except ValueError:
        raise SyncError(BAD_SIGNATURE, "the request has no valid timestamp") from None
    nonce = headers.get(H_NONCE, "")
    given = headers.get(H_SIGNATURE, "")
    expected = signature(secret, method, path, timestamp, nonce, body)
    if not nonce or not hmac.compare_digest(given.encode("utf-8", "replace"),
                                            expected.encode("ascii")):
        raise SyncError(BAD_SIGNATURE, "the signature does not match: check the station's secret")
    now = time.time() if now is None else now
    if abs(now - timestamp) > window:
        raise SyncError(CLOCK_SKEW, f"the station's clock is {int(timestamp - now):+d} s off "
                                    f"central's (allowed: ±{window} s)")
    if not remember_nonce(station_id, nonce):
        raise SyncError(REPLAYED_NONCE, "this request was sent before (replayed nonce)")
    return station_id


def response_proof(secret, status, request_nonce, body):
    """Central's signature of one answer: only who knows the station's secret can make it.

    It binds the status and the exact body bytes to the nonce of the request being
    answered, so an answer can be neither forged nor replayed to another request.
    """
    message = "\n".join(["RESPONSE", str(int(status)), request_nonce,
                         hashlib.sha256(body or b"").hexdigest()]).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def check_response(secret, status, request_nonce, body, proof):
    """True when ``proof`` is central's signature of this answer to this request."""
    expected = response_proof(secret, status, request_nonce, body)
    return hmac.compare_digest((proof or "").encode("utf-8", "replace"), expected.encode("ascii"))

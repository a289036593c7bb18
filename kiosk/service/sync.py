"""How service requests sync: the kinds, their schema, and who may write what.

The station owns a request and the events it writes (``origin="station"``);
central owns the events it writes on requests it handles (``origin="central"``),
which go down to the station that took the request, so the worker follows them
by receipt code at the kiosk. Central keeps a copy of every request in its own
``ServiceRequest`` table (no member id: central handles by receipt code and the
phone the worker typed), so the federation's inbox is the same screen as a
station's.

Central's ingest asks the same rules as the screens: a station may not change the
status of, or reply on, a request central handles (``lifecycle.writer_may_add``),
and on a request it handles, its status changes must follow the order its own inbox
allows (``lifecycle.may_change_status``), e.g. never resolved → new.
"""
import json
import logging
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from .. import bulk
from ..sync.kind_spec import CENTRAL, STATION, ParentMissing, WireField
from . import categories, lifecycle
from .models import EVENT_KINDS, STATUS_EVENTS, RequestEvent, ServiceRequest

log = logging.getLogger(__name__)

REQUEST_FIELDS = ("category", "topic", "description", "receipt_code", "handled_by", "urgent")
EVENT_FIELDS = ("request", "kind", "text", "public", "actor", "origin", "at")
# Never changed once central has a request: who handles it, and the code the worker holds.
FIXED_REQUEST_FIELDS = ("handled_by", "receipt_code", "category")


def request_refusal(data, stored, parent, batch=()):
    """Why a station may not write this version of a request, or None."""
    if data.get("phone") and data["handled_by"] != categories.CENTRAL:
        return "the phone goes up only with requests central handles"
    if stored is not None:
        for key in FIXED_REQUEST_FIELDS:
            if stored.get(key) != data.get(key):
                return f"a request's {key} never changes once sent"
    return None


def event_refusal(data, stored, parent, batch=()):
    """Why a station may not write this event, or None (checked again when its request comes)."""
    if data["origin"] != categories.STATION:
        return "a station writes only its own events (origin station)"
    if parent is not None and not lifecycle.writer_may_add(parent["handled_by"], "station",
                                                           data["kind"], data["actor"]):
        return f"the request is handled by {parent['handled_by']}: not the station's to change"
    if (parent is not None and parent["handled_by"] == categories.STATION
            and data["kind"] in STATUS_EVENTS):
        status = _status_before(data, batch)
        if not lifecycle.may_change_status(status, data["kind"]):
            return (f"the station's inbox would refuse this status change "
                    f"({status or 'not filed'} → {data['kind']})")
    return None


def _status_before(event, batch):
    """The request's status just before ``event`` (by ``at``), from the events central
    holds and those of the same push that the rule lets through. The outbox sends in
    order of last change, not of ``at`` (an anonymous worker's reopen is stamped to the
    hour), so the push is taken whole and replayed in order."""
    at = _when(event["at"])
    held = _held_events(event["request_id"], batch)
    pushed = {e["id"]: e for e in batch
              if e.get("request_id") == event["request_id"] and e["id"] not in held
              and e.get("origin") == categories.STATION}
    earlier = sorted((_when(e["at"]), i in pushed, e["kind"])
                     for i, e in {**held, **pushed}.items()
                     if i != event["id"] and _when(e["at"]) < at)
    status = None
    for _at, is_pushed, kind in earlier:
        if kind not in STATUS_EVENTS:
            continue
        if is_pushed and not lifecycle.may_change_status(status, kind):
            continue  # refused in its turn: it changes nothing
        status = STATUS_EVENTS[kind]
    return status


def _held_events(request_id, batch):
    """{id: event} central holds for a request; for a whole push in one read (its ``memo``)."""
    from ..sync.models import CentralRecord
    memo = getattr(batch, "memo", None)
    if memo is not None and "held" in memo:
        return memo["held"].get(request_id, {})
    wanted = {request_id} | ({e.get("request_id") for e in batch} - {None}
                             if memo is not None else set())
    held = {}
    for kind, data in bulk.select_in(CentralRecord, ("kind", "data"), "parent_id",
                                     list(wanted)):
        if kind != "request_event":
            continue
        other = json.loads(data)
        held.setdefault(other["request_id"], {})[other["id"]] = other
    if memo is not None:
        memo["held"] = held
    return held.get(request_id, {})


def _when(value):
    """An event's ``at`` as a naive UTC datetime, from the wire (text) or the schema check."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def register_all(register, SyncKind):
    from ..models.base import utcnow
    from ..sync.models import SyncState

    def request_extra(request):
        # The member stays at the station; the phone goes only where central must call back.
        # The crisis flag goes along so the federation's inbox puts it first too.
        return {"anonymous": request.member_id is None, "crisis": bool(request.crisis),
                "phone": request.phone if request.handled_by == "central" else None}

    def mark_received(ids):
        # To the hour, as every time about an anonymous request (lifecycle.coarse).
        (ServiceRequest.update(sent_to_central_at=lifecycle.coarse(utcnow()))
         .where(ServiceRequest.id.in_(ids) & ServiceRequest.sent_to_central_at.is_null())
         .execute())

    def request_values(data):
        values = {"id": data["id"], "station_id": data["station_id"],
                  "created_at": data["created_at"], "updated_at": data["updated_at"],
                  "phone": data.get("phone"), "member": None,
                  "awaiting_since": data["created_at"],
                  # Older stations send no flag: a false here only loses the ordering.
                  "crisis": data.get("crisis") is True}
        values.update({f: data[f] for f in REQUEST_FIELDS})
        return values

    def refresh_with_events(request_ids):
        # Requests without events yet keep what they came with: they are refreshed
        # when their events come (one read and one bulk update per batch either way).
        with_events = {bulk.uuid_text(i) for (i,) in bulk.select_in(
            RequestEvent, ("request",), "request", list(request_ids))}
        lifecycle.refresh_many(with_events)

    def materialize_requests(records):
        """Central: keep a copy in the inbox's own table; its status comes from the events."""
        # The member stays at the station; the status columns are the events' business.
        synced = ("station_id", "created_at", "updated_at", "phone", "crisis") + REQUEST_FIELDS
        rows = [request_values(d) for d in records]
        names = tuple(rows[0])

        def copy(some):
            # One raw statement for the batch (bulk.py): peewee's insert_many cost more
            # Python than the database spent on it (issue 11).
            with ServiceRequest._meta.database.atomic():
                bulk.upsert(ServiceRequest, names, [tuple(r[n] for n in names) for r in some],
                            "id", synced)
        try:
            copy(rows)
        except IntegrityError:
            # Two stations drew one receipt code (1 in 10**13): copy one by one, and
            # leave the clashing one in the ledger only, for an administrator.
            for data, row in zip(records, rows, strict=True):
                try:
                    copy([row])
                except IntegrityError:
                    log.error("request %s not copied to the inbox: receipt code taken",
                              data["id"])
        refresh_with_events({d["id"] for d in records})

    def event_values(data):
        values = {"id": data["id"], "station_id": data["station_id"],
                  "created_at": data["created_at"], "updated_at": data["updated_at"],
                  "request": data["request_id"]}
        values.update({f: data[f] for f in EVENT_FIELDS if f != "request"})
        return values

    def insert_event(data):
        RequestEvent.insert(event_values(data)).on_conflict_ignore().execute()

    def materialize_events(records):
        wanted = {d["request_id"] for d in records}
        present = {bulk.uuid_text(i) for (i,) in bulk.select_in(ServiceRequest, ("id",), "id",
                                                                 list(wanted))}
        # An event whose request is in the ledger but not in the inbox (see above) waits there.
        rows = [event_values(d) for d in records if d["request_id"] in present]
        if rows:
            names = tuple(rows[0])
            bulk.insert_ignore(RequestEvent, names, [tuple(r[n] for n in names) for r in rows])
            lifecycle.refresh_many({r["request"] for r in rows})

    def apply_central_event(op, data):
        """Station: central's reply or status change on a request this station took."""
        request = ServiceRequest.get_or_none(ServiceRequest.id == data["request_id"])
        if request is None:
            raise ParentMissing(data["request_id"])
        insert_event(data)
        before = request.updated_at
        lifecycle.refresh(request)
        # refresh() rewrote only the derived columns, which do not sync: if central had
        # this request's last version, it still has it (no pointless resend).
        (SyncState.update(sent_updated_at=request.updated_at)
         .where((SyncState.record_id == request.id) & (SyncState.sent_updated_at == before))
         .execute())

    def request_station(event):
        """The registry id of the station that pushed the event's request."""
        from ..sync.models import CentralRecord
        record = CentralRecord.get_or_none(CentralRecord.id == event.request_id)
        return record.station_id if record is not None else None

    register(SyncKind(
        "service_request", ServiceRequest, STATION, REQUEST_FIELDS, order=20,
        label=_l("requests"), extra=request_extra, on_acked=mark_received, coarse_ack_time=True,
        materialize=materialize_requests, refusal=request_refusal,
        # Read when a record arrives: the categories as this software defines them.
        choices={"category": lambda: categories.KEYS, "handled_by": categories.HANDLERS},
        extra_schema=(WireField("anonymous", "bool", required=False, default=True),
                      WireField("crisis", "bool", required=False, default=False),
                      WireField("phone", "text", required=False, null=True, max_length=20))))
    register(SyncKind(
        "request_event", RequestEvent, STATION, EVENT_FIELDS, order=21, mutable=False,
        coarse_ack_time=True, label=_l("request history"), parent_kind="service_request",
        parent_field="request",
        rows=lambda: RequestEvent.select().where(RequestEvent.origin == "station"),
        materialize=materialize_events, refusal=event_refusal,
        choices={"kind": EVENT_KINDS, "origin": lifecycle.SIDES}))
    register(SyncKind("request_event_central", RequestEvent, CENTRAL, EVENT_FIELDS, order=21,
                      label=_l("replies from central"),
                      rows=lambda: RequestEvent.select().where(RequestEvent.origin == "central"),
                      target=request_station, apply=apply_central_event))

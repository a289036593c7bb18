"""Kinds of the features built beside the sync, attached when their models exist.

Each block imports a feature's models; a feature that is not installed is
skipped, and its rows simply do not sync until it is.

Service requests: the station owns a request and the events it writes
(``origin="station"``); central owns the events it writes on requests it
handles (``origin="central"``), which go down to the station that took the
request, so the worker follows them by receipt code at the kiosk. Central
keeps a copy of every request in its own ``ServiceRequest`` table (no member
id: central handles by receipt code and the phone the worker typed), so the
federation's inbox is the same screen as a station's.

Benefit links: central's links (``owner="central"``) and their logos go down
to every station.
"""
import logging

from peewee import IntegrityError

log = logging.getLogger(__name__)


def register_all(register, SyncKind):
    try:
        from ..service_requests import lifecycle
        from ..service_requests.models import RequestEvent, ServiceRequest
    except ImportError:
        pass
    else:
        _register_requests(register, SyncKind, ServiceRequest, RequestEvent, lifecycle)
    try:
        from ..benefits.models import BenefitLink, BenefitLogo
    except ImportError:
        pass
    else:
        _register_benefits(register, SyncKind, BenefitLink, BenefitLogo)


REQUEST_FIELDS = ("category", "topic", "description", "receipt_code", "handled_by", "urgent")
EVENT_FIELDS = ("request", "kind", "text", "public", "actor", "origin", "at")


def _register_requests(register, SyncKind, ServiceRequest, RequestEvent, lifecycle):
    from ..models.base import utcnow
    from .kinds import CENTRAL, STATION, ParentMissing
    from .models import SyncState

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
        with_events = (RequestEvent.select(RequestEvent.request).distinct()
                       .where(RequestEvent.request.in_(list(request_ids))))
        for request in ServiceRequest.select().where(ServiceRequest.id.in_(with_events)):
            lifecycle.refresh(request)

    def materialize_requests(records):
        """Central: keep a copy in the inbox's own table; its status comes from the events."""
        # The member stays at the station; the status columns are the events' business.
        synced = [ServiceRequest._meta.fields[f] for f in
                  ("station_id", "created_at", "updated_at", "phone", "crisis") + REQUEST_FIELDS]
        try:
            with ServiceRequest._meta.database.atomic():
                (ServiceRequest.insert_many([request_values(d) for d in records])
                 .on_conflict(conflict_target=[ServiceRequest.id], preserve=synced).execute())
        except IntegrityError:
            # Two stations drew one receipt code (1 in 10**13): copy one by one, and
            # leave the clashing one in the ledger only, for an administrator.
            for data in records:
                try:
                    with ServiceRequest._meta.database.atomic():
                        (ServiceRequest.insert(request_values(data))
                         .on_conflict(conflict_target=[ServiceRequest.id], preserve=synced)
                         .execute())
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
        present = {str(i) for (i,) in ServiceRequest.select(ServiceRequest.id)
                   .where(ServiceRequest.id.in_(list(wanted))).tuples()}
        # An event whose request is in the ledger but not in the inbox (see above) waits there.
        rows = [event_values(d) for d in records if d["request_id"] in present]
        if rows:
            RequestEvent.insert_many(rows).on_conflict_ignore().execute()
            refresh_with_events({r["request"] for r in rows})

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
        from .models import CentralRecord
        record = CentralRecord.get_or_none(CentralRecord.id == event.request_id)
        return record.station_id if record is not None else None

    register(SyncKind("service_request", ServiceRequest, STATION, REQUEST_FIELDS, order=20,
                      extra=request_extra, on_acked=mark_received, coarse_ack_time=True,
                      materialize=materialize_requests))
    register(SyncKind("request_event", RequestEvent, STATION, EVENT_FIELDS, order=21,
                      mutable=False, parent_kind="service_request", parent_field="request",
                      coarse_ack_time=True,
                      rows=lambda: RequestEvent.select().where(RequestEvent.origin == "station"),
                      materialize=materialize_events))
    register(SyncKind("request_event_central", RequestEvent, CENTRAL, EVENT_FIELDS, order=21,
                      rows=lambda: RequestEvent.select().where(RequestEvent.origin == "central"),
                      target=request_station, apply=apply_central_event))


LINK_FIELDS = ("owner", "title_zh", "title_en", "description_zh", "description_en", "category",
               "url", "logo_digest", "logo_in_qr", "sort_order", "visible_from", "visible_until",
               "hidden")


def _register_benefits(register, SyncKind, BenefitLink, BenefitLogo):
    from .kinds import CENTRAL, apply_to_model, get

    def central_logos():
        digests = (BenefitLink.select(BenefitLink.logo_digest)
                   .where((BenefitLink.owner == "central") & BenefitLink.logo_digest.is_null(False)))
        return BenefitLogo.select().where(BenefitLogo.digest.in_(digests))

    # Logos first: a link names its logo by digest.
    register(SyncKind("benefit_logo", BenefitLogo, CENTRAL, ("digest", "png"), order=30,
                      blob_fields=("png",), rows=central_logos,
                      apply=lambda op, data: apply_to_model(get("benefit_logo"), op, data)))
    register(SyncKind("benefit_link", BenefitLink, CENTRAL, LINK_FIELDS, order=31,
                      rows=lambda: BenefitLink.select().where(BenefitLink.owner == "central"),
                      apply=lambda op, data: apply_to_model(get("benefit_link"), op, data)))

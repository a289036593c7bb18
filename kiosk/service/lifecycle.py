"""Filing a request, adding events to it, rating it: the rules, with no Flask.

Every change is a new ``RequestEvent`` written in a ``write_transaction()``
that first re-reads the request, so two people acting at once cannot both
move it from the same status. The request's cached columns are then rebuilt
from all its events (``refresh``), the same way the sync does after adding
events from central.
"""
import uuid
from collections import namedtuple
from datetime import timedelta

from peewee import IntegrityError

from ..alerts import triggers as alert_triggers
from ..db import write_transaction
from ..models import utcnow
from . import categories, crisis, receipt
from .models import (
    ASSIGNED,
    DECLINED,
    IN_PROGRESS,
    INTERNAL_NOTE,
    NEW,
    PUBLIC_REPLY,
    RATED,
    RECEIVED,
    REOPEN,
    REOPENED,
    RESOLVED,
    RESPONSE_KINDS,
    STATUS_EVENTS,
    SUBMITTED,
    RequestEvent,
    ServiceRequest,
)

SATISFIED = "satisfied"
UNSATISFIED = "unsatisfied"
WORKER = "worker"

# The status changes the handler may make from each status.
NEXT_STATUS = {
    NEW: (RECEIVED, IN_PROGRESS, RESOLVED, DECLINED),
    RECEIVED: (IN_PROGRESS, RESOLVED, DECLINED),
    IN_PROGRESS: (RESOLVED, DECLINED),
    REOPENED: (RECEIVED, IN_PROGRESS, RESOLVED, DECLINED),
    RESOLVED: (REOPEN,),
    DECLINED: (REOPEN,),
}


# The worker's own steps, taken at the kiosk of the station that took the request,
# whoever handles it: filing it, rating the answer, reopening it when not satisfied.
WORKER_KINDS = (SUBMITTED, RATED, REOPEN)
SIDES = ("station", "central")


def writer_may_add(handled_by, writer, kind, actor=None):
    """May ``writer`` ("station" or "central") add an event of ``kind`` to a request
    handled by ``handled_by``? The handler writes every kind; the station's kiosk also
    records the worker's own steps (``actor`` "worker"). The inbox (add_event), the
    kiosk (rate) and central's sync ingest (service.sync) all ask this function.
    """
    if writer not in SIDES:
        return False
    if writer == handled_by:
        return True
    return writer == "station" and actor == WORKER and kind in WORKER_KINDS


def may_change_status(status, kind):
    """May a request in ``status`` take the status event ``kind``? Filing comes first and
    once; every later change follows NEXT_STATUS. The inbox (add_event) and central's
    sync ingest (service.sync) both ask this function."""
    if kind == SUBMITTED:
        return status is None
    return kind in NEXT_STATUS.get(status or NEW, ())


class LifecycleError(Exception):
    """A change that the request's current state does not allow."""


class NotAllowed(LifecycleError):
    pass


class ReasonRequired(LifecycleError):
    pass


class TextRequired(LifecycleError):
    pass


class AlreadyRated(LifecycleError):
    pass


class NotYours(LifecycleError):
    """The request is handled elsewhere (by central, or by the station)."""


def coarse(moment):
    """``moment`` to the hour: all an anonymous request keeps of when it was written."""
    return moment.replace(minute=0, second=0, microsecond=0)


def file_request(category, topic, description="", phone=None, member=None, origin="station",
                 idempotency_key=None):
    """Save a new request and its first event; return it with its receipt code.

    With an ``idempotency_key`` (the draft's token), a second call with the same key
    returns the request the first one filed: a double tap files once.
    """
    config = categories.config(category)
    is_crisis = crisis.is_crisis(category, topic, description)
    urgent = is_crisis or categories.is_urgent(category, topic, description)
    for _attempt in range(5):
        code = receipt.new_code()
        try:
            with write_transaction():
                if idempotency_key:
                    filed = ServiceRequest.get_or_none(
                        ServiceRequest.idempotency_key == idempotency_key)
                    if filed is not None:
                        return filed
                now = utcnow() if member is not None else coarse(utcnow())
                request_id = uuid.uuid4()
                values = dict(id=request_id, category=category, topic=topic, description=description,
                              phone=phone, member=member, receipt_code=code,
                              handled_by=config.handled_by, urgent=urgent, crisis=is_crisis,
                              status=NEW, awaiting_since=now, created_at=now, updated_at=now,
                              idempotency_key=idempotency_key or None)
                # insert(), not create(): save() would stamp updated_at with the exact time.
                ServiceRequest.insert(**values).execute()
                RequestEvent.insert(request=request_id, kind=SUBMITTED, public=True,
                                    actor=WORKER, origin=origin, at=now, created_at=now,
                                    updated_at=now).execute()
                # The chair's phone hears of a crisis or urgent request with it, or not at all.
                alert_triggers.request_filed(request_id, category=category, crisis=is_crisis,
                                             urgent=urgent, member=member)
            return ServiceRequest.get_by_id(request_id)
        except IntegrityError:
            if idempotency_key and ServiceRequest.get_or_none(
                    ServiceRequest.idempotency_key == idempotency_key) is not None:
                continue   # filed by the other tap meanwhile: the next round returns it
            # Two codes the same in 10**13: draw again.
            continue
    raise RuntimeError("could not draw an unused receipt code")


def add_event(request_id, kind, actor, origin, text="", public=None):
    """The handler's action on a request: a status change, a reply, a note, an assignment."""
    with write_transaction():
        request = ServiceRequest.get_by_id(request_id)
        if not writer_may_add(request.handled_by, origin, kind):
            raise NotYours(request.handled_by)
        if kind in STATUS_EVENTS:
            if not may_change_status(request.status, kind):
                raise NotAllowed(kind)
            if kind == DECLINED and not text:
                raise ReasonRequired(kind)
            public = True
        elif kind in (PUBLIC_REPLY, INTERNAL_NOTE):
            if not text:
                raise TextRequired(kind)
            public = kind == PUBLIC_REPLY
        elif kind == ASSIGNED:
            public = False
        else:
            raise NotAllowed(kind)
        event = RequestEvent.create(request=request, kind=kind, text=text, public=public,
                                    actor=actor, origin=origin, at=_next_at(request))
        _publish(event.id, origin)
        return refresh(request)


def can_rate(request, events=None):
    """Resolved, and not yet rated since it was last resolved."""
    if request.status != RESOLVED:
        return False
    for event in reversed(events if events is not None else history(request)):
        if event.kind == RATED:
            return False
        if event.kind == RESOLVED:
            return True
    return False


# Why a worker was not satisfied (the kiosk asks, one optional tap): kept as the text of
# the reopening, words in templates/service/_labels.html.
REOPEN_REASONS = ("not_solved", "too_slow", "unclear")
NO_REASON = "none"


def rate(request_id, satisfied, origin="station", reason=""):
    """The worker's verdict; "not satisfied" reopens the request for the chair, with
    the worker's reason (one of REOPEN_REASONS, or "" when they would rather not say)."""
    with write_transaction():
        request = ServiceRequest.get_by_id(request_id)
        if not can_rate(request):
            raise AlreadyRated(request.status)
        if not writer_may_add(request.handled_by, origin, RATED, WORKER):
            raise NotYours(request.handled_by)
        _worker_event(request, RATED, origin, SATISFIED if satisfied else UNSATISFIED)
        if not satisfied:
            _worker_event(request, REOPEN, origin, reason if reason in REOPEN_REASONS else "")
        return refresh(request)


def _worker_event(request, kind, origin, text=""):
    """An event by the worker; on an anonymous request its times are kept to the hour."""
    if not request.anonymous:
        event = RequestEvent.create(request=request, kind=kind, public=True, actor=WORKER,
                                    origin=origin, text=text, at=_next_at(request))
        _publish(event.id, origin)
        return event
    at = _next_at(request, coarse(utcnow()))
    stamp = coarse(utcnow())
    event_id = uuid.uuid4()
    RequestEvent.insert(id=event_id, request=request, kind=kind, public=True, actor=WORKER,
                        origin=origin, text=text, at=at, created_at=stamp,
                        updated_at=stamp).execute()
    _publish(event_id, origin)


def _publish(event_id, origin):
    """Central's own event goes into the change log, to the station that took the request,
    in the transaction that wrote it."""
    if origin == categories.CENTRAL:
        from ..sync import changelog
        changelog.record("request_event_central", [event_id])


def history(request, public_only=False):
    query = request.events.order_by(RequestEvent.at, RequestEvent.created_at)
    if public_only:
        query = query.where(RequestEvent.public)
    return list(query)


def refresh(request):
    """Rebuild the request's cached columns from its events, and save them."""
    values = _derived(request.created_at, history(request))
    values["updated_at"] = utcnow() if not request.anonymous else coarse(utcnow())
    for name, value in values.items():
        setattr(request, name, value)
    ServiceRequest.update(**values).where(ServiceRequest.id == request.id).execute()
    return request


def refresh_many(request_ids):
    """``refresh`` for a batch of requests: one read of all their events, one bulk update.

    Central's inbox copy after a push (service/sync.py) — not per request. Raw
    reads (bulk.py): building them with peewee cost more than running them (issue 11).
    """
    from .. import bulk
    ids = list(request_ids)
    if not ids:
        return
    created_at, at = ServiceRequest.created_at.python_value, RequestEvent.at.python_value
    requests = {bulk.uuid_text(i): (created_at(created), member is None) for i, created, member
                in bulk.select_in(ServiceRequest, ("id", "created_at", "member"), "id", ids)}
    events = {}
    rows = bulk.select_in(RequestEvent, ("request", "kind", "at", "text", "created_at"),
                          "request", list(requests))
    # In each request's order: by when it happened, then by when it was written.
    for request_id, kind, when, text, _created in sorted(
            ((bulk.uuid_text(r[0]), r[1], at(r[2]), r[3], created_at(r[4])) for r in rows),
            key=lambda e: (e[0], e[2], e[4])):
        events.setdefault(request_id, []).append(_Event(kind, when, text))
    now, rows = utcnow(), []
    for rid, (created, anonymous) in sorted(requests.items()):  # one lock order for every host
        values = _derived(created, events.get(rid, []))
        rows.append(tuple(values[name] for name in DERIVED)
                    + (coarse(now) if anonymous else now, rid))
    bulk.update_many(ServiceRequest, DERIVED + ("updated_at",), "id", rows)


# What ``_derived`` reads of an event.
_Event = namedtuple("_Event", "kind at text")


DERIVED = ("status", "awaiting_since", "first_response_at", "resolved_at", "assignee", "rating")


def _derived(created_at, events):
    """The cached columns of a request, from its events in order."""
    status, awaiting, first_response, resolved_at = NEW, created_at, None, None
    assignee, rating = "", None
    for event in events:
        if event.kind in STATUS_EVENTS:
            status = STATUS_EVENTS[event.kind]
        if event.kind in (SUBMITTED, REOPEN):
            awaiting = event.at
        if event.kind in RESPONSE_KINDS:
            awaiting = None
            first_response = first_response or event.at
        if event.kind == RESOLVED:
            resolved_at = event.at
        elif event.kind == REOPEN:
            resolved_at = None
        if event.kind == ASSIGNED:
            assignee = event.text
        if event.kind == RATED:
            rating = event.text
    # The derived columns do not sync; an anonymous request's updated_at stays coarse
    # (see coarse()), whoever acted.
    return {"status": status, "awaiting_since": awaiting, "first_response_at": first_response,
            "resolved_at": resolved_at, "assignee": assignee[:40], "rating": rating}


def _next_at(request, now=None):
    """Now, but strictly after the request's last event, so the history has one order
    even when two events are written in the same microsecond (a rating and its reopen)."""
    now = now or utcnow()
    last = (RequestEvent.select(RequestEvent.at).where(RequestEvent.request == request)
            .order_by(RequestEvent.at.desc()).first())
    if last is not None and last.at >= now:
        return last.at + timedelta(microseconds=1)
    return now

"""The local outbox: alerts queued with their event, delivered with retries, never lost.

- ``raise_alert`` inserts the alert and one delivery per subscribed channel inside the
  caller's transaction (a savepoint): the event and its alert commit together.
- ``deliver_due`` claims each due delivery with one conditional UPDATE, so two
  deliverers (the server's thread, the CLI, the systemd timer) never send one
  delivery twice; sends outside any transaction; then records the answer.
- A failed attempt waits ``retry_delay`` (30 s, doubling, at most an hour) and the
  delivery is given up ``GIVE_UP_HOURS`` after the alert, marked failed with why.
- A deliverer that dies mid-send leaves a claim that expires after ``CLAIM_SECONDS``;
  the row is then sent again (at least once, never silently dropped).

Times come in as ``now`` so tests can walk the backoff without waiting.
"""
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from flask import g, has_request_context
from peewee import IntegrityError

from ..db import db
from ..models import utcnow
from . import channels as transport_channels
from . import messages
from . import settings as alert_settings
from .models import FAILED, PENDING, SENDING, SENT, Alert, AlertChannel, AlertDelivery

log = logging.getLogger(__name__)

TRIGGERS = ("talk", "crisis", "team_mood", "urgent", "life_event", "visit_overdue",
            "morning_sheet")
# A crisis is also urgent: a channel that asked for urgent requests gets it too.
REACHES = {"crisis": ("crisis", "urgent")}
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600
GIVE_UP_HOURS = 24
# Longer than any send takes (HTTP 5 s, SMTP a few times 10 s).
CLAIM_SECONDS = 180


def hour(moment):
    """To the hour: all an alert about an anonymous request keeps of its times."""
    return moment.replace(minute=0, second=0, microsecond=0)


def retry_delay(attempts, first=RETRY_FIRST_SECONDS, cap=RETRY_MAX_SECONDS):
    """Seconds to wait after the ``attempts``-th failed attempt: 30, 60, 120 … 3600."""
    return min(first * 2 ** (max(attempts, 1) - 1), cap)


def channels_for(trigger):
    wanted = REACHES.get(trigger, (trigger,))
    return [c for c in AlertChannel.select().where(AlertChannel.enabled)
            if set(c.trigger_list) & set(wanted)]


def raise_alert(trigger, dedupe_key, *, coarse=False, now=None, **params):
    """Queue an alert for every enabled channel that asked for ``trigger``.

    Call it inside the transaction that writes the event (it joins it): both commit
    or neither. The same ``dedupe_key`` twice is one alert. ``coarse``: the alert is
    about an anonymous request; its times are kept to the hour. ``params`` is what
    the message may say (``messages``): a team's name, a member's id — never a
    request's text. Returns the new ``Alert``, or None (a repeat, or nobody listens).
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown alert trigger {trigger!r}")
    dedupe_key = dedupe_key[:120]
    try:
        subscribed = channels_for(trigger)
        if not subscribed or Alert.select().where(Alert.dedupe_key == dedupe_key).exists():
            return None
        now = now or utcnow()
        created = hour(now) if coarse else now
        alert_id = uuid.uuid4()
        with db.atomic():
            Alert.insert(id=alert_id, trigger=trigger, dedupe_key=dedupe_key,
                         params=params, coarse=coarse, created_at=created).execute()
            AlertDelivery.insert_many([
                {"id": uuid.uuid4(), "alert": alert_id, "channel": channel.id,
                 "status": PENDING, "next_attempt_at": created, "created_at": created,
                 "give_up_at": created + timedelta(hours=GIVE_UP_HOURS)}
                for channel in subscribed]).execute()
    except IntegrityError:
        return None     # raised at the same moment by another terminal: one alert
    except Exception:
        # The worker's check-in or request must be saved even if its alert cannot be.
        log.exception("alerts: could not queue a %s alert", trigger)
        return None
    _wake_after_request()
    return Alert.get_by_id(alert_id)


def _wake_after_request():
    """The deliverer is woken when the request ends, i.e. after the commit."""
    if has_request_context():
        g.kiosk_alert_raised = True


@dataclass
class RunResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)


def _due(now):
    return (((AlertDelivery.status == PENDING) & (AlertDelivery.next_attempt_at <= now))
            | ((AlertDelivery.status == SENDING) & (AlertDelivery.claimed_until <= now)))


# An alert about an anonymous request must not store a time finer than the hour, and a
# retry time stored after the first (failed) attempt would tell the minute of the request.
# So such a delivery's next try is kept here, in the deliverer's memory: after a restart
# (or from the timer's own process) it is simply tried at once. Others keep it in the row.
_coarse_not_before = {}
_coarse_lock = threading.Lock()


def _coarse_waiting(now):
    with _coarse_lock:
        for key in [k for k, t in _coarse_not_before.items() if t <= now]:
            del _coarse_not_before[key]
        return list(_coarse_not_before)


def _hold_coarse(delivery_id, until):
    with _coarse_lock:
        if until is None:
            _coarse_not_before.pop(delivery_id, None)
        else:
            _coarse_not_before[delivery_id] = until


def claim(delivery_id, now, coarse=False):
    """Take one due delivery for this deliverer; None when another one has it.

    The claim lapses after ``CLAIM_SECONDS`` (a deliverer that died mid-send); for a
    coarse alert at the end of the next hour, so that it stores nothing finer."""
    token = uuid.uuid4().hex
    until = (hour(now) + timedelta(hours=1, seconds=CLAIM_SECONDS) if coarse
             else now + timedelta(seconds=CLAIM_SECONDS))
    taken = (AlertDelivery.update(status=SENDING, claim=token, claimed_until=until)
             .where((AlertDelivery.id == delivery_id) & _due(now)).execute())
    return token if taken else None


def deliver_due(transport, now=None, limit=50):
    """Send every delivery that is due; return what happened."""
    now = now or utcnow()
    result = RunResult()
    names = None
    while True:
        # Batch by batch: each row leaves the due set (sent, rescheduled, held in
        # memory or claimed by another deliverer), so this ends.
        query = (AlertDelivery.select(AlertDelivery.id, Alert.coarse).join(Alert)
                 .where(_due(now)).order_by(AlertDelivery.next_attempt_at).limit(limit))
        held = _coarse_waiting(now)
        if held:
            query = query.where(AlertDelivery.id.not_in(held))
        rows = list(query.tuples())
        if names is None and rows:
            names = alert_settings.include_names()
        for delivery_id, coarse in rows:
            token = claim(delivery_id, now, coarse)
            if token is not None:
                _attempt(delivery_id, token, transport, now, names, result)
        if len(rows) < limit:
            return result


# Unix times (seconds or milliseconds) and clock times in a server's words: WeCom's
# "hint: [1618196634_31_…]" would date a coarse alert's attempt to the second.
_TIMES_IN_WORDS = re.compile(r"\b1\d{9}(\d{3})?|\b\d{1,2}:\d{2}(:\d{2})?\b")


def _words(detail, coarse):
    return _TIMES_IN_WORDS.sub("…", detail) if coarse else detail


def _attempt(delivery_id, token, transport, now, names, result):
    delivery = (AlertDelivery.select(AlertDelivery, Alert, AlertChannel)
                .join(Alert).switch(AlertDelivery).join(AlertChannel)
                .where(AlertDelivery.id == delivery_id).get())
    alert, channel = delivery.alert, delivery.channel
    stamp = hour(now) if alert.coarse else now
    mine = (AlertDelivery.id == delivery_id) & (AlertDelivery.claim == token)
    if not channel.enabled:
        AlertDelivery.update(status=FAILED, next_attempt_at=None, claim=None, claimed_until=None,
                             error_kind="disabled", error_detail="").where(mine).execute()
        result.failed += 1
        return
    try:
        try:
            answer = send_alert(channel, alert.trigger, alert.params, names, transport)
        except transport_channels.SendError:
            raise
        except Exception as exc:
            # A fault of ours must not stop the other deliveries: retried like any failure.
            log.exception("alerts: sending through channel %d failed unexpectedly", channel.id)
            raise transport_channels.SendError("internal", repr(exc)) from None
    except transport_channels.SendError as exc:
        _failed(delivery, mine, exc, now, stamp, result)
        return
    _hold_coarse(delivery.id, None)
    AlertDelivery.update(status=SENT, attempts=delivery.attempts + 1, next_attempt_at=None,
                         claim=None, claimed_until=None, last_attempt_at=stamp, sent_at=stamp,
                         error_kind="", error_detail="" if alert.coarse else answer[:300]
                         ).where(mine).execute()
    result.sent += 1


def _failed(delivery, mine, exc, now, stamp, result):
    coarse = delivery.alert.coarse
    attempts = delivery.attempts + 1
    if now >= delivery.give_up_at:
        status, next_at = FAILED, None
        _hold_coarse(delivery.id, None)
        result.failed += 1
    else:
        status = PENDING
        next_at = min(now + timedelta(seconds=retry_delay(attempts)), delivery.give_up_at)
        if coarse:
            _hold_coarse(delivery.id, next_at)
            next_at = delivery.created_at      # due at once after a restart; nothing finer
        result.retrying += 1
    detail = _words(exc.detail, coarse)
    result.errors.append((delivery.channel.name, exc.kind, detail))
    AlertDelivery.update(status=status, attempts=attempts, next_attempt_at=next_at,
                         claim=None, claimed_until=None, last_attempt_at=stamp,
                         error_kind=exc.kind, error_detail=detail).where(mine).execute()
    # Not for an anonymous request's alert: the log line's own time would date it.
    log.log(logging.DEBUG if coarse else logging.WARNING,
            "alerts: sending through channel %d failed (%s: %s)", delivery.channel_id,
            exc.kind, detail)


def send_alert(channel, trigger, params, include_names, transport):
    """Render and send one message through ``channel``; the server's answer or SendError."""
    subject, text = messages.render(trigger, params, include_names)
    if channel.kind == "email":
        text = messages.email_body(text)
    return transport_channels.send(channel.kind, channel.options, channel.secrets, subject, text,
                                   transport)


def retry_now(delivery, now=None):
    """The chair's "send again now": a pending or failed delivery goes out at the next run."""
    now = now or utcnow()
    if delivery.status not in (PENDING, FAILED):
        return False
    if delivery.alert.coarse:
        now = hour(now)
    _hold_coarse(delivery.id, None)
    (AlertDelivery.update(status=PENDING, next_attempt_at=now,
                          give_up_at=max(delivery.give_up_at, now + timedelta(hours=GIVE_UP_HOURS)))
     .where((AlertDelivery.id == delivery.id) & AlertDelivery.status.in_((PENDING, FAILED)))
     .execute())
    _wake_after_request()
    return True


def channel_changed(channel):
    """After an edit: pending deliveries go out now (the key was fixed), or stop (disabled)."""
    pending = (AlertDelivery.channel == channel.id) & (AlertDelivery.status == PENDING)
    for row in AlertDelivery.select(AlertDelivery.id).where(pending):
        _hold_coarse(row.id, None)
    if channel.enabled:
        # Due at once: back to when it was raised (a coarse alert's stays on its hour).
        AlertDelivery.update(next_attempt_at=AlertDelivery.created_at).where(pending).execute()
        _wake_after_request()
    else:
        AlertDelivery.update(status=FAILED, next_attempt_at=None, error_kind="disabled",
                             error_detail="").where(pending).execute()


def purge_before(cutoff):
    """Delete alerts older than ``cutoff`` that nobody waits for any more (and their log)."""
    waiting = AlertDelivery.select(AlertDelivery.alert).where(
        AlertDelivery.status.in_((PENDING, SENDING)))
    return Alert.delete().where((Alert.created_at < cutoff) & Alert.id.not_in(waiting)).execute()

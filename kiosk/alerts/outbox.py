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
    try:
        subscribed = channels_for(trigger)
        if not subscribed or Alert.select().where(Alert.dedupe_key == dedupe_key).exists():
            return None
        now = now or utcnow()
        created = hour(now) if coarse else now
        alert_id = uuid.uuid4()
        with db.atomic():
            Alert.insert(id=alert_id, trigger=trigger, dedupe_key=dedupe_key[:120],
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


def claim(delivery_id, now):
    """Take one due delivery for this deliverer; None when another one has it."""
    token = uuid.uuid4().hex
    taken = (AlertDelivery.update(status=SENDING, claim=token,
                                  claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
             .where((AlertDelivery.id == delivery_id) & _due(now)).execute())
    return token if taken else None


def deliver_due(transport, now=None, limit=50):
    """Send every delivery that is due; return what happened."""
    now = now or utcnow()
    result = RunResult()
    names = None
    while True:
        # Batch by batch: each row leaves the due set (sent, rescheduled or claimed
        # by another deliverer), so this ends.
        ids = [row.id for row in AlertDelivery.select(AlertDelivery.id).where(_due(now))
               .order_by(AlertDelivery.next_attempt_at).limit(limit)]
        if names is None and ids:
            names = alert_settings.include_names()
        for delivery_id in ids:
            token = claim(delivery_id, now)
            if token is not None:
                _attempt(delivery_id, token, transport, now, names, result)
        if len(ids) < limit:
            return result


def _attempt(delivery_id, token, transport, now, names, result):
    delivery = (AlertDelivery.select(AlertDelivery, Alert, AlertChannel)
                .join(Alert).switch(AlertDelivery).join(AlertChannel)
                .where(AlertDelivery.id == delivery_id).get())
    alert, channel = delivery.alert, delivery.channel
    stamp = hour(now) if alert.coarse else now
    mine = (AlertDelivery.id == delivery_id) & (AlertDelivery.claim == token)
    if not channel.enabled:
        AlertDelivery.update(status=FAILED, next_attempt_at=None, claim=None,
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
        attempts = delivery.attempts + 1
        if now >= delivery.give_up_at:
            status, next_at = FAILED, None
            result.failed += 1
        else:
            status = PENDING
            next_at = min(now + timedelta(seconds=retry_delay(attempts)), delivery.give_up_at)
            result.retrying += 1
        result.errors.append((channel.name, exc.kind, exc.detail))
        AlertDelivery.update(status=status, attempts=attempts, next_attempt_at=next_at,
                             claim=None, claimed_until=None, last_attempt_at=stamp,
                             error_kind=exc.kind, error_detail=exc.detail).where(mine).execute()
        log.warning("alerts: sending through channel %d failed (%s: %s)", channel.id,
                    exc.kind, exc.detail)
        return
    AlertDelivery.update(status=SENT, attempts=delivery.attempts + 1, next_attempt_at=None,
                         claim=None, claimed_until=None, last_attempt_at=stamp, sent_at=stamp,
                         error_kind="", error_detail=answer[:300]).where(mine).execute()
    result.sent += 1


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
    (AlertDelivery.update(status=PENDING, next_attempt_at=now,
                          give_up_at=max(delivery.give_up_at, now + timedelta(hours=GIVE_UP_HOURS)))
     .where((AlertDelivery.id == delivery.id) & AlertDelivery.status.in_((PENDING, FAILED)))
     .execute())
    _wake_after_request()
    return True


def channel_changed(channel, now=None):
    """After an edit: pending deliveries go out now (the key was fixed), or stop (disabled)."""
    pending = (AlertDelivery.channel == channel.id) & (AlertDelivery.status == PENDING)
    if channel.enabled:
        AlertDelivery.update(next_attempt_at=now or utcnow()).where(pending).execute()
        _wake_after_request()
    else:
        AlertDelivery.update(status=FAILED, next_attempt_at=None, error_kind="disabled",
                             error_detail="").where(pending).execute()


def purge_before(cutoff):
    """Delete alerts older than ``cutoff`` that nobody waits for any more (and their log)."""
    waiting = AlertDelivery.select(AlertDelivery.alert).where(
        AlertDelivery.status.in_((PENDING, SENDING)))
    return Alert.delete().where((Alert.created_at < cutoff) & Alert.id.not_in(waiting)).execute()

"""Life events a worker reports at the kiosk (有喜事/有难事告诉工会), and the chair's answer.

A report is the worker's word, not yet the union's record: it waits as a
``ReportedEvent`` and counts in no promise until the chair confirms it — then it
becomes a ``CareEvent`` (with the dates the chair corrected, if any) — or declines
it. A worker cannot flood the chair: a few reports a day and a few waiting at once,
counted in the database so that no terminal or restart gives a fresh start, and
the same event reported twice (a double tap, a second visit) is one report.
"""
from datetime import timedelta

from ..alerts import triggers as alert_triggers
from ..db import write_transaction
from ..models import utcnow
from .models import CONFIRMED, DECLINED, PENDING, ReportedEvent
from .promises import EVENT_KINDS
from .records import record_event

# How far from today a worker may date the event: a wedding or a retirement is known
# ahead; an old event is for the union office, not the kiosk.
PAST_DAYS = 365
AHEAD_DAYS = 366
MAX_PER_DAY = 3          # reports per member in 24 hours
MAX_PENDING = 5          # reports of one member waiting for the chair at once
PLACE_MAX = 100
WHAT_MAX = 200


class TooMany(Exception):
    """The member reported as much as one may for now."""


class AlreadyDecided(Exception):
    """The chair (or another chair) already confirmed or declined this report."""


def date_range(today):
    return today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)


def report(member, kind, day, *, end_day=None, place="", what=""):
    """Record the worker's report (once, however often it is sent); TooMany past the limits."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown life event {kind!r}")
    with write_transaction():
        mine = ReportedEvent.select().where(ReportedEvent.member == member)
        same = mine.where((ReportedEvent.status == PENDING) & (ReportedEvent.kind == kind)
                          & (ReportedEvent.day == day)).first()
        if same is not None:
            return same
        recent = mine.where(ReportedEvent.reported_at > utcnow() - timedelta(days=1)).count()
        waiting = mine.where(ReportedEvent.status == PENDING).count()
        if recent >= MAX_PER_DAY or waiting >= MAX_PENDING:
            raise TooMany()
        reported = ReportedEvent.create(member=member, kind=kind, day=day, end_day=end_day,
                                        place=place[:PLACE_MAX], what=what[:WHAT_MAX])
        # With the report, or not at all: the chair's phone hears of it (never the words).
        alert_triggers.life_event_reported(reported.id, member, kind)
    return reported


def _decide(report_id, status, by_admin, **values):
    """Mark a pending report decided; AlreadyDecided if it no longer waits."""
    changed = (ReportedEvent.update(status=status, decided_by=by_admin, decided_at=utcnow(),
                                    **values)
               .where((ReportedEvent.id == report_id) & (ReportedEvent.status == PENDING))
               .execute())
    if changed != 1:
        raise AlreadyDecided()


def confirm(reported, by_admin, *, day, end_day=None, place="", what=""):
    """The chair confirms (perhaps with corrected dates): the report becomes a care event."""
    with write_transaction():
        event = record_event(reported.member, reported.kind, day, by_admin, end_day=end_day,
                             place=place, what=what)
        _decide(reported.id, CONFIRMED, by_admin, event=event)
    return event


def decline(reported, by_admin, reason=""):
    with write_transaction():
        _decide(reported.id, DECLINED, by_admin, reason=reason[:200])

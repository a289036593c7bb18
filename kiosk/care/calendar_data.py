"""Reads of the care calendar: the promises that fall due, with what was done about them."""
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from .. import data_version
from ..models import utcnow
from ..roster.models import Member
from . import promises
from .models import CareEvent, CareVisit
from .promises import Occurrence


def local_today(tz_name, now=None):
    """The station's calendar day: birthdays and weddings are local dates."""
    return (now or utcnow()).replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name)).date()


def _birthday_occurrences(first, last):
    found = []
    for member in Member.select().where(Member.active & Member.birthday.is_null(False)):
        # A member's birthdays count from the day they joined the roster: importing
        # the roster must not make every birthday of the past months overdue.
        joined = member.created_at.date() if member.created_at else first
        for day in promises.birthdays_between(member.birthday, max(first, joined), last):
            found.append(Occurrence("birthday", member, day,
                                    promises.deadline("birthday", day)))
    return found


def _event_occurrences(first, last):
    query = (CareEvent.select(CareEvent, Member).join(Member)
             .where((CareEvent.day >= first) & (CareEvent.day <= last)))
    return [Occurrence(e.kind, e.member, e.day, promises.deadline(e.kind, e.day, e.end_day),
                       event=e) for e in query]


def occurrences(first, last):
    """Every promise falling due from ``first`` to ``last``, each with its records."""
    found = _birthday_occurrences(first, last) + _event_occurrences(first, last)
    visits = CareVisit.select().where((CareVisit.due_day >= first) & (CareVisit.due_day <= last))
    by_key = {}
    for visit in visits:
        by_key.setdefault((visit.member_id, visit.kind, visit.due_day, visit.event_id),
                          []).append(visit)
    for occ in found:
        key = (occ.member.id, occ.kind, occ.due_day, occ.event.id if occ.event else None)
        occ.records = by_key.get(key, [])
    return found


def find_occurrence(member, kind, due_day, event_id=None):
    """The one occurrence a greeting or visit is recorded against, or None."""
    for occ in occurrences(due_day, due_day):
        if (occ.member.id == member.id and occ.kind == kind
                and (occ.event.id if occ.event else None) == event_id):
            return occ
    return None


@dataclass
class Calendar:
    today: date
    due: list        # window open today, nothing done yet
    coming: list     # falls due in the next LOOKAHEAD_DAYS
    overdue: list    # the window closed with nothing done
    done: list       # CareVisit rows of the last DONE_LOOKBACK_DAYS, newest first


def calendar(today):
    """What is due, coming, overdue and done: once per data version and day (the admin
    home counts it for an alert, the morning sheet and the calendar page show it)."""
    return data_version.cached(("care_calendar", today), lambda: _calendar(today))


def _calendar(today):
    # Longest window back, so a promise still open today is found whatever its kind.
    first = today - timedelta(days=promises.OVERDUE_LOOKBACK_DAYS + max(promises.WINDOW_DAYS.values()))
    found = occurrences(first, today + timedelta(days=promises.LOOKAHEAD_DAYS))
    by_status = {}
    for occ in found:
        by_status.setdefault(occ.status(today), []).append(occ)
    overdue_since = today - timedelta(days=promises.OVERDUE_LOOKBACK_DAYS)
    done = (CareVisit.select(CareVisit, Member).join(Member)
            .where(CareVisit.day >= today - timedelta(days=promises.DONE_LOOKBACK_DAYS))
            .order_by(CareVisit.day.desc(), CareVisit.at.desc()))
    return Calendar(
        today=today,
        due=sorted(by_status.get("due", []), key=lambda o: (o.deadline, o.member.name)),
        coming=sorted(by_status.get("coming", []), key=lambda o: (o.due_day, o.member.name)),
        overdue=sorted((o for o in by_status.get("overdue", []) if o.deadline >= overdue_since),
                       key=lambda o: (o.deadline, o.member.name)),
        done=list(done))


def month_bounds(year, month):
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def figures(year, month, today):
    first, last = month_bounds(year, month)
    return promises.month_figures(occurrences(first, last), today)

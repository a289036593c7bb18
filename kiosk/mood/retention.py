"""Daily counts and the retention purge: identified check-ins do not stay for ever.

Every closed day (before today) is rolled up into ``MoodDailyCount`` per team
and mood; check-ins, today's-mood rows and follow-ups older than the retention
period are then deleted in the same transaction, so the counts always cover
what was deleted. It runs once a day by itself (on the first check-in or admin
page of the day) and from cron as ``flask --app kiosk mood purge``.
"""
import logging
from dataclasses import dataclass
from datetime import date

from peewee import fn

from ..db import db, write_transaction
from ..models import utcnow
from . import settings as mood_settings
from .days import purge_cutoff, shift_day
from .models import MoodCheckin, MoodCurrent, MoodDailyCount, MoodFollowUp
from .moods import MOODS

log = logging.getLogger(__name__)


@dataclass
class PurgeResult:
    day: object
    cutoff: object
    counted_days: int = 0
    checkins: int = 0
    follow_ups: int = 0


def roll_up(today):
    """Write the counts of every closed day that still has check-ins; return how many days.

    Idempotent: a day counted before is counted again and only changed counts
    are written (a late check-in after a day-start change still ends up counted).
    """
    rows = (MoodCurrent.select(MoodCurrent.shift_day, MoodCurrent.team, MoodCurrent.mood,
                               fn.COUNT(MoodCurrent.id))
            .where(MoodCurrent.shift_day < today)
            .group_by(MoodCurrent.shift_day, MoodCurrent.team, MoodCurrent.mood).tuples())
    fresh = {}
    for day, team_id, mood, count in rows:
        fresh[(day, team_id, mood)] = count
    days = {key[0] for key in fresh}
    if not days:
        return 0
    stored = {(r.day, r.team_id, r.mood): r for r in
              MoodDailyCount.select().where(MoodDailyCount.day.in_(sorted(days)))}
    for key in set(stored) - set(fresh):
        fresh[key] = 0          # a team whose last check-in moved elsewhere
    for (day, team_id, mood), count in fresh.items():
        row = stored.get((day, team_id, mood))
        if row is None:
            MoodDailyCount.create(day=day, team=team_id, mood=mood, count=count)
        elif row.count != count:
            row.count = count
            row.save()
    return len(days)


def purge(settings, today):
    """Roll up closed days, then delete identified rows older than the retention period."""
    cutoff = purge_cutoff(today, settings.retention_days)
    result = PurgeResult(day=today, cutoff=cutoff)
    with write_transaction():
        result.counted_days = roll_up(today)
        MoodCurrent.delete().where(MoodCurrent.shift_day < cutoff).execute()
        result.checkins = MoodCheckin.delete().where(MoodCheckin.shift_day < cutoff).execute()
        result.follow_ups = (MoodFollowUp.delete()
                             .where(MoodFollowUp.shift_day < cutoff).execute())
        mood_settings.set_marker("last_purge_day", today.isoformat())
        mood_settings.set_marker("last_purge_at", utcnow().isoformat(timespec="seconds"))
        mood_settings.set_marker("last_purge_deleted", result.checkins)
    return result


# The last day this process saw the purge done, per database: spares the
# check-ins of the day a query each (the marker in the database stays the truth).
_done_today = {}


def run_daily_if_due(tz, now=None, settings=None):
    """Run the purge at most once per working day; never let it break the caller."""
    try:
        settings = settings or mood_settings.load()
        today = shift_day(now or utcnow(), tz, settings.day_start_hour).isoformat()
        where = getattr(db.obj, "database", None)
        if _done_today.get(where) == today:
            return None
        if mood_settings.get_marker("last_purge_day") == today:
            _done_today[where] = today
            return None
        result = purge(settings, date.fromisoformat(today))
        _done_today[where] = today
        return result
    except Exception:   # the check-in that triggered it has already been saved
        log.exception("mood housekeeping failed; it will be tried again")
        return None


def daily_counts(start, end, team_ids=None):
    """{(day, team_id): {mood: count}} of closed days in [start, end)."""
    query = MoodDailyCount.select().where((MoodDailyCount.day >= start)
                                          & (MoodDailyCount.day < end))
    if team_ids is not None:
        query = query.where(MoodDailyCount.team.in_(team_ids))
    result = {}
    for row in query:
        result.setdefault((row.day, row.team_id), dict.fromkeys(MOODS, 0))[row.mood] = row.count
    return result

"""Pure logic of the weather board: the shift day, streaks, shares, retention.

No requests and no database here, so the rules can be read and tested on their own.
"""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .moods import UPSET

# A gap of up to this many calendar days between two check-ins does not break
# an upset streak: a worker upset on Friday and again on Monday (the weekend
# off) is still upset two shifts running. A longer absence starts afresh.
STREAK_MAX_GAP_DAYS = 3


def shift_day(at_utc, tz_name, start_hour):
    """The working day a moment belongs to.

    The day begins at ``start_hour`` local time, not at midnight: with a start
    hour of 4, a night-shift check-in at 02:00 belongs to the previous day's shift.
    ``at_utc`` is naive UTC, as stored.
    """
    local = at_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))
    return (local - timedelta(hours=start_hour)).date()


def day_start_utc(day, tz_name, start_hour):
    """The naive-UTC moment at which ``day`` begins."""
    local = datetime(day.year, day.month, day.day, start_hour, tzinfo=ZoneInfo(tz_name))
    return local.astimezone(UTC).replace(tzinfo=None)


def current_upset_streak(moods_by_day, today, max_gap=STREAK_MAX_GAP_DAYS):
    """The days of a member's current run of upset days, newest first.

    ``moods_by_day`` maps a shift day to that day's current mood. The run ends
    at the member's latest check-in, which must be recent (within ``max_gap``
    days of ``today``); days without a check-in are skipped as long as no gap
    exceeds ``max_gap``; any other mood ends the run.
    """
    days = sorted((d for d in moods_by_day if d <= today), reverse=True)
    if not days or (today - days[0]).days > max_gap:
        return []
    run = []
    for day in days:
        if moods_by_day[day] != UPSET:
            break
        if run and (run[-1] - day).days > max_gap:
            break
        run.append(day)
    return run


def upset_share(counts):
    """The share (0–1) of upset among today's check-ins; 0 when nobody checked in."""
    total = sum(counts.values())
    return counts.get(UPSET, 0) / total if total else 0.0


def team_over_threshold(counts, threshold_percent, min_checkins):
    """Whether a team's upset share today passes the chair's threshold.

    Below ``min_checkins`` check-ins the share says little (one upset worker
    out of one is 100 %), so no alert is raised.
    """
    total = sum(counts.values())
    return total >= min_checkins and upset_share(counts) * 100 >= threshold_percent


def purge_cutoff(today, retention_days):
    """Check-ins of days before this one are past retention."""
    return today - timedelta(days=retention_days)


def shares(counts, moods):
    """Whole-percent shares of each mood that add up to 100 (largest remainder)."""
    total = sum(counts.get(m, 0) for m in moods)
    if not total:
        return {m: 0 for m in moods}
    exact = {m: counts.get(m, 0) * 100 / total for m in moods}
    result = {m: int(exact[m]) for m in moods}
    left = 100 - sum(result.values())
    for m in sorted(moods, key=lambda m: exact[m] - result[m], reverse=True)[:left]:
        result[m] += 1
    return result


def month_weeks(year, month):
    """The weeks (Monday first) of a month as lists of 7 dates or None."""
    first = date(year, month, 1)
    next_month = date(year + month // 12, month % 12 + 1, 1)
    weeks, week = [], [None] * first.weekday()
    day = first
    while day < next_month:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks

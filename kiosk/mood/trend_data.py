"""Trends per team (shares of each mood) and a member's mood calendar (niko-niko)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import fn

from .days import month_weeks, shares, shift_day
from .models import MoodCheckin, MoodCurrent, MoodFollowUp
from .moods import MOODS
from .retention import daily_counts


def live_counts(day, team_ids=None):
    """{team_id: {mood: count}} for a day that is not closed yet (today)."""
    query = (MoodCurrent.select(MoodCurrent.team, MoodCurrent.mood, fn.COUNT(MoodCurrent.id))
             .where(MoodCurrent.shift_day == day)
             .group_by(MoodCurrent.team, MoodCurrent.mood))
    if team_ids is not None:
        query = query.where(MoodCurrent.team.in_(team_ids))
    result = {}
    for team_id, mood, count in query.tuples():
        result.setdefault(team_id, dict.fromkeys(MOODS, 0))[mood] = count
    return result


@dataclass
class TeamTrend:
    team: object
    windows: dict = field(default_factory=dict)    # days → {"counts", "shares", "total"}
    series: list = field(default_factory=list)     # [(day, counts)] oldest first


def team_trends(teams, today, windows=(7, 30), series_days=30):
    """Each team's mood shares over the last 7 and 30 days (today included)."""
    longest = max(max(windows), series_days)
    start = today - timedelta(days=longest - 1)
    ids = [t.id for t in teams]
    per_day = daily_counts(start, today, ids)
    for team_id, counts in live_counts(today, ids).items():
        per_day[(today, team_id)] = counts
    trends = []
    for team in teams:
        trend = TeamTrend(team)
        for days in windows:
            first = today - timedelta(days=days - 1)
            total = dict.fromkeys(MOODS, 0)
            for (day, team_id), counts in per_day.items():
                if team_id == team.id and day >= first:
                    for mood in MOODS:
                        total[mood] += counts.get(mood, 0)
            trend.windows[days] = {"counts": total, "shares": shares(total, MOODS),
                                   "total": sum(total.values())}
        for offset in range(series_days - 1, -1, -1):
            day = today - timedelta(days=offset)
            trend.series.append((day, per_day.get((day, team.id), dict.fromkeys(MOODS, 0))))
        trends.append(trend)
    return trends


@dataclass
class CalendarDay:
    day: date
    mood: str = None          # the day's current mood
    checkins: int = 0         # how many times they checked in that day
    talk: bool = False
    follow_ups: list = field(default_factory=list)


def member_calendar(member, year, month, tz, day_start_hour):
    """The weeks of a month with the member's mood and follow-ups on each day."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    days = {}

    def cell(day):
        return days.setdefault(day, CalendarDay(day))

    for day, mood in (MoodCurrent.select(MoodCurrent.shift_day, MoodCurrent.mood)
                      .where((MoodCurrent.member == member) & (MoodCurrent.shift_day >= first)
                             & (MoodCurrent.shift_day < after)).tuples()):
        cell(day).mood = mood
    for day, count, talk in (MoodCheckin.select(MoodCheckin.shift_day, fn.COUNT(MoodCheckin.id),
                                                fn.MAX(MoodCheckin.wants_talk))
                             .where((MoodCheckin.member == member)
                                    & (MoodCheckin.shift_day >= first)
                                    & (MoodCheckin.shift_day < after))
                             .group_by(MoodCheckin.shift_day).tuples()):
        cell(day).checkins = count
        cell(day).talk = bool(talk)
    # A follow-up shows on the day the chair recorded it.
    for follow_up in (MoodFollowUp.select().where(MoodFollowUp.member == member)
                      .order_by(MoodFollowUp.at)):
        day = shift_day(follow_up.at, tz, day_start_hour)
        if first <= day < after:
            cell(day).follow_ups.append(follow_up)
    return [[cell(day) if day else None for day in week] for week in month_weeks(year, month)]

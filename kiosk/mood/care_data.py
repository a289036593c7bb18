"""The chair's care view: who is upset and still waits for a follow-up, and which teams.

An item is a member's upset day (today's mood 有点烦, or a day they asked to
talk to the union). It stays open until a follow-up answers that day or a later
one, so an upset worker never slips off the list by the calendar turning over.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from peewee import fn

from .. import data_version
from ..roster.models import Member, Team, Workshop
from .board_data import overview
from .days import current_upset_streak, purge_cutoff, team_over_threshold, upset_share
from .models import MoodAlertAck, MoodCheckin, MoodCurrent, MoodFollowUp
from .moods import UPSET

STREAK_LOOKBACK_DAYS = 60
RECENT_FOLLOW_UP_DAYS = 7


@dataclass
class CareItem:
    member: Member
    open_days: list            # ascending shift days without a follow-up
    since: object              # UTC time of the oldest open check-in
    talk: bool                 # asked to talk to the union on an open day
    streak: int                # upset days running, up to the latest check-in
    overdue: bool = False

    @property
    def latest_day(self):
        return self.open_days[-1]


@dataclass
class TeamAlert:
    team: Team
    counts: dict
    share: float
    ack: MoodAlertAck = None


@dataclass
class CareLists:
    today: list = field(default_factory=list)
    streaks: list = field(default_factory=list)
    teams: list = field(default_factory=list)
    earlier: list = field(default_factory=list)
    followed_up: list = field(default_factory=list)

    @property
    def open_count(self):
        return len(self.today) + len(self.streaks) + len(self.earlier)

    @property
    def unacknowledged_teams(self):
        return [alert for alert in self.teams if alert.ack is None]


def _open_days(today, retention_days):
    """{member_id: {day: {"at": first UTC time, "talk": bool}}} of upset or talk days."""
    start = purge_cutoff(today, retention_days)
    days = {}
    upset = (MoodCurrent.select(MoodCurrent.member, MoodCurrent.shift_day, MoodCheckin.at)
             .join(MoodCheckin)
             .where((MoodCurrent.mood == UPSET) & (MoodCurrent.shift_day >= start)
                    & (MoodCurrent.shift_day <= today)).tuples())
    for member_id, day, at in upset:
        days.setdefault(member_id, {})[day] = {"at": at, "talk": False}
    talks = (MoodCheckin.select(MoodCheckin.member, MoodCheckin.shift_day,
                                fn.MIN(MoodCheckin.at))
             .where(MoodCheckin.wants_talk & (MoodCheckin.shift_day >= start)
                    & (MoodCheckin.shift_day <= today))
             .group_by(MoodCheckin.member, MoodCheckin.shift_day).tuples())
    for member_id, day, at in talks:
        entry = days.setdefault(member_id, {}).setdefault(day, {"at": at, "talk": True})
        entry["talk"] = True
    if not days:
        return {}
    answered = dict(MoodFollowUp.select(MoodFollowUp.member, fn.MAX(MoodFollowUp.shift_day))
                    .where(MoodFollowUp.member.in_(list(days)))
                    .group_by(MoodFollowUp.member).tuples())
    open_days = {}
    for member_id, by_day in days.items():
        last = answered.get(member_id)
        still_open = {d: v for d, v in by_day.items() if last is None or d > last}
        if still_open:
            open_days[member_id] = still_open
    return open_days


def _streaks(member_ids, today):
    since = today - timedelta(days=STREAK_LOOKBACK_DAYS)
    moods = {}
    query = (MoodCurrent.select(MoodCurrent.member, MoodCurrent.shift_day, MoodCurrent.mood)
             .where(MoodCurrent.member.in_(member_ids) & (MoodCurrent.shift_day >= since))
             .tuples())
    for member_id, day, mood in query:
        moods.setdefault(member_id, {})[day] = mood
    return {m: len(current_upset_streak(moods.get(m, {}), today)) for m in member_ids}


def care_lists(settings, today, now):
    """Everything the care view lists, in the order the chair works through it.

    Computed once per data version and minute (``overdue`` and "followed up this week"
    move with the clock, to the minute at most): the admin home, the care view and the
    morning sheet all ask, and a page of 200 upset workers costs 150 ms to build.
    The lists are shared: callers read them and never change them.
    """
    key = ("care_lists", repr(settings), today, now.replace(second=0, microsecond=0))
    return data_version.cached(key, lambda: _care_lists(settings, today, now))


def _care_lists(settings, today, now):
    lists = CareLists()
    open_days = _open_days(today, settings.retention_days)
    if open_days:
        ids = list(open_days)
        members = {m.id: m for m in Member.select(Member, Team, Workshop)
                   .join(Team).join(Workshop).where(Member.id.in_(ids) & Member.active)}
        streaks = _streaks(list(members), today)
        overdue_after = timedelta(hours=settings.open_highlight_hours)
        for member_id, member in members.items():
            by_day = open_days[member_id]
            since = min(v["at"] for v in by_day.values())
            item = CareItem(member=member, open_days=sorted(by_day), since=since,
                            talk=any(v["talk"] for v in by_day.values()),
                            streak=streaks.get(member_id, 0),
                            overdue=now - since >= overdue_after)
            if item.latest_day == today:
                lists.today.append(item)
            elif item.streak >= 2:
                lists.streaks.append(item)
            else:
                lists.earlier.append(item)
        lists.today.sort(key=lambda i: (not i.talk, -i.streak, i.since))
        lists.streaks.sort(key=lambda i: (not i.talk, -i.streak, i.since))
        lists.earlier.sort(key=lambda i: (not i.talk, i.since))
    lists.teams = team_alerts(settings, today)
    lists.followed_up = list(
        MoodFollowUp.select(MoodFollowUp, Member, Team).join(Member).join(Team)
        .where(MoodFollowUp.at >= now - timedelta(days=RECENT_FOLLOW_UP_DAYS))
        .order_by(MoodFollowUp.at.desc()).limit(50))
    return lists


def team_alerts(settings, today):
    """Teams whose share of upset workers today passes the chair's threshold."""
    acks = {ack.team_id: ack for ack in MoodAlertAck.select()
            .where(MoodAlertAck.shift_day == today)}
    alerts = []
    for _workshop, teams in overview(today):
        for team, counts in teams:
            moods = {k: v for k, v in counts.items() if k != "none"}
            if team_over_threshold(moods, settings.upset_threshold_percent,
                                   settings.alert_min_checkins):
                alerts.append(TeamAlert(team, counts, upset_share(moods), acks.get(team.id)))
    alerts.sort(key=lambda a: -a.share)
    return alerts

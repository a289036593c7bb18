"""Station: mood counts fit for central — per group of at least ``MIN_GROUP`` members.

The mood board keeps counts per day, team and mood (``kiosk.mood``'s
``MoodDailyCount``). Central must not learn one worker's mood from a count,
so before each push the days whose counts changed are regrouped:

- a team with at least MIN_GROUP active members keeps its own count;
- smaller teams of a workshop are pooled into one workshop row (team None);
- when that pool is still smaller than MIN_GROUP, the whole workshop is one row;
- a workshop smaller than MIN_GROUP is pooled into one station row (workshop None).

Group sizes are today's active members (the roster keeps no history).
"""
import uuid
from collections import defaultdict

from peewee import fn

from ..db import write_transaction
from ..models import Setting
from ..models.base import this_station_id, utcnow
from ..roster.models import Member, Team, Workshop
from .models import MoodGroupCount

MIN_GROUP = 5
WATERMARK = "sync.mood_counts_through"
_NAMESPACE = uuid.UUID("6b1f7c1e-5d0a-4d55-9a57-1f3c0c3d9a10")


def _source():
    try:
        from ..mood.models import MoodDailyCount
    except ImportError:  # the mood board is not installed
        return None
    return MoodDailyCount


def group_id(station_id, day, workshop_id, team_id, mood):
    return uuid.uuid5(_NAMESPACE, f"{station_id}|{day}|{workshop_id}|{team_id}|{mood}")


def _groups():
    """team id -> (workshop id, workshop name, team id or None, team name, members)."""
    sizes = dict(Member.select(Member.team, fn.COUNT(Member.id))
                 .where(Member.active).group_by(Member.team).tuples())
    teams = list(Team.select(Team, Workshop).join(Workshop))
    by_workshop = defaultdict(list)
    for team in teams:
        by_workshop[team.workshop].append(team)
    groups = {}
    for workshop, members_of in by_workshop.items():
        total = sum(sizes.get(t.id, 0) for t in members_of)
        small = [t for t in members_of if sizes.get(t.id, 0) < MIN_GROUP]
        pool = sum(sizes.get(t.id, 0) for t in small)
        whole = total < MIN_GROUP or (small and pool < MIN_GROUP)
        for team in members_of:
            if total < MIN_GROUP:
                groups[team.id] = (None, "", None, "", None)  # station pool, sized below
            elif whole:
                groups[team.id] = (workshop.id, workshop.name, None, "", total)
            elif team in small:
                groups[team.id] = (workshop.id, workshop.name, None, "", pool)
            else:
                groups[team.id] = (workshop.id, workshop.name, team.id, team.name,
                                   sizes.get(team.id, 0))
    station_pool = sum(sizes.get(t, 0) for t, g in groups.items() if g[0] is None)
    return {t: (g if g[0] is not None else (None, "", None, "", station_pool))
            for t, g in groups.items()}


def refresh():
    """Regroup every day whose team counts changed since the last push; return the days."""
    source = _source()
    if source is None:
        return []
    through = Setting.get_value(WATERMARK)
    changed = source.select(source.day, fn.MAX(source.updated_at))
    if through:
        changed = changed.where(source.updated_at > through)
    changed = list(changed.group_by(source.day).tuples())
    if not changed:
        return []
    station_id = this_station_id()
    groups = _groups()
    days = [d for d, _ in changed]
    with write_transaction():
        for day in days:
            totals = defaultdict(int)
            for row in source.select().where(source.day == day):
                group = groups.get(row.team_id)
                if group is None:
                    continue  # a team deleted since: nothing to attach the count to
                totals[group + (row.mood,)] += row.count
            # One read of the day's rows and one insert of the new ones: a station's
            # first push regroups hundreds of counts (issue 11: a night's sync ≤ 0.3 s).
            stored = {str(row.id): row for row in
                      MoodGroupCount.select().where(MoodGroupCount.day == day)}
            new, now = [], utcnow()
            for (workshop_id, workshop_name, team_id, team_name, members, mood), count in totals.items():
                rid = group_id(station_id, day, workshop_id, team_id, mood)
                row = stored.get(str(rid))
                values = dict(workshop_id=workshop_id, workshop_name=workshop_name,
                              team_id=team_id, team_name=team_name, mood=mood, count=count,
                              members=members or 0)
                if row is None:
                    new.append(dict(values, id=rid, day=day, station_id=station_id,
                                    created_at=now, updated_at=now))
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    row.save()
            for i in range(0, len(new), 200):
                MoodGroupCount.insert_many(new[i:i + 200]).execute()
        Setting.set_value(WATERMARK, max(m for _, m in changed))
    return days

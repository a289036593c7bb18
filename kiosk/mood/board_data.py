"""What the boards show: today's moods per team or workshop, as the roster stands."""
from dataclasses import dataclass, field
from functools import lru_cache

from peewee import JOIN, fn

from ..db import db
from ..roster.models import Member, Team, Workshop
from .models import MoodCurrent
from .moods import MOODS, UPSET


@dataclass(slots=True)
class Card:
    member_id: str
    name: str
    team_name: str
    photo_digest: str = None


@dataclass
class Zone:
    mood: str
    cards: list = field(default_factory=list)   # members who agreed to be shown
    hidden: int = 0                              # counted, never shown
    count_only: bool = False                     # the chair hides every face here

    @property
    def count(self):
        return len(self.cards) + self.hidden

    def to_count_only(self):
        """No faces, no names: only how many."""
        self.hidden, self.cards, self.count_only = self.count, [], True


@dataclass
class Board:
    day: object
    zones: dict
    not_yet: Zone

    def hide_upset(self):
        """The chair's setting: the 有点烦 zone shows its count only. So does "not checked in
        yet": with its faces shown, a colleague would find the upset by elimination
        (the team minus the faces on the board)."""
        self.zones[UPSET].to_count_only()
        self.not_yet.to_count_only()
        return self

    @property
    def checked_in(self):
        return sum(zone.count for zone in self.zones.values())

    @property
    def total(self):
        return self.checked_in + self.not_yet.count


def board(teams, day):
    """The board of the active members of ``teams`` for ``day``.

    Members who did not agree to public display are counted in their zone but
    never named or pictured: their card is simply not built.
    """
    team_ids = [t.id for t in teams]
    rows = (Member.select(Member.id, Member.name, Member.photo_consent, Member.photo_digest,
                          Team.name, MoodCurrent.mood)
            .join(Team)
            .switch(Member)
            .join(MoodCurrent, JOIN.LEFT_OUTER,
                  on=((MoodCurrent.member == Member.id) & (MoodCurrent.shift_day == day)))
            .where(Member.active & Member.team.in_(team_ids))
            .order_by(MoodCurrent.at, Member.name)
            .tuples())
    zones = {mood: Zone(mood) for mood in MOODS}
    not_yet = Zone("none")
    for member_id, name, consent, photo_digest, team_name, mood in rows:
        zone = zones.get(mood, not_yet)
        if consent:
            zone.cards.append(Card(str(member_id), name, team_name, photo_digest))
        else:
            zone.hidden += 1
    not_yet.cards.sort(key=lambda card: card.name)
    return Board(day=day, zones=zones, not_yet=not_yet)


def board_version(day):
    """A value that changes whenever anything a board shows may have changed.

    One query of aggregates instead of reading every member: today's moods
    (count and latest change) and the roster (counts and the latest change of
    members, teams and workshops: every roster edit saves ``updated_at``).
    Plain SQL, written once: every board request asks, and building this
    query with the ORM cost more than running it.
    """
    value = MoodCurrent.shift_day.db_value(day)
    cursor = db.execute_sql(_version_sql(db.param), (value, value))
    return (str(day), *map(str, cursor.fetchone()))


@lru_cache(maxsize=2)
def _version_sql(param):
    mood, member = MoodCurrent._meta.table_name, Member._meta.table_name
    team, workshop = Team._meta.table_name, Workshop._meta.table_name
    return (f"SELECT (SELECT COUNT(*) FROM {mood} WHERE shift_day = {param}),"
            f" (SELECT MAX(at) FROM {mood} WHERE shift_day = {param}),"
            f" (SELECT COUNT(*) FROM {member}),"
            f" (SELECT SUM(CASE WHEN active THEN 1 ELSE 0 END) FROM {member}),"
            f" (SELECT MAX(updated_at) FROM {member}),"
            f" (SELECT COUNT(*) FROM {team}), (SELECT MAX(updated_at) FROM {team}),"
            f" (SELECT COUNT(*) FROM {workshop}), (SELECT MAX(updated_at) FROM {workshop})")


def overview(day):
    """Every listed team with today's counts, grouped by workshop."""
    active = dict(Member.select(Member.team, fn.COUNT(Member.id))
                  .where(Member.active).group_by(Member.team).tuples())
    moods = {}
    query = (MoodCurrent.select(Member.team, MoodCurrent.mood, fn.COUNT(MoodCurrent.id))
             .join(Member, on=(MoodCurrent.member == Member.id))
             .where((MoodCurrent.shift_day == day) & Member.active)
             .group_by(Member.team, MoodCurrent.mood).tuples())
    for team_id, mood, count in query:
        moods.setdefault(team_id, {})[mood] = count
    grouped = {}
    for team in Team.listed():
        counts = {mood: moods.get(team.id, {}).get(mood, 0) for mood in MOODS}
        counts["none"] = active.get(team.id, 0) - sum(counts.values())
        grouped.setdefault(team.workshop, []).append((team, counts))
    return list(grouped.items())


def listed_team(team_id):
    """An active team of an active workshop (with its workshop), or None."""
    return (Team.select(Team, Workshop).join(Workshop)
            .where((Team.id == team_id) & Team.active & Workshop.active).get_or_none())


def listed_workshop(workshop_id):
    return Workshop.get_or_none((Workshop.id == workshop_id) & Workshop.active)


def workshop_teams(workshop):
    return list(Team.listed().where(Team.workshop == workshop))


def today_counts_for_member_team(member, day):
    """Counts per mood today in the member's team (for the confirmation screen)."""
    query = (MoodCurrent.select(MoodCurrent.mood, fn.COUNT(MoodCurrent.id))
             .join(Member, on=(MoodCurrent.member == Member.id))
             .where((MoodCurrent.shift_day == day) & (Member.team == member.team_id)
                    & Member.active)
             .group_by(MoodCurrent.mood).tuples())
    counts = dict(query)
    return {mood: counts.get(mood, 0) for mood in MOODS}

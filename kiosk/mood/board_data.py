"""What the boards show: today's moods per team or workshop, as the roster stands."""
import hashlib
from dataclasses import dataclass, field

from peewee import JOIN, fn

from ..models import Member, Team, Workshop
from .models import MOODS, MoodCurrent


@dataclass
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

    @property
    def count(self):
        return len(self.cards) + self.hidden


@dataclass
class Board:
    day: object
    zones: dict
    not_yet: Zone
    digest: str

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
                          Team.name.alias("team_name"), MoodCurrent.mood)
            .join(Team)
            .switch(Member)
            .join(MoodCurrent, JOIN.LEFT_OUTER,
                  on=((MoodCurrent.member == Member.id) & (MoodCurrent.shift_day == day)))
            .where(Member.active & Member.team.in_(team_ids))
            .order_by(MoodCurrent.at.asc(nulls="LAST"), Member.name)
            .dicts())
    zones = {mood: Zone(mood) for mood in MOODS}
    not_yet = Zone("none")
    digest = hashlib.blake2b(str(day).encode(), digest_size=12)
    for row in rows:
        zone = zones[row["mood"]] if row["mood"] in zones else not_yet
        if row["photo_consent"]:
            zone.cards.append(Card(str(row["id"]), row["name"], row["team_name"],
                                   row["photo_digest"]))
        else:
            zone.hidden += 1
        digest.update(f"{row['id']}|{row['mood']}|{row['photo_consent']}|"
                      f"{row['photo_digest']}|{row['name']}|{row['team_name']};".encode())
    not_yet.cards.sort(key=lambda card: card.name)
    return Board(day=day, zones=zones, not_yet=not_yet, digest=digest.hexdigest())


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
    return Team.listed().where(Team.id == team_id).first()


def listed_workshop(workshop_id):
    return Workshop.listed().where(Workshop.id == workshop_id).first()


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

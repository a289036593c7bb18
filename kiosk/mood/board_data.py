"""What the boards show: today's moods per team or workshop, as the roster stands."""
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from operator import itemgetter

from peewee import fn

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
    # Its HTML per way of showing it (kiosk/mood/board.py): a card is built once per
    # roster version and rendered once, whatever moves around it.
    rendered: dict = field(default_factory=dict, compare=False, repr=False)


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


def board(teams, day, kept=None):
    """The board of the active members of ``teams`` for ``day``.

    Members who did not agree to public display are counted in their zone but
    never named or pictured: their card is simply not built. Zones list their
    cards in the order of the check-ins (then by name), "not yet" by name.

    ``kept`` (``KeptBoards.at(version)``) takes the roster and today's
    moods from memory: the roster's cards are built once per roster version and a
    check-in reads only the rows changed since the last board (one, not 1,000).
    """
    team_ids = tuple(sorted(t.id for t in teams))
    if kept is None:
        roster, moods = _roster(team_ids), _moods(day)
    else:
        roster, moods = kept.roster(team_ids), kept.moods(day)
    zones = {mood: Zone(mood) for mood in MOODS}
    not_yet = Zone("none")
    checked_in = {mood: [] for mood in MOODS}
    for member_key, card in roster:
        at, mood = moods.get(member_key, _NOT_YET)
        if mood in checked_in:
            checked_in[mood].append((at, card))
        elif card is not None:
            not_yet.cards.append(card)
        else:
            not_yet.hidden += 1
    for mood, entries in checked_in.items():
        # Stable: the roster is in name order, so equal times stay by name (as SQL's
        # ORDER BY at, name).
        entries.sort(key=_at)
        zone = zones[mood]
        zone.cards = [card for _at, card in entries if card is not None]
        zone.hidden = len(entries) - len(zone.cards)
    return Board(day=day, zones=zones, not_yet=not_yet)


_NOT_YET = (None, None)
_at = itemgetter(0)


def _roster(team_ids):
    """(member key, card or None when the photo is private) of the active members of
    the teams, by name; the key is the member's id as the database stores it."""
    rows = (Member.select(Member.id, Member.name, Member.photo_consent, Member.photo_digest,
                          Team.name)
            .join(Team)
            .where(Member.active & Member.team.in_(team_ids))
            .order_by(Member.name)
            .tuples())
    return [(Member.id.db_value(member_id),
             Card(str(member_id), name, team_name, photo_digest) if consent else None)
            for member_id, name, consent, photo_digest, team_name in rows]


def _moods(day, since=None):
    """{member key: (at, mood)} of ``day``'s current moods (changed at or after ``since``)."""
    table = MoodCurrent._meta.table_name
    sql = f"SELECT member_id, at, mood FROM {table} WHERE shift_day = {db.param}"
    params = [MoodCurrent.shift_day.db_value(day)]
    if since is not None:
        sql += f" AND at >= {db.param}"
        params.append(since)
    return {member: (at, mood) for member, at, mood in db.execute_sql(sql, params)}


class KeptBoards:
    """What boards are made of, kept in memory: the roster's cards (and what else only
    the roster changes) for one roster version, and today's moods.

    A ``version`` is ``board_version(day)`` with what else its holder keys on in front
    of it (the database, a time bucket): its last seven values are the roster's, the
    two before them today's moods (count and latest time). ``at(version)`` is what a
    board made for that version reads (``board(teams, day, kept.at(version))``).
    The roster's cards are read again only when the roster changes; today's moods are
    brought up to date with the rows changed since shortly before the latest one seen,
    and read in full when the count does not add up (a row gone), the day changes or
    the holder's time bucket does.
    """

    # A check-in takes its time before it waits for the write lock: one that commits
    # after a later one carries an earlier time. Rows this much older than the latest
    # seen are read again.
    SETTLE = timedelta(seconds=30)

    def __init__(self):
        self.lock = threading.Lock()
        self.rosters = {}
        self.roster_version = None
        self.day_moods = (None, {}, None)   # (holder's key and day, moods, latest time seen)

    def at(self, version):
        return _KeptAt(self, version)

    def per_roster(self, version, key, compute):
        """``compute()`` once per roster version (and time bucket): what only the roster
        changes (a team's cards, the teams of a workshop, this month's birthdays)."""
        roster_version = version[:-10] + version[-7:]
        with self.lock:
            if self.roster_version != roster_version:
                self.rosters, self.roster_version = {}, roster_version
            value = self.rosters.get(key)
        if value is None:
            value = compute()
            with self.lock:
                if self.roster_version == roster_version:
                    self.rosters[key] = value
        return value

    def moods(self, version, day):
        """Today's moods, at least as new as ``version``."""
        count, latest = version[-9:-7]
        key = version[:-9]   # the holder's key and the day
        with self.lock:
            kept_key, moods, seen = self.day_moods
        if kept_key == key and seen == latest and len(moods) == count:
            return moods
        if kept_key == key and seen is not None:
            since = MoodCurrent.at.db_value(MoodCurrent.at.python_value(seen) - self.SETTLE)
            changed = _moods(day, since=since)
            moods = {**moods, **changed}
            seen = max([seen, *(at for at, _ in changed.values())])
        else:
            moods = None
        if moods is None or len(moods) != count:
            moods = _moods(day)   # a row gone, or written since the version was read
            seen = max((at for at, _ in moods.values()), default=None)
        with self.lock:
            self.day_moods = (key, moods, seen)
        return moods


class _KeptAt:
    """``KeptBoards`` as a board made for one version reads it."""

    def __init__(self, kept, version):
        self.kept, self.version = kept, version

    def roster(self, team_ids):
        return self.per_roster(("cards", team_ids), lambda: _roster(team_ids))

    def per_roster(self, key, compute):
        return self.kept.per_roster(self.version, key, compute)

    def moods(self, day):
        return self.kept.moods(self.version, day)


def board_version(day):
    """A value that changes whenever anything a board shows may have changed.

    One query of aggregates instead of reading every member: today's moods
    (count and latest change) and the roster (counts and the latest change of
    members, teams and workshops: every roster edit saves ``updated_at``).
    Plain SQL, written once: every board request asks, and building this
    query with the ORM cost more than running it.
    """
    value = MoodCurrent.shift_day.db_value(day)
    count, latest, *roster = db.execute_sql(_version_sql(db.param), (value, value)).fetchone()
    return (str(day), count, latest, *map(str, roster))


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
    """Counts per mood today in the member's team (for the confirmation screen), in
    plain SQL written once: every check-in asks."""
    rows = db.execute_sql(_team_counts_sql(db.param),
                          (MoodCurrent.shift_day.db_value(day), Team.id.db_value(member.team_id)))
    counts = dict(rows)
    return {mood: counts.get(mood, 0) for mood in MOODS}


@lru_cache(maxsize=2)
def _team_counts_sql(param):
    mood, member = MoodCurrent._meta.table_name, Member._meta.table_name
    return (f"SELECT c.mood, COUNT(*) FROM {mood} c JOIN {member} m ON m.id = c.member_id"
            f" WHERE c.shift_day = {param} AND m.team_id = {param} AND m.active"
            f" GROUP BY c.mood")

"""Writes of the weather board: check-in, talk request, follow-up, alert acknowledgement."""
import uuid
from datetime import timedelta
from functools import lru_cache

from ..alerts import triggers as alert_triggers
from ..db import db, write_transaction
from ..models import this_station_id, utcnow
from ..roster.models import Member, Team, Workshop
from .days import shift_day
from .models import FOLLOW_UP_KINDS, MoodAlertAck, MoodCheckin, MoodCurrent, MoodFollowUp
from .moods import MOODS, UPSET


class CheckinRefused(Exception):
    """The member may not check in (deactivated or unknown)."""


def record_checkin(member_id, mood, *, tz, day_start_hour, method="", now=None,
                   min_interval=0):
    """Record a check-in; return (checkin, changed).

    The same mood as today's current one changes nothing (a double tap, or the
    twentieth check-in of the day): no new row, no inflated count. Another mood
    replaces today's mood; the history keeps every check-in. Within
    ``min_interval`` seconds of the member's last check-in nothing is recorded
    either (a double tap on two buttons, a retry, a script): the last one stands.

    The checkin's ``team`` comes with its workshop (what the confirmation shows), read
    with the member. Every tap runs this: its statements are plain SQL written once
    (``_statements``), not queries built anew by the ORM on every check-in.
    """
    if mood not in MOODS:
        raise ValueError(f"unknown mood {mood!r}")
    now = now or utcnow()
    day = shift_day(now, tz, day_start_hour)
    sql = _statements(db.param)
    member_key = Member.id.db_value(member_id)
    at, day_value = MoodCheckin.at.db_value(now), MoodCheckin.shift_day.db_value(day)
    # IMMEDIATE: two terminals checking in the same member serialise here, and
    # the unique (member, shift_day) index keeps exactly one current mood.
    with write_transaction():
        row = db.execute_sql(sql["member"], (member_key,)).fetchone()
        if row is None:
            raise CheckinRefused(member_id)
        team_key, team_name, workshop_key, workshop_name = row
        team_id = Team.id.python_value(team_key)
        if min_interval:
            since = MoodCheckin.at.db_value(now - timedelta(seconds=min_interval))
            recent = db.execute_sql(sql["recent"], (member_key, since, at)).fetchone()
            if recent is not None:
                return MoodCheckin.get_by_id(recent[0]), False
        current = db.execute_sql(sql["current"], (member_key, day_value)).fetchone()
        if current is not None and current[0] == mood:
            return MoodCheckin.get_by_id(current[1]), False
        checkin = MoodCheckin(__no_default__=True, id=uuid.uuid4(), station_id=_station_id(),
                              created_at=now, updated_at=now, member=member_id,
                              team=team_id, mood=mood, shift_day=day, at=now,
                              method=method or "", wants_talk=False)
        db.execute_sql(sql["insert"], [field.db_value(checkin.__data__[field.name])
                                       for field in MoodCheckin._meta.sorted_fields])
        checkin._dirty.clear()
        db.execute_sql(sql["current_upsert"], (member_key, day_value,
                                               MoodCheckin.id.db_value(checkin.id), team_key,
                                               mood, at))
        alert_triggers.team_mood_checked(team_id, day)
    # As read, without defaults: a new Team() would ask the settings for the station id.
    checkin.team = Team(__no_default__=True, id=team_id, name=team_name,
                        workshop=Workshop(__no_default__=True, name=workshop_name,
                                          id=Workshop.id.python_value(workshop_key)))
    return checkin, True


@lru_cache(maxsize=2)
def _statements(param):
    """The check-in's SQL, written once per parameter style from the models' names."""
    member, team, workshop = (Member._meta.table_name, Team._meta.table_name,
                              Workshop._meta.table_name)
    checkin, current = MoodCheckin._meta.table_name, MoodCurrent._meta.table_name
    columns = [field.column_name for field in MoodCheckin._meta.sorted_fields]
    return {
        "member": (f"SELECT m.team_id, t.name, t.workshop_id, w.name FROM {member} m"
                   f" JOIN {team} t ON t.id = m.team_id JOIN {workshop} w ON w.id = t.workshop_id"
                   f" WHERE m.id = {param} AND m.active"),
        "recent": (f"SELECT id FROM {checkin} WHERE member_id = {param} AND at > {param}"
                   f" AND at <= {param} ORDER BY at DESC LIMIT 1"),
        "current": (f"SELECT mood, checkin_id FROM {current}"
                    f" WHERE member_id = {param} AND shift_day = {param}"),
        "insert": (f"INSERT INTO {checkin} ({', '.join(columns)})"
                   f" VALUES ({', '.join([param] * len(columns))})"),
        "current_upsert": (
            f"INSERT INTO {current} (member_id, shift_day, checkin_id, team_id, mood, at)"
            f" VALUES ({', '.join([param] * 6)})"
            f" ON CONFLICT (member_id, shift_day) DO UPDATE SET checkin_id = excluded.checkin_id,"
            f" team_id = excluded.team_id, mood = excluded.mood, at = excluded.at"),
    }


_station_ids = {}


def _station_id():
    """This database's station id (``this_station_id``): made once, never changed, so
    asked once per database file rather than on every check-in."""
    where = getattr(db.obj, "database", None)
    station = _station_ids.get(where)
    if station is None:
        station = _station_ids[where] = this_station_id()
    return station


def request_talk(member_id, checkin_id):
    """"I'd like to talk to the union": only on one's own upset check-in. Returns it or None."""
    with write_transaction():
        checkin = MoodCheckin.get_or_none((MoodCheckin.id == checkin_id)
                                          & (MoodCheckin.member == member_id))
        if checkin is None or checkin.mood != UPSET:
            return None
        if not checkin.wants_talk:
            checkin.wants_talk = True
            checkin.save()
            # In this transaction: the request and its alert to the chair's phone commit together.
            alert_triggers.talk_requested(checkin)
    return checkin


def record_follow_up(member, kind, note, by_admin, day, now=None):
    """Append a follow-up that answers the member's upset days up to ``day``."""
    if kind not in FOLLOW_UP_KINDS:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    return MoodFollowUp.create(member=member, shift_day=day, kind=kind,
                               note=(note or "").strip(), by_admin=by_admin,
                               at=now or utcnow())


def acknowledge_alert(team, day, by_admin):
    """The chair has seen the team's alert for ``day``; a second click changes nothing."""
    (MoodAlertAck.insert(team=team, shift_day=day, by_admin=by_admin, at=utcnow())
     .on_conflict_ignore().execute())

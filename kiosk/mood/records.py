"""Writes of the weather board: check-in, talk request, follow-up, alert acknowledgement."""
from datetime import timedelta

from ..alerts import triggers as alert_triggers
from ..db import write_transaction
from ..models import utcnow
from ..roster.models import Member
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
    """
    if mood not in MOODS:
        raise ValueError(f"unknown mood {mood!r}")
    now = now or utcnow()
    day = shift_day(now, tz, day_start_hour)
    # IMMEDIATE: two terminals checking in the same member serialise here, and
    # the unique (member, shift_day) index keeps exactly one current mood.
    with write_transaction():
        member = Member.get_or_none((Member.id == member_id) & Member.active)
        if member is None:
            raise CheckinRefused(member_id)
        if min_interval:
            recent = (MoodCheckin.select()
                      .where((MoodCheckin.member == member)
                             & (MoodCheckin.at > now - timedelta(seconds=min_interval))
                             & (MoodCheckin.at <= now))
                      .order_by(MoodCheckin.at.desc()).first())
            if recent is not None:
                return recent, False
        current = (MoodCurrent.select(MoodCurrent, MoodCheckin).join(MoodCheckin)
                   .where((MoodCurrent.member == member) & (MoodCurrent.shift_day == day))
                   .first())
        if current is not None and current.mood == mood:
            return current.checkin, False
        checkin = MoodCheckin.create(member=member, team=member.team_id, mood=mood,
                                     shift_day=day, at=now, method=method or "")
        (MoodCurrent.insert(member=member, shift_day=day, checkin=checkin,
                            team=member.team_id, mood=mood, at=now)
         .on_conflict(conflict_target=[MoodCurrent.member, MoodCurrent.shift_day],
                      update={MoodCurrent.checkin: checkin.id, MoodCurrent.team: member.team_id,
                              MoodCurrent.mood: mood, MoodCurrent.at: now})
         .execute())
        alert_triggers.team_mood_checked(member.team_id, day)
    return checkin, True


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

"""The weather board's rows.

- ``MoodCheckin``: every check-in, append-only history (a repeat keeps both).
- ``MoodCurrent``: today's mood per member and shift day, one row each. A unique
  index on (member, shift_day) makes "the current mood" an upsert, so two
  terminals checking in at once can never leave two current moods.
- ``MoodFollowUp``: what the chair did about an upset worker (append-only).
- ``MoodDailyCount``: counts per day, team and mood: what survives the
  retention purge and what the nightly sync sends to central (never names).
- ``MoodAlertAck``: the chair has seen a team's alert for a day.
- ``MoodGroupCount``: what goes up to central, per day, group of at least five
  and mood (``group_counts``, ``sync``).
"""
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    UUIDField,
)

from ..models import BaseModel, SyncedModel, utcnow
from ..roster.models import Member, Team
from .moods import MAX_KEY_LENGTH

FOLLOW_UP_KINDS = ("talk", "counselling", "change_post", "rest", "other")


class MoodCheckin(SyncedModel):
    member = ForeignKeyField(Member, backref="mood_checkins", on_delete="CASCADE")
    # The team at the time of the check-in: daily counts stay with the team
    # the worker was in that day, even after a move.
    team = ForeignKeyField(Team, on_delete="RESTRICT")
    mood = CharField(max_length=MAX_KEY_LENGTH)
    shift_day = DateField(index=True)
    at = DateTimeField(default=utcnow)
    method = CharField(max_length=10, default="")   # photo, keypad or badge
    wants_talk = BooleanField(default=False)

    class Meta:
        indexes = ((("member", "shift_day"), False),)


class MoodCurrent(BaseModel):
    """Derived and local: never synced, rebuilt by each check-in."""

    id = AutoField()
    member = ForeignKeyField(Member, on_delete="CASCADE")
    shift_day = DateField()
    checkin = ForeignKeyField(MoodCheckin, on_delete="CASCADE")
    team = ForeignKeyField(Team, on_delete="RESTRICT")
    mood = CharField(max_length=MAX_KEY_LENGTH)
    at = DateTimeField()

    class Meta:
        indexes = ((("member", "shift_day"), True), (("shift_day", "team"), False))


class MoodFollowUp(SyncedModel):
    """A follow-up answers a member's upset days up to and including ``shift_day``."""

    member = ForeignKeyField(Member, backref="mood_follow_ups", on_delete="CASCADE")
    shift_day = DateField()
    kind = CharField(max_length=16)
    note = TextField(default="")
    by_admin = CharField(max_length=40)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "shift_day"), False),)


class MoodDailyCount(SyncedModel):
    day = DateField()
    team = ForeignKeyField(Team, on_delete="RESTRICT")
    mood = CharField(max_length=MAX_KEY_LENGTH)
    count = IntegerField(default=0)

    class Meta:
        indexes = ((("day", "team", "mood"), True),)


class MoodAlertAck(BaseModel):
    id = AutoField()
    team = ForeignKeyField(Team, on_delete="CASCADE")
    shift_day = DateField()
    by_admin = CharField(max_length=40)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("team", "shift_day"), True),)


class MoodGroupCount(SyncedModel):
    """Station → central: check-ins per day, group and mood; never a person.

    Derived from the mood board's per-team ``MoodDailyCount``: a team with
    fewer than ``group_counts.MIN_GROUP`` members is merged into its workshop (team None),
    and a workshop too small even then into the station (workshop None), so
    that no count points at one worker. The id is derived from (station, day,
    group, mood), so a recount updates the same record.
    """

    day = DateField(index=True)
    workshop_id = UUIDField(null=True)
    workshop_name = CharField(max_length=60)
    team_id = UUIDField(null=True)
    team_name = CharField(max_length=60, default="")
    mood = CharField(max_length=20)
    count = IntegerField()
    members = IntegerField()

"""The mood weather board: check-ins, today's mood, follow-ups, daily counts, alert acks."""
import datetime
import uuid

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Synced(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        station_id = UUIDField(index=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow, index=True)

    # The roster's tables exist (0001); these stand-ins only name them for the keys.
    class Team(Base):
        id = UUIDField(primary_key=True)

    class Member(Base):
        id = UUIDField(primary_key=True)

    class MoodCheckin(Synced):
        member = ForeignKeyField(Member, on_delete="CASCADE")
        team = ForeignKeyField(Team, on_delete="RESTRICT")
        mood = CharField(max_length=8)
        shift_day = DateField(index=True)
        at = DateTimeField(default=datetime.datetime.utcnow)
        method = CharField(max_length=10, default="")
        wants_talk = BooleanField(default=False)

        class Meta:
            indexes = ((("member", "shift_day"), False),)

    class MoodCurrent(Base):
        id = AutoField()
        member = ForeignKeyField(Member, on_delete="CASCADE")
        shift_day = DateField()
        checkin = ForeignKeyField(MoodCheckin, on_delete="CASCADE")
        team = ForeignKeyField(Team, on_delete="RESTRICT")
        mood = CharField(max_length=8)
        at = DateTimeField()

        class Meta:
            indexes = ((("member", "shift_day"), True), (("shift_day", "team"), False))

    class MoodFollowUp(Synced):
        member = ForeignKeyField(Member, on_delete="CASCADE")
        shift_day = DateField()
        kind = CharField(max_length=16)
        note = TextField(default="")
        by_admin = CharField(max_length=40)
        at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            indexes = ((("member", "shift_day"), False),)

    class MoodDailyCount(Synced):
        day = DateField()
        team = ForeignKeyField(Team, on_delete="RESTRICT")
        mood = CharField(max_length=8)
        count = IntegerField(default=0)

        class Meta:
            indexes = ((("day", "team", "mood"), True),)

    class MoodAlertAck(Base):
        id = AutoField()
        team = ForeignKeyField(Team, on_delete="CASCADE")
        shift_day = DateField()
        by_admin = CharField(max_length=40)
        at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            indexes = ((("team", "shift_day"), True),)

    db.create_tables([MoodCheckin, MoodCurrent, MoodFollowUp, MoodDailyCount, MoodAlertAck])


def down(migrator, db):
    for table in ("mood_alert_ack", "mood_daily_count", "mood_follow_up", "mood_current",
                  "mood_checkin"):
        db.execute_sql(f"DROP TABLE {table}")

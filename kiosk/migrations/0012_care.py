"""Care for milestones (三必贺三必访): life events, the greetings and visits that keep them,
and the kiosk's birthday greeting (once a day)."""
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

    # The roster's table exists (0001); this stand-in only names it for the keys.
    class Member(Base):
        id = UUIDField(primary_key=True)

    class CareEvent(Synced):
        member = ForeignKeyField(Member, on_delete="CASCADE")
        kind = CharField(max_length=12)
        day = DateField(index=True)
        end_day = DateField(null=True)
        place = CharField(max_length=100, default="")
        what = CharField(max_length=200, default="")
        by_admin = CharField(max_length=40)
        at = DateTimeField(default=datetime.datetime.utcnow)

    class CareVisit(Synced):
        member = ForeignKeyField(Member, on_delete="CASCADE")
        kind = CharField(max_length=12)
        due_day = DateField(index=True)
        event = ForeignKeyField(CareEvent, null=True, on_delete="CASCADE")
        day = DateField()
        visitors = CharField(max_length=100)
        method = CharField(max_length=10)
        gift = CharField(max_length=200, default="")
        money_fen = IntegerField(default=0)
        note = TextField(default="")
        by_admin = CharField(max_length=40)
        at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            indexes = ((("member", "kind", "due_day"), False),)

    class KioskBirthdayGreeting(Base):
        id = AutoField()
        member = ForeignKeyField(Member, on_delete="CASCADE")
        day = DateField()
        at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            indexes = ((("member", "day"), True),)

    db.create_tables([CareEvent, CareVisit, KioskBirthdayGreeting])


def down(migrator, db):
    for table in ("kiosk_birthday_greeting", "care_visit", "care_event"):
        db.execute_sql(f"DROP TABLE {table}")

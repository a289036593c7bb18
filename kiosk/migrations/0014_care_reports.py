"""Care: life events a worker reports at the kiosk (pending the chair's confirmation),
and the monthly counts of the promises that go up to central."""
import datetime
import uuid

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    # Tables of 0001 and 0012; these stand-ins only name them for the keys.
    class Member(Base):
        id = UUIDField(primary_key=True)

    class CareEvent(Base):
        id = UUIDField(primary_key=True)

    class ReportedEvent(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        member = ForeignKeyField(Member, on_delete="CASCADE")
        kind = CharField(max_length=12)
        day = DateField()
        end_day = DateField(null=True)
        place = CharField(max_length=100, default="")
        what = CharField(max_length=200, default="")
        reported_at = DateTimeField(default=datetime.datetime.utcnow, index=True)
        status = CharField(max_length=10, default="pending", index=True)
        decided_by = CharField(max_length=40, default="")
        decided_at = DateTimeField(null=True)
        reason = CharField(max_length=200, default="")
        event = ForeignKeyField(CareEvent, null=True, on_delete="SET NULL")

    class CareMonthCount(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        station_id = UUIDField(index=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow, index=True)
        month = DateField()
        promise = CharField(max_length=12)
        due = IntegerField(default=0)
        in_time = IntegerField(default=0)
        late = IntegerField(default=0)

    db.create_tables([ReportedEvent, CareMonthCount])


def down(migrator, db):
    for table in ("care_month_count", "reported_event"):
        db.execute_sql(f"DROP TABLE {table}")

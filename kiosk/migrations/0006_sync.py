"""The nightly sync: station outbox state, runs, central's registry, ledger and change sequence."""
import datetime
import uuid

from peewee import *


def up(migrator, db):
    now = datetime.datetime.utcnow

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Synced(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        station_id = UUIDField(index=True)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now, index=True)

    class SyncState(Base):
        record_id = UUIDField(primary_key=True)
        kind = CharField(max_length=40, index=True)
        sent_updated_at = DateTimeField(null=True)
        sent_digest = CharField(max_length=64)
        conflict = BooleanField(default=False)
        sent_at = DateTimeField(default=now)

    class Station(Base):
        id = UUIDField(primary_key=True)
        name = CharField(max_length=80)
        enterprise = CharField(max_length=120)
        address = CharField(max_length=200, default="")
        secret = CharField(max_length=100)
        active = BooleanField(default=True)
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)
        software_version = CharField(max_length=40, default="")
        last_seen_at = DateTimeField(null=True)
        last_sync_ok_at = DateTimeField(null=True)
        last_sync_error = TextField(default="")
        backlog = IntegerField(default=0)

    class SyncRun(Base):
        id = AutoField()
        station = ForeignKeyField(Station, null=True, on_delete="CASCADE")
        trigger = CharField(max_length=20, default="manual")
        started_at = DateTimeField(default=now, index=True)
        finished_at = DateTimeField(null=True)
        ok = BooleanField(null=True)
        pushed = IntegerField(default=0)
        pulled = IntegerField(default=0)
        conflicts = IntegerField(default=0)
        bytes_up = IntegerField(default=0)
        bytes_down = IntegerField(default=0)
        backlog = IntegerField(default=0)
        error_code = CharField(max_length=40, default="")
        error = TextField(default="")

    class SyncParked(Base):
        record_id = UUIDField(primary_key=True)
        kind = CharField(max_length=40)
        op = CharField(max_length=10)
        seq = IntegerField()
        data = TextField()
        received_at = DateTimeField(default=now)

    class StationNonce(Base):
        id = BigAutoField()
        station = ForeignKeyField(Station, on_delete="CASCADE")
        nonce = CharField(max_length=64)
        seen_at = DateTimeField(default=now, index=True)

        class Meta:
            indexes = ((("station", "nonce"), True),)

    class CentralRecord(Base):
        id = UUIDField(primary_key=True)
        kind = CharField(max_length=40, index=True)
        station = ForeignKeyField(Station, on_delete="RESTRICT")
        parent_id = UUIDField(null=True, index=True)
        version = CharField(max_length=64)
        digest = CharField(max_length=64)
        data = TextField()
        orphan = BooleanField(default=False)
        received_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

    class CentralConflict(Base):
        id = AutoField()
        kind = CharField(max_length=40)
        record_id = UUIDField(index=True)
        station = ForeignKeyField(Station, on_delete="CASCADE")
        digest = CharField(max_length=64)
        data = TextField()
        reason = CharField(max_length=200)
        received_at = DateTimeField(default=now)
        resolved = BooleanField(default=False)

        class Meta:
            indexes = ((("station", "record_id", "digest"), True),)

    class CentralChange(Base):
        seq = BigAutoField()
        kind = CharField(max_length=40)
        record_id = UUIDField()
        target = UUIDField(null=True, index=True)
        op = CharField(max_length=10, default="upsert")
        data = TextField()
        created_at = DateTimeField(default=now)

    class CentralPublished(Base):
        record_id = UUIDField(primary_key=True)
        kind = CharField(max_length=40, index=True)
        version = CharField(max_length=64)
        target = UUIDField(null=True)

    class MoodGroupCount(Synced):
        day = DateField(index=True)
        workshop_id = UUIDField(null=True)
        workshop_name = CharField(max_length=60)
        team_id = UUIDField(null=True)
        team_name = CharField(max_length=60, default="")
        mood = CharField(max_length=20)
        count = IntegerField()
        members = IntegerField()

    class Announcement(Synced):
        title = CharField(max_length=120)
        body = TextField(default="")
        starts_on = DateField(null=True)
        ends_on = DateField(null=True)
        active = BooleanField(default=True)

    db.create_tables([SyncState, Station, SyncRun, SyncParked, StationNonce, CentralRecord,
                      CentralConflict, CentralChange, CentralPublished, MoodGroupCount,
                      Announcement])


def down(migrator, db):
    for table in ("announcement", "mood_group_count", "central_published", "central_change",
                  "central_conflict", "central_record", "station_nonce", "sync_parked",
                  "sync_run", "station", "sync_state"):
        db.execute_sql(f"DROP TABLE {table}")

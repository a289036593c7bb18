"""Settings and the roster: workshops, teams, members and their photos."""
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

    class Setting(Base):
        key = CharField(primary_key=True, max_length=100)
        value = TextField()

    class Workshop(Synced):
        name = CharField(max_length=60, unique=True)
        sort_order = IntegerField(default=0)
        active = BooleanField(default=True)

    class Team(Synced):
        workshop = ForeignKeyField(Workshop, on_delete="RESTRICT")
        name = CharField(max_length=60)
        sort_order = IntegerField(default=0)
        active = BooleanField(default=True)

        class Meta:
            indexes = ((("workshop", "name"), True),)

    class Member(Synced):
        staff_no = CharField(max_length=32, unique=True)
        name = CharField(max_length=40)
        team = ForeignKeyField(Team, on_delete="RESTRICT")
        badge_code = CharField(max_length=64, null=True, unique=True)
        birthday = DateField(null=True)
        photo_consent = BooleanField(default=False)
        active = BooleanField(default=True)
        photo_digest = CharField(max_length=16, null=True)

    class MemberPhoto(Base):
        member = ForeignKeyField(Member, primary_key=True, on_delete="CASCADE")
        jpeg = BlobField()
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

    db.create_tables([Setting, Workshop, Team, Member, MemberPhoto])


def down(migrator, db):
    for table in ("member_photo", "member", "team", "workshop", "setting"):
        db.execute_sql(f"DROP TABLE {table}")

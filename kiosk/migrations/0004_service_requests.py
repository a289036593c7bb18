"""Service requests (帮你办): requests, their append-only events, per-category settings."""
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

    class Member(Synced):
        class Meta:
            table_name = "member"

    class ServiceRequest(Synced):
        category = CharField(max_length=16, index=True)
        topic = CharField(max_length=60)
        description = TextField(default="")
        phone = CharField(max_length=20, null=True)
        member = ForeignKeyField(Member, null=True, on_delete="RESTRICT")
        receipt_code = CharField(max_length=16, unique=True)
        handled_by = CharField(max_length=8)
        urgent = BooleanField(default=False, index=True)
        sent_to_central_at = DateTimeField(null=True)
        status = CharField(max_length=16, default="new", index=True)
        awaiting_since = DateTimeField(null=True, index=True)
        first_response_at = DateTimeField(null=True)
        resolved_at = DateTimeField(null=True)
        assignee = CharField(max_length=40, default="")
        rating = CharField(max_length=12, null=True)

        class Meta:
            indexes = ((("created_at",), False),)

    class RequestEvent(Synced):
        request = ForeignKeyField(ServiceRequest, on_delete="RESTRICT")
        kind = CharField(max_length=16)
        text = TextField(default="")
        public = BooleanField(default=False)
        actor = CharField(max_length=60)
        origin = CharField(max_length=8)
        at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            indexes = ((("request", "at"), False),)

    class CategorySetting(Base):
        key = CharField(primary_key=True, max_length=16)
        handled_by = CharField(max_length=8)
        deadline_days = IntegerField(default=3)
        topics = TextField(default="")

    db.create_tables([ServiceRequest, RequestEvent, CategorySetting])


def down(migrator, db):
    for table in ("request_event", "service_request", "category_setting"):
        db.execute_sql(f"DROP TABLE {table}")

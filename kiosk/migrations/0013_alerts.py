"""Alerts that reach the chair's phone: channels, the local outbox, its delivery log.

- ``alert_channel``: a WeCom or DingTalk robot, or an SMTP mailbox, with the triggers
  the chair chose for it (its secrets in ``secrets``, never shown back in full);
- ``alert``: one event worth telling the chair about, written in the same transaction
  as the event itself, unique by its ``dedupe_key``;
- ``alert_delivery``: one row per (alert, channel), retried with backoff until sent or
  given up.

On SQLite the two outbox tables are WITHOUT ROWID (as ``service_request`` since 0008):
an alert about an anonymous request keeps its times to the hour, and its place in the
file must not tell when it was written either.
"""
import datetime
import uuid

from peewee import *


def up(migrator, db):
    sqlite = isinstance(db, SqliteDatabase)

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class AlertChannel(Base):
        id = AutoField()
        kind = CharField(max_length=10)
        name = CharField(max_length=40)
        enabled = BooleanField(default=True)
        triggers = TextField(default="")
        options = TextField(default="{}")
        secrets = TextField(default="{}")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

    class Alert(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        trigger = CharField(max_length=20)
        dedupe_key = CharField(max_length=120, unique=True)
        params = TextField(default="{}")
        coarse = BooleanField(default=False)
        created_at = DateTimeField(index=True)

        class Meta:
            without_rowid = sqlite

    class AlertDelivery(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        alert = ForeignKeyField(Alert, on_delete="CASCADE")
        channel = ForeignKeyField(AlertChannel, on_delete="CASCADE")
        status = CharField(max_length=10, default="pending")
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True, index=True)
        give_up_at = DateTimeField()
        claim = CharField(max_length=32, null=True)
        claimed_until = DateTimeField(null=True)
        last_attempt_at = DateTimeField(null=True)
        error_kind = CharField(max_length=16, default="")
        error_detail = TextField(default="")
        sent_at = DateTimeField(null=True)
        created_at = DateTimeField(index=True)

        class Meta:
            indexes = ((("alert", "channel"), True), (("status", "next_attempt_at"), False))
            without_rowid = sqlite

    db.create_tables([AlertChannel, Alert, AlertDelivery])


def down(migrator, db):
    for table in ("alert_delivery", "alert", "alert_channel"):
        db.execute_sql(f"DROP TABLE {table}")

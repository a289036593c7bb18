"""Base models: every row that crosses the wire is a ``SyncedModel``.

As docs/architecture.md says ("One owner per record"): a UUID primary key, the id
of the station that wrote it, and created/updated timestamps in UTC. Integer ids never leave a database.
"""
import uuid
from datetime import UTC, datetime

from peewee import CharField, DateTimeField, Model, TextField, UUIDField

from ..db import db


def utcnow():
    """Naive UTC: stored the same on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Setting(BaseModel):
    """Station-wide key/value settings (station id, thresholds, retention)."""

    key = CharField(primary_key=True, max_length=100)
    value = TextField()

    @classmethod
    def get_value(cls, key, default=None):
        row = cls.get_or_none(cls.key == key)
        return row.value if row is not None else default

    @classmethod
    def set_value(cls, key, value):
        (cls.insert(key=key, value=str(value))
         .on_conflict(conflict_target=[cls.key], update={cls.value: str(value)})
         .execute())


def this_station_id():
    """The id of the station (or central) that owns this database.

    Created once, on first use, and kept in the settings table so that a copy
    of the database file keeps its identity.
    """
    value = Setting.get_value("station_id")
    if value is None:
        value = str(uuid.uuid4())
        Setting.set_value("station_id", value)
    return uuid.UUID(value)


class SyncedModel(BaseModel):
    id = UUIDField(primary_key=True, default=uuid.uuid4)
    station_id = UUIDField(default=this_station_id, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

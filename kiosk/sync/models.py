"""The sync's own tables (migration 0006).

Station side: what central has acknowledged (``SyncState``), the runs
(``SyncRun``), changes pulled for kinds this software cannot apply yet
(``SyncParked``). The synced records themselves belong to their features
(``mood.models.MoodGroupCount``, ``notices.models.Announcement``, …).

Central side: the station registry (``Station``), seen nonces, the ledger of
pushed records (``CentralRecord``, keyed by UUID), conflicts set aside for
review, and the change sequence that stations pull (``CentralChange``).
Both roles share one schema: a table the role does not use stays empty.
"""
from peewee import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    UUIDField,
)

from ..models.base import BaseModel, utcnow


class SyncState(BaseModel):
    """Station: the version of a record that central acknowledged (the outbox is the difference)."""

    record_id = UUIDField(primary_key=True)
    kind = CharField(max_length=40, index=True)
    # For kinds versioned by updated_at; kinds with derived fields compare digests.
    sent_updated_at = DateTimeField(null=True)
    sent_digest = CharField(max_length=64)
    # Central refused this version (with ``reason``): kept on the 同步 page, not counted as
    # sent, and not resent until it changes here.
    conflict = BooleanField(default=False)
    reason = CharField(max_length=200, default="")
    sent_at = DateTimeField(default=utcnow)


class Station(BaseModel):
    """Central: a registered station and its signing secret (shown once, kept for HMAC)."""

    id = UUIDField(primary_key=True)
    name = CharField(max_length=80)
    enterprise = CharField(max_length=120)
    address = CharField(max_length=200, default="")
    secret = CharField(max_length=100)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    software_version = CharField(max_length=40, default="")
    last_seen_at = DateTimeField(null=True)
    last_sync_ok_at = DateTimeField(null=True)
    last_sync_error = TextField(default="")
    # Rows the station said were still waiting in its outbox at its last run.
    backlog = IntegerField(default=0)


class SyncRun(BaseModel):
    """One sync run: on a station its own runs; on central the runs stations reported."""

    id = AutoField()
    station = ForeignKeyField(Station, null=True, backref="runs", on_delete="CASCADE")
    trigger = CharField(max_length=20, default="manual")
    started_at = DateTimeField(default=utcnow, index=True)
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

    @property
    def seconds(self):
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SyncParked(BaseModel):
    """Station: a pulled change of a kind this version cannot apply; applied after an upgrade."""

    record_id = UUIDField(primary_key=True)
    kind = CharField(max_length=40)
    op = CharField(max_length=10)
    seq = IntegerField()
    data = TextField()
    received_at = DateTimeField(default=utcnow)


class StationNonce(BaseModel):
    """Central: nonces seen inside the clock window; a unique pair makes a replay fail."""

    id = BigAutoField()
    station = ForeignKeyField(Station, on_delete="CASCADE")
    nonce = CharField(max_length=64)
    seen_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("station", "nonce"), True),)


class CentralRecord(BaseModel):
    """Central: one pushed record, stored once by its UUID (the primary key is the guard)."""

    id = UUIDField(primary_key=True)
    # Read by kind through the (kind, received_at) index below (0023).
    kind = CharField(max_length=40)
    station = ForeignKeyField(Station, backref="records", on_delete="RESTRICT")
    parent_id = UUIDField(null=True, index=True)
    version = CharField(max_length=64)
    digest = CharField(max_length=64)
    data = TextField()
    # An event whose parent has not arrived yet: kept, and counted once the parent comes.
    orphan = BooleanField(default=False)
    received_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kind", "received_at"), False),)  # the retention purge (0016)


class CentralConflict(BaseModel):
    """Central: a record that arrived with an id central holds with other content."""

    id = AutoField()
    kind = CharField(max_length=40)
    record_id = UUIDField(index=True)
    station = ForeignKeyField(Station, on_delete="CASCADE")
    digest = CharField(max_length=64)
    data = TextField()
    reason = CharField(max_length=200)
    received_at = DateTimeField(default=utcnow, index=True)
    resolved = BooleanField(default=False)

    class Meta:
        indexes = ((("station", "record_id", "digest"), True),)


class CentralChange(BaseModel):
    """Central: the change log stations pull after their cursor (sync/changelog.py)."""

    seq = BigAutoField()
    kind = CharField(max_length=40)
    record_id = UUIDField()
    # None: for every station; else only for that one.
    target = UUIDField(null=True)
    op = CharField(max_length=10, default="upsert")
    data = TextField()
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        # A pull is two range reads: target IS NULL, and target = the station (0016);
        # the purge finds a record's later changes by (record_id, seq).
        indexes = ((("target", "seq"), False), (("record_id", "seq"), False))


class CentralPublished(BaseModel):
    """Central: the version of a central-owned record last put into the change sequence."""

    record_id = UUIDField(primary_key=True)
    kind = CharField(max_length=40, index=True)
    version = CharField(max_length=64)
    target = UUIDField(null=True)

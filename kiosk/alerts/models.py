"""The alert rows: channels, the outbox (``Alert``) and one delivery per (alert, channel).

Local to the station, never synced. An ``Alert`` is inserted in the same transaction
as the event that raises it, so a power cut loses both or neither; its ``dedupe_key``
is unique, so the same event raised twice (a second 想找工会聊聊 the same day) is one
alert. An alert about an anonymous request is ``coarse``: its times are kept to the
hour, like the request's own (docs/architecture.md, "Personal data stays where it is
needed").
"""
import json
import uuid

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    UUIDField,
)

from ..models import BaseModel, utcnow

KINDS = ("wecom", "dingtalk", "email")
# A delivery is pending (waiting for its next attempt), sending (claimed by one
# deliverer until ``claimed_until``), sent, or failed (given up after the window).
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)


class JSONText(TextField):
    def db_value(self, value):
        return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        try:
            loaded = json.loads(value) if value else {}
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}


class AlertChannel(BaseModel):
    id = AutoField()
    kind = CharField(max_length=10)
    name = CharField(max_length=40)
    enabled = BooleanField(default=True)
    triggers = TextField(default="")        # trigger keys, comma-separated
    options = JSONText(default=dict)        # what may be shown: host, port, sender, …
    secrets = JSONText(default=dict)        # webhook key, DingTalk secret, SMTP password
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    @property
    def trigger_list(self):
        return [t for t in self.triggers.split(",") if t]

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)


class Alert(BaseModel):
    id = UUIDField(primary_key=True, default=uuid.uuid4)
    trigger = CharField(max_length=20)
    dedupe_key = CharField(max_length=120, unique=True)
    params = JSONText(default=dict)         # what the message says (never a request's text)
    coarse = BooleanField(default=False)    # about an anonymous request: times to the hour
    created_at = DateTimeField(index=True)


class AlertDelivery(BaseModel):
    id = UUIDField(primary_key=True, default=uuid.uuid4)
    alert = ForeignKeyField(Alert, backref="deliveries", on_delete="CASCADE")
    channel = ForeignKeyField(AlertChannel, backref="deliveries", on_delete="CASCADE")
    status = CharField(max_length=10, default=PENDING)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True, index=True)
    give_up_at = DateTimeField()
    # The deliverer that claimed the row, and until when (a crash mid-send frees it then).
    claim = CharField(max_length=32, null=True)
    claimed_until = DateTimeField(null=True)
    last_attempt_at = DateTimeField(null=True)
    error_kind = CharField(max_length=16, default="")
    error_detail = TextField(default="")
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField(index=True)

    class Meta:
        indexes = ((("alert", "channel"), True), (("status", "next_attempt_at"), False))

"""Service requests (帮你办 诉求) and their append-only history.

A request is written once, at the kiosk, by the station that took it. What
happens to it afterwards is a list of ``RequestEvent`` rows — received, in
progress, a public reply, resolved, a rating — each written by whoever acted
(the station's chair, or the city federation for a request it handles), so a
sync only ever adds rows and never has to choose between two versions.

The columns under "derived" are a cache of the events (status, when the union
first answered, …) so that the inbox can filter 10,000 requests by status in
SQL. ``lifecycle.refresh()`` rebuilds them from the events; the sync calls it
after adding events that came from central. They are not part of what syncs.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..models import BaseModel, SyncedModel, utcnow
from ..roster.models import Member

# Status (derived from the events): the worker sees each one.
NEW = "new"                  # 待受理: filed, the union has not yet answered
RECEIVED = "received"        # 已受理
IN_PROGRESS = "in_progress"  # 办理中
RESOLVED = "resolved"        # 已办结
DECLINED = "declined"        # 不予受理 (with a reason)
REOPENED = "reopened"        # 重新办理: the worker was not satisfied
STATUSES = (NEW, RECEIVED, IN_PROGRESS, RESOLVED, DECLINED, REOPENED)
OPEN_STATUSES = (NEW, RECEIVED, IN_PROGRESS, REOPENED)
CLOSED_STATUSES = (RESOLVED, DECLINED)


class ServiceRequest(SyncedModel):
    category = CharField(max_length=16, index=True)
    topic = CharField(max_length=60)
    description = TextField(default="")
    # Only what the worker typed themself; never looked up from the roster.
    phone = CharField(max_length=20, null=True)
    # None for an anonymous request: no member id, name, photo or hash is kept.
    member = ForeignKeyField(Member, null=True, backref="service_requests", on_delete="RESTRICT")
    receipt_code = CharField(max_length=16, unique=True)
    handled_by = CharField(max_length=8)   # "station" or "central"
    urgent = BooleanField(default=False, index=True)
    # Words of despair in the text, or a 心理有困惑 request: the receipt shows the help
    # panel and the chair is alerted at once (crisis.py).
    crisis = BooleanField(default=False, index=True)
    # The draft's token: a double tap or a retried submit finds the request it filed.
    # Stays at the station (never synced).
    idempotency_key = CharField(max_length=40, null=True, unique=True)
    # Set by the sync once central has acknowledged the request.
    sent_to_central_at = DateTimeField(null=True)

    # --- derived from the events (see lifecycle.refresh) -----------------------
    status = CharField(max_length=16, default=NEW, index=True)
    # Since when the union owes the worker an answer (filed, or reopened); None once answered.
    awaiting_since = DateTimeField(null=True, index=True)
    first_response_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    assignee = CharField(max_length=40, default="")
    rating = CharField(max_length=12, null=True)   # "satisfied" / "unsatisfied", latest

    class Meta:
        indexes = ((("created_at",), False),)
        # On SQLite the table is WITHOUT ROWID (migration 0008), so rows lie in the
        # order of their random ids; not declared here, as PostgreSQL has no such clause.

    @property
    def anonymous(self):
        return self.member_id is None

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


# Event kinds. The first group changes the status; the rest do not.
SUBMITTED = "submitted"
REOPEN = "reopened"
PUBLIC_REPLY = "public_reply"
INTERNAL_NOTE = "internal_note"
ASSIGNED = "assigned"
RATED = "rated"
STATUS_EVENTS = {SUBMITTED: NEW, RECEIVED: RECEIVED, IN_PROGRESS: IN_PROGRESS,
                 RESOLVED: RESOLVED, DECLINED: DECLINED, REOPEN: REOPENED}
EVENT_KINDS = tuple(STATUS_EVENTS) + (PUBLIC_REPLY, INTERNAL_NOTE, ASSIGNED, RATED)
# What counts as the union's answer for the first-response deadline: anything
# the worker can see that came from the union (not a note or an assignment).
RESPONSE_KINDS = (RECEIVED, IN_PROGRESS, RESOLVED, DECLINED, PUBLIC_REPLY)


class RequestEvent(SyncedModel):
    """One step in a request's history. Never updated, never deleted."""

    request = ForeignKeyField(ServiceRequest, backref="events", on_delete="RESTRICT")
    kind = CharField(max_length=16)
    text = TextField(default="")
    # Shown to the worker at the kiosk (status changes, replies) or not (notes).
    public = BooleanField(default=False)
    actor = CharField(max_length=60)       # an admin's username, "worker", …
    origin = CharField(max_length=8)       # who wrote the row: "station" or "central"
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("request", "at"), False),)

    def save(self, force_insert=False, only=None):
        # With a UUID key, save() without force_insert is an UPDATE: refuse it.
        if not force_insert:
            raise ValueError("request events are append-only: create a new one")
        return super().save(force_insert=True, only=only)


class CategorySetting(BaseModel):
    """The chair's settings for one category; a missing row means the defaults."""

    key = CharField(primary_key=True, max_length=16)
    handled_by = CharField(max_length=8)
    deadline_days = IntegerField(default=3)
    topics = TextField(default="")   # one per line; empty: the default topics

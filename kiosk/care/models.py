"""The care rows. Both are append-only: a correction is a new row, the history stays.

- ``CareEvent``: a life event the chair recorded on a member (wedding, birth of a
  child, hospital stay, retirement, family hardship). Birthdays live on ``Member``.
- ``CareVisit``: a greeting or visit that keeps one promise for one occurrence,
  named by (member, kind, due_day) and, for events, the event.
- ``KioskBirthdayGreeting``: the kiosk wished the member 生日快乐 on that day (once a
  day, on whichever terminal; local, never synced).
- ``ReportedEvent``: a life event a worker told the union about at the kiosk (有喜事/
  有难事告诉工会), pending until the chair confirms it (then it becomes a ``CareEvent``
  and counts in the promises) or declines it. Local, never synced.
- ``CareMonthCount``: what central learns of the promises: per month and promise, how
  many fell due, were kept in time and kept late. Counts only (``sync``).
"""
import uuid

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    UUIDField,
)

from ..models import BaseModel, SyncedModel, utcnow
from ..roster.models import Member

METHODS = ("home", "hospital", "phone", "activity")   # 上门 / 医院 / 电话 / 活动


class CareEvent(SyncedModel):
    member = ForeignKeyField(Member, backref="care_events", on_delete="CASCADE")
    kind = CharField(max_length=12)
    day = DateField(index=True)             # the date; admission for a hospital stay
    end_day = DateField(null=True)          # discharge, for a hospital stay
    place = CharField(max_length=100, default="")   # the hospital
    what = CharField(max_length=200, default="")    # what happened (hardship), or a note
    by_admin = CharField(max_length=40)
    at = DateTimeField(default=utcnow)


class CareVisit(SyncedModel):
    member = ForeignKeyField(Member, backref="care_visits", on_delete="CASCADE")
    kind = CharField(max_length=12)
    due_day = DateField(index=True)
    event = ForeignKeyField(CareEvent, null=True, backref="visits", on_delete="CASCADE")
    day = DateField()                        # when the greeting or visit happened
    visitors = CharField(max_length=100)     # who went
    method = CharField(max_length=10)
    gift = CharField(max_length=200, default="")    # 慰问品
    money_fen = IntegerField(default=0)      # 慰问金, in fen: no float rounding
    note = TextField(default="")
    by_admin = CharField(max_length=40)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "kind", "due_day"), False),)

    @property
    def money_yuan(self):
        return f"{self.money_fen // 100}.{self.money_fen % 100:02d}"


class KioskBirthdayGreeting(BaseModel):
    id = AutoField()
    member = ForeignKeyField(Member, on_delete="CASCADE")
    day = DateField()
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "day"), True),)


PENDING, CONFIRMED, DECLINED = "pending", "confirmed", "declined"


class ReportedEvent(BaseModel):
    id = UUIDField(primary_key=True, default=uuid.uuid4)
    member = ForeignKeyField(Member, backref="reported_events", on_delete="CASCADE")
    kind = CharField(max_length=12)
    day = DateField()
    end_day = DateField(null=True)
    place = CharField(max_length=100, default="")
    what = CharField(max_length=200, default="")
    reported_at = DateTimeField(default=utcnow, index=True)
    status = CharField(max_length=10, default=PENDING, index=True)
    decided_by = CharField(max_length=40, default="")
    decided_at = DateTimeField(null=True)
    reason = CharField(max_length=200, default="")     # why the chair declined
    event = ForeignKeyField(CareEvent, null=True, on_delete="SET NULL")

    @classmethod
    def pending(cls):
        return (cls.select(cls, Member).join(Member).where(cls.status == PENDING)
                .order_by(cls.reported_at))


class CareMonthCount(SyncedModel):
    month = DateField()                      # the first day of the month
    promise = CharField(max_length=12)
    due = IntegerField(default=0)
    in_time = IntegerField(default=0)
    late = IntegerField(default=0)

"""The federation's announcements (通知公告): written at central, shown at every station.

Table ``announcement`` (migration 0006); it arrives at stations with the sync
(``notices.sync``).
"""
from peewee import BooleanField, CharField, DateField, TextField

from ..models.base import SyncedModel


class Announcement(SyncedModel):
    """Central → stations: a notice set by the federation, shown at every station."""

    title = CharField(max_length=120)
    body = TextField(default="")
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    active = BooleanField(default=True)

"""A member's personal PIN and its one-time set-up code: proof of who is at the kiosk.

Kept at the station only (never synced): the hashes prove a person at this terminal and
mean nothing anywhere else. The wrong-guess counter lives here, per member, so a stranger
at another terminal (or with a fresh session) cannot reset it.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel
from .roster import Member


class MemberPin(BaseModel):
    member = ForeignKeyField(Member, primary_key=True, backref="pin_rows", on_delete="CASCADE")
    pin_hash = CharField(max_length=200, null=True)
    pin_set_at = DateTimeField(null=True)
    # The set-up code printed on the chair's slip (hashed, single use, expiring).
    setup_hash = CharField(max_length=200, null=True)
    setup_expires_at = DateTimeField(null=True)
    # The first of the two PIN entries while the worker types it again.
    pending_hash = CharField(max_length=200, null=True)
    failures = IntegerField(default=0)
    wait_until = DateTimeField(null=True)

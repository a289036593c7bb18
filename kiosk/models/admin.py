"""Administrators of a station (工会主席, 工会干部) and the audit log."""
from datetime import timedelta

from peewee import AutoField, BooleanField, CharField, DateTimeField, IntegerField, TextField

from .base import BaseModel, utcnow


class AdminUser(BaseModel):
    id = AutoField()
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40, default="")
    password_hash = CharField(max_length=200)
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def record_failure(self, max_failures, lockout_minutes):
        """Count a failed login; lock the account once the limit is reached."""
        self.failed_logins += 1
        if self.failed_logins >= max_failures:
            self.locked_until = utcnow() + timedelta(minutes=lockout_minutes)
            self.failed_logins = 0
        self.save()

    def record_success(self):
        self.failed_logins = 0
        self.locked_until = None
        self.last_login_at = utcnow()
        self.save()


class AuditLog(BaseModel):
    """Who did what, when: every change an administrator makes."""

    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    actor = CharField(max_length=40)
    action = CharField(max_length=60)
    target = CharField(max_length=100, default="")
    detail = TextField(default="")

    @classmethod
    def record(cls, actor, action, target="", detail=""):
        return cls.create(actor=actor, action=action, target=str(target), detail=detail)

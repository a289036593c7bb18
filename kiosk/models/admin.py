"""Administrators of a station (工会主席, 工会干部) and the audit log."""
from peewee import AutoField, BooleanField, CharField, DateTimeField, IntegerField, TextField

from .base import BaseModel, utcnow


class AdminUser(BaseModel):
    id = AutoField()
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40, default="")
    password_hash = CharField(max_length=200)
    active = BooleanField(default=True)
    # No longer used: failures are throttled per (username, address) in memory
    # (admin/throttle.py), never by locking the account. Kept for the schema.
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # Bumped to end every open session of this administrator (migration 0010).
    session_generation = IntegerField(default=0)

    def end_sessions(self):
        """Every session opened before now stops working (logout, new password, deactivation)."""
        AdminUser.update(session_generation=AdminUser.session_generation + 1).where(
            AdminUser.id == self.id).execute()
        self.session_generation = AdminUser.get_by_id(self.id).session_generation

    def set_password_hash(self, password_hash):
        self.password_hash = password_hash
        self.failed_logins, self.locked_until = 0, None
        self.save()
        self.end_sessions()

    def deactivate(self):
        self.active = False
        self.save()
        self.end_sessions()

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

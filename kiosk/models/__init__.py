"""All models, importable from one place."""
from .admin import AdminUser, AuditLog
from .base import BaseModel, Setting, SyncedModel, this_station_id, utcnow
from .pins import MemberPin
from .roster import Member, MemberPhoto, Team, Workshop

__all__ = [
    "AdminUser", "AuditLog", "BaseModel", "Member", "MemberPhoto", "MemberPin", "Setting",
    "SyncedModel", "Team", "Workshop", "this_station_id", "utcnow",
]

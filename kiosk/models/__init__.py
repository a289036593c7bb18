"""The base tables every feature may use; a feature's own tables live in its package."""
from .admin import AdminUser, AuditLog
from .base import BaseModel, Setting, SyncedModel, this_station_id, utcnow

__all__ = [
    "AdminUser", "AuditLog", "BaseModel", "Setting", "SyncedModel", "this_station_id", "utcnow",
]

"""How announcements sync: central writes them, every station receives them as they are."""
from flask_babel import lazy_gettext as _l

from ..sync.kind_spec import CENTRAL, apply_to_model
from .models import Announcement

ANNOUNCEMENT_FIELDS = ("title", "body", "starts_on", "ends_on", "active")


def register_all(register, SyncKind):
    # A pulled record is applied with its own kind (bound by the time one arrives).
    announcement = register(SyncKind(
        "announcement", Announcement, CENTRAL, ANNOUNCEMENT_FIELDS, order=10,
        label=_l("announcements"), apply=lambda op, data: apply_to_model(announcement, op, data)))

"""How announcements sync: central writes them, every station receives them as they are."""
from flask_babel import lazy_gettext as _l

from .models import Announcement

ANNOUNCEMENT_FIELDS = ("title", "body", "starts_on", "ends_on", "active")


def register_all(register, SyncKind):
    from ..sync.kinds import CENTRAL, apply_to_model, get
    register(SyncKind("announcement", Announcement, CENTRAL, ANNOUNCEMENT_FIELDS, order=10,
                      label=_l("announcements"),
                      apply=lambda op, data: apply_to_model(get("announcement"), op, data)))

"""Station: the federation's announcements (通知公告), as they came down with the sync."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l

from ..htmx import render
from ..tiles import Tile, register_tile
from .models import Announcement

bp = Blueprint("notices", __name__, url_prefix="/notices")


def current(today):
    """Active announcements whose dates include ``today`` (the station's local date)."""
    return (Announcement.select()
            .where(Announcement.active
                   & (Announcement.starts_on.is_null() | (Announcement.starts_on <= today))
                   & (Announcement.ends_on.is_null() | (Announcement.ends_on >= today)))
            .order_by(Announcement.starts_on.desc(nulls="LAST"), Announcement.created_at.desc()))


def local_today():
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(UTC).astimezone(zone).date()


@bp.get("/")
def index():
    """The federation's notices, newest first."""
    return render("notices/index.html", notices=list(current(local_today())))


def init_app(app):
    app.register_blueprint(bp)
    register_tile(app, Tile("notices.index", _l("Union notices"),
                            _l("News from the city federation"), icon="announcement",
                            order=60, tone="blue"))

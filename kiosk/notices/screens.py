"""Station: the 通知公告 page, the federation's announcements as they came down with the sync."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from ..htmx import render
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


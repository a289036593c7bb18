"""Station: the 通知公告 page, the federation's announcements as they came down with the sync."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from ..htmx import render
from . import bp
from .models import Announcement


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


# A notice is marked 新 for a week after the day it was published.
NEW_DAYS = 7


def published_on(notice, zone):
    """The day a notice counts from: its first day, else the day central wrote it."""
    if notice.starts_on:
        return notice.starts_on
    return notice.created_at.replace(tzinfo=UTC).astimezone(zone).date()


@bp.get("/")
def index():
    """The federation's notices, newest first, each with its date; the last week's marked 新."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = local_today()
    notices = [{"notice": n, "published": published_on(n, zone)} for n in current(today)]
    for item in notices:
        item["new"] = (today - item["published"]).days < NEW_DAYS
    return render("notices/index.html", notices=notices)


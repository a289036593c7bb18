"""``flask --app kiosk mood …``: the retention purge for cron or a systemd timer."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..db import db
from ..models import AuditLog, utcnow
from . import settings as mood_settings
from .days import shift_day
from .retention import purge

mood_command = AppGroup("mood", help="The mood weather board (晴雨表).")


@mood_command.command("purge")
def purge_command():
    """Count closed days per team and mood, then delete identified check-ins and
    follow-ups older than the retention period (set on the admin settings page).

    It also runs by itself once a day, on the first check-in or admin page of the
    day; for a station that may see neither, run it from cron, e.g.:

        15 3 * * *  cd /opt/kiosk && .venv/bin/flask --app kiosk mood purge
    """
    with db.connection_context():
        settings = mood_settings.load()
        day = shift_day(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"],
                        settings.day_start_hour)
        result = purge(settings, day)
        AuditLog.record("cli", "mood purge", "", f"{result.checkins} check-ins, "
                        f"{result.follow_ups} follow-ups before {result.cutoff.isoformat()}")
    click.echo(f"Counted {result.counted_days} closed day(s); deleted {result.checkins} "
               f"check-in(s) and {result.follow_ups} follow-up(s) before {result.cutoff} "
               f"(retention {settings.retention_days} days).")

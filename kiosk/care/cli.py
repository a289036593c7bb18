"""``flask --app kiosk care …``: the morning sheet for a systemd timer (or cron)."""
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import db
from ..models import AuditLog, utcnow
from ..pdf import CJKFontMissing
from . import morning_sheet_files as sheet_files
from .morning_sheet import announce_ready, build, summary_line
from .morning_sheet_pdf import render

care_command = AppGroup("care", help="The six promises (三必贺三必访) and the morning sheet.")


@care_command.command("morning-sheet")
@click.option("--date", "day", help="The day (YYYY-MM-DD) of the sheet; default: today. The "
              "sheet reads the data as it stands now.")
@click.option("--if-due", is_flag=True, help="Only if the time set on the morning sheet page "
              "has passed today and today's sheet is not made yet (for a timer that runs "
              "every few minutes).")
def morning_sheet_command(day, if_due):
    """Write the chair's morning sheet to instance/morning-sheets/YYYY-MM-DD.pdf (0600).

    Prints where it went and a line of counts (no names). scripts/kiosk-morning-sheet.timer
    runs it with --if-due every ten minutes; the time is set in admin.
    """
    try:
        wanted = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter("write the day as YYYY-MM-DD, e.g. 2026-12-01",
                                 param_hint="--date") from None
    if if_due and wanted is not None:
        raise click.UsageError("--if-due makes today's sheet: leave out --date")
    with db.connection_context():
        if if_due:
            now = sheet_files.local_now(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"])
            if not sheet_files.is_due(now):
                return
            wanted = now.date()  # the file's day, even before the weather board's day starts
        sheet = build(wanted)
        try:
            data = render(sheet)
        except CJKFontMissing as exc:
            raise click.ClickException(str(exc)) from None
        path = sheet_files.store(sheet.day, data)
        AuditLog.record("cli", "morning sheet", "", sheet.day.isoformat())
        announce_ready(current_app, sheet, path)
    click.echo(f"{path}\n{summary_line(sheet)}")

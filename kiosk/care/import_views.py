"""Life events by CSV: upload → preview (every row checked) → confirm → counts.

The upload waits between preview and confirmation in the roster import's waiting
room (instance/imports/, a random token in the session, an hour at most).
"""
import os
import secrets

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from ..admin.auth import audit, current_admin, login_required
from ..htmx import render
from ..roster import csv_import
from ..roster import import_views as waiting_room
from ..roster.import_text import csv_error_message
from . import admin_bp, events_csv, station_tz
from .calendar_data import local_today
from .labels import EVENT_LABELS

SESSION_KEY = "care_import"
REASONS = {
    "unknown_member": _l("No member has this staff number."),
    "unknown_kind": _l("Unknown event: write 结婚, 生育, 住院, 退休 or 困难."),
    "bad_date": _l("The date is missing or not a date (1990-01-31), or more than a year ahead."),
    "bad_end_date": _l("The discharge date is not a date or is before the admission."),
    "too_long_place": _l("The place is longer than 100 characters."),
    "too_long_what": _l("The description is longer than 200 characters."),
    "hardship_needs_what": _l("A hardship needs a short description of what happened."),
}


class EventUploadForm(FlaskForm):
    csv_file = FileField(_l("CSV file"),
                         validators=[FileRequired(message=_l("Choose a CSV file to upload."))])


class ImportConfirmForm(FlaskForm):
    """The preview's import button: ``token`` names the upload the chair has seen."""
    token = HiddenField()


def _pending():
    pending = session.get(SESSION_KEY)
    data = waiting_room._read(pending["token"], ".csv") if pending else None
    if data is None:
        session.pop(SESSION_KEY, None)
        return None, None
    return pending, data


@admin_bp.route("/import", methods=["GET", "POST"])
@login_required
def import_events():
    """Upload life events; the preview shows what each row would do, nothing is written yet."""
    form = EventUploadForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = form.csv_file.data.read(csv_import.MAX_BYTES + 1)
            try:
                events_csv.build_plan(data, local_today(station_tz()))
            except csv_import.CsvError as error:
                form.csv_file.errors.append(csv_error_message(error))
            else:
                previous = session.get(SESSION_KEY)
                if previous:
                    waiting_room._remove(previous["token"], ".csv")
                token = secrets.token_urlsafe(18)
                waiting_room._write(token, ".csv", data)
                session[SESSION_KEY] = {
                    "token": token,
                    "filename": os.path.basename(form.csv_file.data.filename or "")[:100]}
                return redirect(url_for("care_admin.import_events"), code=303)
        status = 422
    pending, data = _pending()
    plan = events_csv.build_plan(data, local_today(station_tz())) if pending else None
    return render("admin/care/import.html", form=form, pending=pending, plan=plan,
                  reasons=REASONS, kind_labels=EVENT_LABELS,
                  headers=events_csv.HEADERS), status


@admin_bp.post("/import/confirm")
@login_required
def import_confirm():
    """Record the rows the preview showed as new, checked again as the events are now."""
    pending, data = _pending()
    if pending is None or ImportConfirmForm().token.data != pending["token"]:
        flash(_("That upload has expired or was already imported. Please upload the file again."))
        return redirect(url_for("care_admin.import_events"), code=303)
    try:   # claimed for this request only: a double click must not import it twice
        os.rename(waiting_room._path(pending["token"], ".csv"),
                  waiting_room._path(pending["token"], ".applying"))
    except OSError:
        flash(_("That upload has expired or was already imported. Please upload the file again."))
        return redirect(url_for("care_admin.import_events"), code=303)
    plan = events_csv.import_events(data, local_today(station_tz()), current_admin().username)
    waiting_room._remove(pending["token"], ".applying")
    session.pop(SESSION_KEY, None)
    counts = plan.counts()
    audit("import care events", pending["filename"],
          "added {add}, unchanged {unchanged}, rejected {reject}".format(**counts))
    flash(_("Life events imported: %(add)d added, %(unchanged)d already recorded, "
            "%(reject)d rejected (not imported).", **counts))
    return redirect(url_for("care_admin.calendar"), code=303)


@admin_bp.post("/import/cancel")
@login_required
def import_cancel():
    pending = session.pop(SESSION_KEY, None)
    if pending:
        waiting_room._remove(pending["token"], ".csv")
    flash(_("Import cancelled; nothing was changed."))
    return redirect(url_for("care_admin.import_events"), code=303)

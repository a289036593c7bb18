"""The chair answers what workers reported at the kiosk: confirm (perhaps correcting the
dates) — then it is a care event and counts in the promises — or decline. Audited."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from ..admin.auth import audit, current_admin, login_required
from ..cleaning import clean_line
from ..htmx import render
from . import admin_bp, reports
from .admin import EventForm
from .models import PENDING, ReportedEvent


class DeclineForm(FlaskForm):
    reason = StringField(_l("Why (optional, for the union's records)"),
                         validators=[Length(max=200)])


def _report_or_404(report_id):
    return (ReportedEvent.get_or_none(ReportedEvent.id == report_id) or abort(404))


def _page(reported, form, decline_form, status=200):
    return render("admin/care/report.html", reported=reported, member=reported.member,
                  form=form, decline_form=decline_form), status


def _as_reported(reported):
    """The confirmation form filled with what the worker said."""
    return EventForm(formdata=None, data={"kind": reported.kind, "day": reported.day,
                                          "end_day": reported.end_day,
                                          "place": reported.place, "what": reported.what})


def _already(reported):
    flash(_("This report was already answered."))
    return _page(reported, _as_reported(reported), DeclineForm(formdata=None), 409)


@admin_bp.get("/reports/<uuid:report_id>")
@login_required
def report(report_id):
    """A life event a worker reported at the kiosk: confirm it or decline it."""
    reported = _report_or_404(report_id)
    return _page(reported, _as_reported(reported), DeclineForm(formdata=None))


@admin_bp.post("/reports/<uuid:report_id>/confirm")
@login_required
def confirm_report(report_id):
    """Confirm with the dates as reported or corrected: it becomes a care event."""
    reported = _report_or_404(report_id)
    if reported.status != PENDING:
        return _already(reported)
    form = EventForm()
    if not form.validate():
        return _page(reported, form, DeclineForm(formdata=None), 422)
    if form.kind.data != reported.kind:
        # What happened is the worker's word; the chair corrects dates and details.
        abort(400)
    try:
        event = reports.confirm(reported, current_admin().username, day=form.day.data,
                                end_day=form.end_day.data, place=form.place.data or "",
                                what=form.what.data or "")
    except reports.AlreadyDecided:
        return _already(reported)
    corrected = (event.day != reported.day or event.end_day != reported.end_day)
    audit("care report confirmed", reported.member.staff_no,
          f"{event.kind} on {event.day.isoformat()}"
          + (f" (reported {reported.day.isoformat()})" if corrected else ""))
    flash(_("Confirmed: it is on the care calendar now."))
    return redirect(url_for("care_admin.calendar"), code=303)


@admin_bp.post("/reports/<uuid:report_id>/decline")
@login_required
def decline_report(report_id):
    """Decline: nothing goes on the calendar; the worker sees it was not recorded."""
    reported = _report_or_404(report_id)
    if reported.status != PENDING:
        return _already(reported)
    form = DeclineForm()
    if not form.validate():
        return _page(reported, _as_reported(reported), form, 422)
    reason = clean_line(form.reason.data or "", 200)
    try:
        reports.decline(reported, current_admin().username, reason)
    except reports.AlreadyDecided:
        return _already(reported)
    audit("care report declined", reported.member.staff_no,
          f"{reported.kind} on {reported.day.isoformat()}" + (f": {reason}" if reason else ""))
    flash(_("Declined. Nothing was added to the care calendar."))
    return redirect(url_for("care_admin.calendar"), code=303)


def admin_alerts():
    """For the admin home: reports from the kiosk that wait for the chair."""
    waiting = ReportedEvent.select().where(ReportedEvent.status == PENDING).count()
    if not waiting:
        return []
    return [(ngettext("%(num)d life event reported at the kiosk waits for your confirmation.",
                      "%(num)d life events reported at the kiosk wait for your confirmation.",
                      waiting),
             url_for("care_admin.calendar", _anchor="reported"))]

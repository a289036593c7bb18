"""The chair's care pages: calendar, a member's life events, recording, monthly figures."""
import re
import uuid
from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..admin.auth import audit, current_admin, login_required
from ..htmx import render
from ..roster.models import Member
from . import admin_bp, promises, station_tz
from .calendar_data import calendar, figures, find_occurrence, local_today
from .labels import EVENT_LABELS, METHOD_LABELS
from .models import METHODS, CareEvent, CareVisit, ReportedEvent
from .records import MAX_MONEY_FEN, record_event, record_visit

EARLIEST_DAY = date(1950, 1, 1)
# Weddings and retirements are known ahead: the chair may record them up to a year on.
LATEST_AHEAD_DAYS = 366
MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class EventForm(FlaskForm):
    kind = SelectField(_l("What happened"),
                       choices=[SelectChoice(k, EVENT_LABELS[k]) for k in promises.EVENT_KINDS],
                       validators=[DataRequired(message=_l("Please choose what happened."))])
    day = DateField(_l("Date (admission for a hospital stay)"),
                    validators=[DataRequired(message=_l("Please enter a valid date."))])
    end_day = DateField(_l("Discharged on (hospital stay)"), validators=[Optional()])
    place = StringField(_l("Where (hospital)"), validators=[Length(max=100)])
    what = StringField(_l("What happened (hardship), or a note"), validators=[Length(max=200)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        today = local_today(station_tz())
        if self.day.data and not EARLIEST_DAY <= self.day.data <= today + timedelta(
                days=LATEST_AHEAD_DAYS):
            self.day.errors.append(_("Please enter a date between 1950 and a year from now."))
            ok = False
        if self.end_day.data and self.day.data and self.end_day.data < self.day.data:
            self.end_day.errors.append(_("The discharge date cannot be before the admission."))
            ok = False
        if self.kind.data == "hardship" and not (self.what.data or "").strip():
            self.what.errors.append(_("Please say briefly what happened."))
            ok = False
        return ok


class VisitForm(FlaskForm):
    day = DateField(_l("Date of the greeting or visit"),
                    validators=[DataRequired(message=_l("Please enter a valid date."))])
    visitors = StringField(_l("Who went"), validators=[
        DataRequired(message=_l("Please say who went.")), Length(max=100)])
    method = RadioField(_l("How"), choices=[SelectChoice(m, METHOD_LABELS[m]) for m in METHODS],
                        validators=[DataRequired(message=_l("Please choose how."))])
    gift = StringField(_l("Gift (慰问品)"), validators=[Length(max=200)])
    money = StringField(_l("Money (慰问金, yuan)"), validators=[Length(max=20)])
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)])

    def validate_for(self, occurrence, today):
        ok = self.validate()
        if self.day.data and not (occurrence.due_day - timedelta(days=promises.EARLY_DAYS)
                                  <= self.day.data <= today):
            self.day.errors.append(_("Please enter a date no later than today and at most "
                                     "%(days)d days before the occasion.",
                                     days=promises.EARLY_DAYS))
            ok = False
        if self.money_fen() is None:
            self.money.errors.append(_("Please enter an amount in yuan from 0 to 100000, "
                                       "like 200 or 200.50."))
            ok = False
        return ok

    def money_fen(self):
        """The amount in fen, or None when it is not a plain amount in range."""
        text = (self.money.data or "").strip() or "0"
        if not MONEY.match(text):
            return None
        whole, _dot, cents = text.partition(".")
        fen = int(whole) * 100 + int((cents + "00")[:2])
        return fen if fen <= MAX_MONEY_FEN else None


def _member_or_404(member_id):
    return Member.get_or_none(Member.id == member_id) or abort(404)


@admin_bp.get("/", endpoint="calendar")
@login_required
def calendar_view():
    """关爱日历: due today, in the next 14 days, overdue, done."""
    return render("admin/care/calendar.html", cal=calendar(local_today(station_tz())),
                  lookahead=promises.LOOKAHEAD_DAYS, reported=list(ReportedEvent.pending()))



@admin_bp.route("/members/<uuid:member_id>", methods=["GET", "POST"])
@login_required
def member_events(member_id):
    """A member's life events and what was done; the chair adds an event here."""
    member = _member_or_404(member_id)
    form = EventForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            event = record_event(member, form.kind.data, form.day.data,
                                 current_admin().username, end_day=form.end_day.data,
                                 place=form.place.data, what=form.what.data)
            audit("care event", member.staff_no, f"{event.kind} on {event.day.isoformat()}")
            flash(_("Recorded for %(name)s.", name=member.name))
            return redirect(url_for("care_admin.member_events", member_id=member.id), code=303)
        status = 422
    events = member.care_events.order_by(CareEvent.day.desc())
    visits = member.care_visits.order_by(CareVisit.day.desc())
    reported = list(ReportedEvent.pending().where(ReportedEvent.member == member))
    from_kiosk = {r.event_id for r in ReportedEvent.select(ReportedEvent.event)
                  .where((ReportedEvent.member == member) & ReportedEvent.event.is_null(False))}
    return render("admin/care/member.html", member=member, form=form, events=events,
                  visits=visits, reported=reported, from_kiosk=from_kiosk), status


@admin_bp.route("/record/<uuid:member_id>/<kind>/<due>", methods=["GET", "POST"])
@login_required
def record(member_id, kind, due):
    """Record a greeting or visit that keeps one promise (append-only, audited)."""
    member = _member_or_404(member_id)
    try:
        due_day = date.fromisoformat(due)
        event_id = uuid.UUID(request.args["event"]) if request.args.get("event") else None
    except ValueError:
        abort(404)
    if kind not in promises.PROMISES:
        abort(404)
    occurrence = find_occurrence(member, kind, due_day, event_id) or abort(404)
    today = local_today(station_tz())
    form = VisitForm()
    if request.method == "GET":
        form.day.data = min(today, occurrence.deadline) if today >= occurrence.due_day else today
    elif form.validate_for(occurrence, today):
        visit = record_visit(occurrence, form.day.data, current_admin().username,
                             visitors=form.visitors.data, method=form.method.data,
                             gift=form.gift.data, money_fen=form.money_fen(),
                             note=form.note.data)
        audit("care visit", member.staff_no,
              f"{kind} due {due_day.isoformat()} on {visit.day.isoformat()}, "
              f"{visit.method}, {visit.money_yuan} yuan")
        flash(_("Recorded for %(name)s.", name=member.name))
        return redirect(url_for("care_admin.calendar"), code=303)
    response = render("admin/care/record.html", member=member, occ=occurrence, form=form)
    return response, (422 if request.method == "POST" else 200)


@admin_bp.get("/figures", endpoint="figures")
@login_required
def figures_view():
    """Per month: for each promise, how many fell due, kept in time, kept late, not yet."""
    today = local_today(station_tz())
    text = request.args.get("month") or f"{today.year:04d}-{today.month:02d}"
    match = MONTH.match(text)
    if not match or not 1 <= int(match[2]) <= 12 or not 1950 <= int(match[1]) <= 2200:
        abort(400)
    year, month = int(match[1]), int(match[2])
    previous = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    following = f"{year + (month == 12):04d}-{month % 12 + 1:02d}"
    return render("admin/care/figures.html", rows=figures(year, month, today),
                  month=date(year, month, 1), previous=previous, following=following)


def admin_alerts():
    """For the admin home: promises whose window closed with nothing done."""
    overdue = len(calendar(local_today(station_tz())).overdue)
    if not overdue:
        return []
    return [(ngettext("Care calendar: %(num)d greeting or visit is overdue.",
                      "Care calendar: %(num)d greetings or visits are overdue.", overdue),
             url_for("care_admin.calendar", _anchor="overdue"))]

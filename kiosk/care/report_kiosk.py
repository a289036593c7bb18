"""有喜事/有难事告诉工会: a worker tells the union about a wedding, a birth, a hospital
stay, a retirement or a family hardship, on touch screens.

Only after proof (a badge or the PIN): the report goes out under the worker's name,
and it says something private. Choose what happened → the date(s) on big steppers
(the server steps them, so the screen works without JavaScript and every tap is one
request) and one short text on the on-screen keyboard → a thank-you. The report
waits for the chair (``reports``); nothing here counts in the promises.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..cleaning import clean_text
from ..htmx import redirect_to, render
from ..identify import keep_alive, member_required, proven_member
from ..models import utcnow
from . import kiosk_bp as bp
from . import reports, station_tz
from .calendar_data import local_today
from .models import PENDING, ReportedEvent


@dataclass(frozen=True)
class ReportKind:
    title: str            # in the worker's words: 我结婚了
    answer: str           # what the union promises: 工会向您道喜
    date_label: str
    text_label: str
    text_field: str       # "place" (the hospital) or "what"
    text_required: bool


KINDS = {
    "wedding": ReportKind(_l("I got married"), _l("The union congratulates you"),
                          _l("Wedding date"), _l("Anything else to tell the union (optional)"),
                          "what", False),
    "birth": ReportKind(_l("We had a baby"), _l("The union congratulates you"),
                        _l("The baby's date of birth"),
                        _l("Anything else to tell the union (optional)"), "what", False),
    "hospital": ReportKind(_l("I am in hospital"), _l("The union comes to see you"),
                           _l("Admitted on"), _l("Which hospital"), "place", True),
    "retirement": ReportKind(_l("I am retiring"), _l("The union comes to see you"),
                             _l("Retirement date"),
                             _l("Anything else to tell the union (optional)"), "what", False),
    "hardship": ReportKind(_l("My family is in difficulty"), _l("The union comes to see you"),
                           _l("When it happened"), _l("What happened"), "what", True),
}
THANKS = {
    "wedding": _l("Congratulations on your wedding!"),
    "birth": _l("Congratulations on your new baby!"),
    "hospital": _l("Get well soon. Please take good care of yourself."),
    "retirement": _l("Thank you for your years of hard work!"),
    "hardship": _l("You are not alone. Please take care of yourself."),
}
# A tap on a stepper: which date, and how it moves.
MOVES = {"-1m": (-1, 0), "-1d": (0, -1), "+1d": (0, 1), "+1m": (1, 0)}
SHOWN_DAYS = 90          # the worker's own recent reports, shown under the choices
DONE_KEY = "care_report_done"


class BadInput(ValueError):
    """A form value no screen sends: refused with a friendly word, what was typed kept."""


def _kind_or_404(kind):
    return KINDS.get(kind) or abort(404)


@bp.get("/report")
@member_required(purpose="care_report", proof=True)
def report_start():
    """有喜事/有难事告诉工会: what happened?"""
    member = proven_member()
    since = utcnow() - timedelta(days=SHOWN_DAYS)
    mine = (ReportedEvent.select().where((ReportedEvent.member == member)
                                         & (ReportedEvent.reported_at >= since))
            .order_by(ReportedEvent.reported_at.desc()))
    return render("care/report_start.html", member=member, kinds=KINDS, mine=list(mine))


@bp.route("/report/<kind>", methods=["GET", "POST"])
@member_required(purpose="care_report", proof=True)
def report_form(kind):
    """The date(s) and a short text for one kind of event, then 告诉工会."""
    spec = _kind_or_404(kind)
    today = local_today(station_tz())
    first, last = reports.date_range(today)
    if request.method == "GET":
        return _form(kind, spec, today, None, "")
    keep_alive()
    text = clean_text(request.form.get("text", ""), _text_max(spec) * 4)
    try:
        day = _date(request.form.get("day"), today)
        end_day = _date(request.form.get("end_day"), None) if kind == "hospital" else None
        step = request.form.get("step")
        if step:
            day, end_day = _step(step, day, end_day, today, first, last, kind)
            return _form(kind, spec, day, end_day, text)
    except BadInput:
        return _form(kind, spec, today, None, text,
                     error=_("That date could not be read. Please choose it again."),
                     status=422)
    error = _problem(spec, day, end_day, text, first, last)
    if error:
        return _form(kind, spec, day, end_day, text[:_text_max(spec)], error=error, status=422)
    try:
        reports.report(proven_member(), kind, day, end_day=end_day,
                       **{spec.text_field: text})
    except reports.TooMany:
        return _form(kind, spec, day, end_day, text,
                     error=_("You have told the union several things already. The union chair "
                             "will look at them first; for anything more, please come to the "
                             "union office."), status=429)
    session[DONE_KEY] = kind
    return redirect_to(url_for("care.report_thanks"))


@bp.get("/report/thanks")
def report_thanks():
    """谢谢您告诉工会: what happens next."""
    kind = session.pop(DONE_KEY, None)
    if kind not in KINDS:
        return redirect(url_for("home.index"))
    return render("care/report_thanks.html", kind=kind, spec=KINDS[kind], thanks=THANKS[kind])


def _form(kind, spec, day, end_day, text, error=None, status=200):
    response = render("care/report_form.html", "report_form", kind=kind, spec=spec, day=day,
                      end_day=end_day, text=text, error=error, text_max=_text_max(spec))
    return response, status


def _text_max(spec):
    return reports.PLACE_MAX if spec.text_field == "place" else reports.WHAT_MAX


def _date(value, default):
    if not value:
        return default
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BadInput()


def _bad():
    raise BadInput()


def _step(step, day, end_day, today, first, last, kind):
    """One tap on a stepper ("day:+1d", "end:-1m", "day:today", "end:on", "end:off")."""
    which, _sep, move = step.partition(":")
    if which == "end" and kind != "hospital" or which not in ("day", "end"):
        _bad()
    if which == "end" and move in ("on", "off"):
        return day, (max(day, min(today, last)) if move == "on" else None)
    if move == "today":
        moved = today
    elif move in MOVES:
        months, days = MOVES[move]
        moved = _add_months(end_day if which == "end" and end_day else day, months)
        moved += timedelta(days=days)
    else:
        _bad()
    moved = min(max(moved, first), last)
    if which == "day":
        return moved, (max(end_day, moved) if end_day else None)
    return day, max(moved, day)


def _add_months(day, months):
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def _problem(spec, day, end_day, text, first, last):
    if not first <= day <= last or (end_day and not day <= end_day <= last):
        return _("Please choose a date within a year from today.")
    if len(text) > _text_max(spec):
        return _("Please keep it under %(count)d characters.", count=_text_max(spec))
    if spec.text_required and not text:
        return (_("Please type the name of the hospital.") if spec.text_field == "place"
                else _("Please say briefly what happened."))
    return None


def status_label(status):
    return {PENDING: _("Waiting for the union chair"), "confirmed": _("Confirmed by the union"),
            "declined": _("Not recorded by the union")}[status]


@bp.app_template_global("care_report_status")
def _care_report_status(status):
    return status_label(status)

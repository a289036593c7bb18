"""The chair's morning sheet (晨报): one A4 page of who needs the union today.

Read from the features' own data functions, never from queries of its own: the
weather board's care lists (upset today, talk requests, follow-ups still open,
teams over the threshold), the request inbox (crisis-flagged and urgent ones
still open) and the care calendar (birthdays, greetings and visits due or past
due). ``build`` gathers them for a day; ``summary_line`` says it in one line of
counts only — no names — for an alert that the sheet is ready. The page, the
PDF and the stored copies: ``morning_sheet_views``, ``morning_sheet_pdf``,
``morning_sheet_files``.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from ..models import utcnow
from ..mood import settings as mood_settings
from ..mood import today as mood_today
from ..mood.care_data import care_lists
from ..service import queries
from .calendar_data import calendar, occurrences

# "This week": today and the six days after it.
WEEK_DAYS = 7


@dataclass
class RequestLine:
    """An open request on the sheet. Whose it is shows only for an identified request
    this union handles (the inbox's rule): anonymous stays anonymous on paper too."""

    request: object
    ours: bool

    @property
    def member(self):
        return self.request.member if self.ours and not self.request.anonymous else None


@dataclass
class MorningSheet:
    day: date
    made_at: datetime                                   # UTC
    upset_today: list = field(default_factory=list)     # mood CareItem, talk requests first
    open_follow_ups: list = field(default_factory=list)  # CareItem of earlier days, still open
    team_alerts: list = field(default_factory=list)     # mood TeamAlert
    requests: list = field(default_factory=list)        # RequestLine: crises first, then urgent
    birthdays_today: list = field(default_factory=list)  # care Occurrence
    birthdays_week: list = field(default_factory=list)  # care Occurrence, the next six days
    visits_due: list = field(default_factory=list)      # care Occurrence, window open
    visits_overdue: list = field(default_factory=list)  # care Occurrence, window closed

    @property
    def talk_requests(self):
        return [item for item in self.upset_today if item.talk]

    def counts(self):
        """The sheet in numbers (what an alert may say without names)."""
        return {"upset": len(self.upset_today), "talk": len(self.talk_requests),
                "open": len(self.open_follow_ups), "teams": len(self.team_alerts),
                "crisis": sum(1 for line in self.requests if line.request.crisis),
                "requests": len(self.requests), "birthdays": len(self.birthdays_today),
                "birthdays_week": len(self.birthdays_week), "due": len(self.visits_due),
                "overdue": len(self.visits_overdue)}

def build(day=None, now=None):
    """The sheet for ``day`` (default: today at the station) as the data stands ``now``."""
    now = now or utcnow()
    settings = mood_settings.load()
    day = day or mood_today(settings, now)
    sheet = MorningSheet(day=day, made_at=now)

    lists = care_lists(settings, day, now)
    sheet.upset_today = lists.today
    sheet.open_follow_ups = lists.streaks + lists.earlier
    sheet.team_alerts = lists.teams

    sheet.requests = _requests()

    cal = calendar(day)
    coming = sorted((o for o in occurrences(day, day + timedelta(days=WEEK_DAYS - 1))
                     if o.kind == "birthday"), key=lambda o: (o.due_day, o.member.name))
    sheet.birthdays_today = [o for o in coming if o.due_day == day]
    sheet.birthdays_week = [o for o in coming if o.due_day > day]
    sheet.visits_due = [o for o in cal.due if o.kind != "birthday" or o.due_day != day]
    sheet.visits_overdue = cal.overdue
    return sheet


def _requests():
    """Open requests with words of despair, then urgent ones, as the inbox orders them."""
    handler = current_app.config["KIOSK_ROLE"]
    crises, _total = queries.inbox(handler, status="open", crisis=True)
    urgent, _total = queries.inbox(handler, status="open", urgent=True)
    seen, lines = set(), []
    for request in crises + urgent:
        if request.id not in seen:
            seen.add(request.id)
            lines.append(RequestLine(request, ours=request.handled_by == handler))
    return lines


def on_ready(app, callback):
    """Have ``callback(sheet, path)`` called each time the CLI (the daily timer) has
    stored a sheet: the hook for a "morning sheet ready" alert. It runs with the
    database connected; what it raises fails the command after the file is written."""
    app.extensions.setdefault("morning_sheet_ready", []).append(callback)


def announce_ready(app, sheet, path):
    for callback in app.extensions.get("morning_sheet_ready", []):
        callback(sheet, path)


def summary_line(sheet):
    """One line of counts, no names: for the "morning sheet ready" alert."""
    counts = sheet.counts()
    return _("Morning sheet %(day)s: %(upset)d upset today (%(talk)d want to talk), "
             "%(open)d earlier upset days open, %(requests)d crisis or urgent requests, "
             "%(birthdays)d birthdays today, %(due)d greetings or visits due, "
             "%(overdue)d past due.", day=sheet.day.isoformat(), **counts)

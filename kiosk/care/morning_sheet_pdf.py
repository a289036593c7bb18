"""The morning sheet as one A4 page: what the chair prints and takes along.

Each line has a box to tick by hand. A section longer than its share of the page
shows its first lines and "N more — see the admin pages", so the sheet always
stays one page: a second sheet is the one that gets lost.
"""
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _

from .. import pdf
from ..service import categories
from .labels import PROMISE_LABELS

MARGIN = 14
WIDTH = pdf.A4_MM[0] - 2 * MARGIN
BOTTOM = pdf.A4_MM[1] - 16
ROW = 5.2
TEXT = 3.3          # em height of a line's text, mm (about 9.5 pt)
HEADING = 4.2
# Lines per section at most (the "more" line included): together they fill one page.
CAPS = {"upset": 8, "open": 5, "teams": 3, "requests": 5, "birthdays": 5, "visits": 7}
TINT = (243, 245, 248)
ALERT_TINT = (253, 236, 238)


class _Page:
    def __init__(self, doc):
        self.doc = doc
        self.y = MARGIN

    def line(self, x, content, width, size=TEXT, bold=False, colour=pdf.INK, align="L"):
        pdf.text(self.doc, x, self.y, content, size, width, bold, colour, align)

    def rule(self, colour=pdf.RULE, weight=0.3):
        self.doc.set_fill_color(*colour)
        self.doc.rect(MARGIN, self.y, WIDTH, weight, style="F")

    def heading(self, title, count):
        self.y += 2.5
        self.line(MARGIN, _("%(title)s (%(num)d)", title=title, num=count), WIDTH, HEADING,
                  bold=True)
        self.y += HEADING * 1.2 + 0.6
        self.rule(pdf.INK, 0.35)
        self.y += 1

    def row(self, cells):
        """``cells``: (width, text, bold, colour); a tick box first."""
        self.doc.set_draw_color(*pdf.MUTED)
        self.doc.set_line_width(0.25)
        self.doc.rect(MARGIN + 0.5, self.y + 0.45, 2.7, 2.7)  # sits on the baseline
        x = MARGIN + 6
        for width, content, bold, colour in cells:
            self.line(x, content or "", width, bold=bold, colour=colour)
            x += width
        self.y += ROW

    def note(self, content):
        self.line(MARGIN + 6, content, WIDTH - 6, colour=pdf.MUTED)
        self.y += ROW


def render(sheet):
    """The sheet as PDF bytes."""
    doc = pdf.document(_("The chair's morning sheet"))
    doc.add_page()
    page = _Page(doc)
    _header(page, sheet)
    _counts(page, sheet.counts())
    _section(page, _("Upset today and asking to talk"), sheet.upset_today, CAPS["upset"],
             _upset_cells, _("Nobody has checked in as a bit upset today."))
    _section(page, _("Still waiting for a follow-up"), sheet.open_follow_ups, CAPS["open"],
             _open_cells, _("No earlier upset day is waiting for a follow-up."))
    if sheet.team_alerts:
        _section(page, _("Teams over the threshold"), sheet.team_alerts, CAPS["teams"],
                 _team_cells, "")
    _section(page, _("Crisis and urgent requests"), sheet.requests, CAPS["requests"],
             _request_cells, _("No crisis or urgent request is open."))
    birthdays = sheet.birthdays_today + sheet.birthdays_week
    _section(page, _("Birthdays today and this week"), birthdays, CAPS["birthdays"],
             lambda occ: _birthday_cells(occ, sheet.day), _("No birthdays this week."))
    visits = sheet.visits_overdue + sheet.visits_due
    _section(page, _("Greetings and visits due or past due"), visits, CAPS["visits"],
             lambda occ: _visit_cells(occ, sheet.day), _("No greeting or visit is due."))
    _footer(page, sheet)
    return pdf.to_bytes(doc)


def _header(page, sheet):
    page.line(MARGIN, _("The chair's morning sheet"), WIDTH / 2, 7, bold=True, colour=pdf.RED)
    page.y += 1.8
    page.line(MARGIN + WIDTH / 2, format_date(sheet.day, "full"), WIDTH / 2, 4.4, bold=True,
              align="R")
    page.y += 7.4
    page.line(MARGIN, _("Made at %(time)s. It names workers: keep it to yourself and shred "
                        "it after use.", time=format_time(sheet.made_at, "short")),
              WIDTH, 2.9, colour=pdf.MUTED)
    page.y += 4.6


def _counts(page, counts):
    boxes = [(_("Upset today"), counts["upset"], False),
             (_("Want to talk"), counts["talk"], True),
             (_("Earlier days open"), counts["open"], False),
             (_("Crisis or urgent"), counts["requests"], True),
             (_("Birthdays today"), counts["birthdays"], False),
             (_("Visits due"), counts["due"], False),
             (_("Past due"), counts["overdue"], True)]
    gap = 2
    width = (WIDTH - gap * (len(boxes) - 1)) / len(boxes)
    top = page.y
    for n, (label, value, alarming) in enumerate(boxes):
        x = MARGIN + n * (width + gap)
        page.doc.set_fill_color(*(ALERT_TINT if alarming and value else TINT))
        page.doc.rect(x, top, width, 14, style="F")
        page.y = top + 1.2
        page.line(x, str(value), width, 6.2, bold=True,
                  colour=pdf.RED if alarming and value else pdf.INK, align="C")
        page.y = top + 9
        page.line(x, label, width, 2.8, colour=pdf.MUTED, align="C")
    page.y = top + 15.5


def _section(page, title, items, cap, cells, empty):
    page.heading(title, len(items))
    if not items:
        page.note(empty)
        return
    shown = items if len(items) <= cap else items[:cap - 1]
    for item in shown:
        page.row(cells(item))
    if len(shown) < len(items):
        page.note(ngettext("%(num)d more: see the admin pages.",
                           "%(num)d more: see the admin pages.", len(items) - len(shown)))


def _plain(width, content):
    return (width, content, False, pdf.INK)


def _muted(width, content):
    return (width, content, False, pdf.MUTED)


def _member(member):
    return [(30, member.name, True, pdf.INK), _muted(44, member.team.label)]


def _upset_cells(item):
    detail = [_("checked in at %(time)s", time=format_time(item.since, "short"))]
    if item.streak >= 2:
        detail.append(_("%(num)d upset days running", num=item.streak))
    flag = (28, _("Wants to talk") if item.talk else _("A bit upset"), item.talk,
            pdf.RED if item.talk else pdf.INK)
    return [flag, *_member(item.member), _plain(WIDTH - 108, " · ".join(detail))]


def _open_cells(item):
    detail = _("open since %(day)s", day=format_date(item.open_days[0], "medium"))
    if item.streak >= 2:
        detail += " · " + _("%(num)d upset days running", num=item.streak)
    flag = (28, _("Wants to talk") if item.talk else _("A bit upset"), item.talk,
            pdf.RED if item.talk else pdf.INK)
    return [flag, *_member(item.member), _plain(WIDTH - 108, detail)]


def _team_cells(alert):
    return [(74, alert.team.label, True, pdf.INK),
            _plain(WIDTH - 80, _("%(share)d%% a bit upset today",
                                 share=round(alert.share * 100)))]


def _request_cells(line):
    request = line.request
    flag = _("Read now") if request.crisis else _("Urgent")
    category = categories.get(request.category)
    if not line.ours:
        who = _("City federation")
    elif line.member is not None:
        who = line.member.name
    else:
        who = _("Anonymous")
    return [(24, flag, True, pdf.RED),
            _plain(26, str(getattr(category, "name", request.category))),
            _plain(38, request.topic if line.ours else "—"),
            (28, who, line.member is not None, pdf.INK),
            _muted(WIDTH - 122, format_date(request.created_at, "short")
                   + " · " + request.receipt_code)]


def _birthday_cells(occ, today):
    when = _("Today") if occ.due_day == today else format_date(occ.due_day, "EEEE M/d")
    flag = (28, when, occ.due_day == today, pdf.RED if occ.due_day == today else pdf.INK)
    done = _("Greeted") if occ.records else ""
    return [flag, *_member(occ.member), _muted(WIDTH - 108, done)]


def _visit_cells(occ, today):
    overdue = occ.deadline < today
    if overdue:
        when = _("past due since %(day)s", day=format_date(occ.deadline, "medium"))
    else:
        when = _("in time until %(day)s", day=format_date(occ.deadline, "medium"))
    extra = [when] + [part for part in ((occ.event.place, occ.event.what) if occ.event else ())
                      if part]
    return [(28, str(PROMISE_LABELS[occ.kind]), overdue, pdf.RED if overdue else pdf.INK),
            *_member(occ.member), _plain(WIDTH - 108, " · ".join(extra))]


def _footer(page, sheet):
    page.y = BOTTOM + 4
    page.rule()
    page.y += 1.5
    page.line(MARGIN, _("Station administration → Care calendar → Morning sheet"), WIDTH, 2.8,
              colour=pdf.MUTED)
    page.line(MARGIN, sheet.day.isoformat(), WIDTH, 2.8, colour=pdf.MUTED, align="R")

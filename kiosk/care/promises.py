"""The six promises (三必贺三必访): when each falls due and when it counts as kept in time.

Pure rules, no Flask and no database, so the chair's windows can be read in one place:

- 生日必贺 (birthday): due on the birthday; kept in time only when greeted on the day
  (29 February falls on 28 February in other years).
- 结婚必贺 (wedding) and 生育必贺 (birth of a child): due on the date; kept in time when
  congratulated within ``WINDOW_DAYS`` (14) days after it.
- 住院必访 (hospital stay): due on admission; kept in time when visited during the stay
  or within 7 days of admission, whichever ends later.
- 退休必访 (retirement): due on the retirement date; kept in time within 30 days.
- 困难必访 (family hardship): due on the date; kept in time within 7 days.

A greeting or visit dated on or before the deadline keeps the promise in time (a
wedding gift sent the day before counts); after the deadline it is kept late. An
occurrence with no record is "due" until its deadline, then "overdue".
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

PROMISES = ("birthday", "wedding", "birth", "hospital", "retirement", "hardship")
EVENT_KINDS = PROMISES[1:]          # birthdays live on the member, the rest are events
# Birthday, wedding and birth are congratulations (三必贺); the others are visits (三必访).

# Days after the due day that still count as in time (0: on the day only).
WINDOW_DAYS = {"birthday": 0, "wedding": 14, "birth": 14, "hospital": 7,
               "retirement": 30, "hardship": 7}
# The calendar shows what falls due from today up to this many days ahead.
LOOKAHEAD_DAYS = 14
# Overdue promises older than this leave the calendar (they stay in the monthly figures).
OVERDUE_LOOKBACK_DAYS = 90
# What was done in this many past days shows under 已完成.
DONE_LOOKBACK_DAYS = 30
# A greeting may be recorded this many days before the occasion (a gift before the wedding).
EARLY_DAYS = 30


def deadline(kind, due_day, end_day=None):
    """The last day on which the promise is kept in time."""
    last = due_day + timedelta(days=WINDOW_DAYS[kind])
    if kind == "hospital" and end_day is not None:
        return max(last, end_day)
    return last


def birthday_in(year, birthday):
    """The member's birthday in ``year``; 29 February is kept on 28 February otherwise."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def birthdays_between(birthday, first, last):
    """The birthdays (as dates) from ``first`` to ``last`` inclusive."""
    days = []
    for year in range(first.year, last.year + 1):
        day = birthday_in(year, birthday)
        if first <= day <= last:
            days.append(day)
    return days


@dataclass
class Occurrence:
    """One promise falling due for one member: a birthday this year, a wedding, a stay."""

    kind: str
    member: object
    due_day: date
    deadline: date
    event: object = None            # the CareEvent, None for a birthday
    records: list = field(default_factory=list)

    @property
    def first_record(self):
        return min(self.records, key=lambda r: r.day) if self.records else None

    def status(self, today):
        """'in_time', 'late', 'overdue', 'due' (window open) or 'coming' (not yet due)."""
        first = self.first_record
        if first is not None:
            return "in_time" if first.day <= self.deadline else "late"
        if today > self.deadline:
            return "overdue"
        return "due" if today >= self.due_day else "coming"


def month_figures(occurrences, today):
    """Per promise: how many fell due, were kept in time, kept late, not yet kept."""
    figures = {kind: {"due": 0, "in_time": 0, "late": 0, "open": 0} for kind in PROMISES}
    for occ in occurrences:
        row = figures[occ.kind]
        row["due"] += 1
        status = occ.status(today)
        row[status if status in ("in_time", "late") else "open"] += 1
    return figures

"""The figures the union reports: requests by category and month, share resolved,
median times to the first answer and to resolution, satisfaction.

Pure functions over plain tuples (no Flask): a station's 10,000 requests are
read once and counted in Python, which is simpler than six GROUP BY queries
that must agree on the local month boundaries.
"""
import bisect
import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from .models import RESOLVED

SATISFIED = "satisfied"


@dataclass
class Group:
    """The figures for one category, or for all of them."""

    by_month: dict = field(default_factory=dict)
    total: int = 0
    resolved: int = 0
    first_response: list = field(default_factory=list)   # seconds
    resolution: list = field(default_factory=list)       # seconds
    rated: int = 0
    satisfied: int = 0

    def add(self, month, status, created, first_response, resolved_at, rating):
        self.by_month[month] = self.by_month.get(month, 0) + 1
        self.total += 1
        if first_response is not None:
            self.first_response.append((first_response - created).total_seconds())
        if status == RESOLVED:
            self.resolved += 1
            if resolved_at is not None:
                self.resolution.append((resolved_at - created).total_seconds())
        if rating:
            self.rated += 1
            self.satisfied += rating == SATISFIED

    @property
    def resolved_share(self):
        return self.resolved / self.total if self.total else None

    # Sorting thousands of durations is the costly part: once per Group, read only after
    # compute() has added every row.
    @cached_property
    def median_first_response_hours(self):
        return statistics.median(self.first_response) / 3600 if self.first_response else None

    @cached_property
    def median_resolution_hours(self):
        return statistics.median(self.resolution) / 3600 if self.resolution else None

    @property
    def satisfaction(self):
        return self.satisfied / self.rated if self.rated else None


@dataclass
class Report:
    months: list            # "YYYY-MM", oldest first
    categories: dict        # key -> Group
    overall: Group


def last_months(today, count):
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def _month_starts_utc(months, zone):
    """The UTC instant (naive) at which each local month begins, and the end of the last."""
    starts = []
    for month in months + [_next_month(months[-1])]:
        year, number = map(int, month.split("-"))
        local = datetime(year, number, 1, tzinfo=zone)
        starts.append(local.astimezone(UTC).replace(tzinfo=None))
    return starts


def _next_month(month):
    year, number = map(int, month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def as_datetime(value):
    """SQLite hands back text, PostgreSQL datetimes; ``fromisoformat`` is much faster
    than peewee's guessing through several formats for 10,000 rows."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def compute(rows, zone, category_keys, months=12, now=None):
    """``rows``: (category, created_at, status, first_response_at, resolved_at, rating),
    naive UTC datetimes (or their ISO text); months in the station's time zone ``zone``.
    ``now``: an aware datetime."""
    now = now or datetime.now(UTC)
    wanted = last_months(now.astimezone(zone), months)
    # Local month boundaries once, then a bisect per row: no time-zone maths per row.
    bounds = _month_starts_utc(wanted, zone)
    groups = {key: Group() for key in category_keys}
    overall = Group()
    for category, created, status, first_response, resolved_at, rating in rows:
        created = as_datetime(created)
        index = bisect.bisect_right(bounds, created) - 1
        if not 0 <= index < len(wanted):
            continue
        month = wanted[index]
        first_response, resolved_at = as_datetime(first_response), as_datetime(resolved_at)
        for group in (groups.get(category), overall):
            if group is not None:
                group.add(month, status, created, first_response, resolved_at, rating)
    return Report(wanted, groups, overall)


def _number(value, digits=1):
    return "" if value is None else f"{value:.{digits}f}"


def to_csv(report, labels, headings):
    """CSV that Chinese Excel opens correctly: UTF-8 with a byte-order mark, CRLF lines.

    ``labels``: category key -> name; ``headings``: the translated column names
    (category, total, resolved, share, first response h, resolution h, satisfaction, all).
    """
    out = io.StringIO()
    writer = csv.writer(out)   # CRLF line ends by default, as Excel expects
    writer.writerow([headings["category"], *report.months, headings["total"],
                     headings["resolved"], headings["share"], headings["first_response"],
                     headings["resolution"], headings["satisfaction"]])
    items = [(labels[key], group) for key, group in report.categories.items()]
    items.append((headings["all"], report.overall))
    for label, group in items:
        share = None if group.resolved_share is None else group.resolved_share * 100
        satisfaction = None if group.satisfaction is None else group.satisfaction * 100
        writer.writerow([label, *(group.by_month.get(m, 0) for m in report.months), group.total,
                         group.resolved, _number(share), _number(group.median_first_response_hours),
                         _number(group.median_resolution_hours), _number(satisfaction)])
    return "\ufeff" + out.getvalue()

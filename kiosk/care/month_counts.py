"""Station: the promises' monthly counts fit for central — numbers, never a person.

Before each push the last ``MONTHS_BACK`` months and the current one are recounted
with the same rules as the chair's figures page (``calendar_data.figures``), so
central and the station read the same numbers; a greeting recorded late, or a
kiosk report confirmed today, changes an older month's count, which goes up again
as a newer write of the same record. A row changes only when its numbers do.

What stays at the station: names, staff numbers, dates of the events, hospitals,
what happened, notes, gifts and money — central learns how many, not who or what.
"""
import uuid
from datetime import date

from ..db import write_transaction
from ..models.base import this_station_id, utcnow
from . import station_tz
from .calendar_data import local_today, month_bounds, occurrences
from .models import CareMonthCount
from .promises import PROMISES, month_figures

MONTHS_BACK = 12
_NAMESPACE = uuid.UUID("0d7c4f5e-8a55-4e0b-9f0e-5c2b6f7a1c33")


def count_id(station_id, month, promise):
    return uuid.uuid5(_NAMESPACE, f"{station_id}|{month.isoformat()}|{promise}")


def months_to_count(today, back=MONTHS_BACK):
    """The first days of this month and the ``back`` months before it, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - back, index + 1)]


def refresh(today=None):
    """Recount the recent months; return how many rows changed.

    The whole span is read at once (the calendar's occurrences and the stored counts)
    and split by month: a month's occurrences are those due in it, so each month's
    numbers are its figures page's. Month by month it was a hundred reads before every
    push, the largest part of a station's nightly sync (issue 11).
    """
    today = today or local_today(station_tz())
    station_id = this_station_id()
    months = months_to_count(today)
    due_in = {month: [] for month in months}
    with write_transaction():
        for occ in occurrences(months[0], month_bounds(today.year, today.month)[1]):
            due_in[occ.due_day.replace(day=1)].append(occ)
        ids = {(month, promise): count_id(station_id, month, promise)
               for month in months for promise in PROMISES}
        stored = {row.id: row for row in
                  CareMonthCount.select().where(CareMonthCount.id.in_(list(ids.values())))}
        changed, new, now = 0, [], utcnow()
        for month in months:
            rows = month_figures(due_in[month], today)
            for promise in PROMISES:
                numbers = {k: rows[promise][k] for k in ("due", "in_time", "late")}
                rid = ids[(month, promise)]
                row = stored.get(rid)
                if row is None:
                    if not numbers["due"]:
                        continue    # nothing fell due: no row, until something does
                    new.append(dict(id=rid, station_id=station_id, month=month,
                                    promise=promise, created_at=now, updated_at=now,
                                    **numbers))
                elif any(getattr(row, k) != v for k, v in numbers.items()):
                    for k, v in numbers.items():
                        setattr(row, k, v)
                    row.save()
                    changed += 1
        if new:
            CareMonthCount.insert_many(new).execute()
    return changed + len(new)

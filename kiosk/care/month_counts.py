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
from ..models.base import this_station_id
from . import station_tz
from .calendar_data import figures, local_today
from .models import CareMonthCount
from .promises import PROMISES

MONTHS_BACK = 12
_NAMESPACE = uuid.UUID("0d7c4f5e-8a55-4e0b-9f0e-5c2b6f7a1c33")


def count_id(station_id, month, promise):
    return uuid.uuid5(_NAMESPACE, f"{station_id}|{month.isoformat()}|{promise}")


def months_to_count(today, back=MONTHS_BACK):
    """The first days of this month and the ``back`` months before it, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - back, index + 1)]


def refresh(today=None):
    """Recount the recent months; return how many rows changed."""
    today = today or local_today(station_tz())
    station_id = this_station_id()
    changed = 0
    with write_transaction():
        for month in months_to_count(today):
            rows = figures(month.year, month.month, today)
            for promise in PROMISES:
                numbers = {k: rows[promise][k] for k in ("due", "in_time", "late")}
                rid = count_id(station_id, month, promise)
                row = CareMonthCount.get_or_none(CareMonthCount.id == rid)
                if row is None:
                    if not numbers["due"]:
                        continue    # nothing fell due: no row, until something does
                    CareMonthCount.create(id=rid, month=month, promise=promise, **numbers)
                    changed += 1
                elif any(getattr(row, k) != v for k, v in numbers.items()):
                    for k, v in numbers.items():
                        setattr(row, k, v)
                    row.save()
                    changed += 1
    return changed

"""Central: city-wide figures from the records stations pushed (no Flask here).

Read from the ledger (``CentralRecord``) so that a figure exists as soon as a
kind syncs; orphaned events (parent not arrived yet) are left out until adopted.
"""
import json
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from ..models.base import utcnow
from ..mood.moods import MOODS
from ..sync.models import CentralRecord, Station


def _records(kind, since=None):
    query = CentralRecord.select(CentralRecord.data, CentralRecord.station).where(
        (CentralRecord.kind == kind) & ~CentralRecord.orphan)
    if since is not None:
        query = query.where(CentralRecord.updated_at >= since)
    for row in query.iterator():
        yield row.station_id, json.loads(row.data)


def week_of(day):
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return day - timedelta(days=day.weekday())


def mood_shares(weeks=8, today=None):
    """{(enterprise, week monday): {mood: share}} and the totals, for the last ``weeks`` weeks."""
    today = today or utcnow().date()
    first = week_of(today) - timedelta(weeks=weeks - 1)
    enterprises = {s.id: s.enterprise for s in Station.select(Station.id, Station.enterprise)}
    counts = defaultdict(Counter)
    since = datetime.combine(first, datetime.min.time()) - timedelta(days=7)
    for station_id, data in _records("mood_group", since=since):
        try:
            week = week_of(data["day"])
        except (KeyError, ValueError):
            continue
        if week < first:
            continue
        counts[(enterprises.get(station_id, "?"), week)][data.get("mood")] += int(data.get("count") or 0)
    rows = []
    for (enterprise, week), counter in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        total = sum(counter.values())
        rows.append({"enterprise": enterprise, "week": week, "total": total,
                     "shares": {m: (counter[m] / total if total else 0) for m in MOODS}})
    return rows


def request_figures():
    """Requests by category and status, share resolved, median time to resolve, satisfaction.

    Read from central's copy of the requests (kept by the sync, with the status
    rebuilt from the events), so a request's figures follow its events.
    """
    try:
        from ..service.models import ServiceRequest
    except ImportError:
        return {"total": 0}
    by_category, by_status = Counter(), Counter()
    total = resolved = rated = satisfied = 0
    hours = []
    rows = ServiceRequest.select(ServiceRequest.category, ServiceRequest.status,
                                 ServiceRequest.created_at, ServiceRequest.resolved_at,
                                 ServiceRequest.rating).tuples()
    for category, status, created_at, resolved_at, rating in rows.iterator():
        total += 1
        by_category[category] += 1
        by_status[status] += 1
        if status == "resolved":
            resolved += 1
            if resolved_at and created_at:
                hours.append((resolved_at - created_at).total_seconds() / 3600)
        if rating:
            rated += 1
            satisfied += rating == "satisfied"
    return {
        "total": total, "by_category": by_category.most_common(),
        "by_status": by_status.most_common(),
        "resolution_rate": (resolved / total) if total else None,
        "median_hours": statistics.median(hours) if hours else None,
        "satisfaction": (satisfied / rated) if rated else None,
    }


def record_counts():
    """How many records of each kind central holds (and how many wait for a parent)."""
    from peewee import fn
    rows = (CentralRecord.select(CentralRecord.kind, CentralRecord.orphan,
                                 fn.COUNT(CentralRecord.id).alias("n"))
            .group_by(CentralRecord.kind, CentralRecord.orphan).tuples())
    counts = defaultdict(lambda: {"stored": 0, "waiting": 0})
    for kind, orphan, n in rows:
        counts[kind]["waiting" if orphan else "stored"] += n
    return dict(sorted(counts.items()))


def care_promises(months=6, today=None):
    """Per enterprise and month, per promise: fell due, kept in time, kept late.

    From the stations' ``care_month`` counts (only numbers reach central), the
    ``months`` most recent months up to ``today``'s, newest first; the stations of
    one enterprise add up."""
    today = today or utcnow().date()
    index = today.year * 12 + today.month - 1
    first = date((index - months + 1) // 12, (index - months + 1) % 12 + 1, 1)
    enterprises = {s.id: s.enterprise for s in Station.select(Station.id, Station.enterprise)}
    table = defaultdict(lambda: defaultdict(Counter))
    for station_id, data in _records("care_month"):
        try:
            month = date.fromisoformat(data["month"])
        except (KeyError, TypeError, ValueError):
            continue
        if not first <= month <= today:
            continue
        cell = table[(enterprises.get(station_id, "?"), month)][data.get("promise")]
        for key in ("due", "in_time", "late"):
            cell[key] += int(data.get(key) or 0)
    return [{"enterprise": enterprise, "month": month, "promises": promises}
            for (enterprise, month), promises in sorted(
                table.items(), key=lambda kv: (kv[0][0], -kv[0][1].toordinal()))]

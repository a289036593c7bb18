"""Once a day, at the chair's hour: overdue greetings and visits, and old alerts deleted.

Run by the deliverer (the server's thread, the CLI, the systemd timer): whichever comes
first after the hour does it, once; a station switched off at that hour does it when
it comes back.
"""
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from ..db import write_transaction
from . import settings as alert_settings
from .outbox import purge_before, raise_alert

# Alerts (and their delivery log) are kept this long, then deleted.
KEEP_DAYS = 90


def local_now(now, tz_name):
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))


def run_if_due(now, tz_name):
    """Do the day's checks if the hour has come and they were not done today; True if done."""
    local = local_now(now, tz_name)
    day = local.date().isoformat()
    if local.hour < alert_settings.daily_hour() or alert_settings.get_marker("daily_day") == day:
        return False
    with write_transaction():
        if alert_settings.get_marker("daily_day") == day:
            return False      # another deliverer was quicker
        overdue_visits(local.date(), alert_settings.get_marker("overdue_checked"), now)
        purge_before(now - timedelta(days=KEEP_DAYS))
        alert_settings.set_marker("overdue_checked", day)
        alert_settings.set_marker("daily_day", day)
    return True


def overdue_visits(today, last_checked=None, now=None):
    """One alert for the promises whose window closed since the last check.

    A promise is overdue the day after its deadline; those with a deadline before the
    last check were overdue then already and were told about then.
    """
    from datetime import date

    from ..care.calendar_data import calendar
    since = date.fromisoformat(last_checked) if last_checked else None
    fresh = [occ for occ in calendar(today).overdue if since is None or occ.deadline >= since]
    if not fresh:
        return None
    return raise_alert("visit_overdue", f"visit_overdue:{today.isoformat()}", now=now,
                       count=len(fresh),
                       items=[[str(occ.member.id), occ.kind] for occ in fresh])

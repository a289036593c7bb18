"""The chair's alert settings (Setting table): names in messages, the daily reminder hour."""
from ..models import Setting

INCLUDE_NAMES = "alerts.include_names"
DAILY_HOUR = "alerts.daily_hour"
DEFAULT_DAILY_HOUR = 8
STATE = "alerts.state."


def include_names():
    """Off by default: a message names the team, not the worker (a phone's lock screen
    shows it to whoever stands by). Never a name for an anonymous request, whatever this says."""
    return Setting.get_value(INCLUDE_NAMES) == "1"


def daily_hour():
    value = Setting.get_value(DAILY_HOUR, "")
    return int(value) if value.isdigit() and 0 <= int(value) <= 23 else DEFAULT_DAILY_HOUR


def save(*, names, hour):
    """Store both; return the names of those that changed."""
    changed = [name for name, before, after in (("include_names", include_names(), names),
                                                 ("daily_hour", daily_hour(), hour))
               if before != after]
    Setting.set_value(INCLUDE_NAMES, "1" if names else "0")
    Setting.set_value(DAILY_HOUR, int(hour))
    return changed


def get_marker(name, default=None):
    return Setting.get_value(STATE + name, default)


def set_marker(name, value):
    Setting.set_value(STATE + name, value)

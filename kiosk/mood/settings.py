"""The weather board's settings, kept in the Setting table and set by the chair."""
from dataclasses import asdict, dataclass, fields, replace

from .. import data_version
from ..models import Setting

PREFIX = "mood."


@dataclass
class MoodSettings:
    # The hour (local time) at which a working day begins; 4 puts a night
    # shift's 02:00 check-in on the day the shift started.
    day_start_hour: int = 4
    # Identified check-ins (and follow-ups) older than this are deleted;
    # only daily counts per team and mood remain.
    retention_days: int = 90
    # A team whose share of upset workers today reaches this raises an alert …
    upset_threshold_percent: int = 30
    # … once at least this many of its members checked in.
    alert_min_checkins: int = 3
    # An upset worker without a follow-up for this long is highlighted.
    open_highlight_hours: int = 24
    # Sites that fear someone tapping a colleague's photo ask for proof (a badge
    # or the personal PIN) before a check-in; a claim alone is not enough.
    confirm_photo_checkin: bool = False
    # The team, workshop and wall boards show only how many are a bit upset (and
    # how many have not checked in), no faces or names; the care view is unchanged.
    hide_upset_on_boards: bool = False


# (minimum, maximum) accepted from the settings page.
BOUNDS = {
    "day_start_hour": (0, 23),
    "retention_days": (7, 3650),
    "upset_threshold_percent": (1, 100),
    "alert_min_checkins": (1, 100),
    "open_highlight_hours": (1, 720),
}


def load():
    """The current settings; a missing or damaged value falls back to its default.

    Read once per data version (every check-in and board asks); each caller gets its
    own copy, free to change before ``save``."""
    return replace(data_version.cached(("mood_settings",), _read))


def _read():
    stored = {row.key[len(PREFIX):]: row.value
              for row in Setting.select().where(Setting.key.startswith(PREFIX))}
    settings = MoodSettings()
    for f in fields(MoodSettings):
        raw = stored.get(f.name)
        if raw is None:
            continue
        if f.type in (bool, "bool"):
            setattr(settings, f.name, raw == "1")
            continue
        try:
            value = int(raw)
        except ValueError:
            continue
        low, high = BOUNDS[f.name]
        if low <= value <= high:
            setattr(settings, f.name, value)
    return settings


def save(settings):
    """Store every setting; return the names whose value changed."""
    before = asdict(load())
    for name, value in asdict(settings).items():
        Setting.set_value(PREFIX + name, ("1" if value else "0") if isinstance(value, bool)
                          else int(value))
    return [name for name, value in asdict(settings).items() if before[name] != value]


def get_marker(name, default=None):
    """Internal bookkeeping (e.g. the last day housekeeping ran)."""
    return Setting.get_value(PREFIX + "state." + name, default)


def set_marker(name, value):
    Setting.set_value(PREFIX + "state." + name, value)

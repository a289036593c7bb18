"""Today's weather board on the kiosk's attract (idle) screen: what a worker
walking past sees, the station's counts per mood and per workshop (never a name),
from the same cached overview as the board index."""
from flask_babel import get_locale

from . import settings as mood_settings
from . import today
from .board import overview_cached
from .labels import MOOD_LABELS
from .moods import MOODS

# A station with many workshops shows the largest on the attract screen.
MAX_WORKSHOPS = 8


def attract_panel():
    """The attract screen's panel: today's counts, or None before any team exists."""
    day = today(mood_settings.load())
    groups = overview_cached(day, str(get_locale()))
    if not groups:
        return None
    workshops = []
    for workshop, teams in groups:
        counts = {key: sum(team_counts[key] for _team, team_counts in teams)
                  for key in (*MOODS, "none")}
        workshops.append((workshop, counts))
    totals = {key: sum(counts[key] for _w, counts in workshops) for key in (*MOODS, "none")}
    workshops.sort(key=lambda item: -sum(item[1].values()))
    return {"template": "mood/_attract.html", "day": day, "moods": MOODS, "labels": MOOD_LABELS,
            "totals": totals,
            "checked_in": sum(totals[mood] for mood in MOODS),
            "members": sum(totals.values()), "workshops": workshops[:MAX_WORKSHOPS]}

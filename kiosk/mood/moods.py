"""The moods of the weather board, defined once: key, word, icon, and which one calls for care.

Every screen, chart, count, sync kind and central figure reads the moods from
here, in this order (the board's zones left to right, a chart's segments bottom
to top). A mood's colours are the one rule per mood in static/css/moods.css
(CSS, because the strict CSP allows no inline style); its icon is the template
``icons/mood-<key>.svg`` (included inline, so the CSS colours it).
docs/architecture.md, "Add a mood", lists the rest.

The key is stored in the database (``MAX_KEY_LENGTH`` characters) and sent to
central: keep it short, ASCII, and never rename one that has been used.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Mood:
    key: str
    label: object    # a lazy string: translated when shown, in the screen's language


WEATHER = (
    Mood("happy", _l("Very happy")),     # 很快乐 ☀
    Mood("ok", _l("Not bad")),           # 还可以 ⛅
    Mood("upset", _l("A bit upset")),    # 有点烦 🌧
)

# The mood the chair watches: its zone can hide faces, its share raises a team
# alert, a streak of it lists a worker for a follow-up.
UPSET = "upset"

MOODS = tuple(mood.key for mood in WEATHER)
MOOD_LABELS = {mood.key: mood.label for mood in WEATHER}
MAX_KEY_LENGTH = 8    # the database column

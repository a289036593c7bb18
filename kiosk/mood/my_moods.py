"""The worker's own moods of the last four weeks, on their own page (after proof).

Only what they checked in themselves, and only to them: the page is behind a badge
or the PIN (identify.hello), like their named requests.
"""
from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from . import settings as mood_settings
from . import today
from .labels import MOOD_LABELS
from .models import MoodCurrent

DAYS = 28


def my_page_section(member):
    last = today(mood_settings.load())
    first = last - timedelta(days=DAYS - 1)
    moods = {day: mood for day, mood in (
        MoodCurrent.select(MoodCurrent.shift_day, MoodCurrent.mood)
        .where((MoodCurrent.member == member.id) & (MoodCurrent.shift_day >= first)
               & (MoodCurrent.shift_day <= last)).tuples())}
    days = [(first + timedelta(days=n), moods.get(first + timedelta(days=n))) for n in range(DAYS)]
    return Markup(render_template("mood/_my_moods.html", days=days, mood_labels=MOOD_LABELS,
                                  checked_in=len(moods)))

"""How the mood board syncs: check-in counts per day, group of at least five and mood.

Never a person: ``group_counts.refresh`` pools small teams before each push
(see there). Central checks each count is a whole number 0…10^6 and the mood
one of the board's (``moods.MOODS``, read when a record arrives).
"""
from flask_babel import lazy_gettext as _l

from ..sync.kind_spec import STATION
from . import group_counts
from .models import MoodGroupCount
from .moods import MOODS

MOOD_GROUP_FIELDS = ("day", "workshop_id", "workshop_name", "team_id", "team_name", "mood",
                     "count", "members")


def register_all(register, SyncKind):
    # A recount of a day is a newer write of the same record, so the kind is mutable.
    register(SyncKind("mood_group", MoodGroupCount, STATION, MOOD_GROUP_FIELDS, order=30,
                      label=_l("mood counts"), prepare=group_counts.refresh,
                      choices={"mood": lambda: MOODS}))

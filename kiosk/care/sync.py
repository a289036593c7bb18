"""How the care promises sync: per month and promise, how many fell due, were kept in
time and kept late (``month_counts``). Only counts cross the wire: the life events,
the greetings and visits and the kiosk reports never leave the station."""
from flask_babel import lazy_gettext as _l

from ..sync.kind_spec import STATION
from . import month_counts
from .models import CareMonthCount
from .promises import PROMISES

CARE_MONTH_FIELDS = ("month", "promise", "due", "in_time", "late")


def _refusal(data, _stored, _parent, _batch=()):
    """Central: a count that cannot be (more kept than fell due, a month not on its 1st)."""
    if data["in_time"] + data["late"] > data["due"]:
        return "more promises kept than fell due"
    if not data["month"].endswith("-01"):
        return "a month is named by its first day"
    return None


def register_all(register, SyncKind):
    # A recount of a month is a newer write of the same record, so the kind is mutable.
    register(SyncKind("care_month", CareMonthCount, STATION, CARE_MONTH_FIELDS, order=35,
                      label=_l("care promise counts"), prepare=month_counts.refresh,
                      choices={"promise": PROMISES}, refusal=_refusal))

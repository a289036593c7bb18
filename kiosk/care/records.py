"""Writes of the care calendar: a life event, a greeting or visit. Append-only."""
from ..models import utcnow
from .models import METHODS, CareEvent, CareVisit
from .promises import EVENT_KINDS, PROMISES

MAX_MONEY_FEN = 10_000_000      # 慰问金 up to 100 000 yuan: more is a typing slip


def record_event(member, kind, day, by_admin, *, end_day=None, place="", what=""):
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown life event {kind!r}")
    return CareEvent.create(member=member, kind=kind, day=day, end_day=end_day,
                            place=(place or "").strip(), what=(what or "").strip(),
                            by_admin=by_admin, at=utcnow())


def record_visit(occurrence, day, by_admin, *, visitors, method, gift="", money_fen=0, note=""):
    """Append a greeting or visit that keeps ``occurrence``'s promise."""
    if occurrence.kind not in PROMISES or method not in METHODS:
        raise ValueError(f"unknown promise or method {occurrence.kind!r}/{method!r}")
    if not 0 <= money_fen <= MAX_MONEY_FEN:
        raise ValueError(f"money out of range: {money_fen}")
    return CareVisit.create(member=occurrence.member, kind=occurrence.kind,
                            due_day=occurrence.due_day, event=occurrence.event, day=day,
                            visitors=visitors.strip(), method=method, gift=(gift or "").strip(),
                            money_fen=money_fen, note=(note or "").strip(), by_admin=by_admin,
                            at=utcnow())

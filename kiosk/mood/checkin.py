"""The check-in at the kiosk: tile → identify → choose a mood → see one's photo in its zone.

From the home screen a photo-grid user needs four taps: the tile, their team,
their photo, their mood. The screens are one self-replacing panel.
"""
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from ..htmx import is_htmx, redirect_to, render
from ..identify import identified_member, identified_method, identify_url, proof_url, proven_member
from ..roster.models import Member, Team, Workshop
from . import bp, station_tz, today
from . import settings as mood_settings
from .board_data import today_counts_for_member_team
from .models import MoodCheckin, MoodCurrent
from .moods import MOODS, UPSET
from .records import CheckinRefused, record_checkin, request_talk
from .retention import run_daily_if_due

TEMPLATE = "mood/checkin.html"
# Seconds before the confirmation returns to the home screen by itself
# (MOOD_AUTO_HOME_SECONDS); longer while the worker may still ask for a talk.
AUTO_HOME_SECONDS = 6
UPSET_EXTRA_SECONDS = 9
# One member's check-ins are at most one per this many seconds (MOOD_CHECKIN_MIN_SECONDS):
# a repeat within it records nothing and shows the same confirmation.
CHECKIN_MIN_SECONDS = 3


def _identify_again():
    return redirect_to(identify_url(url_for("mood.choose"), purpose="mood"))


def _needs_proof(settings):
    # Sites that fear a colleague's tap on someone's photo ask for proof (a badge or the
    # personal PIN); a staff number would not do, anyone can read it off a list.
    return settings.confirm_photo_checkin and proven_member() is None


def _prove_first():
    return redirect_to(proof_url(url_for("mood.choose"), purpose="mood"))


@bp.get("/")
def start():
    """The tile: who are you? Then on to the mood choice."""
    if identified_member() is not None:
        return redirect_to(url_for("mood.choose"))
    return _identify_again()


@bp.get("/choose")
def choose():
    """How are you today? Three large weather buttons."""
    member = identified_member()
    if member is None:
        return _identify_again()
    settings = mood_settings.load()
    if _needs_proof(settings):
        return _prove_first()
    current = MoodCurrent.get_or_none((MoodCurrent.member == member)
                                      & (MoodCurrent.shift_day == today(settings)))
    return render(TEMPLATE, "panel", state="choose", member=member, current=current,
                  moods=MOODS)


@bp.post("/checkin")
def checkin():
    """A tap on a weather button: today's mood, and one's photo in that zone at once."""
    member = identified_member()
    if member is None:
        return _identify_again()
    settings = mood_settings.load()
    if _needs_proof(settings):
        return _prove_first()
    mood = request.form.get("mood")
    if mood not in MOODS:
        current = MoodCurrent.get_or_none((MoodCurrent.member == member)
                                          & (MoodCurrent.shift_day == today(settings)))
        return render(TEMPLATE, "panel", state="choose", member=member, current=current,
                      moods=MOODS, error=_("Please tap one of the three weather buttons.")), 422
    try:
        record, changed = record_checkin(member.id, mood, tz=station_tz(),
                                          day_start_hour=settings.day_start_hour,
                                          method=identified_method(),
                                          min_interval=current_app.config.get(
                                              "MOOD_CHECKIN_MIN_SECONDS", CHECKIN_MIN_SECONDS))
    except CheckinRefused:
        return _identify_again()
    run_daily_if_due(station_tz(), settings=settings)
    if not is_htmx():
        return redirect_to(url_for("mood.done", checkin_id=record.id))
    if changed:
        member.team = record.team   # read with the member in the check-in, its workshop too
    return _render_done(member, record, animate=True)


@bp.get("/done/<uuid:checkin_id>")
def done(checkin_id):
    """The confirmation as a page of its own (after a plain form post)."""
    member = identified_member()
    if member is None:
        return redirect_to(url_for("home.reset"))
    record = MoodCheckin.get_or_none((MoodCheckin.id == checkin_id)
                                     & (MoodCheckin.member == member)) or abort(404)
    return _render_done(member, record, animate=True)


@bp.post("/talk")
def talk():
    """'I'd like to talk to the union': the worker goes to the top of the chair's list."""
    member = identified_member()
    if member is None:
        return redirect_to(url_for("home.reset"))
    record = request_talk(member.id, request.form.get("checkin_id", ""))
    if record is None:
        abort(404)
    if not is_htmx():
        return redirect_to(url_for("mood.done", checkin_id=record.id))
    return _render_done(member, record)


def _render_done(member, record, animate=False):
    if "team" not in member.__rel__:
        # One query for the member with their team and workshop, shown on the screen.
        member = (Member.select(Member, Team, Workshop).join(Team).join(Workshop)
                  .where(Member.id == member.id).get())
    counts = today_counts_for_member_team(member, record.shift_day)
    seconds = current_app.config.get("MOOD_AUTO_HOME_SECONDS", AUTO_HOME_SECONDS)
    if record.mood == UPSET and not record.wants_talk:
        seconds += UPSET_EXTRA_SECONDS
    return render(TEMPLATE, "panel", state="done", member=member, record=record,
                  counts=counts, moods=MOODS, auto_home=seconds, animate=animate)

"""Kinds that exist with the foundation and the sync itself: roster, mood counts, notices."""
from peewee import fn

from ..models import Member, Setting, Team, Workshop
from . import mood_counts
from .models import Announcement, MoodGroupCount, Station

# Settings a station receives from central's registry (shown on its admin pages).
PROFILE_SETTINGS = ("name", "enterprise", "address")


def _team_member_counts(team):
    return {"members": (Member.select(fn.COUNT(Member.id))
                        .where((Member.team == team) & Member.active).scalar() or 0)}


def _apply_station_profile(op, data):
    for key in PROFILE_SETTINGS:
        Setting.set_value(f"central.{key}", data.get(key) or "")


def register_all(register, SyncKind):
    from .kinds import CENTRAL, STATION, apply_to_model
    # The roster goes up as structure and head counts only: central needs to
    # know the teams and how many members they have, never who they are.
    register(SyncKind("workshop", Workshop, STATION, ("name", "sort_order", "active"), order=10))
    register(SyncKind("team", Team, STATION, ("workshop", "name", "sort_order", "active"),
                      order=11, parent_kind="workshop", parent_field="workshop",
                      detect="digest", extra=_team_member_counts))
    # Mood counts per group of at least five members (see mood_counts): a recount
    # of a day is a newer write of the same record, so the kind is mutable.
    register(SyncKind("mood_group", MoodGroupCount, STATION,
                      ("day", "workshop_id", "workshop_name", "team_id", "team_name", "mood",
                       "count", "members"), order=30, prepare=mood_counts.refresh))
    register(SyncKind("announcement", Announcement, CENTRAL,
                      ("title", "body", "starts_on", "ends_on", "active"), order=10,
                      apply=lambda op, data: apply_to_model(KIND_CACHE["announcement"], op, data)))
    register(SyncKind("station_profile", Station, CENTRAL, PROFILE_SETTINGS, order=5,
                      base_fields=("id", "updated_at"), target=lambda station: station.id,
                      apply=_apply_station_profile))


class _KindCache(dict):
    def __missing__(self, name):
        from .kinds import get
        return get(name)


KIND_CACHE = _KindCache()

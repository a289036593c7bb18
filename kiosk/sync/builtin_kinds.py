"""Kinds of the foundation: the roster's structure, the notices, the station's profile."""
from flask_babel import lazy_gettext as _l
from peewee import fn

from ..models import Member, Setting, Team, Workshop
from .models import Announcement, Station

# Settings a station receives from central's registry (shown on its admin pages).
PROFILE_SETTINGS = ("name", "enterprise", "address")


def _team_member_counts(team):
    return {"members": (Member.select(fn.COUNT(Member.id))
                        .where((Member.team == team) & Member.active).scalar() or 0)}


def _apply_station_profile(op, data):
    for key in PROFILE_SETTINGS:
        Setting.set_value(f"central.{key}", data.get(key) or "")


def register_all(register, SyncKind):
    # The roster goes up as structure and head counts only: central needs to
    # know the teams and how many members they have, never who they are.
    from .kinds import CENTRAL, STATION, WireField, apply_to_model
    register(SyncKind("workshop", Workshop, STATION, ("name", "sort_order", "active"), order=10,
                      label=_l("workshops")))
    register(SyncKind("team", Team, STATION, ("workshop", "name", "sort_order", "active"),
                      order=11, parent_kind="workshop", parent_field="workshop",
                      detect="digest", extra=_team_member_counts, label=_l("teams"),
                      extra_schema=(WireField("members", "int", required=False, default=0,
                                              range=(0, 10**6)),)))
    register(SyncKind("announcement", Announcement, CENTRAL,
                      ("title", "body", "starts_on", "ends_on", "active"), order=10,
                      label=_l("announcements"),
                      apply=lambda op, data: apply_to_model(KIND_CACHE["announcement"], op, data)))
    register(SyncKind("station_profile", Station, CENTRAL, PROFILE_SETTINGS, order=5,
                      label=_l("station profile"),
                      base_fields=("id", "updated_at"), target=lambda station: station.id,
                      apply=_apply_station_profile))


class _KindCache(dict):
    def __missing__(self, name):
        from .kinds import get
        return get(name)


KIND_CACHE = _KindCache()

"""How the roster syncs: its structure and head counts go up; the station's profile comes down."""
from flask_babel import lazy_gettext as _l
from peewee import fn

from ..models import Setting
from ..sync.kind_spec import CENTRAL, STATION, WireField
from ..sync.models import Station
from .models import Member, Team, Workshop

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
    register(SyncKind("workshop", Workshop, STATION, ("name", "sort_order", "active"), order=10,
                      label=_l("workshops")))
    register(SyncKind("team", Team, STATION, ("workshop", "name", "sort_order", "active"),
                      order=11, parent_kind="workshop", parent_field="workshop",
                      detect="digest", extra=_team_member_counts, label=_l("teams"),
                      extra_schema=(WireField("members", "int", required=False, default=0,
                                              range=(0, 10**6)),)))
    register(SyncKind("station_profile", Station, CENTRAL, PROFILE_SETTINGS, order=5,
                      label=_l("station profile"),
                      base_fields=("id", "updated_at"), target=lambda station: station.id,
                      apply=_apply_station_profile))


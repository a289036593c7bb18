"""Central's admin pages: the federation dashboard, the station registry, announcements."""
from flask import Blueprint

bp = Blueprint("central", __name__, url_prefix="/admin/central")

from . import conflicts, dashboard, stations  # noqa: E402,F401  (views register on bp)

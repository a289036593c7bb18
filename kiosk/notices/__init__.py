"""The city federation's announcements (通知公告): central writes them, the sync brings
them down, the station's kiosk shows those current today.

The model is ``models.Announcement``; the kiosk page is ``screens``; the sync kind
is declared in ``sync``. Central's editor lives with central's dashboard.
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..tiles import Tile, register_tile

bp = Blueprint("notices", __name__, url_prefix="/notices")

from . import screens  # noqa: E402,F401  (views: their routes join bp)


def init_app(app):
    app.register_blueprint(bp)
    register_tile(app, Tile("notices.index", _l("Union notices"),
                            _l("News from the city federation"), icon="announcement",
                            order=60, tone="teal"))

"""The city federation's announcements (通知公告): central writes them, the sync brings
them down, the station's kiosk shows those current today.

The model is ``models.Announcement``; the kiosk page is ``screens``; the sync kind
is declared in ``sync``. Central's editor lives with central's dashboard.
"""
from flask_babel import lazy_gettext as _l

from ..tiles import Tile, register_tile


def init_app(app):
    from . import screens
    app.register_blueprint(screens.bp)
    register_tile(app, Tile("notices.index", _l("Union notices"),
                            _l("News from the city federation"), icon="announcement",
                            order=60, tone="teal"))

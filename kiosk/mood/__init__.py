"""The mood weather board (情绪晴雨表): check-in, public board, the chair's care view.

Workers put their photo into one of three zones (很快乐 / 还可以 / 有点烦) when they
arrive for a shift; the union chair sees who is upset and steps in — rest, a
change of post, counselling — before an upset worker has an accident.

Kiosk views: ``checkin`` (the check-in flow) and ``board`` (boards and the wall
display) on ``bp``; the chair's views (``care``, ``trends``, ``admin_settings``)
on ``admin_bp``. Pure rules live in ``days``; reads in ``*_data``; writes in
``records`` and ``retention``.
"""
from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l

from ..models import utcnow
from ..tiles import (
    AdminSection,
    BadgeSwipe,
    Tile,
    register_admin_alerts,
    register_admin_section,
    register_attract_panel,
    register_badge_swipe,
    register_tile,
)

bp = Blueprint("mood", __name__, url_prefix="/mood")
admin_bp = Blueprint("mood_admin", __name__, url_prefix="/admin/mood")


def station_tz():
    """The station's time zone: the working day is local."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def today(settings, now=None):
    from .days import shift_day
    return shift_day(now or utcnow(), station_tz(), settings.day_start_hour)


from . import admin_settings, attract, board, care, checkin, trends  # noqa: E402,F401  (views)
from .labels import template_labels  # noqa: E402

bp.context_processor(template_labels)
admin_bp.context_processor(template_labels)


def init_app(app):
    from .cli import mood_command
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    # Tile names say what the worker does: check in (an action) or look at the boards.
    register_tile(app, Tile("mood.start", _l("Check in my mood"), _l("How are you today?"),
                            "mood-weather", order=10, tone="amber"))
    register_tile(app, Tile("mood.board_index", _l("See the weather boards"),
                            _l("See how your team feels today"), "mood-board",
                            order=11, tone="blue"))
    # The board is the kiosk's idle screen, and a badge swipe its fastest check-in.
    register_attract_panel(app, attract.attract_panel)
    register_badge_swipe(app, BadgeSwipe("mood.choose", "mood",
                                         _l("Scan your badge to check in your mood")))
    register_admin_section(app, AdminSection("mood_admin.care", _l("Weather board care"),
                                             _l("Upset workers, follow-ups, trends and settings"),
                                             order=20))
    register_admin_alerts(app, care.admin_alerts)
    from ..identify import register_my_page
    from . import my_moods
    register_my_page(app, my_moods.my_page_section)
    app.cli.add_command(mood_command)

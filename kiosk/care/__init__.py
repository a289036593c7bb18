"""Care for milestones (三必贺三必访): the chair keeps the union's six promises.

生日必贺，结婚必贺，生育必贺；住院必访，退休必访，困难必访. The chair records life
events on a member, sees a care calendar (due, coming, overdue, done), records each
greeting or visit, and reads per-month figures. When a promise falls due and when it
counts as kept in time: ``promises`` (pure rules, one place). Reads in
``calendar_data``; append-only writes in ``records``; the chair's views in ``admin``
and ``import_views``; the worker's birthday greeting and 本月寿星 in ``kiosk``.
"""
from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l

from ..tiles import (
    AdminSection,
    register_admin_alerts,
    register_admin_section,
    register_board_strip,
    register_home_strip,
)

admin_bp = Blueprint("care_admin", __name__, url_prefix="/admin/care")
kiosk_bp = Blueprint("care", __name__, url_prefix="/care")


def station_tz():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


from . import admin, import_views, kiosk  # noqa: E402,F401  (views)
from .labels import template_labels  # noqa: E402

admin_bp.context_processor(template_labels)


def init_app(app):
    from ..identify import register_after_identify
    app.register_blueprint(admin_bp)
    app.register_blueprint(kiosk_bp)
    register_after_identify(app, kiosk.greeting_first)
    register_home_strip(app, kiosk.birthday_strip)
    register_board_strip(app, kiosk.birthday_strip)      # 本月寿星 on boards and walls too
    register_admin_section(app, AdminSection("care_admin.calendar", _l("Care calendar"),
                                             _l("The six promises: greetings and visits due, "
                                                "overdue and done"), order=25))
    register_admin_alerts(app, admin.admin_alerts)

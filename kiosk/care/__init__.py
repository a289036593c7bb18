"""Care for milestones (三必贺三必访): the chair keeps the union's six promises.

生日必贺，结婚必贺，生育必贺；住院必访，退休必访，困难必访. The chair records life
events on a member, sees a care calendar (due, coming, overdue, done), records each
greeting or visit, and reads per-month figures. When a promise falls due and when it
counts as kept in time: ``promises`` (pure rules, one place). Reads in
``calendar_data``; append-only writes in ``records``; the chair's views in ``admin``
and ``import_views``; the worker's birthday greeting and 本月寿星 in ``kiosk``. A worker
tells the union of a life event at the kiosk (``report_kiosk``); it waits for the chair
(``reports``, ``report_admin``). Monthly counts go to central (``sync``, ``month_counts``).
The chair's morning sheet (晨报) in ``morning_sheet*`` and the ``care`` CLI.
"""
from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l

from ..tiles import (
    AdminSection,
    Tile,
    register_admin_alerts,
    register_admin_panel,
    register_admin_section,
    register_board_strip,
    register_home_strip,
    register_tile,
)

admin_bp = Blueprint("care_admin", __name__, url_prefix="/admin/care")
kiosk_bp = Blueprint("care", __name__, url_prefix="/care")


def station_tz():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


from . import (  # noqa: E402,F401  (views)
    admin,
    import_views,
    kiosk,
    morning_sheet_views,
    report_admin,
    report_kiosk,
)
from .labels import template_labels  # noqa: E402

admin_bp.context_processor(template_labels)


def init_app(app):
    from ..identify import register_after_identify
    from .cli import care_command
    app.register_blueprint(admin_bp)
    app.register_blueprint(kiosk_bp)
    register_after_identify(app, kiosk.greeting_first)
    register_home_strip(app, kiosk.birthday_strip)
    register_board_strip(app, kiosk.birthday_strip)      # 本月寿星 on boards and walls too
    register_tile(app, Tile("care.report_start", _l("Good news or hard times"),
                            _l("A wedding, a baby, a hospital stay: tell the union"), "care-heart",
                            order=30, tone="rose"))
    register_admin_section(app, AdminSection("care_admin.calendar", _l("Care calendar"),
                                             _l("The six promises: greetings and visits due, "
                                                "overdue and done"), order=25))
    register_admin_alerts(app, admin.admin_alerts)
    register_admin_alerts(app, report_admin.admin_alerts)
    register_admin_panel(app, morning_sheet_views.admin_home_panel)
    app.cli.add_command(care_command)

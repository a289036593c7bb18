"""Quick service requests (工会六个帮你办): file at the kiosk, follow with a receipt, resolve.

- kiosk screens (station only): filing.py, follow.py, with the visitor's draft in visitor.py;
- the chair's pages: admin_inbox.py, admin_settings.py (settings, statistics);
- the rules, no Flask: lifecycle.py, queries.py, receipt.py, inputs.py, limits.py, stats.py;
- Chinese input for the description: the keyboard in kiosk/pinyin and static/js/keyboard.js.
"""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..admin.auth import login_required
from ..tiles import AdminSection, Tile, register_admin_alerts, register_admin_section, register_tile
from . import categories
from .limits import Limits

bp = Blueprint("service", __name__, url_prefix="/service")
admin_bp = Blueprint("service_admin", __name__, url_prefix="/admin/service")

from . import admin_inbox, admin_settings, filing, follow  # noqa: E402,F401  (views: their routes join the blueprints)

DEFAULTS = {
    "SERVICE_REQUESTS_PER_MEMBER_PER_DAY": 5,
    "SERVICE_REQUESTS_PER_TERMINAL_PER_MINUTE": 3,
    # Wrong receipt codes one terminal may type in an hour, whoever types them.
    "SERVICE_WRONG_CODES_PER_TERMINAL_PER_HOUR": 60,
    # The receipt stays this long without a touch (announced on screen), then home.
    "SERVICE_RECEIPT_SECONDS": 300,
}


def init_app(app):
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.add_template_filter(lambda key: getattr(categories.get(key), "name", key),
                            "service_category_name")
    app.add_template_filter(lambda key: getattr(categories.get(key), "tone", "slate"), "service_tone")
    app.add_template_filter(_local_time, "local_time")
    app.add_template_filter(categories.topic_label, "service_topic")
    app.extensions["service_request_limits"] = Limits(
        app.config["SERVICE_REQUESTS_PER_TERMINAL_PER_MINUTE"],
        app.config["SERVICE_WRONG_CODES_PER_TERMINAL_PER_HOUR"])

    if app.config["KIOSK_ROLE"] == "station":
        from .. import pinyin
        pinyin.init_app(app)
        app.register_blueprint(bp)
        from ..identify import register_my_page
        register_my_page(app, follow.my_page_section)
        from ..sync import prompt
        from .queries import waiting_for_central
        prompt.register_waiting(app, waiting_for_central)
        register_tile(app, Tile("service.start", _l("We handle it for you"),
                                _l("Suggestions, hardship, pay, rights: tell the union"),
                                "service-file", order=20, tone="green"))
        register_tile(app, Tile("service.track", _l("Follow my request"),
                                _l("See the progress with your receipt code"),
                                "service-track", order=21, tone="purple"))

    app.register_blueprint(admin_bp)
    register_admin_section(app, AdminSection("service_admin.inbox", _l("Service requests"),
                                             _l("Answer, handle and resolve workers' requests"),
                                             order=20))
    register_admin_section(app, AdminSection("service_admin.settings", _l("Request settings"),
                                             _l("Who handles each service, deadlines, topics"),
                                             order=21))
    register_admin_section(app, AdminSection("service_admin.statistics", _l("Request statistics"),
                                             _l("Requests by month, resolution and satisfaction"),
                                             order=22))
    register_admin_alerts(app, _alerts)
    old_url = login_required(_old_admin_url)
    for rule in ("/admin/requests", "/admin/requests/", "/admin/requests/<path:rest>"):
        app.add_url_rule(rule, "service_admin_old_url", old_url)


def _old_admin_url(rest=""):
    """The chair's pages were under /admin/requests/ until the feature had one name (issue
    15): a bookmark, or a link the chair was sent, still opens the same page."""
    from flask import redirect, request
    query = request.query_string.decode()
    return redirect(f"{request.script_root}/admin/service/{rest}" + (f"?{query}" if query else ""),
                    code=301)


def _local_time(value, fmt="%Y-%m-%d %H:%M"):
    """A stored UTC time in the station's time zone (cheaper than Babel for long tables)."""
    from flask import current_app
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return value.replace(tzinfo=UTC).astimezone(zone).strftime(fmt)


def _alerts():
    """Overdue and unanswered urgent requests on the administrator's dashboard: three
    counts over every request, once per data version, language and minute."""
    from flask import request
    from flask_babel import get_locale

    from .. import data_version
    key = ("request_alerts", str(get_locale()), request.script_root, data_version.minute())
    return data_version.cached(key, _read_alerts)


def _read_alerts():
    from flask import current_app

    from . import queries
    handler = current_app.config["KIOSK_ROLE"]
    overdue, urgent = queries.attention_counts(handler)
    alerts = []
    crises = queries.unanswered_crises(handler)
    if crises:
        # First on the page: someone may be in danger (crisis.py).
        alerts.append((ngettext(
            "%(num)d request speaks of despair or asks for counselling: please read it now.",
            "%(num)d requests speak of despair or ask for counselling: please read them now.",
            crises), url_for("service_admin.inbox", crisis=1, status="open")))
    if urgent:
        alerts.append((ngettext("%(num)d urgent service request waits for an answer.",
                                "%(num)d urgent service requests wait for an answer.", urgent),
                       url_for("service_admin.inbox", urgent=1, status="open")))
    if overdue:
        alerts.append((ngettext("%(num)d service request is past its first-answer deadline.",
                                "%(num)d service requests are past their first-answer deadline.",
                                overdue), url_for("service_admin.inbox", overdue=1)))
    if handler == "station":
        waiting = queries.waiting_for_central()
        if waiting:
            alerts.append((ngettext(
                "%(num)d request for the city federation waits for the next sync.",
                "%(num)d requests for the city federation wait for the next sync.", waiting),
                url_for("service_admin.inbox", handled="central")))
    return alerts

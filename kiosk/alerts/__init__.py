"""Alerts that reach the chair's phone: WeCom and DingTalk robots, SMTP e-mail.

The chair sets up channels and chooses per channel which events raise an alert
(``admin``); the events call ``triggers`` (or ``raise_alert``) inside their own
transaction, which queues the alert in the local outbox (``outbox``); the deliverer
(``deliverer``: a thread in the server, ``flask alerts deliver``, a systemd timer)
sends it with retries (``channels``), in the few words of ``messages``.

For a feature that raises an alert of its own::

    from kiosk.alerts import raise_alert        # inside the event's transaction
    raise_alert("life_event", f"life_event:{event.id}", team=team.name,
                member_id=str(member.id), kind=event.kind)

or the ready-made ``kiosk.alerts.triggers.life_event_reported(event.id, member, kind)``
and ``triggers.morning_sheet_ready(day, upset=…, talk=…, requests=…, care=…)``.
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from .outbox import TRIGGERS, raise_alert  # noqa: F401  (the function other features call)

admin_bp = Blueprint("alerts_admin", __name__, url_prefix="/admin/alerts")


from .labels import template_labels  # noqa: E402

admin_bp.context_processor(template_labels)


def init_app(app):
    from ..tiles import AdminSection, register_admin_alerts, register_admin_section
    from . import admin, deliverer, triggers
    from .cli import alerts_command
    app.register_blueprint(admin_bp)
    register_admin_section(app, AdminSection("alerts_admin.channels", _l("Notifications"),
                                             _l("Alerts to your phone: WeCom, DingTalk, e-mail; "
                                                "the delivery log"), order=40))
    register_admin_alerts(app, admin.admin_alerts)
    deliverer.init_app(app)
    app.cli.add_command(alerts_command)
    from ..care.morning_sheet import on_ready
    on_ready(app, triggers.sheet_ready)

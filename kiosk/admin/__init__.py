"""The union chair's pages under /admin: login, roster, and each feature's admin views."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..tiles import AdminSection, admin_sections, register_admin_section

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import auth, pin_slips, roster, roster_import, throttle  # noqa: E402,F401  (their views register on blueprints)


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["admin_login_throttle"] = throttle.LoginThrottle(
        free=app.config["ADMIN_LOGIN_FREE_FAILURES"], cap=app.config["ADMIN_LOGIN_MAX_WAIT"])
    if app.config["KIOSK_ROLE"] != "station":
        _register_context(app)
        return  # the roster lives at the stations; central sees counts only
    register_admin_section(app, AdminSection("roster.members", _l("Members"),
                                             _l("Search, add, edit and deactivate members"), order=10))
    register_admin_section(app, AdminSection("roster.teams", _l("Workshops and teams"),
                                             _l("The teams workers pick at the kiosk"), order=11))
    register_admin_section(app, AdminSection("roster.import_roster", _l("Import roster"),
                                             _l("Add and update members from an Excel CSV; "
                                                "photos in bulk"), order=12))
    app.register_blueprint(roster.roster_bp)
    _register_context(app)


def _register_context(app):
    @app.context_processor
    def _admin_context():
        return {"current_admin": auth.current_admin,
                "admin_sections": lambda: admin_sections(app)}

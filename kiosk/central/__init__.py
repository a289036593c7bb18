"""The central role: the federation's server (station registry, sync API, dashboard).

The chair's pages (``dashboard``, ``stations``, ``conflicts``) are on ``admin_bp``;
the signed sync API (``api``) and the page a worker's phone opens from a receipt's QR
(``tracking``) have blueprints of their own, with their own error handling.
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..tiles import AdminSection, register_admin_section

admin_bp = Blueprint("central", __name__, url_prefix="/admin/central")

from . import conflicts, dashboard, stations  # noqa: E402,F401  (views register on admin_bp)


def init_app(app):
    from .. import errors
    from ..extensions import csrf
    from ..sync import protocol
    from . import api, cli, tracking
    # The API is for machines that sign every request; a browser's CSRF token has no place there.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    # 404s and 405s under the API's prefix match no blueprint: the app's error pages
    # hand them to the API, which answers JSON with a stable code.
    errors.register_area(app, protocol.API_PREFIX + "/", api.api_error)
    app.register_blueprint(admin_bp)
    # The page a worker's phone opens from the receipt's QR (no login, no form).
    app.register_blueprint(tracking.bp)
    app.cli.add_command(cli.central_command)
    register_admin_section(app, AdminSection("central.dashboard", _l("Federation"),
                                             _l("Every station's sync and city-wide figures"),
                                             order=1))
    register_admin_section(app, AdminSection("central.stations", _l("Stations"),
                                             _l("Register stations and issue their secrets"),
                                             order=2))
    register_admin_section(app, AdminSection("central.announcements", _l("Announcements"),
                                             _l("Notices that every station shows"), order=3))

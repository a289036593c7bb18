"""The admin shell: the chair's login and logout, the layout, and the admin home with the
menu, alerts and panels each feature registers (``kiosk/tiles.py``). No feature lives here:
each has its own ``admin_bp`` under ``/admin/<feature>``."""
from flask import Blueprint

from ..tiles import admin_sections

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import auth, throttle  # noqa: E402  (the login views register on bp)


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["admin_login_throttle"] = throttle.LoginThrottle(
        free=app.config["ADMIN_LOGIN_FREE_FAILURES"], cap=app.config["ADMIN_LOGIN_MAX_WAIT"])

    @app.context_processor
    def _admin_context():
        return {"current_admin": auth.current_admin,
                "admin_sections": lambda: admin_sections(app)}

"""Administrator login: argon2 hashes, lockout after repeated failures, expiring sessions."""
import time
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..htmx import render
from ..kiosk_home import safe_next
from ..models import AdminUser, AuditLog
from ..storage import best_effort
from . import bp

hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take as long.
_DUMMY_HASH = hasher.hash("not a password")


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def hash_password(password):
    return hasher.hash(password)


def check_password(user, password):
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def current_admin():
    """The logged-in administrator, or None once the session has expired."""
    # Cached on the request (not on g, which may outlive one request).
    if hasattr(request, "_kiosk_admin"):
        return request._kiosk_admin
    admin = None
    admin_id = session.get("admin_id")
    if admin_id is not None:
        idle = time.time() - session.get("admin_seen", 0)
        if idle > current_app.config["ADMIN_SESSION_MINUTES"] * 60:
            _end_session()
        else:
            admin = AdminUser.get_or_none((AdminUser.id == admin_id) & AdminUser.active)
            if admin is not None:
                session["admin_seen"] = time.time()
    request._kiosk_admin = admin
    return admin


def _end_session():
    session.pop("admin_id", None)
    session.pop("admin_seen", None)


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_admin() is None:
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def audit(action, target="", detail=""):
    admin = current_admin()
    AuditLog.record(admin.username if admin else "-", action, target, detail)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = AdminUser.get_or_none(AdminUser.username == form.username.data.strip())
        config = current_app.config
        if user is not None and user.is_locked():
            error = _("Too many failed attempts. This account is locked for %(minutes)d minutes.",
                      minutes=config["ADMIN_LOCKOUT_MINUTES"])
        elif check_password(user, form.password.data) and user.active:
            # Bookkeeping only: on a full disk the chair must still get in (issue 16).
            with best_effort("the login's bookkeeping"):
                user.record_success()
                AuditLog.record(user.username, "login")
            session.clear()  # a fresh session: no fixation, no kiosk leftovers
            session["admin_id"] = user.id
            session["admin_seen"] = time.time()
            return redirect(safe_next(request.args.get("next")) if request.args.get("next")
                            else url_for("admin.dashboard"))
        else:
            if user is not None:
                user.record_failure(config["ADMIN_MAX_FAILED_LOGINS"],
                                    config["ADMIN_LOCKOUT_MINUTES"])
                if user.is_locked():
                    AuditLog.record(user.username, "locked out")
            error = _("Wrong username or password.")
    elif request.method == "POST":
        error = _("Please enter your username and password.")
    return render("admin/login.html", form=form, error=error), (401 if error else 200)


@bp.post("/logout")
def logout():
    """Log out and return to the login page."""
    admin = current_admin()
    if admin is not None:
        AuditLog.record(admin.username, "logout")
    _end_session()
    request._kiosk_admin = None
    flash(_("You have logged out."))
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required
def dashboard():
    """The administrator's home: what needs attention, and links to each area."""
    from .. import tiles
    return render("admin/dashboard.html", sections=tiles.admin_sections(current_app),
                  alerts=tiles.admin_alerts(current_app))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A friendly message instead of a bare 413 when an upload passes MAX_CONTENT_LENGTH."""
    flash(_("The upload is larger than %(megabytes)d MB. Split it into smaller files.",
            megabytes=max(1, current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))))
    return redirect(request.path, code=303)

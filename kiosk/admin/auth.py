"""Administrator login: argon2 hashes, throttled failures, sessions that end."""
import time
from functools import wraps

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import passwords
from ..htmx import render
from ..models import AdminUser, AuditLog
from ..next_url import safe_next
from ..storage import best_effort
from . import bp


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def hash_password(password):
    return passwords.hasher.hash(password)


def check_password(user, password):
    try:
        passwords.hasher.verify(user.password_hash if user else passwords.dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


# What an admin session keeps in the signed cookie: who, under which generation
# (AdminUser.session_generation), since when, and the last request.
ADMIN_SESSION_KEYS = ("admin_id", "admin_gen", "admin_since", "admin_seen")


def current_admin():
    """The logged-in administrator, or None once the session has ended.

    A session ends when idle too long, when older than its absolute lifetime, and
    when the administrator logs out, gets a new password or is deactivated (the
    generation in the database moved on, so even a copied cookie stops working).
    """
    # Cached on the request (not on g, which may outlive one request).
    if hasattr(request, "_kiosk_admin"):
        return request._kiosk_admin
    admin = None
    if session.get("admin_id") is not None:
        admin = _session_admin()
        if admin is None:
            end_admin_session()
        else:
            session["admin_seen"] = time.time()
    request._kiosk_admin = admin
    return admin


def _session_admin():
    config, now = current_app.config, time.time()
    seen, since = session.get("admin_seen"), session.get("admin_since")
    if not (isinstance(seen, (int, float)) and isinstance(since, (int, float))):
        return None
    if now - seen > config["ADMIN_SESSION_MINUTES"] * 60:
        return None
    if now - since > config["ADMIN_SESSION_MAX_HOURS"] * 3600:
        return None
    admin_id, generation = session.get("admin_id"), session.get("admin_gen")
    if not (isinstance(admin_id, int) and isinstance(generation, int)):
        return None
    return AdminUser.get_or_none((AdminUser.id == admin_id) & AdminUser.active
                                 & (AdminUser.session_generation == generation))


def end_admin_session():
    """Forget the admin session in this browser (logout, /reset, expiry)."""
    for key in ADMIN_SESSION_KEYS:
        session.pop(key, None)
    request._kiosk_admin = None


def _start_admin_session(user):
    session.clear()  # a fresh session: no fixation, no kiosk leftovers
    now = time.time()
    session.update(admin_id=user.id, admin_gen=user.session_generation,
                   admin_since=now, admin_seen=now)


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


def _throttle():
    return current_app.extensions["admin_login_throttle"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password."""
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        username, address = form.username.data.strip(), request.remote_addr or "-"
        wait = _throttle().wait(username, address)
        if wait:
            # Not counted, not checked: the same answer whether the account exists.
            error, status = _("Too many failed attempts. Please wait %(seconds)d seconds "
                              "and try again.", seconds=wait), 429
        else:
            user = AdminUser.get_or_none(AdminUser.username == username)
            if check_password(user, form.password.data) and user.active:
                _throttle().success(username, address)
                # Bookkeeping only: on a full disk the chair must still get in (issue 16).
                with best_effort("the login's bookkeeping"):
                    user.record_success()
                    AuditLog.record(user.username, "login")
                _start_admin_session(user)
                return redirect(safe_next(request.args.get("next"), url_for("admin.dashboard")))
            _throttle().failure(username, address)
            with best_effort("a failed login's audit line"):
                AuditLog.record(username[:40], "login failed", detail=address[:100])
            error, status = _("Wrong username or password."), 401
    elif request.method == "POST":
        error, status = _("Please enter your username and password."), 401
    return render("admin/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Log out and return to the login page: every copy of this session ends too."""
    admin = current_admin()
    if admin is not None:
        with best_effort("the end of the other copies of this session"):
            admin.end_sessions()
            AuditLog.record(admin.username, "logout")
    end_admin_session()
    flash(_("You have logged out."))
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required
def dashboard():
    """The administrator's home: what needs attention, and links to each area."""
    from .. import tiles
    return render("admin/dashboard.html", sections=tiles.admin_sections(current_app),
                  alerts=tiles.admin_alerts(current_app),
                  panels=tiles.admin_panels(current_app))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A friendly message instead of a bare 413 when an upload passes MAX_CONTENT_LENGTH."""
    flash(_("The upload is larger than %(megabytes)d MB. Split it into smaller files.",
            megabytes=max(1, current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))))
    return redirect(request.path, code=303)

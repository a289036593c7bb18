"""Every error answers the person in front of the screen, in their language.

The kiosk gets its own layout (首页 and the idle timer, so a terminal in kiosk
mode returns home by itself); the admin pages and central get the admin
layout; an htmx request gets a short notice (static/js/faults.js shows it at
the element that was tapped). Never a traceback, never Werkzeug's English page.
A write that failed for lack of disk space is a 503 "could not save".
"""
import logging
import sqlite3

import peewee
from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from . import storage
from .htmx import is_htmx

log = logging.getLogger(__name__)

COULD_NOT_SAVE = _l("Could not save right now. Please try again later or contact the union.")
MESSAGES = {
    404: _l("This page does not exist."),
    413: _l("That was too much to send at once."),
    429: _l("Too many tries in a short time. Please wait a moment and try again."),
    500: _l("Something went wrong. Please try again later or contact the union."),
    503: COULD_NOT_SAVE,
}
OTHER_4XX = _l("This did not work. Please start again from the home screen.")

# When even the layout cannot be drawn (the database is gone): Chinese, a way home,
# and a meta refresh home (no script: the CSP forbids inline script).
BARE_PAGE = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{seconds};url=/reset"><title>职工服务驿站</title>
<link rel="stylesheet" href="/static/css/kiosk.css"></head><body class="kiosk">
<main class="screen error-screen"><h1 class="screen-title">{message}</h1>
<p><a class="btn btn-primary btn-xl" href="/reset">首页</a></p></main></body></html>"""
BARE_MESSAGE = "暂时无法使用，请稍后再试或联系工会。"


def message_for(code):
    if code in MESSAGES:
        return MESSAGES[code]
    return OTHER_4XX if code < 500 else MESSAGES[500]


def _is_admin_area():
    return current_app.config["KIOSK_ROLE"] == "central" or request.path.startswith("/admin")


def error_response(code, message=None):
    """The friendly page (or htmx notice) for an HTTP status."""
    message = message or message_for(code)
    try:
        if is_htmx():
            html = render_template("errors/_notice.html", message=message)
        elif _is_admin_area():
            html = render_template("errors/admin.html", code=code, message=message)
        else:
            html = render_template("errors/kiosk.html", code=code, message=message)
    except Exception:  # the layout itself failed: still answer, in Chinese, with a way home
        log.exception("the error page for %s could not be drawn", code)
        html = BARE_PAGE.format(seconds=int(current_app.config["KIOSK_IDLE_SECONDS"]),
                                message=escape(BARE_MESSAGE))
    return html, code


def register_area(app, prefix, handler):
    """A part of the app that answers its own HTTP errors (central's sync API answers
    JSON to machines). One app-wide handler dispatches, so no registration order matters."""
    app.extensions.setdefault("kiosk_error_areas", []).append((prefix, handler))


def _area_handler():
    for prefix, handler in current_app.extensions.get("kiosk_error_areas", []):
        if request.path.startswith(prefix):
            return handler
    return None


def _http_error(error):
    area = _area_handler()
    if area is not None:
        return area(error)
    if error.code is None or error.code < 400 or request.path.startswith("/api/"):
        return error  # redirects, and a machine API keeps its own answers
    if error.code >= 500 and error.code != 503:
        original = getattr(error, "original_exception", None)
        if original is not None and storage.is_storage_error(original):
            storage.note_failure(original)
            return error_response(503, COULD_NOT_SAVE)
    html, code = error_response(error.code)
    if error.code == 405:  # keep the Allow header Werkzeug would have sent
        return html, code, {"Allow": ", ".join(getattr(error, "valid_methods", None) or [])}
    return html, code


def _database_error(error):
    """A write on a full disk (or a read-only fallback) is "could not save", not a 500."""
    if not storage.is_storage_error(error):
        raise error
    storage.note_failure(error)
    if request.path.startswith("/api/"):
        return {"error": "server_error", "message": "the station's disk is full"}, 503
    return error_response(503, COULD_NOT_SAVE)


def init_app(app):
    app.register_error_handler(HTTPException, _http_error)
    # Called by Flask for unhandled exceptions (not in tests, which propagate them).
    app.register_error_handler(InternalServerError, _http_error)
    for cls in (peewee.DatabaseError, sqlite3.DatabaseError, OSError):
        app.register_error_handler(cls, _database_error)

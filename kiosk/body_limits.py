"""Request bodies capped per route class.

A kiosk form (identification, a request, a check-in) is a few hundred bytes;
without a cap of its own it shared the admin upload limit (64 MB), so anyone on
the network could make the terminal parse 64 MB bodies. Admin uploads (roster
CSV, a zip of photos) keep MAX_CONTENT_LENGTH, and so does the signed sync API,
which checks its own batch sizes. Werkzeug refuses an oversized body from its
Content-Length before reading it, answering 413.
"""
from flask import request

# Routes that keep the app-wide MAX_CONTENT_LENGTH.
LARGE_BODY_PREFIXES = ("/admin/", "/api/")


def init_app(app):
    # Registered before the extensions: CSRF protection reads the form in its own
    # before_request, and the cap must be in place before anything reads the body.
    @app.before_request
    def _cap_public_forms():
        if not request.path.startswith(LARGE_BODY_PREFIXES):
            request.max_content_length = min(app.config["KIOSK_FORM_MAX_BYTES"],
                                             app.config["MAX_CONTENT_LENGTH"] or 2 ** 63)

"""Central: the page a worker's phone opens from the receipt's QR code (/t/<code>).

The station serves only its own terminal (127.0.0.1); central is the one address
a phone on the mobile network can reach, and after the nightly sync (at once for
the federation's own requests) it holds a copy of every request. The page shows
what the kiosk's 查进度 shows the worker, minus anything that could name them:
the category, the day it was sent, the status and the union's public replies —
not the worker's words, not the topic they may have typed, not a phone number,
and not which station or enterprise it came from. So whoever finds a receipt
learns the progress of *a* request, never whose it is.

The code is a bearer secret: it is never logged (no log call here; waitress, the
production server, keeps no access log; a reverse proxy in front must not log the
path of /t/ either: README, "Phones"), the answer is ``no-store`` and ``noindex``,
and guesses are slowed down like at the kiosk (service/limits.py).
"""
from flask import Blueprint, current_app, render_template, request

from ..service import categories, lifecycle, receipt
from ..service.limits import GuessBackoff, SlidingWindow
from ..service.models import RESPONSE_KINDS, ServiceRequest

bp = Blueprint("tracking", __name__)


def _limits(app):
    if "tracking_limits" not in app.extensions:
        app.extensions["tracking_limits"] = {
            "lookups": SlidingWindow(app.config["TRACKING_LOOKUPS_PER_HOUR"], 3600),
            "guesses": GuessBackoff(free=3, cap=300, memory=3600),
        }
    return app.extensions["tracking_limits"]


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/t/<path:text>")
def track(text):
    """The progress of the request whose receipt code is in the URL, for a phone."""
    limits = _limits(current_app)
    address = request.remote_addr or "-"
    wait = max(limits["lookups"].wait(address), limits["guesses"].wait(address))
    if wait:
        return _private(current_app.make_response(
            (render_template("central/track_phone.html", wait=wait), 429)))
    limits["lookups"].record(address)
    code = receipt.normalise(text)
    found = ServiceRequest.get_or_none(ServiceRequest.receipt_code == code) if code else None
    if found is None:
        limits["guesses"].failure(address)
        return _private(current_app.make_response(
            (render_template("central/track_phone.html", missing=True), 404)))
    events = lifecycle.history(found, public_only=True)
    return _private(current_app.make_response(render_template(
        "central/track_phone.html", sr=found, events=events, response_kinds=RESPONSE_KINDS,
        category=categories.get(found.category))))

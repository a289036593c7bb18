"""Following a request at the kiosk: by receipt code (or its QR), or by proving who one is.

A wrong code gets the same "not found" whatever it was — a typo, a code that
never existed, a string that is not a code — so the answer reveals nothing
about which codes exist; after a few, the terminal has to wait longer each time.
A named request is private: a photo tap or a staff number (a claim) does not open it,
a badge or the personal PIN (proof) does.
"""
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..htmx import redirect_to, render
from ..identify import member_required, proven_member
from . import bp, categories, lifecycle, queries, receipt, visitor
from .models import ServiceRequest


def _limits():
    return current_app.extensions["service_request_limits"]


@bp.route("/track", methods=["GET", "POST"])
def track():
    """Type the receipt code on the keypad, or hold the receipt's QR to the scanner."""
    error, typed, status = None, "", 200
    if request.method == "POST":
        typed = request.form.get("code", "")[:200]   # a scanned tracking URL is longer
        terminal, address = visitor.terminal_keys()
        guesser = visitor.guesser_key()
        wait = _limits().guess_wait(guesser, terminal, address)
        code = receipt.normalise(typed)
        found = None
        if wait:
            error = _("Too many codes were not found on this terminal. "
                      "Please wait %(seconds)d seconds and try again.", seconds=wait)
            status = 429
        else:
            found = (ServiceRequest.get_or_none(ServiceRequest.receipt_code == code)
                     if code else None)
            if found is None:
                _limits().wrong_guess(guesser, terminal, address)
                error = _("No request was found with this code. "
                          "Please check the code on your receipt and try again.")
                status = 422
        if found is not None:
            visitor.grant(found.id)
            return redirect_to(url_for(".status", request_id=found.id))
        # Only digits go back into the keypad's display.
        typed = "".join(ch for ch in typed if ch.isascii() and ch.isdigit())[:receipt.DIGITS]
    return render("service/track.html", "lookup", error=error, typed=typed,
                  digits=receipt.DIGITS), status


def _visible_request(request_id):
    """The request, if this visitor opened it by code, or proved they filed it under their name."""
    found = ServiceRequest.get_or_none(ServiceRequest.id == request_id)
    if found is None:
        return None
    if visitor.may_see(found.id):
        return found
    member = proven_member()
    if member is not None and found.member_id == member.id:
        return found
    return None


@bp.get("/requests/<uuid:request_id>")
def status(request_id):
    """Where the request stands: its public history and the union's replies."""
    found = _visible_request(request_id)
    if found is None:
        return redirect_to(url_for(".track"))
    return _render_status(found)


@bp.post("/requests/<uuid:request_id>/rating")
def rate(request_id):
    """Satisfied in one tap; "not satisfied" asks why first (one more tap, which may be
    "I'd rather not say"), then reopens it for the chair with the reason."""
    found = _visible_request(request_id)
    if found is None:
        abort(404)
    verdict = request.form.get("verdict")
    if verdict not in (lifecycle.SATISFIED, lifecycle.UNSATISFIED):
        return _render_status(found, error=_("Please tap one of the two answers.")), 422
    reason = ""
    if verdict == lifecycle.UNSATISFIED:
        reason = request.form.get("reason")
        if reason is None:
            return _render_status(found, ask_why=True)
        if reason not in lifecycle.REOPEN_REASONS + (lifecycle.NO_REASON,):
            return _render_status(found, ask_why=True,
                                  error=_("Please tap one of the answers.")), 422
        reason = "" if reason == lifecycle.NO_REASON else reason
    try:
        found = lifecycle.rate(found.id, verdict == lifecycle.SATISFIED,
                               origin=current_app.config["KIOSK_ROLE"], reason=reason)
    except lifecycle.AlreadyRated:
        return _render_status(ServiceRequest.get_by_id(found.id),
                              error=_("This request has been rated already.")), 422
    return _render_status(found, just_rated=verdict)


def _render_status(found, error=None, just_rated=None, ask_why=False):
    events = lifecycle.history(found, public_only=True)
    return render("service/status.html", "status_card", sr=found, events=events,
                  can_rate=lifecycle.can_rate(found, events), error=error, ask_why=ask_why,
                  reasons=lifecycle.REOPEN_REASONS,
                  just_rated=just_rated, config=categories.config(found.category))


def my_page_section(member):
    """The worker's named requests on their own page (identify.register_my_page)."""
    return Markup(render_template("service/_my_requests.html",
                                  requests=queries.requests_of(member)[:MY_PAGE_REQUESTS]))


MY_PAGE_REQUESTS = 5


@bp.get("/mine")
@member_required(purpose="my_requests", proof=True)
def mine():
    """The requests a worker filed under their name, once they proved who they are."""
    member = proven_member()
    return render("service/mine.html", member=member,
                  requests=queries.requests_of(member))

"""Stepping up from a claim to proof at the kiosk: the personal PIN, a badge, a PIN set-up.

A worker who tapped a photo or typed a staff number (a claim) is asked, where a
feature needs proof, for their personal PIN or a badge scan, on the same screen and
without starting over. A worker who has no PIN yet sets one with the one-time code on
the slip the union chair printed: the code, then the new PIN twice.
"""
import time

from flask import redirect, request, session, url_for
from flask_babel import gettext as _

from ..htmx import redirect_to, render
from ..next_url import safe_next
from ..roster import pins
from . import (
    PURPOSES,
    after_identify,
    bp,
    identified_member,
    identify_url,
    proven_member,
    remember,
)

# The set-up's steps, kept beside the claim in the session: a new claim drops them.
CODE, CHOOSE, AGAIN = "code", "choose", "again"


def _next_and_purpose():
    target = request.values.get("next")
    purpose = request.values.get("purpose") or ""
    purpose = purpose if purpose in PURPOSES else ""
    return (safe_next(target) if target else ""), purpose


def _wait_message(seconds):
    return _("Too many wrong tries for this member. Please wait %(seconds)d seconds, "
             "or ask the union office.", seconds=seconds)


@bp.route("/prove", methods=["GET", "POST"])
def prove():
    """Is it really you? A badge scan or the personal PIN, after a photo tap or staff number."""
    next_url, purpose = _next_and_purpose()
    member = identified_member()
    if member is None:
        return redirect_to(identify_url(next_url or url_for("identify.hello"), purpose or None))
    if proven_member() is not None:
        return redirect_to(next_url or url_for("identify.hello"))
    error, status = None, 200
    if request.method == "POST":
        result, wait = pins.check_pin(member, request.form.get("pin", "")[:pins.PIN_MAX * 2])
        if result == pins.OK:
            remember(member, "pin")
            return redirect_to(after_identify(member, next_url or url_for("identify.hello")))
        if wait:
            error, status = _wait_message(wait), 429
        else:
            error, status = _("This PIN is not right. Please try again."), 422
    return render("identify/prove.html", "prove_panel", member=member, next_url=next_url,
                  purpose=purpose, purpose_text=PURPOSES.get(purpose, ""),
                  error=error), status


@bp.route("/pin", methods=["GET", "POST"])
def pin_setup():
    """Set one's own PIN with the set-up code from the chair's slip: the code, then the PIN twice."""
    next_url, _purpose = _next_and_purpose()
    here = url_for("identify.pin_setup", next=next_url or None)
    member = identified_member()
    if member is None:
        return redirect_to(identify_url(here, "pin"))
    claim = session["member"]
    step = claim.get("pin_setup", CODE)
    if request.method == "GET":
        step = CODE
        claim.pop("pin_setup", None)
        session["member"] = claim
    error, status = None, 200
    if request.method == "POST":
        typed = request.form.get("secret", "")[:32]
        step, error, status = _advance(member, claim, step, typed)
        if step is None:
            remember(member, "pin")
            return redirect_to(after_identify(member, next_url or url_for("identify.hello")))
    return render("identify/pin_setup.html", "pin_panel", member=member, step=step,
                  next_url=next_url, error=error), status


def _advance(member, claim, step, typed):
    """(next step or None when done, error, status) for what was typed at ``step``."""
    if step == CODE:
        result, wait = pins.check_setup_code(member, typed)
        if result == pins.OK:
            _set_step(claim, CHOOSE)
            return CHOOSE, None, 200
        if wait:
            return CODE, _wait_message(wait), 429
        return CODE, _("This set-up code is not right, or it has been used or has expired. "
                       "Please check the slip, or ask the union office for a new one."), 422
    if step == CHOOSE:
        problem = pins.pin_problem(typed)
        if problem == "format":
            return CHOOSE, _("Please choose 4 to 6 digits."), 422
        if problem == "easy":
            return CHOOSE, _("This PIN is too easy to guess. Please choose another."), 422
        pins.choose(member, typed)
        _set_step(claim, AGAIN)
        return AGAIN, None, 200
    if pins.confirm(member, typed):
        return None, None, 200
    _set_step(claim, CHOOSE)
    return CHOOSE, _("The two PINs were not the same. Please choose your PIN again."), 422


def _set_step(claim, step):
    claim["pin_setup"] = step
    claim["at"] = time.time()  # typing a code and a PIN twice takes a while
    session["member"] = claim


@bp.get("/not-me")
def not_me():
    """A claim made by mistake (or by someone else): drop it and choose again."""
    next_url, purpose = _next_and_purpose()
    session.pop("member", None)
    return redirect(identify_url(next_url or None, purpose or None))

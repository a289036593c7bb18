"""Identification at the kiosk: one component with two strengths that every feature calls.

A worker identifies in one of three ways — tap their team, then their photo;
type their staff number on the keypad; or scan a badge with a reader that
types the code and Enter — and is sent on to ``next``.

A photo tap or a typed staff number is a *claim*: anyone can make it for anyone, so
it is enough only for what the paper board allowed anyone (a mood check-in, the
boards). A badge scan, or the personal PIN typed after a claim, is *proof*; it is
needed for everything private (one's requests, one's details, filing under one's
name). A feature asks with ``@member_required(purpose)`` or
``@member_required(purpose, proof=True)`` (or ``identified_member()`` /
``proven_member()``) and links to ``identify_url(next)`` or ``proof_url(next)``;
a claimed member steps up to proof on ``identify.prove`` without starting over.

Both are short-lived and kept in the session only, so the next person at the
terminal is never taken for the last one. After a mere claim no screen shows the
member's staff number, badge code or PIN: they are what proof would ask for.

This module is what features call; the screens are in ``screens`` (the team list,
the photo grid, the keypad, the worker's own page) and ``step_up`` (PIN, badge, PIN
set-up), both on ``bp``.
"""
import time
from functools import wraps

from flask import Blueprint, current_app, request, session, url_for
from flask_babel import lazy_gettext as _l

from ..htmx import redirect_to
from ..roster.models import Member
from ..tiles import Tile, register_tile

bp = Blueprint("identify", __name__, url_prefix="/identify")

PROOF_METHODS = ("badge", "pin")

# What the worker is identifying for, shown under the title so they know why.
PURPOSES = {
    "mood": _l("To check in on the weather board"),
    "service": _l("To file your request with your name"),
    "my_requests": _l("To see the requests you filed"),
    "details": _l("To see your details"),
    "pin": _l("To set up your personal PIN"),
    "care_report": _l("To tell the union about an event in your life"),
}


def init_app(app):
    app.register_blueprint(bp)
    # Identification on its own: a worker checks that the station knows them.
    register_tile(app, Tile("identify.start", _l("My page"),
                            _l("My requests and my moods"), "idcard",
                            order=90, tone="slate"))


def identified_member():
    """The member identified at this terminal in the last few minutes, or None."""
    data = session.get("member")
    if not data:
        return None
    if time.time() - data.get("at", 0) > current_app.config["KIOSK_IDENTIFIED_SECONDS"]:
        session.pop("member", None)
        return None
    member = Member.get_or_none((Member.id == data["id"]) & Member.active)
    if member is None:
        session.pop("member", None)
    return member


def proven_member():
    """The member who proved who they are (badge or PIN) in the last few minutes, or None."""
    member = identified_member()
    if member is None or identified_method() not in PROOF_METHODS:
        return None
    return member


def identified_method():
    """How the current member identified: photo, keypad, badge or pin."""
    return (session.get("member") or {}).get("method")


def remember(member, method):
    session["member"] = {"id": str(member.id), "at": time.time(), "method": method}


def keep_alive():
    """The member is still at work on a screen (typing, choosing dates): the
    identification lasts from this touch, as while setting up a PIN. The idle
    timeout still ends it when nobody touches the screen."""
    claim = session.get("member")
    if claim and identified_member() is not None:
        claim["at"] = time.time()
        session["member"] = claim


def identify_url(next_url, purpose=None):
    return url_for("identify.start", next=next_url, purpose=purpose)


def proof_url(next_url, purpose=None):
    """Where to prove: a claimed member steps up; anyone else identifies first."""
    if identified_member() is not None:
        return url_for("identify.prove", next=next_url, purpose=purpose)
    return identify_url(next_url, purpose)


def member_required(purpose=None, proof=False):
    """Send a visitor through identification (and proof, if asked), then back here."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            here = request.full_path.rstrip("?")
            if identified_member() is None:
                return redirect_to(identify_url(here, purpose))
            if proof and proven_member() is None:
                return redirect_to(proof_url(here, purpose))
            return view(*args, **kwargs)
        return wrapped
    return decorator


def register_my_page(app, provider):
    """``provider(member)`` returns an HTML section of the worker's own page, or None.
    Features add theirs (service requests, the weather board) without this module
    knowing them, as with the home tiles."""
    app.extensions.setdefault("kiosk_my_page", []).append(provider)


def register_after_identify(app, hook):
    """``hook(member, next_url)`` returns a screen to show first (e.g. a birthday
    greeting that then goes on to ``next_url``), or None."""
    app.extensions.setdefault("kiosk_after_identify", []).append(hook)


def after_identify(member, next_url):
    """Where a member goes once identified or proven: a hook's screen first, else ``next_url``.

    Called on every way in — a photo tap, a staff number, a badge, a PIN after a
    claim, a PIN just set up — so that what a hook shows once a day (the birthday
    greeting) does not depend on the way the worker identified."""
    for hook in current_app.extensions.get("kiosk_after_identify", []):
        first = hook(member, next_url)
        if first:
            return first
    return next_url


from . import screens, step_up  # noqa: E402,F401  (views: their routes join bp)

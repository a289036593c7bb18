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
"""
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import Blueprint, current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from . import data_version
from .htmx import redirect_to, render
from .next_url import safe_next
from .page_cache import cacheable_page
from .roster.models import Member, Team
from .tiles import Tile, register_tile

bp = Blueprint("identify", __name__, url_prefix="/identify")

METHODS = ("photo", "keypad", "badge")
# The methods that prove who is at the terminal; the others only claim.
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
    from . import proof  # noqa: F401  (the step up to proof: its routes join this blueprint)
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


def _context(**extra):
    target = request.values.get("next")
    next_url = safe_next(target) if target else ""
    purpose = request.values.get("purpose") or ""
    return {"next_url": next_url, "purpose": purpose if purpose in PURPOSES else "",
            "purpose_text": PURPOSES.get(purpose, ""),
            "workshops": _workshops_with_teams(), **extra}


def _workshops_with_teams():
    """Every listed team by workshop: once per data version (every picker shows it)."""
    return data_version.cached(("workshops_with_teams",), _read_workshops_with_teams)


def _read_workshops_with_teams():
    grouped = {}
    for team in Team.listed():
        grouped.setdefault(team.workshop, []).append(team)
    return list(grouped.items())


@lru_cache(maxsize=4096)
def pinyin_key(name):
    """A name's sort key in pinyin order, as a Chinese list of names is read (张 after 王,
    not by code point). Kept per name: names change far less often than grids are shown.
    Read from the keyboard's word list (its readings are pypinyin's), not pypinyin: that
    was 45 MiB in every kiosk process only to sort names (issue 15)."""
    from .pinyin import dictionary
    return dictionary.shared().reading(name)


@dataclass(frozen=True, slots=True)
class GridCard:
    id: str
    name: str
    photo_url: str = None


# Where each form's CSRF token goes: the grid is rendered once for every visitor.
CSRF_PLACEHOLDER = "\x00csrf\x00"


def _photo_grid(team, next_url, purpose):
    """The photo cards of ``team`` as HTML, with this visitor's CSRF token.

    Rendered once per data version, language and next/purpose: a grid of 100 cost
    10 ms a request (a pinyin sort, two ``url_for`` and a CSRF token per member);
    the token is put in after, so the cached cards serve every visitor."""
    from flask_babel import get_locale
    from flask_wtf.csrf import generate_csrf
    key = ("photo_grid", str(team.id), str(get_locale()), next_url, purpose, request.script_root)

    def render_grid():
        from .roster.photos import photo_url
        members = sorted(Member.active_members().where(Member.team == team),
                         key=lambda member: pinyin_key(member.name))
        cards = [GridCard(str(m.id), m.name,
                          photo_url(m) if m.photo_consent and m.photo_digest else None)
                 for m in members]
        return render_template("identify/_photo_grid.html", members=cards, next_url=next_url,
                               purpose=purpose, csrf_placeholder=Markup(CSRF_PLACEHOLDER))

    html = data_version.cached(key, render_grid)
    return Markup(html.replace(CSRF_PLACEHOLDER, generate_csrf()))


@bp.get("/")
@cacheable_page
def start():
    """Who are you? Pick your team, type your staff number, or scan your badge."""
    mode = request.args.get("mode", "teams")
    if mode not in ("teams", "keypad"):
        mode = "teams"
    return render("identify/start.html", "picker", mode=mode, **_context())


@bp.get("/team/<uuid:team_id>")
@cacheable_page
def team(team_id):
    """The photo grid of one team."""
    team = Team.get_or_none((Team.id == team_id) & Team.active)
    if team is None:
        return render("identify/start.html", "picker", mode="teams",
                      **_context(error=_("That team was not found. Please choose again.")))
    context = _context()
    return render("identify/start.html", "picker", mode="photos", team=team,
                  grid_html=_photo_grid(team, context["next_url"], context["purpose"]),
                  **context)


@bp.post("/member")
def by_photo():
    """A tap on one's own photo in the grid."""
    member_id = request.form.get("member_id", "")
    member = (Member.get_or_none((Member.id == member_id) & Member.active)
              if _is_uuid(member_id) else None)
    if member is None:
        return render("identify/start.html", "picker", mode="teams",
                      **_context(error=_("That person was not found. Please choose again."))), 422
    remember(member, "photo")
    return redirect_to(_after(member))


@bp.post("/code")
def by_code():
    """A staff number from the keypad, or a badge code from a scanner."""
    method = request.form.get("method") if request.form.get("method") in METHODS else "keypad"
    code = request.form.get("code", "")
    member = Member.find_by_code(code)
    if member is None:
        message = (_("This badge is not registered. Please use your staff number, "
                     "or ask the union office to register your badge.")
                   if method == "badge" else
                   _("No member has the staff number %(code)s. Please check and try again.",
                     code=code.strip()[:32]))
        typed = code.strip()[:32] if method == "keypad" else ""
        return render("identify/start.html", "picker", mode="keypad",
                      **_context(error=message, typed=typed)), 422
    # What the reader sent decides, not the form's say-so: the badge's own code proves,
    # a staff number only claims (it is printed on rosters and lists).
    remember(member, "badge" if member.badge_code == code.strip() else "keypad")
    return redirect_to(_after(member))


@bp.get("/hello")
@member_required(purpose="details", proof=True)
def hello():
    """The worker's own page, after proof: who the station knows them as, and what each
    feature keeps for them (their named requests, their moods) — see register_my_page."""
    member = proven_member()
    sections = [section for provider in current_app.extensions.get("kiosk_my_page", [])
                if (section := provider(member))]
    return render("identify/hello.html", member=member, sections=sections)


def register_my_page(app, provider):
    """``provider(member)`` returns an HTML section of the worker's own page, or None.
    Features add theirs (service requests, the weather board) without this module
    knowing them, as with the home tiles."""
    app.extensions.setdefault("kiosk_my_page", []).append(provider)


def register_after_identify(app, hook):
    """``hook(member, next_url)`` returns a screen to show first (e.g. a birthday
    greeting that then goes on to ``next_url``), or None."""
    app.extensions.setdefault("kiosk_after_identify", []).append(hook)


def _after(member):
    target = request.values.get("next")
    return after_identify(member, safe_next(target) if target else url_for("identify.hello"))


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


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False

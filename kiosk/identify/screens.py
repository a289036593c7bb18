"""The identification screens: the team list, a team's photo grid, the keypad and the badge,
and the worker's own page once proven (the step up to proof is ``step_up``)."""
import uuid
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from .. import data_version
from ..htmx import redirect_to, render
from ..next_url import safe_next
from ..page_cache import cacheable_page
from ..roster.models import Member, Team
from . import PURPOSES, after_identify, bp, member_required, proven_member, remember

METHODS = ("photo", "keypad", "badge")


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
    from ..pinyin import dictionary
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
        from ..roster.photos import photo_url
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


def _after(member):
    target = request.values.get("next")
    return after_identify(member, safe_next(target) if target else url_for("identify.hello"))


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False

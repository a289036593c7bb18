"""The public boards: per team and per workshop, at the kiosk and on a wall display.

A board is read far more often than it changes (wall displays poll, people
look), so its zones are rendered once per *board version* — a few aggregates
that change with every check-in and roster edit — and kept in a small
in-process cache. The page shell around them (with the visitor's CSRF token)
is rendered each time.

The wall display polls the same URL as an htmx request with the digest of the
version it shows; an unchanged board answers 204 (htmx swaps nothing), so the
wall never flickers, and a changed one answers the zones fragment, which
mood.js merges card by card so that photos already on screen stay put.

A wall is never scrolled (issue 14): mood.js sizes the photos to the count
so that everyone fits the screen and, past the smallest size still legible from
across a canteen, pages through the cards with a page indicator. The wall shows
a clock and the time of the server's last answer, and says so when the server
has not answered for MOOD_WALL_STALE_SECONDS.
"""
import hashlib
import threading
import time
import uuid
from collections import OrderedDict

from flask import abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from ..db import db
from ..htmx import is_htmx, render
from ..models import utcnow
from ..page_cache import cacheable_page
from ..tiles import board_strips
from . import bp, station_tz, today
from . import settings as mood_settings
from .board_data import (
    KeptBoards,
    board,
    board_version,
    listed_team,
    listed_workshop,
    overview,
    workshop_teams,
)
from .moods import MOODS
from .retention import run_daily_if_due

TEMPLATE = "mood/board.html"
# A roster change made without saving ``updated_at`` (a bulk update) still
# reaches the boards within this many seconds (MOOD_BOARD_MAX_AGE_SECONDS).
MAX_AGE_SECONDS = 60
# The first cards of a zone (what a screen shows at once) load eagerly, the rest of a
# long kiosk board when scrolled to.
EAGER_CARDS = 30


class ZonesCache:
    """The last few rendered zone fragments (and overviews), keyed by what they show."""

    def __init__(self, size=64):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


zones_cache = ZonesCache()
# The roster's cards and today's moods behind every board (a miss after a check-in
# reads the one row that changed and renders no card again).
kept_boards = KeptBoards()


def _version(day):
    max_age = current_app.config.get("MOOD_BOARD_MAX_AGE_SECONDS", MAX_AGE_SECONDS)
    return (int(time.time() // max_age), *board_version(day))


def _poll_seconds():
    return current_app.config.get("MOOD_WALL_POLL_SECONDS", 5)


def _wall_settings():
    """What the wall's script needs: the station's time zone (a wall screen's own
    clock may be set to anything), when to call the board stale, how long a page
    of photos stays up."""
    config = current_app.config
    return {"tz": station_tz(),
            "stale_seconds": config.get("MOOD_WALL_STALE_SECONDS", 30),
            "page_seconds": config.get("MOOD_WALL_PAGE_SECONDS", 10)}


@bp.get("/board")
@cacheable_page
def board_index():
    """Every team with today's counts: tap a team or a workshop to see its board."""
    day = today(mood_settings.load())
    return render("mood/board_index.html", groups=overview_cached(day, str(get_locale())),
                  moods=MOODS)


def overview_cached(day, locale):
    """Every listed team's counts for ``day`` (board_data.overview), cached per version."""
    key = ("overview", locale, *_version(day))
    groups = zones_cache.get(key)
    if groups is None:
        groups = overview(day)
        zones_cache.put(key, groups)
    return groups


@bp.get("/board/team/<uuid:team_id>")
@cacheable_page
def team_board(team_id):
    """One team's board: three zones with photos, counts, and who has not checked in."""
    team = listed_team(team_id) or abort(404)
    return _board(f"{team.workshop.name} · {team.name}", lambda: [team], "team", team.id,
                  wall=False)


@bp.get("/board/workshop/<uuid:workshop_id>")
@cacheable_page
def workshop_board(workshop_id):
    """A whole workshop's board."""
    workshop = listed_workshop(workshop_id) or abort(404)
    return _board(workshop.name, lambda: workshop_teams(workshop), "workshop", workshop.id,
                  wall=False)


@bp.get("/wall/team/<uuid:team_id>")
def team_wall(team_id):
    """A team's board for a large screen: no buttons, refreshes itself."""
    team = listed_team(team_id) or abort(404)
    return _board(f"{team.workshop.name} · {team.name}", lambda: [team], "team", team.id,
                  wall=True)


@bp.get("/wall/workshop/<uuid:workshop_id>")
def workshop_wall(workshop_id):
    """A workshop's board for a large screen."""
    workshop = listed_workshop(workshop_id) or abort(404)
    return _board(workshop.name, lambda: workshop_teams(workshop), "workshop", workshop.id,
                  wall=True)


def _board(title, teams, scope, scope_id, wall):
    now = utcnow()
    if wall:
        # A wall display may be the only thing running on a quiet day: it keeps
        # the daily purge going.
        run_daily_if_due(station_tz(), now)
    settings = mood_settings.load()
    day = today(settings, now)
    locale = str(get_locale())
    version = (scope, str(scope_id), locale, settings.hide_upset_on_boards, *_version(day))
    digest = hashlib.blake2b(repr(version).encode(), digest_size=12).hexdigest()
    if wall and is_htmx() and request.args.get("since") == digest:
        return "", 204
    zones_html = zones_cache.get(digest)
    if zones_html is None:
        kept = kept_boards.at((getattr(db.obj, "database", None), *version[4:]))
        shown = kept.per_roster(("teams", scope, scope_id), teams)
        data = board(shown, day, kept)
        if settings.hide_upset_on_boards:
            data.hide_upset()
        # The strips (本月寿星) go in the cached fragment: the version changes with the
        # day and with every roster edit, which is all that changes them.
        strips = kept.per_roster(
            ("strips", scope, scope_id, day),
            lambda: board_strips(current_app, [team.id for team in shown]))
        zones_html = _render_zones(data, digest, show_team=scope == "workshop", strips=strips)
        zones_cache.put(digest, zones_html)
    if is_htmx() and request.args.get("since") is not None:
        request._renders_fragment = True
        return zones_html
    page = render(TEMPLATE, None, title=title, day=day, zones_html=Markup(_SLOT), wall=wall,
                  poll_seconds=_poll_seconds(), now=now, **_wall_settings())
    return _fill_slots(page, [zones_html])


# Where a long piece of HTML goes into the template around it: passed through Jinja's
# blocks and macros, 300 KiB of cards would be copied at every level; joined into the
# rendered text instead, it is copied once.
_SLOT = "\x00kiosk-slot\x00"


def _fill_slots(html, pieces):
    """``html`` with each slot replaced by its piece (a list of strings), in order."""
    parts = html.split(_SLOT)
    if len(parts) != len(pieces) + 1:   # a slot swallowed or doubled by the template
        raise RuntimeError("a board template lost a slot")
    out = [parts[0]]
    for piece, after in zip(pieces, parts[1:], strict=True):
        out.extend(piece if isinstance(piece, list) else (piece,))
        out.append(after)
    return "".join(out)


def _render_zones(data, digest, show_team, strips=()):
    """The zones fragment; photo URLs are joined from a prefix (1,000 url_for calls add up)."""
    photo_prefix = url_for("roster.photo", member_id=uuid.UUID(int=0)).rsplit("/", 1)[0] + "/"

    zones = []

    def cards_html(zone):
        zones.append(zone)
        return Markup(_SLOT)

    html = render_template("mood/_zones.html", board=data, digest=digest, moods=MOODS,
                           cards_html=cards_html, strips=strips)
    pieces = []
    for zone in zones:
        cards = []
        for index, card in enumerate(zone.cards, 1):
            way = (show_team, index > EAGER_CARDS, photo_prefix)
            card_html = card.rendered.get(way)
            if card_html is None:
                card_html = card.rendered[way] = _card_html(card, *way)
            cards.append(card_html)
        pieces.append(cards)
    return _fill_slots(html, pieces)


def _card_html(card, show_team, lazy, photo_prefix):
    """One photo card (escaped as the template would): a workshop board has 1,000 of
    them, and a card rendered once serves every board it is on until the roster changes."""
    member_id, name = escape(card.member_id), escape(card.name)
    digest = escape(card.photo_digest or "")
    if card.photo_digest:
        loading = ' loading="lazy"' if lazy else ""
        face = (f'<img src="{escape(photo_prefix)}{member_id}.jpg?v={digest}" alt="" width="160"'
                f' height="160"{loading} decoding="async">')
    else:
        face = f'<span class="mood-card-initial" aria-hidden="true">{escape(card.name[:1])}</span>'
    team = (f'<span class="mood-card-team">{escape(card.team_name)}</span>' if show_team
            else "")
    return (f'<span class="mood-card" data-card="{member_id}" data-card-version="{digest}|{name}">'
            f'{face}<span class="mood-card-name">{name}</span>{team}</span>\n')

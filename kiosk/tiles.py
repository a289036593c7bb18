"""The home screen's tiles: each feature blueprint registers its own.

The home screen shows exactly the features this station has, in order, and a
new feature adds a tile without touching the home screen's code.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    endpoint: str
    title: str          # a lazy_gettext string
    subtitle: str       # a lazy_gettext string
    icon: str           # the name of a template under templates/icons/
    order: int = 50
    tone: str = "blue"


def register_tile(app, tile):
    app.extensions.setdefault("kiosk_tiles", []).append(tile)


def home_tiles(app):
    return sorted(app.extensions.get("kiosk_tiles", []), key=lambda t: t.order)


@dataclass(frozen=True)
class AdminSection:
    endpoint: str
    title: str
    description: str
    order: int = 50


def register_admin_section(app, section):
    app.extensions.setdefault("kiosk_admin_sections", []).append(section)


def admin_sections(app):
    return sorted(app.extensions.get("kiosk_admin_sections", []), key=lambda s: s.order)


def register_admin_alerts(app, provider):
    """``provider()`` returns a list of (message, url) that need the chair's attention."""
    app.extensions.setdefault("kiosk_admin_alerts", []).append(provider)


def admin_alerts(app):
    return [alert for provider in app.extensions.get("kiosk_admin_alerts", [])
            for alert in provider()]


def register_admin_panel(app, provider):
    """``provider()`` returns a dict with a ``template`` to include on the admin home
    (and what it shows), or None when there is nothing to show."""
    app.extensions.setdefault("kiosk_admin_panels", []).append(provider)


def admin_panels(app):
    return [panel for provider in app.extensions.get("kiosk_admin_panels", [])
            if (panel := provider())]


def register_home_strip(app, provider):
    """``provider()`` returns a dict with a ``template`` to include under the home
    screen's tiles (and what it shows), or None when there is nothing to show."""
    app.extensions.setdefault("kiosk_home_strips", []).append(provider)


def home_strips(app):
    return [strip for provider in app.extensions.get("kiosk_home_strips", [])
            if (strip := provider())]


def register_attract_panel(app, provider):
    """``provider()`` returns a dict with a ``template`` for the idle (attract) screen —
    what a worker walking past should see, live — or None."""
    app.extensions.setdefault("kiosk_attract_panels", []).append(provider)


def attract_panels(app):
    return [panel for provider in app.extensions.get("kiosk_attract_panels", [])
            if (panel := provider())]


@dataclass(frozen=True)
class BadgeSwipe:
    """Where a badge swiped on the home or attract screen goes (``next``, ``purpose``
    as identification takes them): one feature's fastest way in."""
    endpoint: str
    purpose: str
    hint: str           # a lazy_gettext string for the home screen


def register_badge_swipe(app, swipe):
    app.extensions["kiosk_badge_swipe"] = swipe


def badge_swipe(app):
    return app.extensions.get("kiosk_badge_swipe")


def register_board_strip(app, provider):
    """``provider(team_ids)`` returns the same kind of dict as a home strip, limited to
    the members of those teams (a team's or a workshop's board and wall), or None."""
    app.extensions.setdefault("kiosk_board_strips", []).append(provider)


def board_strips(app, team_ids):
    return [strip for provider in app.extensions.get("kiosk_board_strips", [])
            if (strip := provider(team_ids))]

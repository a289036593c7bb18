"""The home and attract screens, the language switch, the reset, the service worker."""
import hashlib
import os

from flask import Response, current_app, redirect, request, session, url_for

from ..htmx import render
from ..next_url import safe_next
from ..page_cache import cacheable_page
from ..tiles import attract_panels, badge_swipe, home_strips, home_tiles
from . import bp

# What belongs to the person standing at the terminal; cleared for the next one.
KIOSK_SESSION_KEYS = ("member", "lang", "draft")


@bp.get("/")
@cacheable_page
def index():
    """The home screen: one large tile per feature of this station."""
    if current_app.config["KIOSK_ROLE"] == "central":
        return redirect(url_for("admin.dashboard"))  # central has no touchscreen
    return render("home/index.html", tiles=home_tiles(current_app),
                  strips=home_strips(current_app), **_swipe_context())


@bp.get("/attract")
@cacheable_page
def attract():
    """The idle screen: today's board at a glance, live; a touch anywhere returns home."""
    if current_app.config["KIOSK_ROLE"] == "central":
        return redirect(url_for("admin.dashboard"))
    return render("home/attract.html", "live", panels=attract_panels(current_app),
                  strips=home_strips(current_app),
                  refresh_seconds=current_app.config.get("KIOSK_ATTRACT_REFRESH_SECONDS", 30),
                  **_swipe_context())


def _swipe_context():
    swipe = badge_swipe(current_app)
    if swipe is None:
        return {"swipe": None}
    return {"swipe": swipe, "next_url": url_for(swipe.endpoint), "purpose": swipe.purpose}


@bp.get("/lang/<code>")
def switch_language(code):
    """Switch the language for this visitor, staying on the same screen."""
    if code in current_app.config["KIOSK_LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.get("/reset")
def reset():
    """Return to home for the next person: drop identification, drafts, language and
    any admin session (the chair may have logged in on the terminal's own browser).
    The idle timeout asks for the attract view instead (``then=attract``)."""
    from ..admin.auth import end_admin_session
    for key in KIOSK_SESSION_KEYS:
        session.pop(key, None)
    end_admin_session()
    target = "home.attract" if request.args.get("then") == "attract" else "home.index"
    return redirect(url_for(target), code=303)



@bp.get("/sw.js")
def service_worker():
    """The service worker that shows our waiting page when a page change cannot reach
    the server (static/js/sw.js). Served from the root so that it covers every page;
    never cached by the browser, so that a new version takes over on the next visit."""
    folder = current_app.static_folder
    script = _read(folder, "js/sw.js")
    # The cache is named for what it keeps: a changed waiting page is a changed worker,
    # which the browser installs in place of the old one (and drops the old cache).
    digest = hashlib.sha256(b"".join(_read(folder, name).encode() for name in OFFLINE_FILES))
    script = script.replace('"kiosk-offline-v1"', f'"kiosk-offline-{digest.hexdigest()[:12]}"')
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


# What the service worker keeps for when the server is down (and its cache's name hashes).
OFFLINE_FILES = ("offline.html", "css/offline.css", "js/offline.js")


def _read(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as fh:
        return fh.read()


@bp.get("/alive")
def alive():
    """Nothing but an answer: the kiosk's pages ask it whether the server is back."""
    return "", 204, {"Cache-Control": "no-store"}

"""The kiosk's benefit screens: the cards, one code full-screen, and their images."""
from flask import abort, current_app, make_response, request

from ..admin.auth import current_admin
from ..htmx import render
from ..page_cache import cacheable_page
from . import bp
from .images import MIMETYPES, local_today, qr_bytes, scannable
from .models import CATEGORIES, BenefitLink, BenefitLogo

# A year: the image URLs carry the content's key, so a change is a new URL.
IMMUTABLE = "public, max-age=31536000, immutable"


def today():
    return local_today(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def qr_return_seconds():
    return current_app.config.get("BENEFITS_QR_SECONDS", 45)


@bp.get("/")
@cacheable_page
def index():
    """The benefit links as large cards, each with its QR code."""
    # A central link too long for an easily scanned code is left out, not drawn badly.
    links = [link for link in BenefitLink.on_kiosk(today()) if scannable(link)]
    categories = [c for c in CATEGORIES if any(link.category == c for link in links)]
    category = request.args.get("category")
    if category in categories:
        links = [link for link in links if link.category == category]
    else:
        category = None
    return render("benefits/index.html", "cards", links=links, categories=categories,
                  category=category)


@bp.get("/<uuid:link_id>")
def show(link_id):
    """One link's QR code full-screen; it returns to the cards by itself or on a tap."""
    link = _visible_link(link_id)
    return render("benefits/show.html", "qr_view", link=link,
                  return_seconds=qr_return_seconds())


@bp.get("/<uuid:link_id>/qr.<any(svg, png):kind>")
def qr_image(link_id, kind):
    """The link's QR code: rendered once per content, then from cache or the browser's."""
    link = BenefitLink.listed().where(BenefitLink.id == link_id).first()
    # Hidden and scheduled links are served to the chair's previews only.
    if link is None or not scannable(link) \
            or (link.status(today()) != "shown" and not current_admin()):
        abort(404)
    body, key = qr_bytes(link, kind)
    if request.if_none_match.contains(key):
        response = make_response("", 304)
    else:
        response = make_response(body)
        response.mimetype = MIMETYPES[kind]
    response.set_etag(key)
    # A page links ?v=<key>: then the browser need not ask again. Without it,
    # it must revalidate (a cheap 304), since the link may change.
    response.headers["Cache-Control"] = (IMMUTABLE if request.args.get("v") == key
                                         else "no-cache")
    if kind == "png" and request.args.get("download"):
        response.headers["Content-Disposition"] = f"attachment; filename=qr-{link_id}.png"
    return response


@bp.get("/logos/<digest>.png")
def logo(digest):
    """A logo by its content digest: it never changes, so the browser keeps it."""
    if request.if_none_match.contains(digest):
        response = make_response("", 304)
    else:
        row = BenefitLogo.get_or_none(BenefitLogo.digest == digest) or abort(404)
        response = make_response(bytes(row.png))
        response.mimetype = "image/png"
    response.set_etag(digest)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _visible_link(link_id):
    link = BenefitLink.on_kiosk(today()).where(BenefitLink.id == link_id).first()
    if link is None or not scannable(link):
        abort(404)
    return link

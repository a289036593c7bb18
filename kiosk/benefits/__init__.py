"""Benefit QR codes (扫码享优惠): the link catalogue, QR images that scan, posters.

The station shows its own links beside the city federation's; the chair
manages the station's own and may hide or place central ones locally. On the
central server the same admin pages write the central links.
"""
from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from ..tiles import AdminSection, Tile, register_admin_section, register_tile

bp = Blueprint("benefits", __name__, url_prefix="/benefits")
admin_bp = Blueprint("benefits_admin", __name__, url_prefix="/admin/benefits")

from . import admin_views, screens  # noqa: E402,F401  (views: their routes join the blueprints)


def init_app(app):
    from . import images
    from .demo import load_demo_links  # noqa: F401  (the demo loader's entry point)
    from .messages import CATEGORY_LABELS, OWNER_LABELS, STATUS_LABELS
    from .urls import short_url

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    if app.config["KIOSK_ROLE"] == "station":
        register_tile(app, Tile("benefits.index", _l("Scan for benefits"),
                                _l("Members' app, offers, aid, insurance"),
                                icon="qr", order=40, tone="red"))
    register_admin_section(app, AdminSection(
        "benefits_admin.links", _l("Benefit links"),
        _l("QR codes on the kiosk: add, order, hide, schedule, print posters"), order=40))

    def qr_src(link, kind="svg"):
        return url_for("benefits.qr_image", link_id=link.id, kind=kind,
                       v=images.qr_version(link, kind))

    def logo_src(link):
        return url_for("benefits.logo", digest=link.logo_digest) if link.logo_digest else None

    app.add_template_global(qr_src, "benefit_qr_src")
    app.add_template_global(logo_src, "benefit_logo_src")
    app.add_template_filter(short_url, "short_url")
    app.add_template_global(CATEGORY_LABELS, "benefit_categories")
    app.add_template_global(OWNER_LABELS, "benefit_owners")
    app.add_template_global(STATUS_LABELS, "benefit_statuses")

"""The roster (花名册): workshops, teams and members — the station's own people.

The core every feature builds on: the tables in ``models`` (a member's photo and PIN
included), the shared writes in ``service`` (a photo set or removed), the PIN in ``pins``
(proof of who is at the kiosk: the set-up code, the PIN itself, its wrong-guess wait), the
bulk imports in ``csv_import`` and ``photo_import`` (pure logic, no Flask) with
``photo_processing`` (Pillow), and the sync kinds in ``sync`` (structure and head counts
go up, the station's profile comes down).

The screens: a member's photo on ``bp`` (``photos``); the chair's pages on ``admin_bp`` —
members and teams (``admin_views``), the CSV and photo imports (``import_views``, their
words in ``import_text``) and the PIN slips (``pin_slips``, ``pin_slips_pdf``).

Unlike other features, the view modules are imported in ``init_app``, not here: every
feature imports ``kiosk.roster.models``, and Python runs this file first, so a view
imported here would load the admin views, the importers and Pillow into every module
that only needs a ``Member``.
"""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..tiles import AdminSection, register_admin_section

bp = Blueprint("roster", __name__, url_prefix="/roster")
admin_bp = Blueprint("roster_admin", __name__, url_prefix="/admin/roster")


def init_app(app):
    from . import admin_views, import_views, photos, pin_slips  # noqa: F401  (their routes register)
    app.register_blueprint(bp)
    app.add_template_global(photos.photo_url)
    if app.config["KIOSK_ROLE"] != "station":
        return  # the roster lives at the stations; central sees head counts only
    app.register_blueprint(admin_bp)
    register_admin_section(app, AdminSection("roster_admin.members", _l("Members"),
                                             _l("Search, add, edit and deactivate members"), order=10))
    register_admin_section(app, AdminSection("roster_admin.teams", _l("Workshops and teams"),
                                             _l("The teams workers pick at the kiosk"), order=11))
    register_admin_section(app, AdminSection("roster_admin.import_roster", _l("Import roster"),
                                             _l("Add and update members from an Excel CSV; "
                                                "photos in bulk"), order=12))

"""The chair's benefit links: add, edit, order, hide, schedule; preview; posters."""
import base64
import hashlib
import uuid

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import data_version, pdf, qr
from ..admin.auth import audit, login_required
from ..htmx import is_htmx, render
from . import admin_bp, images, poster, service
from .logos import LogoError, normalise_logo
from .messages import CATEGORY_LABELS, logo_error, too_long_message, url_error
from .models import CATEGORIES, BenefitLink, BenefitLogo
from .screens import today
from .urls import LinkURLError, normalise_url, short_url

poster_cache = qr.ImageCache(max_items=8)


class LinkForm(FlaskForm):
    title_zh = StringField(_l("Title in Chinese"), validators=[
        DataRequired(message=_l("Please enter a title in Chinese.")), Length(max=40)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=60)])
    description_zh = StringField(_l("One line in Chinese"), validators=[Optional(), Length(max=80)])
    description_en = StringField(_l("One line in English"), validators=[Optional(), Length(max=120)])
    category = SelectField(_l("Category"),
                           choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    url = StringField(_l("Link"))
    logo = FileField(_l("Logo"))
    pending_logo = HiddenField()
    remove_logo = BooleanField(_l("Remove the logo"))
    logo_in_qr = BooleanField(_l("Put the logo in the centre of the QR code"))
    visible_from = DateField(_l("Shown from"), validators=[Optional()])
    visible_until = DateField(_l("Shown until (this day included)"), validators=[Optional()])
    hidden = BooleanField(_l("Hidden: not shown on the kiosk"))
    # Which link the preview draws (empty for a new one); the edit page's URL says it too.
    link_id = HiddenField(filters=[lambda value: _uuid(value)])


class VisibilityForm(FlaskForm):
    """The hide/show button of a link's row: ``hidden`` is "1" to hide, "0" to show."""
    hidden = HiddenField()


class MoveForm(FlaskForm):
    """The ↑ and ↓ buttons of a link's row: ``direction`` is "up" or "down"."""
    direction = HiddenField()


def role():
    return current_app.config["KIOSK_ROLE"]


@admin_bp.get("/")
@login_required
def links():
    """All links, the station's and the federation's, in the kiosk's order."""
    return _link_table()


def _link_table():
    return render("admin/benefits/links.html", "link_table", role=role(),
                  link_table_html=_link_table_html())


# Where each form's CSRF token goes: the table is rendered once for every chair.
CSRF_PLACEHOLDER = "\x00csrf\x00"


def _link_table_html():
    """The links as HTML (a QR address, labels and two forms a row): once per data
    version, day (the schedule), role and language; the token is put in after."""
    day = today()
    key = ("benefit_link_table", day, role(), str(get_locale()), request.script_root)

    def render_table():
        return render_template("admin/benefits/_link_table.html",
                               links=list(BenefitLink.listed()), today=day, role=role(),
                               csrf_placeholder=Markup(CSRF_PLACEHOLDER))
    html = data_version.cached(key, render_table)
    return Markup(html.replace(CSRF_PLACEHOLDER, generate_csrf()))


@admin_bp.route("/new", methods=["GET", "POST"])
@login_required
def add_link():
    """Add a link owned by this station (or, on the central server, by central)."""
    return _edit(BenefitLink(owner=role()), is_new=True)


@admin_bp.route("/<uuid:link_id>", methods=["GET", "POST"])
@login_required
def edit_link(link_id):
    """Edit a link owned here; a link owned elsewhere is shown read-only."""
    link = BenefitLink.get_or_none(BenefitLink.id == link_id) or abort(404)
    if not link.editable_by(role()):
        if request.method == "POST":
            abort(403)
        return render("admin/benefits/central_link.html", link=link, today=today())
    return _edit(link, is_new=False)


def _edit(link, is_new):
    form = LinkForm(obj=None if is_new else link)
    if form.validate_on_submit():
        fields = _checked_fields(form, link, store_logo=True)
        if fields is not None:
            fields.pop("_logo_png")
            service.save_link(link, role(), is_new, **fields)
            service.delete_unused_logos()
            audit("add benefit link" if is_new else "edit benefit link", link.title_zh)
            flash(_("Saved “%(title)s”.", title=link.title_zh))
            return redirect(url_for("benefits_admin.links"))
    elif request.method == "POST":
        _checked_fields(form, link, store_logo=True)  # report every problem at once
    status = 422 if request.method == "POST" else 200
    logo_digest = form.pending_logo.data or (None if is_new else link.logo_digest)
    if form.remove_logo.data:
        logo_digest = None
    return render("admin/benefits/link_form.html", form=form, link=link, is_new=is_new,
                  logo_digest=logo_digest), status


def _checked_fields(form, link, store_logo):
    """The link's new fields from a submitted form, or None with errors on the form."""
    ok = not form.errors
    url = None
    try:
        url = normalise_url(form.url.data)
    except LinkURLError as error:
        form.url.errors = list(form.url.errors) + [url_error(error)]
        ok = False
    try:
        logo_png, logo_digest = _chosen_logo(form, link, store_logo)
    except LogoError as error:
        form.logo.errors = list(form.logo.errors) + [logo_error(error)]
        logo_png, logo_digest, ok = None, None, False
    if form.visible_from.data and form.visible_until.data \
            and form.visible_until.data < form.visible_from.data:
        form.visible_until.errors = list(form.visible_until.errors) + [
            _("The last day comes before the first day.")]
        ok = False
    if url is not None:
        try:
            qr.encode(url, with_logo=bool(form.logo_in_qr.data and logo_digest))
        except qr.QRTooLong as error:
            form.url.errors = list(form.url.errors) + [too_long_message(error)]
            ok = False
    if not ok:
        return None
    form.url.data = url
    return {
        "title_zh": form.title_zh.data.strip(),
        "title_en": (form.title_en.data or "").strip(),
        "description_zh": (form.description_zh.data or "").strip(),
        "description_en": (form.description_en.data or "").strip(),
        "category": form.category.data,
        "url": url,
        "logo_digest": logo_digest,
        "logo_in_qr": bool(form.logo_in_qr.data and logo_digest),
        "visible_from": form.visible_from.data,
        "visible_until": form.visible_until.data,
        "hidden": form.hidden.data,
        "_logo_png": logo_png,
    }


def _chosen_logo(form, link, store):
    """(png, digest) of the logo the form asks for — a new upload, one uploaded with
    an earlier attempt, none, or the link's own — or (None, None); raise LogoError."""
    upload = form.logo.data
    if upload is not None and getattr(upload, "filename", ""):
        png, digest = normalise_logo(upload.read())
        if store:
            service.store_logo(png, digest)
            form.pending_logo.data = digest  # a failed save keeps the logo
        return png, digest
    if form.remove_logo.data:
        return None, None
    digest = form.pending_logo.data or link.logo_digest
    row = BenefitLogo.get_or_none(BenefitLogo.digest == digest) if digest else None
    return (bytes(row.png), digest) if row is not None else (None, None)


@admin_bp.post("/preview")
@login_required
def preview():
    """The unsaved form as the kiosk would show it (htmx, on every change)."""
    form = LinkForm()
    form.validate()
    link = BenefitLink.get_or_none(BenefitLink.id == form.link_id.data) or BenefitLink(owner=role())
    if not (form.url.data or "").strip():
        return render("admin/benefits/_preview.html", preview_link=None, problems=[])
    fields = _checked_fields(form, link, store_logo=False)
    if fields is None:
        problems = [error for field in form for error in field.errors]
        return render("admin/benefits/_preview.html", preview_link=None, problems=problems)
    logo_png = fields.pop("_logo_png")
    card = BenefitLink(**fields)
    logo_uri = ("data:image/png;base64," + base64.b64encode(logo_png).decode()
                if logo_png else None)
    svg = qr.render_svg(card.url, logo_png if card.logo_in_qr else None)
    return render("admin/benefits/_preview.html", preview_link=card, svg=svg, logo_uri=logo_uri,
                  problems=[], max_length=qr.max_length(*qr.settings(card.logo_in_qr)))


@admin_bp.post("/<uuid:link_id>/hidden")
@login_required
def toggle_hidden(link_id):
    """Hide a link from the kiosk or show it again (a central link: at this station only)."""
    link = BenefitLink.get_or_none(BenefitLink.id == link_id) or abort(404)
    hidden = VisibilityForm().hidden.data == "1"
    service.set_hidden(link, hidden, role())
    audit("hide benefit link" if hidden else "show benefit link", link.title_zh)
    return _after_change()


@admin_bp.post("/<uuid:link_id>/move")
@login_required
def move_link(link_id):
    """Move a link one place up or down on the kiosk."""
    link = BenefitLink.get_or_none(BenefitLink.id == link_id) or abort(404)
    service.move(link, -1 if MoveForm().direction.data == "up" else 1, role())
    return _after_change()


def _after_change():
    if is_htmx():
        return _link_table()
    return redirect(url_for("benefits_admin.links"), code=303)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _selected_links():
    ids = [_uuid(v) for v in request.args.getlist("link")]
    chosen = {i for i in ids if i is not None}
    return [link for link in BenefitLink.listed() if link.id in chosen]


def _poster(links, kind):
    """The poster as ``kind`` ("pdf", or "png-N" for sheet N), drawn once per content and day."""
    day = today()
    described = "|".join(f"{link.id}:{images.qr_version(link, 'png')}:{link.title_zh}:"
                         f"{link.description_zh}" for link in links)
    key = hashlib.sha256(f"{day}|{kind}|{described}".encode()).hexdigest()[:20]

    def draw():
        items = [poster.PosterItem(link.title_zh, link.description_zh, link.url,
                                   short_url(link.url), images.qr_logo(link)) for link in links]
        sheets = poster.layout(items, day)
        if kind == "pdf":
            return poster.to_pdf(sheets)
        return poster.to_png(sheets[int(kind.removeprefix("png-")) - 1])

    return poster_cache.get_or_render(key, draw)


@admin_bp.get("/poster")
@login_required
def poster_page():
    """The A4 poster of the chosen links: a preview, and PDF and PNG downloads."""
    links = _selected_links()
    if not links:
        flash(_("Choose at least one link for the poster."))
        return redirect(url_for("benefits_admin.links"))
    pdf.require_fonts()
    return render("admin/benefits/poster.html", links=links,
                  sheets=poster.sheets_needed(len(links)),
                  link_ids=[str(link.id) for link in links])


@admin_bp.errorhandler(pdf.CJKFontMissing)
def _font_missing(error):
    current_app.logger.error("poster: %s", error)
    flash(_("The poster cannot be printed: the Chinese font is missing on this computer. "
            "Ask whoever looks after it to install fonts-noto-cjk."))
    return redirect(url_for("benefits_admin.links"))


@admin_bp.get("/poster.pdf")
@login_required
def poster_pdf():
    """The poster as a PDF, one A4 page per sheet."""
    links = _selected_links() or abort(404)
    # The links are public; the poster may be cached like any download.
    return pdf.download(_poster(links, "pdf"), f"poster-{today()}.pdf", no_store=False)


@admin_bp.get("/poster-<int:sheet>.png")
@login_required
def poster_png(sheet):
    """One sheet of the poster as a PNG."""
    links = _selected_links() or abort(404)
    if not 1 <= sheet <= poster.sheets_needed(len(links)):
        abort(404)
    response = make_response(_poster(links, f"png-{sheet}"))
    response.mimetype = "image/png"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = \
            f"attachment; filename=poster-{today()}-{sheet}.png"
    return response

"""Central: the federation dashboard and the announcements that go down to stations."""
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..admin.auth import audit, login_required
from ..care.labels import PROMISE_LABELS
from ..db import write_transaction
from ..htmx import redirect_to, render
from ..models.base import utcnow
from ..mood.moods import MOOD_LABELS
from ..notices.models import Announcement
from ..sync import changelog
from ..sync.admin import kind_names
from ..sync.models import CentralConflict, Station
from . import admin_bp as bp
from . import figures, registry


@bp.get("/")
@login_required
def dashboard():
    """Every station's sync health, and city-wide figures with charts."""
    stations = list(Station.select().order_by(Station.enterprise, Station.name))
    now = utcnow()
    rows = []
    for station in stations:
        hours, stale = registry.health(station, now)
        rows.append({"station": station, "hours": hours, "stale": stale})
    return render("central/dashboard.html", rows=rows, kind_names=kind_names(),
                  category_name=_category_name,
                  stale_count=sum(1 for r in rows if r["stale"]),
                  moods=figures.mood_shares(), mood_labels=MOOD_LABELS, requests=figures.request_figures(),
                  counts=figures.record_counts(), care=figures.care_promises(),
                  promise_labels=PROMISE_LABELS,
                  conflicts=CentralConflict.select().where(~CentralConflict.resolved).count())


def _category_name(key):
    try:
        from ..service import categories
    except ImportError:
        return key
    category = categories.get(key)
    return category.name if category else key


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[Length(max=2000)])
    starts_on = DateField(_l("Shown from"), validators=[Optional()])
    ends_on = DateField(_l("Shown until"), validators=[Optional()])
    active = BooleanField(_l("Shown at stations"), default=True)


@bp.route("/announcements", methods=["GET", "POST"])
@bp.route("/announcements/<uuid:announcement_id>", methods=["GET", "POST"])
@login_required
def announcements(announcement_id=None):
    """Notices for every station: add or edit; they go down at each station's next sync."""
    item = None
    if announcement_id is not None:
        item = Announcement.get_or_none(Announcement.id == announcement_id) or abort(404)
    form = AnnouncementForm(obj=item)
    if form.validate_on_submit():
        if form.ends_on.data and form.starts_on.data and form.ends_on.data < form.starts_on.data:
            form.ends_on.errors.append(_("The end date is before the start date."))
        else:
            with write_transaction():
                item = item or Announcement()
                form.populate_obj(item)
                item.save(force_insert=announcement_id is None)
                changelog.record("announcement", [item.id])
            audit("announcement", item.id, item.title)
            flash(_("Saved. Stations receive it at their next sync."))
            return redirect_to(url_for("central.announcements"))
    status = 422 if request.method == "POST" else 200
    items = Announcement.select().order_by(Announcement.created_at.desc())
    return render("central/announcements.html", form=form, item=item, items=list(items)), status

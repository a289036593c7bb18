"""The weather board's settings page: the working day, retention, alerts, confirmation."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..admin.auth import audit, login_required
from ..htmx import render
from ..roster.models import Team, Workshop
from . import admin_bp, today
from . import settings as mood_settings
from .retention import purge


def _bounded(name, label):
    low, high = mood_settings.BOUNDS[name]
    return IntegerField(label, validators=[
        InputRequired(message=_l("Please enter a number.")),
        NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s."))])


class MoodSettingsForm(FlaskForm):
    day_start_hour = _bounded("day_start_hour", _l("The working day begins at (hour, 0–23)"))
    retention_days = _bounded("retention_days", _l("Keep identified check-ins for (days)"))
    upset_threshold_percent = _bounded("upset_threshold_percent",
                                       _l("Alert when this share of a team is a bit upset (%)"))
    alert_min_checkins = _bounded("alert_min_checkins",
                                  _l("… and at least this many of the team checked in"))
    open_highlight_hours = _bounded("open_highlight_hours",
                                    _l("Highlight an upset worker without follow-up after (hours)"))
    confirm_photo_checkin = BooleanField(
        _l("Check-ins need proof: a badge scan or the personal PIN "
           "(a photo tap or a staff number is not enough)"))
    hide_upset_on_boards = BooleanField(
        _l("On the public boards, show only how many are a bit upset, without faces or names"))


def _page(form, status=200):
    return render("admin/mood/settings.html", form=form,
                  last_purge_at=mood_settings.get_marker("last_purge_at"),
                  last_purge_deleted=mood_settings.get_marker("last_purge_deleted"),
                  workshops=list(Workshop.listed()), teams=list(Team.listed())), status


@admin_bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """See and set the working day, retention period, alert threshold and confirmation."""
    current = mood_settings.load()
    form = MoodSettingsForm(obj=current)
    if form.validate_on_submit():
        changed_to = mood_settings.MoodSettings(**{
            name: getattr(form, name).data for name in current.__dataclass_fields__})
        changed = mood_settings.save(changed_to)
        if changed:
            audit("mood settings", "", ", ".join(f"{name}={getattr(changed_to, name)}"
                                                 for name in changed))
        flash(_("Weather board settings saved."))
        return redirect(url_for("mood_admin.settings"))
    return _page(form, 422 if form.errors else 200)


@admin_bp.post("/purge")
@login_required
def purge_now():
    """Delete check-ins past the retention period now (it also runs every day by itself)."""
    current = mood_settings.load()
    result = purge(current, today(current))
    audit("mood purge", "", f"{result.checkins} check-ins, {result.follow_ups} follow-ups "
                            f"before {result.cutoff.isoformat()}")
    flash(_("Deleted %(checkins)d check-ins and %(follow_ups)d follow-ups older than %(cutoff)s.",
            checkins=result.checkins, follow_ups=result.follow_ups,
            cutoff=result.cutoff.isoformat()))
    return redirect(url_for("mood_admin.settings"))

"""The chair's care view: upset workers first, then streaks, then teams; follow-ups."""
from datetime import date

from flask import abort, flash, get_template_attribute, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..admin.auth import audit, current_admin, login_required
from ..htmx import is_htmx, render
from ..models import utcnow
from ..roster.models import Member, Team
from . import admin_bp, station_tz, today
from . import settings as mood_settings
from .care_data import care_lists
from .labels import FOLLOW_UP_LABELS
from .models import FOLLOW_UP_KINDS
from .records import acknowledge_alert, record_follow_up
from .retention import run_daily_if_due


class FollowUpForm(FlaskForm):
    kind = RadioField(_l("What did you do?"),
                      choices=[SelectChoice(k, FOLLOW_UP_LABELS[k]) for k in FOLLOW_UP_KINDS],
                      validators=[DataRequired(message=_l("Please choose what you did."))])
    note = TextAreaField(_l("Follow-up note"), validators=[Length(max=1000)])
    day = HiddenField()


def _context(now=None):
    now = now or utcnow()
    run_daily_if_due(station_tz(), now)
    settings = mood_settings.load()
    day = today(settings, now)
    lists = care_lists(settings, day, now)
    return {"settings": settings, "day": day, "now": now, "lists": lists,
            "item_html": _items_html(lists, now, settings.open_highlight_hours)}


def _items_html(lists, now, highlight_hours):
    """Each open item's card, rendered once per cached list (a data version and minute)
    and language: 200 cards, with their links and dates, cost 30 ms a view."""
    key = (str(get_locale()), highlight_hours, request.script_root)
    rendered = lists.__dict__.setdefault("rendered_items", {})
    if key not in rendered:
        card = get_template_attribute("admin/mood/_macros.html", "care_item")
        rendered[key] = {item.member.id: card(item, now, highlight_hours)
                         for item in lists.today + lists.streaks + lists.earlier}
    return rendered[key]


@admin_bp.get("/")
@login_required
def care():
    """Who needs the chair today: upset workers, streaks, teams over the threshold."""
    return render("admin/mood/care.html", "lists", **_context())


def _item_day(member, ctx):
    """The newest open day of the member, else today: a follow-up answers up to it."""
    for section in (ctx["lists"].today, ctx["lists"].streaks, ctx["lists"].earlier):
        for item in section:
            if item.member.id == member.id:
                return item.latest_day
    return ctx["day"]


@admin_bp.route("/follow-up/<uuid:member_id>", methods=["GET", "POST"])
@login_required
def follow_up(member_id):
    """Record what the chair did: a talk, counselling, a change of post, rest, other."""
    member = Member.get_or_none(Member.id == member_id) or abort(404)
    ctx = _context()
    form = FollowUpForm()
    if request.method == "GET":
        form.day.data = _item_day(member, ctx).isoformat()
        return render("admin/mood/follow_up.html", "form", member=member, form=form,
                      inline=is_htmx())
    if not form.validate_on_submit():
        response = render("admin/mood/follow_up.html", "form", member=member, form=form,
                          inline=is_htmx())
        headers = ({"HX-Retarget": f"#follow-up-form-{member.id}", "HX-Reswap": "outerHTML"}
                   if is_htmx() else {})
        return response, 422, headers
    try:
        day = date.fromisoformat(form.day.data or "")
    except ValueError:
        day = _item_day(member, ctx)
    admin = current_admin()
    record_follow_up(member, form.kind.data, form.note.data, admin.username, min(day, ctx["day"]))
    audit("mood follow-up", member.staff_no, f"{form.kind.data} for {day.isoformat()}")
    message = _("Follow-up recorded for %(name)s.", name=member.name)
    if not is_htmx():
        flash(message)
        return redirect(url_for("mood_admin.care"))
    return render("admin/mood/care.html", "lists", done_message=message, **_context())


@admin_bp.post("/alerts/<uuid:team_id>/ack")
@login_required
def acknowledge(team_id):
    """The chair has seen a team's alert for today; it leaves the admin home."""
    team = Team.get_or_none(Team.id == team_id) or abort(404)
    settings = mood_settings.load()
    day = today(settings)
    acknowledge_alert(team, day, current_admin().username)
    audit("mood alert acknowledged", team.label, day.isoformat())
    if not is_htmx():
        return redirect(url_for("mood_admin.care", _anchor="teams"))
    return render("admin/mood/care.html", "lists", **_context())


def admin_alerts():
    """For the admin home: unacknowledged team alerts and workers waiting for a follow-up."""
    settings = mood_settings.load()
    now = utcnow()
    lists = care_lists(settings, today(settings, now), now)
    alerts = [(_("Weather board: %(share)d%% of %(team)s are a bit upset today.",
                 share=round(alert.share * 100), team=alert.team.label),
               url_for("mood_admin.care", _anchor="teams"))
              for alert in lists.unacknowledged_teams]
    if lists.open_count:
        alerts.append((ngettext("Weather board: %(num)d upset worker is waiting for a follow-up.",
                                "Weather board: %(num)d upset workers are waiting for a follow-up.",
                                lists.open_count),
                       url_for("mood_admin.care")))
    return alerts

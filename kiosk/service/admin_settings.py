"""The chair's settings per category (who handles it, deadline, preset topics),
the urgent words, the crisis words and help contacts, and the statistics page
with its CSV export."""
from zoneinfo import ZoneInfo

from flask import Response, current_app, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from .. import data_version
from ..admin.auth import audit, login_required
from ..db import db, write_transaction
from ..htmx import redirect_to, render
from ..models import Setting, utcnow
from . import admin_bp as bp
from . import categories, crisis, stats
from .forms import request_settings_form, saved_settings
from .models import CategorySetting, ServiceRequest


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Who handles each category, its first-response deadline and preset topics."""
    configs = categories.configs()
    form = request_settings_form(configs, saved_settings(configs))
    if form.validate_on_submit():
        with write_transaction():
            for config, part in form.category_parts(configs):
                value = {CategorySetting.handled_by: part.handled_by.data,
                         CategorySetting.deadline_days: int(part.deadline_days.data),
                         CategorySetting.topics: part.topics.data}
                (CategorySetting.insert({CategorySetting.key: config.key, **value})
                 .on_conflict(conflict_target=[CategorySetting.key], update=value)
                 .execute())
            Setting.set_value(categories.URGENT_WORDS_SETTING, form.urgent_words.data)
            crisis.save(form.crisis_words.data.splitlines(), form.crisis_hotline.data,
                        form.crisis_office_place.data, form.crisis_office_phone.data)
        audit("service request settings")
        flash(_("Settings saved. New requests follow them from now on."))
        return redirect_to(url_for(".settings"))
    response = render("admin/service/settings.html", form=form,
                      parts=form.category_parts(configs), handlers=form.handler_choices(),
                      default_hotline=crisis.DEFAULT_HOTLINE)
    return (response, 422) if form.errors else response


def _months_arg():
    value = request.args.get("months", "12")
    return int(value) if value in ("3", "6", "12", "24") else 12


def _report(months):
    query = ServiceRequest.select(ServiceRequest.category, ServiceRequest.created_at,
                                  ServiceRequest.status, ServiceRequest.first_response_at,
                                  ServiceRequest.resolved_at, ServiceRequest.rating)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    # The raw cursor: stats.compute parses the dates itself, faster than peewee would.
    # A loop over every request (30 ms at 10,000; SQL measured no faster on SQLite):
    # once per data version and minute (the months move with the clock).
    key = ("request_statistics", months, str(zone), utcnow().replace(second=0, microsecond=0))
    return data_version.cached(
        key, lambda: stats.compute(db.execute(query), zone, categories.KEYS, months=months))


@bp.get("/statistics")
@login_required
def statistics():
    """Requests by category and month, share resolved, median times, satisfaction."""
    months = _months_arg()
    return render("admin/service/statistics.html", months=months,
                  report_html=_report_html(months))


def _report_html(months):
    """The figures as HTML: a cell per category and month, each with its Babel lookups,
    cost more to render than the cached report; once per version, period, language and
    minute, as the inbox's rows."""
    key = ("request_statistics_html", months, str(get_locale()), data_version.minute())
    return data_version.cached(key, lambda: Markup(render_template(
        "admin/service/_statistics_report.html", report=_report(months),
        labels={c.key: c.name for c in categories.CATEGORIES})))


@bp.get("/statistics.csv")
@login_required
def statistics_csv():
    """The same figures as a CSV file for Excel."""
    months = _months_arg()
    report = _report(months)
    headings = {"category": _("Category"), "total": _("Total"), "resolved": _("Resolved"),
                "share": _("Resolved (%)"), "first_response": _("Median hours to first answer"),
                "resolution": _("Median hours to resolution"),
                "satisfaction": _("Satisfied (%)"), "all": _("All categories")}
    body = stats.to_csv(report, {c.key: str(c.name) for c in categories.CATEGORIES}, headings)
    audit("export service request statistics")
    filename = f"service-requests-{report.months[0]}-{report.months[-1]}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})

"""The chair's settings per category (who handles it, deadline, preset topics),
the urgent words, the crisis words and help contacts, and the statistics page
with its CSV export."""
from zoneinfo import ZoneInfo

from flask import Response, current_app, flash, request, url_for
from flask_babel import gettext as _

from .. import data_version
from ..admin.auth import audit, login_required
from ..db import db, write_transaction
from ..htmx import redirect_to, render
from ..models import Setting, utcnow
from . import admin_bp as bp
from . import categories, crisis, stats
from .inputs import clean_line, clean_text
from .models import CategorySetting, ServiceRequest

MAX_DEADLINE_DAYS = 60
MAX_URGENT_WORDS = 100
MAX_CONTACT_CHARS = 60


def _word_list(name):
    words = [clean_line(w, 20) for w in clean_text(request.form.get(name, ""),
                                                   4000).splitlines()]
    return list(dict.fromkeys(w for w in words if w))


def _crisis_values():
    contacts = crisis.contacts()
    return {"words": "\n".join(crisis.words()), "hotline": contacts.hotline,
            "office_place": contacts.office_place, "office_phone": contacts.office_phone}


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Who handles each category, its first-response deadline and preset topics."""
    configs = categories.configs()
    errors, values = {}, {}
    urgent_text = "\n".join(categories.urgent_words())
    crisis_values = _crisis_values()
    if request.method == "POST":
        for config in configs:
            key = config.key
            handled_by = request.form.get(f"{key}-handled_by", "")
            days_text = request.form.get(f"{key}-deadline_days", "").strip()
            topics_text = clean_text(request.form.get(f"{key}-topics", ""), 4000)
            topics = [clean_line(t, categories.MAX_TOPIC_CHARS) for t in topics_text.splitlines()]
            topics = list(dict.fromkeys(t for t in topics if t))
            values[key] = {"handled_by": handled_by, "deadline_days": days_text,
                           "topics": "\n".join(topics)}
            if handled_by not in categories.HANDLERS:
                errors[f"{key}-handled_by"] = _("Choose who handles it.")
            if not (days_text.isdigit() and 1 <= int(days_text) <= MAX_DEADLINE_DAYS):
                errors[f"{key}-deadline_days"] = _("A whole number of days from 1 to %(max)d.",
                                                   max=MAX_DEADLINE_DAYS)
            if len(topics) > categories.MAX_TOPICS:
                errors[f"{key}-topics"] = _("At most %(count)d topics.", count=categories.MAX_TOPICS)
        words = _word_list("urgent_words")
        urgent_text = "\n".join(words)
        if len(words) > MAX_URGENT_WORDS:
            errors["urgent_words"] = _("At most %(count)d words.", count=MAX_URGENT_WORDS)
        # A form without the crisis part (an older page) leaves it as it is.
        crisis_words = (_word_list("crisis_words") if "crisis_words" in request.form
                        else crisis.words())
        crisis_values = {"words": "\n".join(crisis_words)}
        for name in ("hotline", "office_place", "office_phone"):
            field = f"crisis_{name}"
            crisis_values[name] = (clean_line(request.form.get(field, ""), MAX_CONTACT_CHARS)
                                   if field in request.form else _crisis_values()[name])
        if not crisis_words:
            errors["crisis_words"] = _("Keep at least one word: a worker in despair must be "
                                       "answered.")
        elif len(crisis_words) > crisis.MAX_WORDS:
            errors["crisis_words"] = _("At most %(count)d words.", count=crisis.MAX_WORDS)
        if not errors:
            with write_transaction():
                for key, value in values.items():
                    (CategorySetting.insert(key=key, handled_by=value["handled_by"],
                                            deadline_days=int(value["deadline_days"]),
                                            topics=value["topics"])
                     .on_conflict(conflict_target=[CategorySetting.key],
                                  update={CategorySetting.handled_by: value["handled_by"],
                                          CategorySetting.deadline_days: int(value["deadline_days"]),
                                          CategorySetting.topics: value["topics"]})
                     .execute())
                Setting.set_value(categories.URGENT_WORDS_SETTING, urgent_text)
                crisis.save(crisis_words, crisis_values["hotline"],
                            crisis_values["office_place"], crisis_values["office_phone"])
            audit("service request settings")
            flash(_("Settings saved. New requests follow them from now on."))
            return redirect_to(url_for(".settings"))
    else:
        for config in configs:
            values[config.key] = {"handled_by": config.handled_by,
                                  "deadline_days": str(config.deadline_days),
                                  "topics": "\n".join(getattr(t, "line", None) or str(t)
                                                       for t in config.topics)}
    response = render("admin/service/settings.html", configs=configs, values=values,
                      errors=errors, urgent_text=urgent_text, crisis_values=crisis_values,
                      default_hotline=crisis.DEFAULT_HOTLINE, max_days=MAX_DEADLINE_DAYS)
    return (response, 422) if errors else response


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
    report = _report(months)
    return render("admin/service/statistics.html", report=report, months=months,
                  labels={c.key: c.name for c in categories.CATEGORIES})


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

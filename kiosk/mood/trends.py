"""Trends per team (7 and 30 days) and a member's mood calendar, for the chair only."""
from datetime import date, timedelta

from babel.dates import get_day_names
from flask import abort, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from .. import data_version
from ..admin.auth import login_required
from ..htmx import render
from ..models import utcnow
from ..roster.models import Member, Team
from . import admin_bp, station_tz, today
from . import settings as mood_settings
from .charts import COLUMN_WIDTH, daily_columns, share_bar
from .days import purge_cutoff, shares
from .moods import MOODS
from .retention import run_daily_if_due
from .trend_data import member_calendar, team_trends


@admin_bp.get("/trends")
@login_required
def trends():
    """Each team's share of each mood over the last 7 and 30 days; one team day by day."""
    now = utcnow()
    run_daily_if_due(station_tz(), now)
    settings = mood_settings.load()
    day = today(settings, now)
    # Every team's 30 days, read from the day counts: once per data version and day.
    rows = data_version.cached(("team_trends", day),
                               lambda: team_trends(list(Team.listed()), day))
    selected = next((t for t in rows if str(t.team.id) == request.args.get("team")),
                    rows[0] if rows else None)
    query = request.args.get("q", "").strip()[:40]
    found = list(Member.search(query).limit(20)) if query else []
    return render("admin/mood/trends.html", "members", q=query, found=found, day=day,
                  charts_html=_charts_html(rows, selected, day))


def _charts_html(rows, selected, day):
    """The shares and the daily chart as HTML: some 4,000 Babel lookups and chart
    columns, so once per data version, day, selected team and language."""
    key = ("team_trends_html", day, selected and selected.team.id, str(get_locale()),
           request.script_root)

    def render_charts():
        columns = daily_columns(selected.series, MOODS, shares) if selected else []
        return Markup(render_template(
            "admin/mood/_trend_charts.html", rows=rows, selected=selected, columns=columns,
            chart_width=len(columns) * COLUMN_WIDTH, share_bar=share_bar, moods=MOODS))
    return data_version.cached(key, render_charts)


@admin_bp.get("/member/<uuid:member_id>")
@login_required
def calendar(member_id):
    """A member's moods month by month (a niko-niko calendar), with the follow-ups."""
    member = Member.get_or_none(Member.id == member_id) or abort(404)
    settings = mood_settings.load()
    day = today(settings)
    month = _month(request.args.get("month"), day)
    weeks = member_calendar(member, month.year, month.month, station_tz(),
                            settings.day_start_hour)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    follow_ups = [f for week in weeks for cell in week if cell for f in cell.follow_ups]
    return render("admin/mood/calendar.html", member=member, weeks=weeks, month=month,
                  previous=previous, following=following if following <= day else None,
                  today=day, cutoff=purge_cutoff(day, settings.retention_days),
                  retention_days=settings.retention_days, follow_ups=follow_ups, moods=MOODS,
                  day_names=[get_day_names("abbreviated", locale=get_locale())[i]
                             for i in range(7)])


def _month(text, day):
    """The first of the month asked for as YYYY-MM; the current month otherwise."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return day.replace(day=1)

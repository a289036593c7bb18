"""The morning sheet in admin: the page, its PDF, the stored sheets, the daily time."""
from datetime import date

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import ValidationError

from .. import data_version, pdf
from ..admin.auth import audit, login_required
from ..htmx import render
from . import admin_bp
from . import morning_sheet_files as sheet_files
from .morning_sheet import build
from .morning_sheet_pdf import render as render_pdf


class ScheduleForm(FlaskForm):
    """The daily time of the sheet; empty: no sheet made by itself."""
    at = StringField(_l("Time (HH:MM)"), id="morning-at", render_kw={"type": "time"},
                     filters=[lambda text: (text or "").strip()[:20]])

    def validate_at(self, field):
        if field.data and sheet_files.parse_time(field.data) is None:
            raise ValidationError(_("Please enter a time like 07:30."))


def _schedule_context(form=None):
    at = sheet_files.scheduled_time()
    return {"form": form or ScheduleForm(formdata=None, at=at.strftime("%H:%M") if at else ""),
            "stored": sheet_files.stored(), "keep_days": sheet_files.KEEP_DAYS}


@admin_bp.get("/morning-sheet", endpoint="morning_sheet")
@login_required
def morning_sheet():
    """晨报: today's sheet on screen, the PDF to print, the sheets kept, the daily time."""
    return render("admin/care/morning_sheet.html", **_sheet(), **_schedule_context())


@admin_bp.get("/morning-sheet.pdf", endpoint="morning_sheet_pdf")
@login_required
def morning_sheet_pdf():
    """Today's sheet as it stands now, as an A4 PDF (names: never cached)."""
    sheet = build()
    return pdf.download(render_pdf(sheet), f"morning-sheet-{sheet.day.isoformat()}.pdf")


@admin_bp.get("/morning-sheets/<day>.pdf", endpoint="stored_morning_sheet")
@login_required
def stored_morning_sheet(day):
    """A sheet made by the daily timer (or the CLI), as it was that morning."""
    try:
        found = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if found.isoformat() != day:  # 20261201 parses too; only the file's own name is served
        abort(404)
    data = sheet_files.read(found) or abort(404)
    return pdf.download(data, f"morning-sheet-{day}.pdf")


@admin_bp.post("/morning-sheet/schedule", endpoint="morning_sheet_schedule")
@login_required
def morning_sheet_schedule():
    """Set (HH:MM) or clear the time at which the sheet is made each morning."""
    form = ScheduleForm()
    if not form.validate_on_submit():
        return render("admin/care/morning_sheet.html", **_sheet(), **_schedule_context(form)), 422
    at = sheet_files.parse_time(form.at.data)
    sheet_files.set_scheduled_time(at)
    audit("morning sheet time", "", at.strftime("%H:%M") if at else "off")
    flash(_("The morning sheet will be made each day at %(time)s.", time=form.at.data) if at
          else _("The morning sheet is no longer made by itself."))
    return redirect(url_for("care_admin.morning_sheet"), code=303)


def _sheet():
    """Today's sheet and its sections as HTML: built and rendered once per data version,
    language and minute (200 upset workers and a week of birthdays, each with its dates
    formatted, cost 15 ms a view)."""
    from flask import render_template, request
    from flask_babel import get_locale
    key = ("morning_sheet_page", str(get_locale()), request.script_root, data_version.minute())

    def render_sheet():
        sheet = build()
        return sheet, Markup(render_template("admin/care/_morning_sheet_body.html", sheet=sheet))
    sheet, html = data_version.cached(key, render_sheet)
    return {"sheet": sheet, "sheet_html": html}


def admin_home_panel():
    """The admin home's card: today's sheet in numbers, linking to the whole sheet."""
    sheet = data_version.cached(("morning_sheet_card", data_version.minute()), build)
    return {"template": "admin/care/_morning_sheet_card.html", "sheet": sheet}

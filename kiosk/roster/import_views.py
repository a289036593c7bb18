"""Bulk roster import: upload a CSV → preview → confirm → report; photos in bulk.

Between preview and confirm the uploaded bytes wait in instance/imports/
under a random token kept in the session (the cookie is too small for a
roster); the file is deleted on confirm, on cancel, or after an hour.
"""
import json
import os
import re
import secrets
import time

from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField

from .. import files
from ..admin.auth import audit, login_required
from ..htmx import render
from . import admin_bp as bp
from . import csv_import, photo_import
from .import_text import (
    COLUMN_NAMES,
    ENCODINGS,
    LOST_CHARACTERS_HELP,
    csv_error_message,
    field_value_text,
    note_text,
    photo_reason_text,
    reason_text,
    zip_error_message,
)

KEEP_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class RosterUploadForm(FlaskForm):
    csv_file = FileField(_l("CSV file"),
                         validators=[FileRequired(message=_l("Choose a CSV file to upload."))])
    create_teams = BooleanField()


class PhotoUploadForm(FlaskForm):
    photos = MultipleFileField()


# -- the waiting room for uploads -------------------------------------------

def _imports_dir():
    path = (current_app.config.get("ROSTER_IMPORT_FOLDER")
            or os.path.join(current_app.instance_path, "imports"))
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _path(token, suffix):
    if not _TOKEN.match(token or ""):
        abort(404)
    return os.path.join(_imports_dir(), token + suffix)


def _sweep():
    """Delete what is older than an hour: abandoned previews and old reports."""
    folder = _imports_dir()
    cutoff = time.time() - KEEP_SECONDS
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if os.path.getmtime(path) < cutoff:
                os.remove(path)
        except OSError:
            pass  # another request removed it first


def _read(token, suffix):
    path = _path(token, suffix)
    try:
        if os.path.getmtime(path) < time.time() - KEEP_SECONDS:
            os.remove(path)
            return None
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _write(token, suffix, data):
    files.write_atomic(_path(token, suffix), data)


def _remove(token, suffix):
    try:
        os.remove(_path(token, suffix))
    except OSError:
        pass


def _pending():
    """The upload waiting for confirmation, with its bytes; (None, None) when gone."""
    pending = session.get("roster_import")
    if not pending:
        return None, None
    data = _read(pending["token"], ".csv")
    if data is None:
        session.pop("roster_import", None)
        return None, None
    return pending, data


def _claim(pending):
    """Take the upload for this request only: a double click must not import it twice."""
    try:
        os.rename(_path(pending["token"], ".csv"), _path(pending["token"], ".applying"))
        return True
    except OSError:
        return False


# -- CSV: upload, preview, confirm, report ------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_roster():
    """Upload a roster CSV; it is checked and shown, and nothing is written yet."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        data = form.csv_file.data.read(csv_import.MAX_BYTES + 1)
        try:
            csv_import.parse(csv_import.decode(data)[0])
        except csv_import.CsvError as error:
            form.csv_file.errors.append(csv_error_message(error))
        else:
            previous = session.get("roster_import")
            if previous:
                _remove(previous["token"], ".csv")
            token = secrets.token_urlsafe(18)
            _write(token, ".csv", data)
            session["roster_import"] = {
                "token": token, "create_teams": bool(form.create_teams.data),
                "filename": os.path.basename(form.csv_file.data.filename or "")[:100]}
            return redirect(url_for("roster_admin.import_preview"), code=303)
    _sweep()
    pending, _data = _pending()
    return render("admin/roster/import.html", form=form, pending=pending,
                  column_names=COLUMN_NAMES), (422 if form.errors else 200)


@bp.get("/import/preview")
@login_required
def import_preview():
    """What the import would do, row by row; the chair confirms or cancels."""
    pending, data = _pending()
    if pending is None:
        flash(_("That upload has expired or was already imported. Please upload the file again."))
        return redirect(url_for("roster_admin.import_roster"))
    if "create_teams" in request.args:
        pending["create_teams"] = request.args["create_teams"] == "1"
    try:
        plan = csv_import.build_plan(data, pending["create_teams"])
    except csv_import.CsvError as error:  # checked at upload; only a changed limit gets here
        flash(csv_error_message(error))
        return redirect(url_for("roster_admin.import_roster"))
    pending["counts"] = plan.counts()
    session["roster_import"] = pending
    creatable = any(key == "unknown_team" and params.get("can_create")
                    for row in plan.rows for key, params in row.reasons)
    lost_characters = any(key.startswith("lost_characters")
                          for row in plan.rows for key, _params in row.reasons)
    return render("admin/roster/import_preview.html", plan=plan.to_json(), pending=pending,
                  creatable=creatable, lost_characters=lost_characters, **_row_helpers())


@bp.post("/import/confirm")
@login_required
def import_confirm():
    """Apply the upload: checked again against the roster as it is now, in one transaction."""
    pending, data = _pending()
    if pending is None or request.form.get("token") != pending["token"] or not _claim(pending):
        flash(_("That upload has expired or was already imported. Please upload the file again."))
        return redirect(url_for("roster_admin.import_roster"), code=303)
    create_teams = request.form.get("create_teams") == "1"
    plan = csv_import.import_roster(data, create_missing_teams=create_teams)
    report = plan.to_json()
    report["filename"] = pending["filename"]
    report["changed_since_preview"] = (create_teams != pending["create_teams"]
                                       or plan.counts() != pending.get("counts"))
    token = pending["token"]
    _write(token, ".report.json", json.dumps(report, ensure_ascii=False).encode("utf-8"))
    _remove(token, ".applying")
    session.pop("roster_import", None)
    counts = plan.counts()
    audit("import roster", pending["filename"],
          "added {add}, updated {update}, unchanged {unchanged}, rejected {reject}".format(**counts)
          + (f", new teams {len(plan.new_teams)}" if plan.new_teams else ""))
    return redirect(url_for("roster_admin.import_report", token=token), code=303)


@bp.post("/import/cancel")
@login_required
def import_cancel():
    """Throw the upload away without writing anything."""
    pending = session.pop("roster_import", None)
    if pending:
        _remove(pending["token"], ".csv")
    flash(_("Import cancelled; nothing was changed."))
    return redirect(url_for("roster_admin.import_roster"), code=303)


def _load_report(token):
    data = _read(token, ".report.json")
    if data is None:
        abort(404)
    return json.loads(data)


@bp.get("/import/report/<token>")
@login_required
def import_report(token):
    """What was added, updated and rejected, and why (kept for an hour)."""
    return render("admin/roster/import_report.html", report=_load_report(token), token=token,
                  **_row_helpers())


@bp.get("/import/report/<token>/rejected.csv")
@login_required
def import_rejected_csv(token):
    """The rejected rows as they were, with a reason column: fix them in Excel, upload again."""
    report = _load_report(token)
    header = list(report["headers"])
    rows = []
    for row in report["rows"]:
        if row["action"] == csv_import.REJECT:
            cells = list(row["raw"]) + [""] * (len(header) - len(row["raw"]))
            rows.append(cells + [" ".join(reason_text(*r) for r in row["reasons"])])
    return _csv_download(csv_import.write_csv(header + [_("Reason")], rows),
                         "rejected-rows.csv")


def _row_helpers():
    return {"reason_text": reason_text, "note_text": note_text, "column_names": COLUMN_NAMES,
            "encodings": ENCODINGS, "value_text": field_value_text,
            "lost_characters_help": LOST_CHARACTERS_HELP}


# -- CSV files to download -----------------------------------------------------

def _headers():
    return csv_import.HEADERS["zh" if get_locale().language == "zh" else "en"]


def _csv_download(data, filename):
    return Response(data, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename={filename}",
        "Cache-Control": "no-store"})


@bp.get("/import/template.csv")
@login_required
def import_template():
    """An empty roster with the right column names, that Excel opens in Chinese."""
    return _csv_download(csv_import.write_csv(_headers(), []), "roster-template.csv")


@bp.get("/export.csv")
@login_required
def export_roster():
    """The active roster in the import's columns: edit it in Excel and import it back."""
    rows = csv_import.roster_rows(yes=_("yes") if get_locale().language != "zh" else "是",
                                  no=_("no") if get_locale().language != "zh" else "否")
    audit("export roster")
    return _csv_download(csv_import.write_csv(_headers(), rows), "roster.csv")


# -- photos in bulk -------------------------------------------------------------

@bp.route("/photos", methods=["GET", "POST"])
@login_required
def import_photos():
    """Upload photos named by staff number, or a zip of them; a report per file."""
    form = PhotoUploadForm()
    results, error = None, None
    if form.validate_on_submit():
        uploads = [f for f in form.photos.data or [] if f and f.filename]
        if not uploads:
            error = _("Choose photo files or a zip file to upload.")
        else:
            entries, error = _photo_entries(uploads)
            if error is None:
                results = photo_import.import_photos(entries, current_app.config)
                counts = _photo_counts(results)
                audit("import photos", ", ".join(u.filename for u in uploads)[:100],
                      "added {added}, replaced {replaced}, rejected {rejected}".format(**counts))
    elif request.method == "POST":
        error = _("Choose photo files or a zip file to upload.")
    return render("admin/roster/import_photos.html", form=form, results=results, error=error,
                  counts=_photo_counts(results or []), reason_text=photo_reason_text), \
        (422 if error else 200)


def _photo_entries(uploads):
    config = current_app.config
    entries = []
    for upload in uploads:
        data = upload.read()
        if photo_import.is_zip(upload.filename, data):
            try:
                entries += photo_import.zip_entries(
                    data, config["PHOTO_MAX_BYTES"],
                    max_entries=config.get("PHOTO_ZIP_MAX_ENTRIES", photo_import.MAX_ENTRIES),
                    max_total=config.get("PHOTO_ZIP_MAX_TOTAL_BYTES", photo_import.MAX_TOTAL_BYTES))
            except photo_import.ZipError as error:
                return None, f"{upload.filename}: {zip_error_message(error)}"
        else:
            entries.append(photo_import.upload_entry(upload.filename, data))
    return entries, None


def _photo_counts(results):
    counts = {photo_import.ADDED: 0, photo_import.REPLACED: 0, photo_import.REJECTED: 0}
    for result in results:
        counts[result.outcome] += 1
    return counts

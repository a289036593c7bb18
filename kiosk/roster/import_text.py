"""The words of the roster import: each reason key of csv_import / photo_import, translated."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .csv_import import CsvError
from .photo_import import ZipError
from .service import PHOTO_ERRORS

COLUMN_NAMES = {
    "staff_no": _l("Staff number"),
    "name": _l("Name"),
    "workshop": _l("Workshop"),
    "team": _l("Team"),
    "badge_code": _l("Badge code"),
    "birthday": _l("Birthday"),
    "photo_consent": _l("Public photo"),
}

ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": _l("UTF-8 with BOM"),
    "gb18030": "GBK / GB18030",
    "utf-16": _l("UTF-16 (Unicode text)"),
}

CSV_ERRORS = {
    CsvError.EMPTY: _l("The file is empty."),
    CsvError.TOO_LARGE: _l("The file is larger than %(megabytes)d MB."),
    CsvError.SPREADSHEET: _l("This is an Excel workbook, not a CSV file. In Excel choose "
                             "File › Save As › CSV, then upload that file."),
    CsvError.ENCODING: _l("The characters in this file cannot be read. In Excel save it as "
                          "CSV UTF-8 or CSV."),
    CsvError.NOT_CSV: _l("This file is not a CSV table."),
    CsvError.NO_STAFF_NO_COLUMN: _l("No staff number column was found. The first row must name "
                                    "the columns, such as 工号 and 姓名: download the template."),
    CsvError.NO_ROWS: _l("The file names the columns but has no members below them."),
    CsvError.TOO_MANY_ROWS: _l("The file has %(rows)d rows; import at most %(limit)d at a time."),
}

REASONS = {
    "missing_staff_no": _l("No staff number."),
    "bad_staff_no": _l("Staff number “%(value)s” may have only digits, letters and '-' "
                       "(at most 32)."),
    "missing_name": _l("No name: a new member needs one."),
    "too_long": _l("%(column)s is longer than %(limit)d characters."),
    "missing_team": _l("No team: a new member needs one (车间 and 班组, or 车间/班组)."),
    "unknown_team": _l("Unknown team “%(team)s”."),
    "ambiguous_team": _l("Several workshops have a team “%(team)s” (%(choices)s): "
                         "fill in the workshop too."),
    "badge_taken": _l("Badge code %(value)s belongs to staff number %(owner)s."),
    "bad_date": _l("Birthday “%(value)s” is not a date we can read: write it as 1990-01-31."),
    "future_date": _l("Birthday “%(value)s” is after today: check the year."),
    "lost_characters": _l("%(column)s “%(value)s” has a question mark: a character was probably "
                          "lost when the file was saved. This row is not imported."),
    "lost_characters_of": _l("%(column)s “%(value)s” has a question mark where the roster has "
                             "“%(stored)s”: a character was lost when the file was saved. "
                             "This row is not imported."),
    "shortened_staff_no": _l("Staff number “%(value)s” looks like Excel took away its leading "
                             "zeros: the roster has %(stored)s (%(name)s). Format the column as "
                             "text in Excel, or fix the number. This row is not imported."),
    "bad_consent": _l("Public photo “%(value)s” should be 是 or 否."),
    "duplicate_staff_no": _l("Duplicate: staff number %(value)s is also on row %(rows)s."),
    "duplicate_badge": _l("Duplicate: badge code %(value)s is also on row %(rows)s."),
    "conflict": _l("Another change to the roster got in the way; import this row again."),
}
UNKNOWN_TEAM_HINTS = {
    True: _l("Tick “create missing teams” to create it, or add it under Workshops and teams."),
    False: _l("Add it under Workshops and teams, or fill in its workshop."),
}

NOTES = {
    "deactivated": _l("This member is deactivated; the import does not change that."),
    "new_team": _l("Creates the team %(team)s."),
    "short_staff_no": _l("Staff number “%(value)s” is shorter than the roster's numbers, "
                         "which start with 0: check that Excel did not take zeros away."),
    "cleaned": _l("%(column)s: invisible characters, line breaks or extra spaces were taken out."),
}

ZIP_ERRORS = {
    ZipError.NOT_A_ZIP: _l("This is not a zip file that can be opened."),
    ZipError.TOO_MANY_FILES: _l("The zip has %(files)d files; upload at most %(limit)d at a time."),
    ZipError.TOO_LARGE: _l("The zip unpacks to more than %(megabytes)d MB; split it into "
                           "smaller zips."),
}

PHOTO_REASONS = {
    **PHOTO_ERRORS,
    "unknown_staff_no": _l("No member has this staff number."),
    "not_a_staff_no": _l("The file name does not start with a staff number."),
    "duplicate": _l("Several files are for this member; keep only one."),
    "unreadable": _l("This file in the zip cannot be read (damaged or password-protected)."),
}


# Said once above the rows when a name lost characters: what the chair does about it.
LOST_CHARACTERS_HELP = _l("Some names have “?” where a character was: the file was saved in an "
                          "encoding (GBK) that has no room for rare characters such as 䶮 or 𠮷. "
                          "In Excel choose File › Save As › “CSV UTF-8”, in LibreOffice choose "
                          "the character set “Unicode (UTF-8)”, then upload the file again.")


def csv_error_message(error):
    return str(CSV_ERRORS[error.reason]) % error.params if error.params \
        else str(CSV_ERRORS[error.reason])


def zip_error_message(error):
    return str(ZIP_ERRORS[error.reason]) % error.params


def reason_text(key, params=None):
    """One rejection reason of a row, in the chair's language."""
    params = dict(params or {})
    if "column" in params:
        params["column"] = str(COLUMN_NAMES.get(params["column"], params["column"]))
    text = str(REASONS.get(key, key)) % params if params else str(REASONS.get(key, key))
    if key == "unknown_team":
        text += " " + str(UNKNOWN_TEAM_HINTS[bool(params.get("can_create"))])
    return text


def note_text(key, params=None):
    params = dict(params or {})
    if "column" in params:
        params["column"] = str(COLUMN_NAMES.get(params["column"], params["column"]))
    message = str(NOTES.get(key, key))
    return message % params if params else message


def photo_reason_text(key):
    return str(PHOTO_REASONS.get(key, key))


def field_value_text(name, value):
    """Old and new values of an update as the chair reads them."""
    if name == "photo_consent":
        return _("yes") if value == "yes" else _("no")
    return value

"""Bulk roster import from a CSV that Excel wrote: pure logic, no Flask.

decode → parse → plan (every row checked against the roster) → apply.

The admin views keep the uploaded bytes between the preview and the chair's
confirmation, then call ``import_roster`` which plans again *inside* the write
transaction: what is applied is checked against the roster as it is then,
not as it was when the preview was shown.

Choices where the issue is silent (shown to the chair on the upload page):
- A column that is missing leaves that field alone; so does an empty cell of an
  existing member. A CSV never clears a value (the member form does that).
- A staff number or badge code on more than one row rejects all those rows:
  the file does not say which one is right.
- An unknown team rejects the row, unless the chair ticked "create missing
  teams" and the row names both the workshop and the team.
- The import never deactivates or reactivates anyone.
"""
import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from peewee import IntegrityError

from ..cleaning import clean_name
from ..db import db, write_transaction
from ..models import this_station_id
from ..refusals import Refused
from .models import Member, Team, Workshop

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in Excel sheets

ADD, UPDATE, UNCHANGED, REJECT = "add", "update", "unchanged", "reject"
FIELDS = ("staff_no", "name", "workshop", "team", "badge_code", "birthday", "photo_consent")
HEADERS = {
    "zh": ("工号", "姓名", "车间", "班组", "工卡号", "生日", "公开照片"),
    "en": FIELDS,
}
# Normalised header text (see _header_key) → field.
_ALIASES = {
    "staff_no": ("工号", "职工号", "员工号", "员工编号", "职工编号", "staffno", "staffnumber",
                 "employeeno", "employeenumber"),
    "name": ("姓名", "名字", "name"),
    "workshop": ("车间", "workshop"),
    "team": ("班组", "team"),
    "badge_code": ("工卡号", "工卡", "卡号", "badgecode", "badge", "cardno"),
    "birthday": ("生日", "出生日期", "birthday", "dateofbirth", "birthdate"),
    "photo_consent": ("公开照片", "照片公开", "同意公开照片", "photoconsent", "publicphoto"),
}
HEADER_FIELDS = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}

STAFF_NO = re.compile(r"^[0-9A-Za-z-]{1,32}$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")  # Excel may add " 0:00"
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
YES = {"是", "yes", "y", "1", "true", "同意", "√", "✓", "✔"}
NO = {"否", "no", "n", "0", "false", "不同意", "×", "✗"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIMITS = {"name": 40, "workshop": 60, "team": 60, "badge_code": 64}
NAME_FIELDS = ("name", "workshop", "team")   # cleaned like the forms clean them


class CsvError(Refused):
    """The file as a whole cannot be imported; ``reason`` is one of the keys below."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    SPREADSHEET = "spreadsheet"        # an .xlsx/.xls workbook, not a CSV
    ENCODING = "encoding"
    NOT_CSV = "not_csv"
    NO_STAFF_NO_COLUMN = "no_staff_no_column"
    NO_ROWS = "no_rows"
    TOO_MANY_ROWS = "too_many_rows"


# -- reading the file -------------------------------------------------------

def decode(data):
    """Return (text, encoding) for UTF-8 (with or without BOM), UTF-16 or GB18030 bytes."""
    if len(data) > MAX_BYTES:
        raise CsvError(CsvError.TOO_LARGE, megabytes=MAX_BYTES // (1024 * 1024))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvError(CsvError.SPREADSHEET)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
        candidates = [("utf-16", "utf-16")]
    else:
        # UTF-8 first: GB18030 would also "decode" most UTF-8, into nonsense.
        candidates = [("utf-8-sig", "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"),
                      ("gb18030", "gb18030")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise CsvError(CsvError.NOT_CSV)
        if not text.strip():
            raise CsvError(CsvError.EMPTY)
        return text, label
    raise CsvError(CsvError.ENCODING)


@dataclass
class Table:
    headers: list          # the header row as written
    columns: dict          # field → column index
    ignored: list          # headers that name no field
    records: list          # (row number as Excel shows it, [cells])


def _header_key(text):
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    text = re.split(r"[(\[]", text, maxsplit=1)[0]  # "生日(1990-01-31)" → "生日"
    return re.sub(r"[\s_\-.*:：]", "", text)


def parse(text, header_fields=None):
    """Split the text into a header row and records; find the header below any title rows.

    ``header_fields`` maps normalised header text to fields (default: the roster's);
    another import keyed by staff number (the care calendar's life events) passes its own.
    """
    header_fields = header_fields or HEADER_FIELDS
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise CsvError(CsvError.NOT_CSV) from None
    for header_at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):  # noqa: B007 (used below)
        columns, ignored = {}, []
        for col, header in enumerate(row):
            name = header_fields.get(_header_key(header))
            if name and name not in columns:
                columns[name] = col
            elif header.strip():
                ignored.append(header.strip())
        if "staff_no" in columns:
            break
    else:
        raise CsvError(CsvError.NO_STAFF_NO_COLUMN)
    records = [(number, cells) for number, cells in enumerate(rows[header_at + 1:], start=header_at + 2)
               if any(cell.strip() for cell in cells)]
    if not records:
        raise CsvError(CsvError.NO_ROWS)
    if len(records) > MAX_ROWS:
        raise CsvError(CsvError.TOO_MANY_ROWS, rows=len(records), limit=MAX_ROWS)
    return Table(headers=rows[header_at], columns=columns, ignored=ignored, records=records)


def clean_cell(value):
    """Trim a cell; unwrap ="00123" and '=… (what write_csv writes for Excel)."""
    value = (value or "").strip()
    match = re.fullmatch(r'="(.*)"', value)
    if match:
        return match.group(1).strip()
    if value[:1] == "'" and value[1:2] in _FORMULA_START:
        return value[1:]
    return value


def _read_date(text):
    text = unicodedata.normalize("NFKC", text).strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def birthday_problem(text, today=None):
    """None for a usable birthday; "future_date" for one after today (a typo in the
    year, not a format the chair got wrong); "bad_date" for anything else."""
    value = _read_date(text)
    if value is None or value.year < 1900:
        return "bad_date"
    if value > (today or date.today()):
        return "future_date"
    return None


def parse_birthday(text, today=None):
    """A date from 1990-01-31, 1990/1/31, 1990.1.31, 19900131 or 1990年1月31日; else None."""
    return None if birthday_problem(text, today) else _read_date(text)


def parse_consent(text):
    """True for 是/yes/1, False for 否/no/0, None for anything else."""
    value = unicodedata.normalize("NFKC", text).strip().lower()
    return True if value in YES else False if value in NO else None


# -- planning ---------------------------------------------------------------

@dataclass
class RowPlan:
    row: int
    cells: dict                                  # field → cleaned text, as written
    raw: list                                    # the whole row, for the rejected-rows file
    action: str = ADD
    reasons: list = field(default_factory=list)  # (key, params) why it is rejected
    notes: list = field(default_factory=list)    # (key, params) worth knowing, not blocking
    changes: list = field(default_factory=list)  # (field, old text, new text)
    values: dict = field(default_factory=dict)   # field → value to write
    member_id: object = None

    def reject(self, key, **params):
        self.reasons.append((key, params))

    def to_json(self):
        return {"row": self.row, "cells": self.cells, "raw": self.raw, "action": self.action,
                "reasons": self.reasons, "notes": self.notes, "changes": self.changes}


@dataclass
class ImportPlan:
    rows: list
    encoding: str
    headers: list
    columns: list
    ignored_columns: list
    create_missing_teams: bool
    new_teams: list = field(default_factory=list)  # (workshop, team) created on apply

    def counts(self):
        counts = {ADD: 0, UPDATE: 0, UNCHANGED: 0, REJECT: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def to_json(self):
        return {"encoding": self.encoding, "headers": self.headers, "columns": self.columns,
                "ignored_columns": self.ignored_columns,
                "create_missing_teams": self.create_missing_teams,
                "new_teams": [list(pair) for pair in self.new_teams],
                "counts": self.counts(), "rows": [row.to_json() for row in self.rows]}


class _Roster:
    """The roster as it is now, loaded once: a few thousand rows, not a query per row."""

    def __init__(self):
        self.members = {m.staff_no: m for m in Member.select()}
        self.badges = {m.badge_code: m.staff_no for m in self.members.values() if m.badge_code}
        # Staff numbers written with leading zeros, by the number Excel would make of them.
        zero_led = [m for no, m in self.members.items() if no.isdigit() and no.startswith("0")]
        self.zero_padded = {m.staff_no.lstrip("0"): m for m in zero_led}
        # The width of the roster's zero-led numbers when they all share one.
        widths = {len(m.staff_no) for m in zero_led}
        self.zero_width = widths.pop() if len(widths) == 1 else 0
        teams = list(Team.select(Team, Workshop).join(Workshop))
        self.teams = {t.id: t for t in teams}
        self.team_labels = {t.id: t.label for t in teams}
        self.by_pair = {(t.workshop.name, t.name): t for t in teams}
        self.by_name = {}
        for team in teams:
            self.by_name.setdefault(team.name, []).append(team)


def build_plan(data, create_missing_teams=False, today=None):
    """Decode, parse and check every row; raise CsvError if the file as a whole is unusable."""
    text, encoding = decode(data)
    table = parse(text)
    roster = _Roster()
    rows = []
    for number, cells in table.records:
        texts = {name: clean_cell(cells[col]) if col < len(cells) else ""
                 for name, col in table.columns.items()}
        plan = RowPlan(row=number, cells=texts, raw=list(cells))
        _clean_names(plan)
        _check_row(plan, roster, create_missing_teams, today)
        rows.append(plan)
    _reject_duplicates(rows, "staff_no", "duplicate_staff_no")
    _reject_duplicates(rows, "badge_code", "duplicate_badge")
    new_teams = set()
    for plan in rows:
        _decide(plan, roster)
        if plan.action != REJECT and isinstance(plan.values.get("team"), tuple):
            new_teams.add(plan.values["team"])
    return ImportPlan(rows=rows, encoding=encoding, headers=table.headers,
                      columns=list(table.columns), ignored_columns=table.ignored,
                      create_missing_teams=create_missing_teams, new_teams=sorted(new_teams))


def _clean_names(plan):
    """Names as the roster will store them; the preview says which ones changed."""
    for name in NAME_FIELDS:
        written = plan.cells.get(name)
        if written:
            plan.cells[name] = clean_name(written)
            if plan.cells[name] != written:
                plan.notes.append(("cleaned", {"column": name}))


def _check_row(plan, roster, create_missing_teams, today):
    cells, values = plan.cells, plan.values
    staff_no = unicodedata.normalize("NFKC", cells.get("staff_no", ""))
    if not staff_no:
        plan.reject("missing_staff_no")
    elif not STAFF_NO.match(staff_no):
        plan.reject("bad_staff_no", value=staff_no)
    values["staff_no"] = staff_no
    existing = roster.members.get(staff_no)
    for name in ("name", "workshop", "team", "badge_code"):
        if len(cells.get(name, "")) > LIMITS[name]:
            plan.reject("too_long", column=name, limit=LIMITS[name])
    _check_lost_characters(plan, existing)
    _check_shortened_staff_no(plan, roster, existing)
    if cells.get("name"):
        values["name"] = cells["name"]
    elif existing is None:
        plan.reject("missing_name")
    _check_team(plan, roster, existing, create_missing_teams)
    badge = cells.get("badge_code", "")
    if badge:
        owner = roster.badges.get(badge)
        if owner is not None and owner != staff_no:
            plan.reject("badge_taken", value=badge, owner=owner)
        values["badge_code"] = badge
    if cells.get("birthday"):
        problem = birthday_problem(cells["birthday"], today)
        if problem:
            plan.reject(problem, value=cells["birthday"])
        values["birthday"] = parse_birthday(cells["birthday"], today)
    if cells.get("photo_consent"):
        consent = parse_consent(cells["photo_consent"])
        if consent is None:
            plan.reject("bad_consent", value=cells["photo_consent"])
        values["photo_consent"] = consent
    if existing is not None:
        plan.member_id = existing.id
        if not existing.active:
            plan.notes.append(("deactivated", {}))


# What a file saved in GBK holds where a character was (䶮, 𠮷 are not in GBK): Excel
# and LibreOffice write "?", a decoder that gave up writes U+FFFD.
_LOST = ("?", "\ufffd")


def _check_lost_characters(plan, existing):
    """A name with "?" in it lost a character on the way: refuse the row rather than
    store 龚? or offer "龚䶮 → 龚?" as an ordinary update."""
    for name in NAME_FIELDS:
        written = plan.cells.get(name, "")
        if not any(mark in written for mark in _LOST):
            continue
        if name == "name" and existing is not None and _same_but_lost(written, existing.name):
            plan.reject("lost_characters_of", column=name, value=written, stored=existing.name)
        else:
            plan.reject("lost_characters", column=name, value=written)


def _same_but_lost(written, stored):
    """True when ``stored`` reads as ``written`` with each "?" standing for one character
    (or two: an astral 𠮷 may have come out as "??")."""
    pattern = "".join("(?:.{1,2})" if ch in _LOST else re.escape(ch) for ch in written)
    return re.fullmatch(pattern, stored) is not None and written != stored


def _check_shortened_staff_no(plan, roster, existing):
    """Excel reads 000123 as the number 123. When the roster has 000123, the row is
    refused (it would add the same worker twice); when the roster's numbers are just
    longer and start with 0, the row is imported with a warning."""
    staff_no = plan.values["staff_no"]
    if existing is not None or not staff_no.isdigit() or staff_no.startswith("0"):
        return
    padded = roster.zero_padded.get(staff_no)
    if padded is not None:
        plan.reject("shortened_staff_no", value=staff_no, stored=padded.staff_no,
                    name=padded.name)
    elif roster.zero_width and len(staff_no) < roster.zero_width:
        plan.notes.append(("short_staff_no", {"value": staff_no}))


def _check_team(plan, roster, existing, create_missing_teams):
    workshop = plan.cells.get("workshop", "")
    team = plan.cells.get("team", "")
    if not workshop and "/" in team:
        workshop, _, team = (part.strip() for part in team.partition("/"))
    if not team:
        unchanged = existing is not None and (
            not workshop or workshop == roster.teams[existing.team_id].workshop.name)
        if not unchanged:
            plan.reject("missing_team")
        return
    if workshop:
        found = roster.by_pair.get((workshop, team))
        if found is None and create_missing_teams:
            plan.values["team"] = (workshop, team)
            plan.notes.append(("new_team", {"team": f"{workshop}/{team}"}))
            return
        if found is None:
            plan.reject("unknown_team", team=f"{workshop}/{team}", can_create=True)
            return
    else:
        matches = roster.by_name.get(team, [])
        if len(matches) > 1:
            plan.reject("ambiguous_team", team=team,
                        choices=", ".join(sorted(roster.team_labels[t.id] for t in matches)))
            return
        if not matches:
            plan.reject("unknown_team", team=team, can_create=False)
            return
        found = matches[0]
    plan.values["team"] = found


def _reject_duplicates(rows, name, reason):
    seen = {}
    for plan in rows:
        value = plan.values.get(name)
        if value:
            seen.setdefault(value, []).append(plan)
    for value, plans in seen.items():
        if len(plans) > 1:
            for plan in plans:
                others = [p.row for p in plans if p is not plan]
                plan.reject(reason, value=value, rows=", ".join(map(str, others)))


def _decide(plan, roster):
    """add, update, unchanged or reject; for an update, list what changes (old → new)."""
    if plan.reasons:
        plan.action = REJECT
        return
    member = roster.members.get(plan.values["staff_no"])
    if member is None:
        plan.action = ADD
        return
    for name, new in plan.values.items():
        old = getattr(member, name) if name != "team" else member.team_id
        if name == "team" and not isinstance(new, tuple):
            new = new.id
        if new != old:
            plan.changes.append((name, _text(name, old, roster), _text(name, new, roster)))
    plan.action = UPDATE if plan.changes else UNCHANGED


def _text(name, value, roster):
    if value is None:
        return ""
    if name == "team":
        return "/".join(value) if isinstance(value, tuple) else roster.team_labels[value]
    if name == "photo_consent":
        return "yes" if value else "no"  # the template translates
    return str(value)


# -- applying ---------------------------------------------------------------

def import_roster(data, create_missing_teams=False, today=None):
    """Plan again and apply, in one IMMEDIATE transaction; return the plan with outcomes."""
    with write_transaction():
        plan = build_plan(data, create_missing_teams, today)
        apply_plan(plan)
    return plan


def apply_plan(plan):
    """Write the plan's adds and updates; the caller holds the write transaction."""
    created = {}
    station_id = this_station_id()  # once, not a settings query per new member
    for workshop_name, team_name in plan.new_teams:
        workshop = (Workshop.get_or_none(Workshop.name == workshop_name)
                    or Workshop.create(name=workshop_name))
        created[(workshop_name, team_name)] = Team.create(workshop=workshop, name=team_name)
    for row in plan.rows:
        if row.action not in (ADD, UPDATE):
            continue
        values = dict(row.values)
        if isinstance(values.get("team"), tuple):
            values["team"] = created[values["team"]]
        try:
            # A savepoint per row: a row that still fails never undoes the others.
            with db.atomic():
                if row.action == ADD:
                    values.setdefault("photo_consent", False)
                    Member.create(station_id=station_id, **values)
                else:
                    member = Member.get_by_id(row.member_id)
                    for name, value in values.items():
                        setattr(member, name, value)
                    member.save()
        except IntegrityError:
            row.action = REJECT
            row.reject("conflict")
    return plan


# -- writing CSV for Excel --------------------------------------------------

class ExcelText(str):
    """Digits written as ="00123" so that Excel keeps them as text, unquoted as Excel wants."""


def excel_text(value):
    """Digits that Excel would mangle (leading zeros, more than 11 digits) as ExcelText."""
    if value.isdigit() and (value.startswith("0") or len(value) > 11):
        return ExcelText(value)
    return value


def _csv_field(value):
    if isinstance(value, ExcelText):
        return f'="{value}"'
    value = str(value)
    if value[:1] in _FORMULA_START:
        # Excel would run "=…" as a formula (CSV injection): make it text.
        value = "'" + value
    if any(ch in value for ch in ',"\r\n') or value != value.strip():
        value = '"' + value.replace('"', '""') + '"'
    return value


def write_csv(header, rows):
    """CSV bytes that Excel opens with the right characters: UTF-8 with a BOM, CRLF."""
    lines = [",".join(_csv_field(cell) for cell in row) for row in [header, *rows]]
    return codecs.BOM_UTF8 + "".join(line + "\r\n" for line in lines).encode("utf-8")


def roster_rows(yes="是", no="否"):
    """The active roster in the import's column order, for a round trip through Excel."""
    query = (Member.select(Member, Team, Workshop).join(Team).join(Workshop)
             .where(Member.active)
             .order_by(Workshop.sort_order, Workshop.name, Team.sort_order, Member.staff_no))
    for m in query:
        yield [excel_text(m.staff_no), m.name, m.team.workshop.name, m.team.name,
               excel_text(m.badge_code or ""), m.birthday.isoformat() if m.birthday else "",
               yes if m.photo_consent else no]

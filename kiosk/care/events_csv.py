"""Life events imported from a CSV (Excel): the roster import's reading, the care's rules.

The file is read by ``roster.csv_import`` (encodings, title rows above the header, Excel's
="00123" cells, dates written in any of the usual ways); each row names a member by
工号 and one life event. Planning checks every row; applying plans again inside the
write transaction. A row that repeats an event already recorded (same member, kind
and date) is left alone, so importing the same file twice adds nothing.
"""
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from ..db import write_transaction
from ..roster import csv_import
from ..roster.models import Member
from .models import CareEvent
from .records import record_event

ADD, UNCHANGED, REJECT = "add", "unchanged", "reject"
HEADERS = ("工号", "姓名", "事项", "日期", "出院日期", "地点", "情况说明")
_ALIASES = {
    "staff_no": csv_import._ALIASES["staff_no"],
    "name": ("姓名", "名字", "name"),
    "kind": ("事项", "类型", "类别", "kind", "event"),
    "day": ("日期", "入院日期", "date", "day"),
    "end_day": ("出院日期", "结束日期", "enddate", "discharged", "discharge"),
    "place": ("地点", "医院", "place", "hospital", "where"),
    "what": ("情况说明", "情况", "说明", "事由", "what", "note"),
}
HEADER_FIELDS = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
KIND_WORDS = {
    "wedding": ("结婚", "婚礼", "新婚", "wedding"),
    "birth": ("生育", "生子", "生孩子", "出生", "birth"),
    "hospital": ("住院", "生病住院", "hospital"),
    "retirement": ("退休", "退休离岗", "离岗", "retirement"),
    "hardship": ("困难", "家庭困难", "变故", "家庭变故", "家庭困难变故", "hardship"),
}
_KINDS = {word: kind for kind, words in KIND_WORDS.items() for word in words}
LIMITS = {"place": 100, "what": 200}
AHEAD_DAYS = 366


@dataclass
class EventRow:
    row: int
    cells: dict
    action: str = ADD
    reasons: list = field(default_factory=list)   # keys, see admin's REASONS
    values: dict = field(default_factory=dict)


@dataclass
class EventPlan:
    rows: list

    def counts(self):
        counts = {ADD: 0, UNCHANGED: 0, REJECT: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts


def _kind(text):
    return _KINDS.get(unicodedata.normalize("NFKC", text).strip().lower())


def _plan_row(number, cells, columns, today, seen):
    texts = {name: csv_import.clean_cell(cells[col] if col < len(cells) else "")
             for name, col in columns.items()}
    row = EventRow(number, texts)
    member = Member.get_or_none(Member.staff_no == texts.get("staff_no", ""))
    if member is None:
        row.reasons.append("unknown_member")
    kind = _kind(texts.get("kind", ""))
    if kind is None:
        row.reasons.append("unknown_kind")
    latest = today + timedelta(days=AHEAD_DAYS)
    day = csv_import.parse_birthday(texts.get("day", ""), today=latest)
    if day is None:
        row.reasons.append("bad_date")
    end_day = None
    if texts.get("end_day"):
        end_day = csv_import.parse_birthday(texts["end_day"], today=latest)
        if end_day is None or (day and end_day < day):
            row.reasons.append("bad_end_date")
    for name, limit in LIMITS.items():
        if len(texts.get(name, "")) > limit:
            row.reasons.append(f"too_long_{name}")
    if kind == "hardship" and not texts.get("what"):
        row.reasons.append("hardship_needs_what")
    if row.reasons:
        row.action = REJECT
        return row
    key = (member.id, kind, day)
    if key in seen or CareEvent.select().where(
            (CareEvent.member == member) & (CareEvent.kind == kind)
            & (CareEvent.day == day)).exists():
        row.action = UNCHANGED
    seen.add(key)
    row.values = {"member": member, "kind": kind, "day": day, "end_day": end_day,
                  "place": texts.get("place", ""), "what": texts.get("what", "")}
    return row


def build_plan(data, today):
    """Check every row; raises ``csv_import.CsvError`` when the file as a whole is unreadable."""
    table = csv_import.parse(csv_import.decode(data)[0], HEADER_FIELDS)
    seen = set()
    return EventPlan([_plan_row(number, cells, table.columns, today, seen)
                      for number, cells in table.records])


def import_events(data, today, by_admin):
    """Plan again inside one write transaction and record the rows to add."""
    with write_transaction():
        plan = build_plan(data, today)
        for row in plan.rows:
            if row.action == ADD:
                values = dict(row.values)
                record_event(values.pop("member"), values.pop("kind"), values.pop("day"),
                             by_admin, **values)
    return plan

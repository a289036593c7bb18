"""Anonymity that survives the database: the attacker's join.

Someone with a copy of the station (the database file, the log, what the sync sent)
tries to name the author of an anonymous request. The worker checks in by keypad,
taps 首页, and two seconds later files an anonymous 权益有侵害 request (issue 9,
finding 3), amid the station's ordinary traffic. The attacker then joins every time
stored about the request against every row, log line and sync record that names a
member — by time window, by "the last one before", and by row order — and must find
more than one candidate or none, never exactly the author.
"""
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

import kiosk.models.base
from kiosk.db import db
from kiosk.roster.models import Member
from kiosk.service.models import ServiceRequest
from kiosk.sync import runner
from kiosk.sync.models import SyncRun

from .factories import make_member, make_team, prove

HX = {"HX-Request": "true"}
HOUR = timedelta(hours=1)
_REAL_DATETIME = datetime


class Clock:
    """The app's clock (``kiosk.models.base.utcnow``) set to a chosen moment, then running."""

    def __init__(self, monkeypatch, start):
        self.offset = start - _REAL_DATETIME.now(UTC).replace(tzinfo=None)
        clock = self

        class Shifted(_REAL_DATETIME):
            @classmethod
            def now(cls, tz=None):
                return _REAL_DATETIME.now(tz) + clock.offset

        monkeypatch.setattr(kiosk.models.base, "datetime", Shifted)

    def now(self):
        return _REAL_DATETIME.now(UTC).replace(tzinfo=None) + self.offset

    def jump_to(self, moment):
        self.offset += moment - self.now()

    def advance(self, seconds):
        self.offset += timedelta(seconds=seconds)


def keypad_checkin(client, member, mood="ok"):
    client.get("/reset")
    assert client.post("/identify/code", data={"code": member.staff_no,
                                               "method": "keypad"}).status_code == 303
    assert client.post("/mood/checkin", data={"mood": mood}, headers=HX).status_code == 200


def file_anonymously(client, category, description):
    assert client.post(f"/service/new/{category}", data={"topic": "0"}).status_code == 303
    assert client.post("/service/describe", data={"description": description}).status_code == 303
    assert client.post("/service/contact", data={"phone": "", "mode": "anonymous"}).status_code == 303
    assert client.post("/service/submit").status_code == 303
    with client.session_transaction() as session:
        return session["draft"]["receipt"]


class FakeCentral:
    """Acknowledges every push, and keeps what was sent: the sync payload."""

    def __init__(self):
        self.pushed = []

    def call(self, method, path, body=None, query=None):
        self.pushed.append(body)
        return {"batch": body["batch"], "ack": [r["id"] for r in body["records"]]}


# --- the attacker -------------------------------------------------------------

_TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$")


def _as_time(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _TIME.match(value):
        return datetime.fromisoformat(value)
    return None


def _names(value, members):
    """The members a stored value names (id in either form, staff number, name)."""
    text = str(value)
    return {m.id for m in members
            if text in (str(m.id), m.id.hex, m.staff_no) or (len(text) > 1 and m.name in text)}


def member_activity(members, log_records, clock_offset=timedelta(0)):
    """(member id, time) for every row of every table, and every log line, naming a member.

    Log lines as the station's log file has them: INFO and above (kiosk/logs.py), at the
    app's clock (``clock_offset``: the test's clock is set back a day)."""
    activity = []
    tables = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        for row in cursor.fetchall():
            named = set().union(*(_names(v, members) for v in row if v is not None))
            times = [t for t in map(_as_time, row) if t is not None]
            activity += [(m, t) for m in named for t in times]
    for record in log_records:
        if record.levelno < logging.INFO:
            continue
        named = _names(record.getMessage(), members)
        when = (_REAL_DATETIME.fromtimestamp(record.created, UTC).replace(tzinfo=None)
                + clock_offset)
        activity += [(m, when) for m in named]
    return activity


def stored_times(request_id, payloads):
    """Every time the station keeps, or sent, about the request."""
    times = []
    hex_id, text_id = request_id.hex, str(request_id)
    for table in ("service_request", "request_event", "sync_state"):
        columns = [r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")')]
        for row in db.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            values = dict(zip(columns, row, strict=True))
            ours = (values.get("id") in (hex_id, text_id) or values.get("request_id") in (hex_id, text_id)
                    or values.get("record_id") in (hex_id, text_id))
            if ours:
                times += [t for t in map(_as_time, row) if t is not None]
    for body in payloads:
        for record in body["records"]:
            data = record["data"]
            if text_id in (data.get("id"), data.get("request_id")):
                times += [t for t in map(_as_time, [record["version"], *data.values()]) if t]
    return times


def window_of(moment):
    """What a stored time says: to the hour when it is on the hour, else to the second."""
    if moment == moment.replace(minute=0, second=0, microsecond=0):
        return moment, moment + HOUR
    return moment - timedelta(seconds=60), moment + timedelta(seconds=1)


def by_time_window(activity, times):
    """For each stored time, the members active within what it allows."""
    found = []
    for moment in times:
        start, end = window_of(moment)
        found.append({m for m, t in activity if start <= t < end})
    return found


def by_last_before(activity, times):
    """The member whose activity came last before the request's earliest stored time."""
    first = min(times)
    before = sorted((t, m) for m, t in activity if t <= first)
    return {before[-1][1]} if before else set()


def by_row_order(activity, request_id):
    """Rows written just before and after the request's rows (by rowid) bound its time."""
    candidates = set()
    for table, key in (("service_request", "id"), ("request_event", "request_id")):
        try:
            rows = db.execute_sql(f'SELECT rowid, "{key}", created_at FROM "{table}" '
                                  "ORDER BY rowid").fetchall()
        except Exception:   # WITHOUT ROWID: there is no write order to read
            continue
        ids = (request_id.hex, str(request_id))
        for i, (_rowid, owner, _created) in enumerate(rows):
            if owner not in ids:
                continue
            earlier = [_as_time(r[2]) for r in rows[:i] if r[1] not in ids]
            later = [_as_time(r[2]) for r in rows[i + 1:] if r[1] not in ids]
            start = max(earlier) if earlier else datetime.min
            end = min(later) if later else datetime.max
            candidates |= {m for m, t in activity if start <= t <= end}
    return candidates


@pytest.fixture
def station_day(app, client, admin, monkeypatch, caplog):
    """An hour at the station, yesterday: check-ins, identifications, a named request
    and the chair's answer, a sync; and in the middle of it, the anonymous request."""
    caplog.set_level(logging.DEBUG)
    team = make_team(name="总装一班")
    author = make_member(name="赵敏", staff_no="7001", team=team)
    others = [make_member(name=name, staff_no=no, team=team)
              for name, no in (("钱亮", "7002"), ("孙红", "7003"), ("李强", "7004"),
                               ("周伟", "7005"))]
    hour = (datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
            - timedelta(days=1))
    clock = Clock(monkeypatch, hour - timedelta(minutes=10))
    keypad_checkin(client, others[0], "happy")               # the hour before
    clock.jump_to(hour + timedelta(minutes=4))
    keypad_checkin(client, others[1], "ok")
    clock.advance(330)
    keypad_checkin(client, others[2], "upset")
    clock.advance(240)
    client.get("/reset")
    prove(client, others[3])   # a named request needs proof: the staff number and the PIN
    client.post("/service/new/pay", data={"topic": "0"})
    client.post("/service/describe", data={"description": "加班费少算了"})
    client.post("/service/contact", data={"phone": "", "mode": "named"})
    assert client.post("/service/submit").status_code == 303
    named = ServiceRequest.get(ServiceRequest.member == others[3])
    clock.advance(600)
    # Finding 3: a keypad check-in, 首页, and two seconds later the anonymous request.
    keypad_checkin(client, author, "upset")
    client.get("/reset")
    clock.advance(2)
    code = file_anonymously(client, "rights", "班长扣我工资还骂人")
    clock.advance(3)
    assert admin.post(f"/admin/service/{named.id}/events",
                      data={"kind": "public_reply", "text": "已收到，我们来核实"}).status_code == 200
    clock.advance(500)
    keypad_checkin(client, others[0], "ok")
    central = FakeCentral()
    with app.app_context():    # as `flask sync` runs it (care's month counts read the config)
        runner._push(central, SyncRun.create(trigger="test"), 500, lambda *a, **k: None)
    anonymous = ServiceRequest.get(ServiceRequest.receipt_code == code)
    assert anonymous.member_id is None
    members = list(Member.select())
    return {"author": author.id, "request": anonymous, "payloads": central.pushed,
            "activity": member_activity(members, caplog.records, clock.offset),
            "log_lines": [r for r in caplog.records if r.levelno >= logging.INFO],
            "times": stored_times(anonymous.id, central.pushed)}


def test_the_attackers_join_never_finds_exactly_the_author(station_day):
    author, activity, times = station_day["author"], station_day["activity"], station_day["times"]
    assert times, "the attacker has the request's stored times"
    assert any(m == author for m, _t in activity), "the author's check-in is in the database"

    windows = by_time_window(activity, times)
    found = {
        # The tightest of the joins by time (each stored time on its own).
        "time window": min((c for c in windows if c), key=len, default=set()),
        "last before": by_last_before(activity, times),
        "row order": by_row_order(activity, station_day["request"].id),
    }
    # What the attacker found (pytest -s shows it; the closing note of issue 9 quotes it).
    print("attack findings:", {attack: (len(c), author in c) for attack, c in found.items()})
    for attack, candidates in found.items():
        assert candidates != {author}, f"{attack} names the author"
    # The time join leaves a crowd, not a person: everyone at the station in that hour.
    assert all(len(c) > 1 for c in windows if c)


def test_no_log_line_names_a_member(station_day):
    for record in station_day["log_lines"]:
        assert "赵敏" not in record.getMessage() and "7001" not in record.getMessage()
        assert str(station_day["author"]) not in record.getMessage()


def test_an_anonymous_requests_times_are_kept_to_the_hour(station_day):
    for moment in station_day["times"]:
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0), moment


def test_the_sync_payload_carries_no_finer_time_and_no_member(station_day):
    request = station_day["request"]
    records = [r for body in station_day["payloads"] for r in body["records"]
               if str(request.id) in (r["data"].get("id"), r["data"].get("request_id"))]
    assert {r["data"].get("anonymous") for r in records if "receipt_code" in r["data"]} == {True}
    for record in records:
        assert "member_id" not in record["data"] and "idempotency_key" not in record["data"]
        assert record["data"].get("phone") is None


def test_request_tables_keep_no_write_order(app):
    for table in ("service_request", "request_event"):
        create_sql, = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?",
                                     (table,)).fetchone()
        assert create_sql.rstrip().endswith("WITHOUT ROWID")

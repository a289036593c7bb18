"""The chair keeps the six promises (三必贺三必访): calendar, recording, figures."""
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from kiosk.care import promises
from kiosk.care.calendar_data import calendar, figures, find_occurrence, local_today
from kiosk.care.models import CareEvent, CareVisit
from kiosk.care.records import record_event, record_visit
from kiosk.models import AuditLog

from .factories import make_member

pytestmark = pytest.mark.usefixtures("app")

T = date(2026, 6, 15)          # "today" for the calendar's rules
LONG_AGO = datetime(2000, 1, 1)


def real_today():
    return local_today("Asia/Shanghai")


def member_with_birthday(birthday, **fields):
    return make_member(birthday=birthday, created_at=LONG_AGO, **fields)


def event(kind, day, member=None, **fields):
    return record_event(member or make_member(), kind, day, "chair", **fields)


def statuses(today):
    cal = calendar(today)
    return {name: [(o.kind, o.due_day) for o in getattr(cal, name)]
            for name in ("due", "coming", "overdue")}


def visit(occ, day, **fields):
    fields.setdefault("visitors", "王主席")
    fields.setdefault("method", "home")
    return record_visit(occ, day, "chair", **fields)


# --- When each promise falls due and when it is kept in time -------------------------

@pytest.mark.parametrize("kind, window", [("birthday", 0), ("wedding", 14), ("birth", 14),
                                          ("hospital", 7), ("retirement", 30), ("hardship", 7)])
def test_each_promise_is_kept_in_time_up_to_its_window_and_late_after(kind, window):
    due = T
    occ = promises.Occurrence(kind, None, due, promises.deadline(kind, due))
    assert occ.deadline == due + timedelta(days=window)
    occ.records = [SimpleNamespace(day=due + timedelta(days=window))]
    assert occ.status(T) == "in_time"
    occ.records = [SimpleNamespace(day=due + timedelta(days=window + 1))]
    assert occ.status(T) == "late"
    occ.records = []
    assert occ.status(due + timedelta(days=window)) == "due"
    assert occ.status(due + timedelta(days=window + 1)) == "overdue"
    assert occ.status(due - timedelta(days=1)) == "coming"


def test_a_hospital_visit_is_in_time_during_a_long_stay():
    admitted, discharged = T, T + timedelta(days=20)
    assert promises.deadline("hospital", admitted, discharged) == discharged
    assert promises.deadline("hospital", admitted, T + timedelta(days=2)) == T + timedelta(days=7)


def test_a_29_february_birthday_falls_on_28_february_in_other_years():
    assert promises.birthdays_between(date(1992, 2, 29), date(2027, 1, 1),
                                      date(2027, 12, 31)) == [date(2027, 2, 28)]


# --- The calendar around the window edges ---------------------------------------------

@pytest.mark.parametrize("kind", promises.EVENT_KINDS)
def test_the_calendar_shows_each_event_due_coming_and_overdue_at_the_edges(kind):
    window = promises.WINDOW_DAYS[kind]
    last_day = event(kind, T - timedelta(days=window))           # today is its last day
    missed = event(kind, T - timedelta(days=window + 1))          # closed yesterday
    coming = event(kind, T + timedelta(days=promises.LOOKAHEAD_DAYS))
    event(kind, T + timedelta(days=promises.LOOKAHEAD_DAYS + 1))  # too far ahead to show
    seen = statuses(T)
    assert seen["due"] == [(kind, last_day.day)]
    assert seen["overdue"] == [(kind, missed.day)]
    assert seen["coming"] == [(kind, coming.day)]


def test_a_birthday_is_due_on_the_day_only():
    member_with_birthday(date(1990, 6, 15), name="今天")
    member_with_birthday(date(1985, 6, 14), name="昨天")
    member_with_birthday(date(1980, 6, 29), name="两周后")
    member_with_birthday(date(1980, 6, 30), name="太远")
    cal = calendar(T)
    assert [o.member.name for o in cal.due] == ["今天"]
    assert [o.member.name for o in cal.overdue] == ["昨天"]
    assert [o.member.name for o in cal.coming] == ["两周后"]


def test_birthdays_count_from_the_day_a_member_joined_the_roster():
    make_member(birthday=date(1985, 6, 14), created_at=datetime(2026, 6, 15, 1))
    assert calendar(T).overdue == []


def test_a_deactivated_member_gets_no_birthday_greeting_due():
    member_with_birthday(date(1990, 6, 15), active=False)
    assert calendar(T).due == []


def test_a_greeting_moves_the_promise_to_done():
    member = member_with_birthday(date(1990, 6, 15))
    occ = find_occurrence(member, "birthday", T)
    visit(occ, T, gift="蛋糕")
    cal = calendar(T)
    assert cal.due == [] and [v.gift for v in cal.done] == ["蛋糕"]


def test_a_late_visit_clears_the_overdue_list():
    wedding = event("wedding", T - timedelta(days=20))
    occ = find_occurrence(wedding.member, "wedding", wedding.day, wedding.id)
    assert occ.status(T) == "overdue"
    visit(occ, T)
    assert calendar(T).overdue == []
    assert find_occurrence(wedding.member, "wedding", wedding.day, wedding.id).status(T) == "late"


# --- Per-month figures ------------------------------------------------------------------

def test_figures_count_per_promise_what_fell_due_and_how_it_was_kept():
    in_time = event("wedding", date(2026, 5, 3))
    visit(find_occurrence(in_time.member, "wedding", in_time.day, in_time.id), date(2026, 5, 10))
    late = event("birth", date(2026, 5, 4))
    visit(find_occurrence(late.member, "birth", late.day, late.id), date(2026, 5, 30))
    event("hardship", date(2026, 5, 31))
    event("hardship", date(2026, 6, 1))                # next month: not counted in May
    member_with_birthday(date(1990, 5, 20))
    rows = figures(2026, 5, T)
    assert rows["wedding"] == {"due": 1, "in_time": 1, "late": 0, "open": 0}
    assert rows["birth"] == {"due": 1, "in_time": 0, "late": 1, "open": 0}
    assert rows["hardship"] == {"due": 1, "in_time": 0, "late": 0, "open": 1}
    assert rows["birthday"] == {"due": 1, "in_time": 0, "late": 0, "open": 1}
    assert rows["hospital"]["due"] == rows["retirement"]["due"] == 0


def test_the_figures_page_shows_the_month(admin):
    event("retirement", real_today())
    html = admin.get(f"/admin/care/figures?month={real_today():%Y-%m}").get_data(as_text=True)
    row = html[html.index('data-kind="retirement"'):]
    assert "退休必访" in row and "<td>1</td>" in row[:row.index("</tr>")]


@pytest.mark.parametrize("month", ["2026-13", "26-1", "x", "0000-01", "2026-00"])
def test_a_bad_month_is_refused(admin, month):
    assert admin.get(f"/admin/care/figures?month={month}").status_code == 400


# --- Recording through the admin pages --------------------------------------------------

def record_url(occ_member, kind, due, event_id=None):
    url = f"/admin/care/record/{occ_member.id}/{kind}/{due.isoformat()}"
    return url + (f"?event={event_id}" if event_id else "")


GOOD = {"visitors": "王主席、李委员", "method": "hospital", "gift": "水果篮", "money": "500",
        "note": "术后恢复良好"}


def test_recording_a_visit_is_append_only_and_audited(admin):
    stay = event("hospital", real_today(), place="市第一人民医院")
    url = record_url(stay.member, "hospital", stay.day, stay.id)
    page = admin.get("/admin/care/").get_data(as_text=True)
    assert "住院必访" in page and url.replace("?", "?") in page.replace("&amp;", "&")
    response = admin.post(url, data={**GOOD, "day": real_today().isoformat(), "money": "500.5"})
    assert response.status_code == 303
    saved = CareVisit.get()
    assert (saved.money_fen, saved.method, saved.visitors, saved.event_id) == (
        50050, "hospital", "王主席、李委员", stay.id)
    assert AuditLog.select().where(AuditLog.action == "care visit").count() == 1
    admin.post(url, data={**GOOD, "day": real_today().isoformat(), "note": "第二次"})
    assert [v.note for v in CareVisit.select().order_by(CareVisit.at)] == ["术后恢复良好", "第二次"]
    assert AuditLog.select().where(AuditLog.action == "care visit").count() == 2
    done = admin.get("/admin/care/").get_data(as_text=True)
    assert "第二次" in done and "¥500.50" in done


def test_recording_a_life_event_on_the_member_page(admin):
    member = make_member(name="赵敏")
    assert f"/admin/care/members/{member.id}" in admin.get(
        f"/admin/roster/members/{member.id}").get_data(as_text=True)
    response = admin.post(f"/admin/care/members/{member.id}",
                          data={"kind": "hardship", "day": real_today().isoformat(),
                                "what": "家中失火"})
    assert response.status_code == 303
    assert CareEvent.get().what == "家中失火"
    assert AuditLog.select().where(AuditLog.action == "care event").count() == 1
    assert "困难必访" in admin.get("/admin/care/").get_data(as_text=True)


def test_an_overdue_visit_is_an_admin_alert(admin):
    event("hardship", real_today() - timedelta(days=8))
    html = admin.get("/admin/").get_data(as_text=True)
    assert "/admin/care/#overdue" in html


# --- Hostile input ----------------------------------------------------------------------

@pytest.mark.parametrize("changes, error", [
    ({"day": "2026-13-45"}, "有效日期"),
    ({"day": "9999-01-01"}, "不晚于今天"),
    ({"money": "-5"}, "0 到 100000"),
    ({"money": "1000000000"}, "0 到 100000"),
    ({"money": "100000.01"}, "0 到 100000"),
    ({"money": "NaN"}, "0 到 100000"),
    ({"money": "1e3"}, "0 到 100000"),
    ({"visitors": "王" * 101}, None),
    ({"note": "长" * 1001}, None),
    ({"method": "teleport"}, None),
])
def test_a_bad_visit_answers_422_and_keeps_what_was_typed(admin, changes, error):
    wedding = event("wedding", real_today())
    url = record_url(wedding.member, "wedding", wedding.day, wedding.id)
    data = {**GOOD, "method": "home", "day": real_today().isoformat(), **changes}
    response = admin.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "水果篮" in html and "field-error" in html
    if error:
        assert error in html
    assert CareVisit.select().count() == 0


@pytest.mark.parametrize("changes", [
    {"day": "not a date"}, {"day": "1900-01-01"}, {"kind": "lottery"},
    {"kind": "hardship", "what": ""}, {"kind": "hospital", "end_day": "2000-01-01"},
    {"place": "院" * 101},
])
def test_a_bad_life_event_answers_422_and_keeps_what_was_typed(admin, changes):
    member = make_member()
    data = {"kind": "hospital", "day": real_today().isoformat(), "place": "人民医院",
            "what": "阑尾炎", **changes}
    response = admin.post(f"/admin/care/members/{member.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "field-error" in html
    assert "阑尾炎" in html or not data["what"]
    assert CareEvent.select().count() == 0


def test_unknown_members_promises_and_dates_are_not_found(admin):
    member = member_with_birthday(real_today())
    ghost = "00000000-0000-0000-0000-000000000000"
    today = real_today().isoformat()
    for url in [f"/admin/care/members/{ghost}", f"/admin/care/record/{ghost}/birthday/{today}",
                f"/admin/care/record/{member.id}/lottery/{today}",
                f"/admin/care/record/{member.id}/birthday/2026-02-30",
                f"/admin/care/record/{member.id}/birthday/{today}?event=nonsense",
                f"/admin/care/record/{member.id}/birthday/{today}?event={ghost}",
                f"/admin/care/record/{member.id}/birthday/2001-01-01"]:
        assert admin.get(url).status_code == 404, url
        assert admin.post(url, data=GOOD).status_code == 404, url
    assert admin.get(f"/admin/care/record/{member.id}/birthday/{today}").status_code == 200


@pytest.mark.parametrize("path", ["/admin/care/", "/admin/care/figures",
                                  "/admin/care/members/00000000-0000-0000-0000-000000000000"])
def test_the_care_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_recording_needs_a_login(client):
    member = member_with_birthday(real_today())
    response = client.post(record_url(member, "birthday", real_today()), data=GOOD)
    assert response.status_code == 302 and CareVisit.select().count() == 0

"""有喜事/有难事告诉工会: a worker reports a life event at the kiosk after proof; it waits for
the chair, who confirms it (perhaps correcting the dates) or declines it, audited."""
import re
from datetime import timedelta

import pytest

from kiosk.care.calendar_data import calendar, local_today
from kiosk.care.models import CareEvent, ReportedEvent
from kiosk.models import AuditLog

from .factories import make_member, prove

pytestmark = pytest.mark.usefixtures("app")


def today():
    return local_today("Asia/Shanghai")


def report(client, kind="hospital", day=None, text="市第一人民医院", **extra):
    data = {"day": (day or today()).isoformat(), "text": text, "save": "1", **extra}
    return client.post(f"/care/report/{kind}", data=data)


@pytest.fixture
def worker(client):
    member = make_member(name="孙磊")
    prove(client, member)
    return member


def test_a_photo_tap_is_not_enough_to_report(client):
    member = make_member()
    client.post("/identify/member", data={"member_id": str(member.id)})
    response = client.get("/care/report")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/identify/prove")
    assert report(client).status_code == 303 and ReportedEvent.select().count() == 0


def test_the_home_screen_has_a_tile_for_it(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/care/report"' in html and "有喜事" in html


def test_a_reported_hospital_stay_waits_for_the_chair_and_counts_in_no_promise(client, worker):
    html = client.get("/care/report").get_data(as_text=True)
    assert "我住院了" in html and "孙磊" in html
    response = report(client, "hospital", today() - timedelta(days=2), "市第一人民医院",
                      end_day=today().isoformat())
    assert response.status_code == 303 and response.headers["Location"] == "/care/report/thanks"
    thanks = client.get("/care/report/thanks").get_data(as_text=True)
    assert "谢谢您告诉工会" in thanks and "早日康复" in thanks
    reported = ReportedEvent.get()
    assert (reported.member_id, reported.kind, reported.place, reported.status) == (
        worker.id, "hospital", "市第一人民医院", "pending")
    assert reported.end_day == today()
    assert CareEvent.select().count() == 0
    assert all(not lst for lst in (calendar(today()).due, calendar(today()).overdue))
    # The worker sees it waits.
    assert "等待工会确认" in client.get("/care/report").get_data(as_text=True)


def test_the_steppers_move_the_date_and_keep_what_was_typed(client, worker):
    day = today()
    response = client.post("/care/report/hardship", data={"day": day.isoformat(),
                                                          "text": "家里失火", "step": "day:-1d"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "家里失火" in html
    assert f'value="{(day - timedelta(days=1)).isoformat()}"' in html
    far = client.post("/care/report/hardship", data={"day": day.isoformat(), "step": "day:-1m"})
    assert 'name="day"' in far.get_data(as_text=True)
    assert ReportedEvent.select().count() == 0         # a step saves nothing


def test_the_steppers_stay_within_a_year(client, worker):
    first = today() - timedelta(days=365)
    html = client.post("/care/report/wedding", data={"day": first.isoformat(),
                                                    "step": "day:-1m"}).get_data(as_text=True)
    assert f'value="{first.isoformat()}"' in html


def test_the_discharge_date_is_only_for_a_hospital_stay(client, worker):
    on = client.post("/care/report/hospital", data={"day": today().isoformat(), "step": "end:on"})
    assert 'name="end_day"' in on.get_data(as_text=True)
    refused = client.post("/care/report/wedding", data={"day": today().isoformat(),
                                                        "step": "end:on"})
    assert refused.status_code == 422


@pytest.mark.parametrize("data", [
    {"day": "2026-13-45"}, {"day": "yesterday"}, {"day": "2026-01-01T00:00"},
    {"day": "x" * 5000}, {"step": "day:+99y"}, {"step": "rm -rf"}, {"end_day": "never"},
])
def test_hostile_input_is_a_4xx_with_a_friendly_word_and_keeps_the_text(client, worker, data):
    form = {"day": today().isoformat(), "text": "住院三天", "save": "1", **data}
    response = client.post("/care/report/hospital", data=form)
    assert 400 <= response.status_code < 500
    html = response.get_data(as_text=True)
    assert "住院三天" in html and "请" in html
    assert ReportedEvent.select().count() == 0


def test_an_unknown_kind_is_404(client, worker):
    assert client.get("/care/report/birthday").status_code == 404
    assert report(client, "../admin").status_code == 404


def test_a_date_beyond_a_year_or_a_missing_text_is_refused_with_a_reason(client, worker):
    late = report(client, "retirement", today() + timedelta(days=400), "")
    assert late.status_code == 422 and "一年" in late.get_data(as_text=True)
    empty = report(client, "hardship", today(), "   ")
    assert empty.status_code == 422 and "发生了什么" in empty.get_data(as_text=True)
    long = report(client, "hardship", today(), "难" * 300)
    assert long.status_code == 422 and "200" in long.get_data(as_text=True)
    assert ReportedEvent.select().count() == 0


def test_control_characters_are_cleaned_out(client, worker):
    report(client, "hardship", today(), "家里\u202e失火\x00了")
    assert ReportedEvent.get().what == "家里失火了"


def test_a_double_tap_is_one_report_and_a_worker_cannot_flood(client, worker):
    assert report(client, "wedding", today()).status_code == 303
    assert report(client, "wedding", today()).status_code == 303
    assert ReportedEvent.select().count() == 1
    report(client, "birth", today())
    report(client, "retirement", today())
    flood = report(client, "hardship", today(), "又一件事")
    assert flood.status_code == 429
    html = flood.get_data(as_text=True)
    assert "工会办公室" in html and "又一件事" in html
    assert ReportedEvent.select().count() == 3


def test_the_thank_you_page_needs_a_report(client):
    assert client.get("/care/report/thanks").status_code == 302


# --- The chair -----------------------------------------------------------------------

def reported_event(client, kind="hospital", day=None, **extra):
    member = make_member(name="孙磊")
    prove(client, member)
    assert report(client, kind, day or today() - timedelta(days=1), **extra).status_code == 303
    client.get("/reset")
    return ReportedEvent.get(ReportedEvent.member == member)


def test_the_chair_sees_pending_reports_on_the_calendar_the_member_page_and_home(admin, client):
    item = reported_event(client)
    calendar_html = admin.get("/admin/care/").get_data(as_text=True)
    assert "在驿站报告" in calendar_html and "孙磊" in calendar_html
    assert f"/admin/care/reports/{item.id}" in calendar_html
    member_html = admin.get(f"/admin/care/members/{item.member_id}").get_data(as_text=True)
    assert f"/admin/care/reports/{item.id}" in member_html
    assert "1 件职工在驿站报告的大事等您确认" in admin.get("/admin/").get_data(as_text=True)


def test_the_chair_confirms_with_corrected_dates_and_it_counts(admin, client):
    item = reported_event(client, "hospital", today() - timedelta(days=1))
    page = admin.get(f"/admin/care/reports/{item.id}").get_data(as_text=True)
    assert "市第一人民医院" in page
    corrected = today() - timedelta(days=3)
    response = admin.post(f"/admin/care/reports/{item.id}/confirm", data={
        "kind": "hospital", "day": corrected.isoformat(), "end_day": "",
        "place": "市第一人民医院", "what": ""})
    assert response.status_code == 303
    event = CareEvent.get()
    assert (event.kind, event.day, event.place, event.by_admin) == (
        "hospital", corrected, "市第一人民医院", "chair")
    item = ReportedEvent.get_by_id(item.id)
    assert (item.status, item.decided_by, item.event_id) == ("confirmed", "chair", event.id)
    assert [o.member.name for o in calendar(today()).due] == ["孙磊"]
    member_html = admin.get(f"/admin/care/members/{item.member_id}").get_data(as_text=True)
    assert "chair · 职工在驿站报告" in member_html
    log = AuditLog.get(AuditLog.action == "care report confirmed")
    assert log.actor == "chair" and "reported" in log.detail
    # Once answered, it cannot be answered again.
    again = admin.post(f"/admin/care/reports/{item.id}/decline", data={"reason": ""})
    assert again.status_code == 409 and CareEvent.select().count() == 1


def test_the_chair_declines_and_nothing_goes_on_the_calendar(admin, client):
    item = reported_event(client, "wedding")
    response = admin.post(f"/admin/care/reports/{item.id}/decline", data={"reason": "重复报告"})
    assert response.status_code == 303
    assert ReportedEvent.get_by_id(item.id).status == "declined"
    assert CareEvent.select().count() == 0
    log = AuditLog.get(AuditLog.action == "care report declined")
    assert "重复报告" in log.detail
    assert "在驿站报告" not in admin.get("/admin/care/").get_data(as_text=True)


def test_hostile_confirmations_are_4xx_and_keep_the_report(admin, client):
    item = reported_event(client, "wedding")
    bad_date = admin.post(f"/admin/care/reports/{item.id}/confirm",
                          data={"kind": "wedding", "day": "1800-01-01"})
    assert bad_date.status_code == 422 and "1950" in bad_date.get_data(as_text=True)
    other_kind = admin.post(f"/admin/care/reports/{item.id}/confirm",
                            data={"kind": "hardship", "day": today().isoformat(), "what": "x"})
    assert other_kind.status_code == 400
    long = admin.post(f"/admin/care/reports/{item.id}/decline", data={"reason": "x" * 500})
    assert long.status_code == 422
    assert admin.get("/admin/care/reports/not-a-uuid").status_code == 404
    assert ReportedEvent.get_by_id(item.id).status == "pending"


def test_the_chairs_pages_need_a_login(client):
    item = reported_event(client)
    for url in (f"/admin/care/reports/{item.id}",):
        response = client.get(url)
        assert response.status_code in (302, 303) and re.search("/admin/login", response.headers["Location"])
    response = client.post(f"/admin/care/reports/{item.id}/confirm", data={"day": "2026-01-01"})
    assert response.status_code in (302, 303, 400, 401, 403)
    assert ReportedEvent.get_by_id(item.id).status == "pending"


def test_a_step_by_htmx_swaps_only_the_form(client, worker):
    response = client.post("/care/report/hospital", headers={"HX-Request": "true"},
                           data={"day": today().isoformat(), "text": "市医院", "step": "end:on"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="care-report-form"') and "<html" not in html
    assert 'name="end_day"' in html and "市医院" in html


def test_the_worker_sees_the_chairs_answer_next_time(admin, client):
    item = reported_event(client, "wedding")
    admin.post(f"/admin/care/reports/{item.id}/confirm",
               data={"kind": "wedding", "day": item.day.isoformat()})
    prove(client, item.member)
    assert "工会已确认" in client.get("/care/report").get_data(as_text=True)

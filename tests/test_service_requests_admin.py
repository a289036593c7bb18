"""The chair's side of 帮你办: inbox, lifecycle as events, routing, settings, statistics."""
import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.models import utcnow
from kiosk.service import lifecycle, stats
from kiosk.service.models import RequestEvent, ServiceRequest

from .factories import make_admin, make_member, make_request

HX = {"HX-Request": "true"}


@pytest.mark.parametrize("url", ["/admin/service/", "/admin/service/settings",
                                 "/admin/service/statistics", "/admin/service/statistics.csv"])
def test_admin_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_old_admin_urls_lead_to_the_same_pages(admin, client):
    """The chair's pages were /admin/requests/… before the feature had one name: a link
    in a bookmark or an old alert still opens the page, with its filters."""
    filed = make_request()
    for old, new in [("/admin/requests/", "/admin/service/"),
                     ("/admin/requests", "/admin/service/"),
                     (f"/admin/requests/{filed.id}", f"/admin/service/{filed.id}"),
                     ("/admin/requests/?category=pay&status=open",
                      "/admin/service/?category=pay&status=open")]:
        response = admin.get(old)
        assert response.status_code == 301 and response.headers["Location"] == new
        assert admin.get(new).status_code == 200
    anonymous = client.get(f"/admin/requests/{filed.id}")
    assert anonymous.status_code == 302 and "/admin/login" in anonymous.headers["Location"]

def test_inbox_lists_urgent_open_requests_first(admin):
    old = make_request("suggestion", "设备和工具", created_at=utcnow() - timedelta(hours=5))
    urgent = make_request("counselling", "工作压力大", created_at=utcnow() - timedelta(days=1))
    newest = make_request("learning", "技能培训")
    html = admin.get("/admin/service/").get_data(as_text=True)
    order = [html.index(str(r.id)) for r in (urgent, newest, old)]
    assert order == sorted(order)
    assert "紧急" in html


def test_inbox_filters(admin):
    make_request("pay", "加班费", events=[("resolved", "")])
    make_request("hardship", "住房")
    html = admin.get("/admin/service/?category=pay").get_data(as_text=True)
    assert "加班费" in html and "住房" not in html
    html = admin.get("/admin/service/?status=open").get_data(as_text=True)
    assert "住房" in html and "加班费" not in html
    fragment = admin.get("/admin/service/?status=resolved", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="inbox-results">') and "加班费" in fragment


def test_chair_finds_a_request_by_the_receipt_code_a_worker_reads_out(admin):
    filed = make_request()
    code = filed.receipt_code
    response = admin.post("/admin/service/find", data={"code": f"{code[:4]} {code[4:8]} {code[8:]}"})
    assert response.status_code == 303 and str(filed.id) in response.headers["Location"]


def test_a_wrong_receipt_code_in_the_inbox_says_so(admin):
    make_request()
    response = admin.post("/admin/service/find", data={"code": "0000 0000 00000"},
                          follow_redirects=True)
    assert "没有这个回执码的诉求" in response.get_data(as_text=True)


def test_overdue_after_the_category_deadline_until_answered(admin):
    late = make_request("hardship", "住房", created_at=utcnow() - timedelta(days=4))
    make_request("hardship", "家庭困难", created_at=utcnow() - timedelta(days=2))
    html = admin.get("/admin/service/?overdue=1").get_data(as_text=True)
    assert "住房" in html and "家庭困难" not in html
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert "有 1 件诉求已超过首次答复时限" in dashboard
    admin.post(f"/admin/service/{late.id}/events", data={"kind": "received"})
    assert "住房" not in admin.get("/admin/service/?overdue=1").get_data(as_text=True)
    assert "超过首次答复时限" not in admin.get("/admin/").get_data(as_text=True)


def test_urgent_requests_raise_an_alert(admin):
    make_request("suggestion", "食堂", description="有人说不想活了")
    assert "有 1 件紧急诉求等待答复" in admin.get("/admin/").get_data(as_text=True)


def test_lifecycle_is_a_list_of_events(admin):
    make_admin(username="wang", display_name="王干事")
    filed = make_request()
    url = f"/admin/service/{filed.id}/events"
    response = admin.post(url, data={"kind": "received", "text": "已收到"}, headers=HX)
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<div id="workbench"')
    admin.post(url, data={"kind": "assigned", "assignee": "wang"})
    admin.post(url, data={"kind": "in_progress"})
    admin.post(url, data={"kind": "public_reply", "text": "正在联系财务"})
    admin.post(url, data={"kind": "internal_note", "text": "财务说下周"})
    admin.post(url, data={"kind": "resolved", "text": "补助已发放"})
    done = ServiceRequest.get_by_id(filed.id)
    assert done.status == "resolved" and done.assignee == "wang"
    assert done.first_response_at is not None and done.resolved_at is not None
    events = list(RequestEvent.select().where(RequestEvent.request == filed.id)
                  .order_by(RequestEvent.at))
    assert [(e.kind, e.public) for e in events] == [
        ("submitted", True), ("received", True), ("assigned", False), ("in_progress", True),
        ("public_reply", True), ("internal_note", False), ("resolved", True)]
    assert {e.actor for e in events[1:]} == {"chair"} and {e.origin for e in events} == {"station"}


def test_events_are_append_only(app):
    filed = make_request()
    event = RequestEvent.get(RequestEvent.request == filed.id)
    event.text = "changed"
    with pytest.raises(ValueError):
        event.save()


def test_declining_needs_a_reason_and_steps_follow_the_status(admin):
    filed = make_request()
    url = f"/admin/service/{filed.id}/events"
    response = admin.post(url, data={"kind": "declined", "text": ""})
    assert response.status_code == 422 and "不予受理的理由" in response.get_data(as_text=True)
    assert admin.post(url, data={"kind": "declined", "text": "不属于工会职责"}).status_code == 200
    assert ServiceRequest.get_by_id(filed.id).status == "declined"
    assert admin.post(url, data={"kind": "resolved"}).status_code == 422
    assert admin.post(url, data={"kind": "bogus"}).status_code == 422
    assert admin.post(url, data={"kind": "public_reply", "text": ""}).status_code == 422
    assert admin.post(url, data={"kind": "assigned", "assignee": "nobody"}).status_code == 422
    assert admin.post(url, data={"kind": "reopened"}).status_code == 200
    assert ServiceRequest.get_by_id(filed.id).status == "reopened"


def test_a_request_for_the_federation_is_kept_shown_as_waiting_and_not_exposed(admin):
    member = make_member(name="周杰")
    filed = make_request("rights", "拖欠工资", description="老板三个月没发工资", member=member,
                         phone="13900000000")
    assert filed.handled_by == "central" and filed.sent_to_central_at is None
    inbox = admin.get("/admin/service/").get_data(as_text=True)
    assert "等待上报市总工会" in inbox and "周杰" not in inbox and "拖欠工资" not in inbox
    detail = admin.get(f"/admin/service/{filed.id}").get_data(as_text=True)
    assert "老板三个月没发工资" not in detail and "周杰" not in detail and "13900000000" not in detail
    assert "等待下次同步上报" in detail
    response = admin.post(f"/admin/service/{filed.id}/events", data={"kind": "received"})
    assert response.status_code == 422
    assert "有 1 件转市总工会办理的诉求等待下次同步上报" in admin.get("/admin/").get_data(as_text=True)
    # Nor can the station write its events: central owns them.
    with pytest.raises(lifecycle.NotYours):
        lifecycle.add_event(filed.id, "received", actor="chair", origin="station")


def test_events_written_by_central_are_what_the_station_shows(client):
    """What the sync will do: add central's rows, then rebuild the cached status."""
    filed = make_request("rights", "工伤")
    RequestEvent.create(request=filed, kind="received", public=True, actor="市总工会",
                        origin="central", at=utcnow())
    RequestEvent.create(request=filed, kind="public_reply", public=True, actor="市总工会",
                        origin="central", text="已转劳动监察", at=utcnow() + timedelta(seconds=1))
    lifecycle.refresh(ServiceRequest.get_by_id(filed.id))
    assert ServiceRequest.get_by_id(filed.id).status == "received"
    client.post("/service/track", data={"code": filed.receipt_code})
    html = client.get(f"/service/requests/{filed.id}").get_data(as_text=True)
    assert "已转劳动监察" in html and "已受理" in html


def test_chair_edits_routing_deadline_topics_and_urgent_words(admin, client):
    form = {}
    for key in ("suggestion", "learning", "hardship", "counselling", "pay", "rights"):
        form[f"{key}-handled_by"] = "station"
        form[f"{key}-deadline_days"] = "3"
        form[f"{key}-topics"] = ""
    form["hardship-topics"] = "子女助学\n大病救助\n子女助学\n"
    form["rights-handled_by"] = "station"
    form["pay-deadline_days"] = "7"
    form["urgent_words"] = "火灾\n"
    response = admin.post("/admin/service/settings", data=form)
    assert response.status_code == 303
    html = client.get("/service/new/hardship").get_data(as_text=True)
    assert "子女助学" in html and "大病救助" in html and html.count("子女助学") == 1
    assert "家庭困难" not in html
    assert "拖欠工资" in client.get("/service/new/rights").get_data(as_text=True)  # default kept
    filed = make_request("rights", "工伤")
    assert filed.handled_by == "station"
    assert make_request("suggestion", "食堂", description="厨房差点火灾").urgent
    # The list is replaced (words of despair stay urgent through the crisis words).
    assert not make_request("suggestion", "食堂", description="有人打人").urgent


def test_bad_settings_keep_what_was_typed(admin):
    response = admin.post("/admin/service/settings",
                          data={"pay-deadline_days": "0", "pay-handled_by": "mars",
                                "pay-topics": "加班费"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1 到 60 之间的整数天数" in html and "请选择办理单位" in html


def test_statistics_by_category_and_month(admin):
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime.now(UTC)
    this_month = now.astimezone(zone).strftime("%Y-%m")
    done = make_request("pay", "加班费", created_at=utcnow() - timedelta(hours=10),
                        events=[("received", ""), ("resolved", "")])
    client = admin.application.test_client()
    client.post("/service/track", data={"code": done.receipt_code})
    client.post(f"/service/requests/{done.id}/rating", data={"verdict": "satisfied"})
    make_request("pay", "社会保险")
    make_request("learning", "技能培训")
    rows = ServiceRequest.select(ServiceRequest.category, ServiceRequest.created_at,
                                 ServiceRequest.status, ServiceRequest.first_response_at,
                                 ServiceRequest.resolved_at, ServiceRequest.rating).tuples()
    report = stats.compute(list(rows), zone, ["pay", "learning"], months=12, now=now)
    assert report.months[-1] == this_month and len(report.months) == 12
    assert report.categories["pay"].by_month == {this_month: 2}
    assert report.categories["pay"].resolved_share == 0.5
    assert report.overall.total == 3 and report.overall.satisfaction == 1.0
    assert 9.9 < report.categories["pay"].median_resolution_hours < 10.1
    html = admin.get("/admin/service/statistics").get_data(as_text=True)
    assert "待遇有诉求" in html and "50%" in html and "100%" in html


def test_median_and_month_boundary_in_local_time():
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 3, 15, tzinfo=UTC)
    created = datetime(2026, 1, 31, 17, 0)   # 01:00 on 1 February in Shanghai
    rows = [("pay", created, "resolved", created + timedelta(hours=h), created + timedelta(hours=2 * h),
             None) for h in (1, 2, 9)]
    report = stats.compute(rows, zone, ["pay"], months=3, now=now)
    assert report.months == ["2026-01", "2026-02", "2026-03"]
    assert report.categories["pay"].by_month == {"2026-02": 3}
    assert report.categories["pay"].median_first_response_hours == 2
    assert report.categories["pay"].median_resolution_hours == 4
    assert report.categories["pay"].satisfaction is None


def test_csv_opens_in_chinese_excel(admin):
    make_request("hardship", "住房")
    response = admin.get("/admin/service/statistics.csv?months=3")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")       # UTF-8 BOM: Excel reads it as UTF-8
    assert b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "类别" and rows[0][-1] == "满意率（%）"
    assert len(rows[0]) == 1 + 3 + 6
    hardship = next(r for r in rows if r[0] == "生活有困难")
    assert hardship[4] == "1"
    assert rows[-1][0] == "全部类别"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=1200), kind=st.sampled_from(
    ["received", "in_progress", "resolved", "declined", "reopened", "public_reply", "internal_note",
     "assigned", "", "x" * 40]))
def test_no_admin_input_gives_a_server_error(admin, text, kind):
    filed = make_request()
    for data in ({"kind": kind, "text": text}, {"kind": kind, "assignee": text}, {"kind": text}):
        assert admin.post(f"/admin/service/{filed.id}/events", data=data).status_code < 500
    settings_form = {"pay-handled_by": text, "pay-deadline_days": text, "pay-topics": text,
                     "urgent_words": text}
    assert admin.post("/admin/service/settings", data=settings_form).status_code < 500
    for query in ({"category": text}, {"status": text}, {"page": text}, {"code": text},
                  {"months": text}):
        assert admin.get("/admin/service/", query_string=query).status_code < 500
        assert admin.get("/admin/service/statistics", query_string=query).status_code < 500

"""No dead ends (issue 14, finding 6), through the Flask test client.

- 我的信息 was a whole home tile that showed name, team and staff number, then 完成:
  it is now the worker's own page after proof — their requests, their moods of
  the last weeks.
- Notices had no dates and a bare empty state.
- English mode left the stored topic labels in Chinese; the on-screen keyboard
  started in 中 whatever the language.
- 不满意 reopened a request without asking why: it now asks, one optional tap.
"""
import re
from datetime import date, timedelta

import pytest

from kiosk.notices.models import Announcement
from kiosk.service.models import RequestEvent, ServiceRequest

from .factories import make_checkin, make_member, make_request, make_team, prove
from .test_service_requests import HX, file_request, receipt_in_session


@pytest.fixture
def wang():
    return make_member(name="王芳", staff_no="2046", team=make_team(name="装配二班"))


def english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"


# -- 我的 ------------------------------------------------------------------------

def test_the_home_tile_leads_to_the_workers_own_page(client):
    html = client.get("/").get_data(as_text=True)
    assert "我的主页" in html and "我的信息" not in html
    assert "我的诉求和心情记录" in html


def test_my_page_shows_my_named_requests_and_my_moods_after_proof(client, wang):
    named = make_request("pay", "加班费", member=wang, events=[("resolved", "已补发")])
    make_request("rights", "劳动合同")                       # anonymous: never on the page
    today = date.today()
    make_checkin(wang, "happy", day=today - timedelta(days=1))
    make_checkin(wang, "upset", day=today - timedelta(days=3))
    prove(client, wang)
    html = client.get("/identify/hello").get_data(as_text=True)
    assert "王芳" in html and "装配二班" in html
    assert "待遇有诉求 · 加班费" in html and f'/service/requests/{named.id}' in html
    assert "已办结" in html
    assert "劳动合同" not in html
    assert html.count('data-mood-day="happy"') == 1 and html.count('data-mood-day="upset"') == 1
    assert "最近四周的心情" in html


def test_my_page_without_anything_yet_says_where_to_start(client, wang):
    prove(client, wang)
    html = client.get("/identify/hello").get_data(as_text=True)
    assert "您还没有实名提交过诉求" in html
    assert 'href="/mood/"' in html and 'href="/service/"' in html


# -- 通知公告 ----------------------------------------------------------------------

def test_notices_show_their_date_and_new_ones_are_marked(client):
    today = date.today()
    Announcement.create(title="夏送清凉", body="七月发放防暑用品。", starts_on=today - timedelta(days=2))
    Announcement.create(title="职工书屋开放", body="", starts_on=today - timedelta(days=40))
    html = client.get("/notices/").get_data(as_text=True)
    articles = html.split("<article")[1:]
    fresh = next(a for a in articles if "夏送清凉" in a)
    old = next(a for a in articles if "职工书屋开放" in a)
    assert "notice-new" in fresh and "notice-new" not in old
    assert f"{(today - timedelta(days=2)).month}月{(today - timedelta(days=2)).day}日" in fresh
    assert "<time" in old


def test_no_notices_is_a_friendly_page_with_a_way_home(client):
    html = client.get("/notices/").get_data(as_text=True)
    assert "现在还没有新的通知" in html
    assert "市总工会发布通知后" in html
    assert 'class="empty-state' in html and 'href="/reset"' in html


# -- English ---------------------------------------------------------------------

def test_topics_show_in_english_whatever_language_they_were_filed_in(client):
    filed = make_request("hardship", "大病医疗", events=[("received", "")])
    english(client)
    client.post("/service/track", data={"code": filed.receipt_code})
    html = client.get(f"/service/requests/{filed.id}").get_data(as_text=True)
    assert "Hardship in life · Serious illness" in html
    assert "大病医疗" not in html


def test_a_topic_chosen_in_english_is_stored_in_the_stations_language(client):
    english(client)
    file_request(client, category="hardship", topic="1")
    filed = ServiceRequest.get(ServiceRequest.receipt_code == receipt_in_session(client))
    assert filed.topic == "大病医疗"         # one topic, one name: the chair's counts agree
    assert "Serious illness" in client.get("/service/receipt").get_data(as_text=True)


def test_the_keyboard_starts_in_the_screens_language(client):
    client.post("/service/new/hardship", data={"topic": "0"})
    assert 'data-keyboard data-target="description" data-mode="zh"' in \
        client.get("/service/describe").get_data(as_text=True)
    english(client)
    assert 'data-keyboard data-target="description" data-mode="en"' in \
        client.get("/service/describe").get_data(as_text=True)


# -- 不满意 asks why ---------------------------------------------------------------

@pytest.fixture
def resolved(client):
    filed = make_request(events=[("resolved", "已办好")])
    client.post("/service/track", data={"code": filed.receipt_code})
    return filed


def rate(client, filed, **data):
    return client.post(f"/service/requests/{filed.id}/rating", data=data, headers=HX)


def test_not_satisfied_asks_why_before_anything_is_recorded(client, resolved):
    response = rate(client, resolved, verdict="unsatisfied")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "能说说哪里不满意吗" in html
    for reason in ("问题没有解决", "办得太慢", "答复没说清楚", "不想说"):
        assert reason in html
    assert ServiceRequest.get_by_id(resolved.id).status == "resolved"   # nothing yet


def test_the_reason_is_kept_with_the_reopening(client, resolved, admin):
    response = rate(client, resolved, verdict="unsatisfied", reason="too_slow")
    assert "工会主席会重新办理" in response.get_data(as_text=True)
    reopened = ServiceRequest.get_by_id(resolved.id)
    assert reopened.status == "reopened" and reopened.rating == "unsatisfied"
    event = RequestEvent.get(RequestEvent.request == resolved.id, RequestEvent.kind == "reopened")
    assert event.text == "too_slow"
    detail = admin.get(f"/admin/service/{resolved.id}").get_data(as_text=True)
    assert re.search(r"重新办理[^<]*：办得太慢", detail)


def test_the_reason_is_optional(client, resolved):
    rate(client, resolved, verdict="unsatisfied", reason="none")
    assert ServiceRequest.get_by_id(resolved.id).status == "reopened"
    event = RequestEvent.get(RequestEvent.request == resolved.id, RequestEvent.kind == "reopened")
    assert event.text == ""


def test_a_made_up_reason_is_refused_kindly(client, resolved):
    response = rate(client, resolved, verdict="unsatisfied", reason="<script>")
    assert response.status_code == 422
    assert "能说说哪里不满意吗" in response.get_data(as_text=True)
    assert ServiceRequest.get_by_id(resolved.id).status == "resolved"


def test_the_chairs_own_topics_may_have_an_english_form(client, admin):
    form = {}
    for key in ("suggestion", "learning", "hardship", "counselling", "pay", "rights"):
        form.update({f"{key}-handled_by": "central" if key == "rights" else "station",
                     f"{key}-deadline_days": "3", f"{key}-topics": ""})
    form["pay-topics"] = "加班费 | Overtime pay\n高温补贴"
    assert admin.post("/admin/service/settings", data=form).status_code in (200, 303)
    assert "加班费 | Overtime pay" in admin.get("/admin/service/settings").get_data(as_text=True)
    english(client)
    page = client.get("/service/new/pay").get_data(as_text=True)
    assert ">Overtime pay</button>" in page and ">高温补贴</button>" in page
    file_request(client, category="pay", topic="0")
    filed = ServiceRequest.get(ServiceRequest.receipt_code == receipt_in_session(client))
    assert filed.topic == "加班费"
    assert "Pay or benefits · Overtime pay" in client.get("/service/receipt").get_data(as_text=True)
    with client.session_transaction() as session:
        session["lang"] = "zh_Hans"
    assert "待遇有诉求 · 加班费" in client.get("/service/receipt").get_data(as_text=True)

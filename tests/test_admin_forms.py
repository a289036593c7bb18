"""The chair's forms are FlaskForm classes: one way to read, check and redraw a form.

What docs/architecture.md ("One form approach") promises: no admin view parses
``request.form`` by hand; a wrong value is answered in Chinese beside the field with
what was typed still there, and a good one is saved.
"""
import inspect
import re
import sys

import pytest

from kiosk.service import categories, crisis
from kiosk.service.models import ServiceRequest

from .conftest import make_app
from .factories import make_admin, make_request

# The roster's views still read a button's one value by hand (docs/architecture.md,
# "One form approach": not yet).
NOT_YET = re.compile(r"roster")


def admin_view_modules(app):
    prefix = app.config.get("APPLICATION_ROOT", "/").rstrip("/") + "/admin"
    return {sys.modules[app.view_functions[rule.endpoint].__module__]
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith(prefix) and rule.endpoint in app.view_functions}


@pytest.mark.parametrize("role", ["station", "central"])
def test_no_admin_view_parses_the_posted_form_by_hand(tmp_path, role):
    app = make_app(tmp_path, KIOSK_ROLE=role)
    by_hand = sorted(f"{module.__name__}: {line.strip()}"
                     for module in admin_view_modules(app) if not NOT_YET.search(module.__name__)
                     for line in inspect.getsource(module).splitlines()
                     if "request.form" in line or "request.values" in line)
    assert not by_hand, "read the chair's forms with a FlaskForm:\n" + "\n".join(by_hand)


def settings_form(**changes):
    form = {f"{key}-{name}": value for key in categories.KEYS
            for name, value in (("handled_by", "station"), ("deadline_days", "3"),
                                ("topics", ""))}
    form.update(urgent_words="火灾", crisis_words="不想活", crisis_hotline="12355",
                crisis_office_place="工会办公室", crisis_office_phone="8888")
    form.update(changes)
    return form


def page(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("days", ["²", "3.5", "61", "-1", "", "三"])
def test_a_deadline_that_is_not_a_whole_number_of_days_is_refused_and_kept(admin, days):
    response = admin.post("/admin/service/settings", data=settings_form(**{"pay-deadline_days": days}))
    assert response.status_code == 422
    html = page(response)
    assert "请填写 1 到 60 之间的整数天数" in html and f'value="{days}"' in html


def test_too_many_topics_and_urgent_words_are_refused_in_chinese_and_kept(admin):
    topics = "\n".join(f"事项{n}" for n in range(categories.MAX_TOPICS + 1))
    words = "\n".join(f"词{n}" for n in range(101))
    response = admin.post("/admin/service/settings",
                          data=settings_form(**{"learning-topics": topics, "urgent_words": words}))
    assert response.status_code == 422
    html = page(response)
    assert f"最多 {categories.MAX_TOPICS} 个事项" in html and "最多 100 个词" in html
    assert f"事项{categories.MAX_TOPICS}" in html and "词100" in html
    assert "请修改标出的内容" in html


def test_no_crisis_word_is_refused_and_the_contacts_typed_are_kept(admin):
    response = admin.post("/admin/service/settings",
                          data=settings_form(crisis_words=" \n", crisis_hotline="400-123"))
    assert response.status_code == 422
    html = page(response)
    assert "请至少保留一个词" in html and 'value="400-123"' in html
    assert crisis.contacts().hotline != "400-123"


def test_good_settings_are_saved_cleaned(admin):
    response = admin.post("/admin/service/settings", data=settings_form(**{
        "pay-deadline_days": " 7 ", "pay-topics": "加班费\n\n加班费\n 高温补贴 ",
        "rights-handled_by": "central", "urgent_words": "火灾\n火灾\n打人"}))
    assert response.status_code == 303
    html = page(admin.get("/admin/service/settings"))
    assert 'value="7"' in html and "加班费\n高温补贴</textarea>" in html
    assert "火灾\n打人</textarea>" in html
    assert crisis.contacts().hotline == "12355" and crisis.words() == ["不想活"]


def test_a_settings_page_without_the_crisis_part_leaves_it_as_it_is(admin):
    form = settings_form()
    for name in ("crisis_words", "crisis_hotline", "crisis_office_place", "crisis_office_phone"):
        del form[name]
    assert admin.post("/admin/service/settings", data=form).status_code == 303
    assert crisis.words() == list(crisis.DEFAULT_WORDS)


def test_a_reply_that_cannot_be_sent_keeps_its_text(admin):
    filed = make_request()
    url = f"/admin/service/{filed.id}/events"
    assert admin.post(url, data={"kind": "declined", "text": "不属于工会职责"}).status_code == 200
    response = admin.post(url, data={"kind": "resolved", "text": "已经办好了"})
    assert response.status_code == 422
    html = page(response)
    assert "诉求当前的状态下不能进行这一步" in html and "已经办好了</textarea>" in html


def test_a_reply_the_worker_sees_is_saved_cleaned(admin):
    filed = make_request()
    response = admin.post(f"/admin/service/{filed.id}/events",
                          data={"kind": "public_reply", "text": " 已转人事部门\x00 "})
    assert response.status_code == 200 and "已保存" in page(response)
    assert "已转人事部门" in page(admin.get(f"/admin/service/{filed.id}"))


def test_assigning_to_someone_who_is_not_staff_is_refused_in_chinese(admin, app):
    filed = make_request()
    url = f"/admin/service/{filed.id}/events"
    response = admin.post(url, data={"kind": "assigned", "assignee": "nobody"})
    assert response.status_code == 422 and "请选择一位工会干部" in page(response)
    with app.app_context():
        make_admin("helper", password="another long password")
    assert admin.post(url, data={"kind": "assigned", "assignee": "helper"}).status_code == 200
    with app.app_context():
        assert ServiceRequest.get_by_id(filed.id).assignee == "helper"


def test_a_receipt_code_is_found_however_it_is_typed(admin):
    filed = make_request()
    code = filed.receipt_code
    response = admin.post("/admin/service/find", data={"code": f" {code[:4]}-{code[4:]} "})
    assert response.status_code in (302, 303) and str(filed.id) in response.headers["Location"]
    missing = admin.post("/admin/service/find", data={"code": "x" * 500}, follow_redirects=True)
    assert "没有这个回执码的诉求" in page(missing)


def test_the_forms_refuse_a_post_without_the_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        filed = make_request()
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      page(client.get("/admin/login"))).group(1)
    with app.app_context():
        make_admin(password="correct horse battery")
    assert client.post("/admin/login", data={"username": "chair", "password": "correct horse battery",
                                             "csrf_token": token}).status_code == 302
    # Logging in starts a new session, with a new token.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      page(client.get("/admin/service/settings"))).group(1)
    for url, data in (("/admin/service/settings", settings_form()),
                      (f"/admin/service/{filed.id}/events", {"kind": "received"}),
                      ("/admin/service/find", {"code": filed.receipt_code}),
                      ("/admin/care/morning-sheet/schedule", {"at": "07:30"})):
        assert client.post(url, data=data).status_code == 400
        assert client.post(url, data={**data, "csrf_token": token}).status_code < 400

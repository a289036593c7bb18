"""Trust at the kiosk (issue 9): the phone-number warning, one tap one action, an answer
to a crisis, and boards that can hide the upset."""
import uuid

import pytest
from pypinyin import lazy_pinyin

from kiosk.mood import settings as mood_settings
from kiosk.mood.models import MoodCheckin
from kiosk.pinyin import dictionary
from kiosk.service import crisis, lifecycle
from kiosk.service.models import ServiceRequest

from .factories import make_member, make_request, make_team

HX = {"HX-Request": "true"}


def walk_to_contact(client, category="hardship", description=""):
    assert client.post(f"/service/new/{category}", data={"topic": "0"}).status_code == 303
    assert client.post("/service/describe", data={"description": description}).status_code == 303


def receipt_in_session(client):
    with client.session_transaction() as session:
        return (session.get("draft") or {}).get("receipt")


def filed(client):
    return ServiceRequest.get(ServiceRequest.receipt_code == receipt_in_session(client))


# --- A phone number on an anonymous request -----------------------------------

def test_a_phone_number_on_an_anonymous_request_asks_first(client):
    walk_to_contact(client)
    response = client.post("/service/contact", data={"phone": "13800138000", "mode": "anonymous"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "填写电话后，工会就能知道您是谁" in html
    assert 'value="13800138000"' in html   # what was typed is kept on the screen


def test_the_phone_number_is_dropped_unless_the_worker_confirms(client, admin):
    walk_to_contact(client, description="宿舍漏水")
    response = client.post("/service/contact", data={"phone": "13800138000",
                                                     "mode": "anonymous_no_phone"})
    assert response.status_code == 303
    assert "13800138000" not in client.get("/service/review").get_data(as_text=True)
    assert client.post("/service/submit").status_code == 303
    request = filed(client)
    assert request.anonymous and request.phone is None
    assert "13800138000" not in admin.get(f"/admin/service/{request.id}").get_data(as_text=True)


def test_an_anonymous_submit_without_the_warning_keeps_no_phone(client):
    """A hand-made post cannot skip the warning: the number never reaches the database."""
    walk_to_contact(client)
    with client.session_transaction() as session:
        session["draft"]["filing"].update(phone="13800138000", mode="anonymous")
        session.modified = True
    assert client.post("/service/submit").status_code == 303
    assert filed(client).phone is None


def test_a_confirmed_phone_number_is_kept(client):
    walk_to_contact(client)
    response = client.post("/service/contact", data={"phone": "13800138000",
                                                     "mode": "anonymous_keep_phone"})
    assert response.status_code == 303
    assert client.post("/service/submit").status_code == 303
    request = filed(client)
    assert request.anonymous and request.phone == "13800138000"


# --- One tap, one action ------------------------------------------------------

def test_submitting_one_draft_twice_files_one_request(client):
    walk_to_contact(client, description="食堂饭菜太咸")
    assert client.post("/service/contact", data={"phone": "", "mode": "anonymous"}).status_code == 303
    with client.session_transaction() as session:
        before = dict(session)
    first = client.post("/service/submit")
    # The second tap (or a retry after a lost answer) carries the draft as it was.
    with client.session_transaction() as session:
        session.clear()
        session.update(before)
    second = client.post("/service/submit")
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("/service/receipt")
    assert ServiceRequest.select().count() == 1
    assert receipt_in_session(client) == ServiceRequest.get().receipt_code


def test_the_token_is_checked_in_the_same_transaction_as_the_insert(app):
    key = uuid.uuid4().hex
    one = lifecycle.file_request("hardship", "家庭困难", idempotency_key=key)
    two = lifecycle.file_request("hardship", "家庭困难", idempotency_key=key)
    assert one.id == two.id and ServiceRequest.select().count() == 1


def test_the_send_button_says_it_is_working(client):
    walk_to_contact(client)
    client.post("/service/contact", data={"phone": "", "mode": "anonymous"})
    html = client.get("/service/review").get_data(as_text=True)
    assert "data-submit-once" in html and 'data-busy-label="正在提交…"' in html


def test_a_repeated_check_in_within_seconds_records_nothing_and_confirms(client, app):
    app.config["MOOD_CHECKIN_MIN_SECONDS"] = 60   # "a few seconds", whatever the machine's load
    member = make_member()
    client.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    first = client.post("/mood/checkin", data={"mood": "upset"}, headers=HX)
    second = client.post("/mood/checkin", data={"mood": "happy"}, headers=HX)
    third = client.post("/mood/checkin", data={"mood": "upset"}, headers=HX)
    assert first.status_code == second.status_code == third.status_code == 200
    assert MoodCheckin.select().count() == 1 and MoodCheckin.get().mood == "upset"
    assert second.get_data(as_text=True).count("mood-done") == first.get_data(as_text=True).count("mood-done")


# --- An answer to a crisis ----------------------------------------------------

def test_despair_in_any_request_shows_the_help_panel(client):
    walk_to_contact(client, category="hardship", description="我真的不想活了")
    client.post("/service/contact", data={"phone": "", "mode": "anonymous"})
    client.post("/service/submit")
    html = client.get("/service/receipt").get_data(as_text=True)
    assert 'id="crisis-help"' in html and "12356" in html
    request = filed(client)
    assert request.crisis and request.urgent and request.anonymous


def test_every_counselling_request_shows_the_help_panel_with_the_chairs_contacts(client):
    crisis.save(list(crisis.DEFAULT_WORDS), "400-161-9995", "办公楼二层工会办公室", "0571-8888")
    walk_to_contact(client, category="counselling", description="最近睡不好")
    client.post("/service/contact", data={"phone": "", "mode": "anonymous"})
    client.post("/service/submit")
    html = client.get("/service/receipt").get_data(as_text=True)
    assert "400-161-9995" in html and "办公楼二层工会办公室" in html and "0571-8888" in html


def test_an_ordinary_request_gets_the_ordinary_receipt(client):
    walk_to_contact(client, category="learning", description="想考电工证")
    client.post("/service/contact", data={"phone": "", "mode": "anonymous"})
    client.post("/service/submit")
    assert 'id="crisis-help"' not in client.get("/service/receipt").get_data(as_text=True)
    assert not filed(client).crisis


def test_the_chair_is_alerted_at_once_and_the_crisis_comes_first(admin):
    make_request("counselling", "工作压力", "想找人聊聊")
    make_request("rights", "欠薪", "拖欠工资三个月")
    cry = make_request("hardship", "家庭困难", "活不下去了")
    make_request("suggestion", "安全生产", "叉车太快")
    home = admin.get("/admin/").get_data(as_text=True)
    assert "请马上查看" in home
    inbox = admin.get("/admin/service/").get_data(as_text=True)
    rows = [line for line in inbox.splitlines() if "data-request=" in line]
    # The two crises (despair, counselling) first, then the other urgent one.
    first_two = " ".join(rows[:2])
    assert str(cry.id) in first_two and "is-crisis" in rows[0] and "is-crisis" in rows[1]


def test_the_chair_edits_the_crisis_words_and_contacts(admin):
    page = admin.get("/admin/service/settings").get_data(as_text=True)
    assert "不想活" in page and "12356" in page
    form = {f"{c}-{f}": v for c in ("suggestion", "learning", "hardship", "counselling", "pay",
                                    "rights")
            for f, v in (("handled_by", "station"), ("deadline_days", "3"), ("topics", ""))}
    form.update(urgent_words="工伤", crisis_words="不想活\n撑不住了", crisis_hotline="12355",
                crisis_office_place="工会办公室", crisis_office_phone="8888")
    assert admin.post("/admin/service/settings", data=form).status_code == 303
    assert crisis.words() == ["不想活", "撑不住了"] and crisis.contacts().hotline == "12355"
    assert make_request("pay", "加班费", "我快撑不住了").crisis
    form["crisis_words"] = ""
    assert admin.post("/admin/service/settings", data=form).status_code == 422


@pytest.mark.parametrize("word", crisis.DEFAULT_WORDS)
def test_the_keyboard_offers_every_crisis_word_first_from_its_pinyin(word):
    letters = "".join(lazy_pinyin(word))
    assert dictionary.shared().candidates(letters)[0].word == word


# --- Public boards can hide the upset -----------------------------------------

@pytest.fixture
def upset_team(client):
    team = make_team(name="总装一班")
    upset = make_member(name="王芳", team=team)
    happy = make_member(name="张伟", team=team)
    make_member(name="刘洋", team=team)   # not checked in
    for member, mood in ((upset, "upset"), (happy, "happy")):
        client.get("/reset")
        client.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
        assert client.post("/mood/checkin", data={"mood": mood}, headers=HX).status_code == 200
    return team


def _zone(html, mood):
    start = html.index(f'data-zone="{mood}"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("path", ["/mood/board/team/{team}", "/mood/board/workshop/{workshop}",
                                  "/mood/wall/team/{team}", "/mood/wall/workshop/{workshop}"])
def test_the_chairs_setting_shows_only_the_count_of_the_upset(client, admin, upset_team, path):
    url = path.format(team=upset_team.id, workshop=upset_team.workshop_id)
    assert "王芳" in _zone(client.get(url).get_data(as_text=True), "upset")
    settings = mood_settings.load()
    settings.hide_upset_on_boards = True
    mood_settings.save(settings)
    html = client.get(url).get_data(as_text=True)
    upset = _zone(html, "upset")
    assert "王芳" not in html and "class=\"mood-card\"" not in upset and "1 人" in upset
    assert "张伟" in _zone(html, "happy")
    # Nor by elimination: those not checked in are a count too.
    assert "刘洋" not in html
    # The care view still names the upset worker for the chair.
    assert "王芳" in admin.get("/admin/mood/").get_data(as_text=True)


def test_the_setting_is_on_the_mood_settings_page(admin):
    page = admin.get("/admin/mood/settings").get_data(as_text=True)
    assert 'name="hide_upset_on_boards"' in page

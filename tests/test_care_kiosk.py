"""The worker feels remembered: a birthday greeting at the kiosk, 本月寿星 on the home screen."""
from datetime import date, timedelta

import pytest

from kiosk.care.calendar_data import local_today

from .factories import make_member

pytestmark = pytest.mark.usefixtures("app")


def today():
    return local_today("Asia/Shanghai")


def born_on(day, years=30):
    try:
        return day.replace(year=day.year - years)
    except ValueError:           # 29 February
        return day.replace(year=day.year - years, day=28)


def identify(client, member, next_url="/mood/"):
    return client.post("/identify/code", data={"code": member.staff_no, "method": "keypad",
                                               "next": next_url})


def test_on_their_birthday_a_worker_is_greeted_once_a_day_before_anything_else(client):
    member = make_member(name="王芳", birthday=born_on(today()))
    response = identify(client, member)
    assert response.status_code == 303
    greeting = response.headers["Location"]
    assert greeting.startswith("/care/birthday")
    html = client.get(greeting).get_data(as_text=True)
    assert "生日快乐" in html and "王芳" in html and 'href="/mood/"' in html
    client.get("/reset")
    assert identify(client, member).headers["Location"] == "/mood/"   # once per day


def test_a_mere_claim_does_not_reveal_the_birthday_of_a_member_who_did_not_consent(client):
    member = make_member(birthday=born_on(today()), photo_consent=False, badge_code="B77")
    assert identify(client, member).headers["Location"] == "/mood/"     # staff number: a claim
    assert client.get("/care/birthday?next=/mood/").headers["Location"] == "/mood/"
    proven = client.post("/identify/code", data={"code": "B77", "method": "badge",
                                                 "next": "/mood/"})
    assert proven.headers["Location"].startswith("/care/birthday")      # the badge proves


def test_on_other_days_identification_goes_straight_on(client):
    member = make_member(birthday=born_on(today() + timedelta(days=1)))
    assert identify(client, member).headers["Location"] == "/mood/"


def test_the_greeting_page_needs_the_birthday_worker(client):
    assert client.get("/care/birthday?next=/mood/").headers["Location"] == "/mood/"
    assert client.get("/care/birthday?next=//evil.example").headers["Location"] == "/"


def test_the_home_screen_shows_this_months_birthdays_of_consenting_members(client):
    first = today().replace(day=1)
    make_member(name="寿星甲", birthday=born_on(first))
    make_member(name="不公开", birthday=born_on(first), photo_consent=False)
    make_member(name="下个月", birthday=born_on(first - timedelta(days=1)))
    make_member(name="已离开", birthday=born_on(first), active=False)
    html = client.get("/").get_data(as_text=True)
    assert "本月寿星" in html and "寿星甲" in html
    assert "不公开" not in html and "下个月" not in html and "已离开" not in html


def test_no_strip_when_nobody_consenting_has_a_birthday_this_month(client):
    make_member(name="不公开", birthday=born_on(today()), photo_consent=False)
    assert "本月寿星" not in client.get("/").get_data(as_text=True)


def test_a_29_february_birthday_is_greeted_on_28_february():
    from kiosk.care.kiosk import is_birthday
    member = make_member(birthday=date(1992, 2, 29))
    assert is_birthday(member, date(2027, 2, 28)) and not is_birthday(member, date(2028, 2, 28))


def test_a_worker_who_proves_with_a_pin_after_a_claim_is_greeted_once_a_day(client):
    from .factories import make_pin
    member = make_member(name="赵丽", birthday=born_on(today()), photo_consent=False)
    make_pin(member)
    assert identify(client, member).headers["Location"] == "/mood/"     # a claim: no word
    proven = client.post("/identify/prove", data={"pin": "2580", "next": "/mood/"})
    assert proven.headers["Location"].startswith("/care/birthday")
    assert "生日快乐" in client.get(proven.headers["Location"]).get_data(as_text=True)
    client.get("/reset")
    identify(client, member)
    again = client.post("/identify/prove", data={"pin": "2580", "next": "/mood/"})
    assert again.headers["Location"] == "/mood/"                        # once per day


def test_a_consenting_member_greeted_on_the_photo_tap_is_not_greeted_again_on_proof(client):
    from .factories import make_pin
    member = make_member(birthday=born_on(today()), photo_consent=True)
    make_pin(member)
    greeting = identify(client, member).headers["Location"]
    assert greeting.startswith("/care/birthday")
    client.get(greeting)
    proven = client.post("/identify/prove", data={"pin": "2580", "next": "/mood/"})
    assert proven.headers["Location"] == "/mood/"

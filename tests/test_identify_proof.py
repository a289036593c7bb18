"""Two strengths of identification: a photo tap or a staff number claims, a badge or PIN proves.

Everything private refuses a mere claim; the PIN is set from the chair's one-time slip and
guessing it backs off per member, wherever the guesses come from.
"""
import re
import time

import pytest

from kiosk.models import AuditLog, utcnow
from kiosk.mood import settings as mood_settings
from kiosk.mood.models import MoodCheckin
from kiosk.roster import pins
from kiosk.roster.models import MemberPin
from kiosk.service.models import RequestEvent, ServiceRequest

from .factories import PIN, make_member, make_pin, make_request, make_team, prove

COLLEAGUE_SECRET = "我最近失眠，想找心理咨询，不想让班长知道"


def tap_photo(client, member, next_url=""):
    response = client.post("/identify/member", data={"member_id": str(member.id),
                                                     "next": next_url})
    assert response.status_code == 303
    return response


def type_staff_no(client, member):
    response = client.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    assert response.status_code == 303
    return response


def named_draft(client, member):
    """A named draft left in the session (as if a proof had lapsed since)."""
    with client.session_transaction() as session:
        session["draft"] = {"filing": {"category": "counselling", "topic": "心理咨询",
                                       "mode": "named", "member_id": str(member.id)}}


@pytest.fixture
def victim(app):
    member = make_member(name="王芳", staff_no="2046", badge_code="B2046")
    make_pin(member)
    request = make_request("counselling", "心理咨询", description=COLLEAGUE_SECRET, member=member,
                           events=[("public_reply", "我们会私下联系您"), ("resolved", "已安排")])
    return member, request


# Every private route, and what it may look like before the refusal.
PRIVATE = {
    "my requests": ("get", "/service/mine", None),
    "a named request": ("get", "/service/requests/{request}", None),
    "rating a named request": ("post", "/service/requests/{request}/rating",
                               {"verdict": "unsatisfied"}),
    "my details": ("get", "/identify/hello", None),
    "choosing to file with my name": ("post", "/service/contact", {"mode": "named"}),
    "reviewing a named request": ("get", "/service/review", None),
    "submitting a named request": ("post", "/service/submit", None),
    "a check-in where the chair asks for proof": ("get", "/mood/choose", None),
    "checking in where the chair asks for proof": ("post", "/mood/checkin", {"mood": "upset"}),
}


@pytest.mark.parametrize("claim", [tap_photo, type_staff_no], ids=["photo", "staff number"])
@pytest.mark.parametrize("name", list(PRIVATE))
def test_every_private_route_refuses_a_claim(client, victim, claim, name):
    member, request = victim
    settings = mood_settings.load()
    settings.confirm_photo_checkin = True
    mood_settings.save(settings)
    method, url, data = PRIVATE[name]
    events_before = RequestEvent.select().where(RequestEvent.request == request.id).count()
    claim(client, member)
    if "named request" in name or "my name" in name:
        if name != "a named request" and "rating" not in name:
            client.post("/service/new/counselling", data={"topic": "0"})
            client.post("/service/describe", data={"description": "私事"})
            named_draft(client, member)
    response = getattr(client, method)(url.format(request=request.id), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code in (303, 404), (response.status_code, html[:300])
    if response.status_code == 303:
        location = response.headers["Location"]
        # Where it sends the worker: prove (or, for a request's page, the code lookup).
        assert location.startswith(("/identify/prove", "/service/track")), location
    assert COLLEAGUE_SECRET not in html and "2046" not in html
    assert ServiceRequest.select().count() == 1          # nothing filed under the name
    assert ServiceRequest.get_by_id(request.id).rating is None
    assert RequestEvent.select().where(RequestEvent.request == request.id).count() == events_before
    assert MoodCheckin.select().count() == 0


def test_the_same_routes_open_after_proof(client, victim):
    member, request = victim
    prove(client, member)
    assert COLLEAGUE_SECRET in client.get(f"/service/requests/{request.id}").get_data(as_text=True)
    assert "心理咨询" in client.get("/service/mine").get_data(as_text=True)
    hello = client.get("/identify/hello").get_data(as_text=True)
    assert "王芳" in hello and "2046" in hello   # one's own details, once proven


def test_the_colleagues_four_taps_are_refused_with_a_way_to_prove(client, victim):
    member, request = victim
    # 查进度 → 我的诉求 → team → the colleague's photo.
    mine = client.get("/service/mine")
    assert mine.headers["Location"].startswith("/identify/")
    grid = client.get(f"/identify/team/{member.team_id}?next=/service/mine&purpose=my_requests")
    assert "王芳" in grid.get_data(as_text=True)
    tapped = tap_photo(client, member, "/service/mine")
    refused = client.get(tapped.headers["Location"])
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "只点照片或输入工号还不够：请刷工卡，或输入您的个人密码" in html
    assert 'name="pin"' in html and 'data-badge-form="prove-badge-form"' in html
    assert COLLEAGUE_SECRET not in html and "2046" not in html and "B2046" not in html


def test_no_staff_number_or_badge_code_in_kiosk_html_after_a_claim(client, app):
    team = make_team()
    member = make_member(team=team, staff_no="770088", badge_code="BADGE-770088",
                         photo=True, app=app)
    grid = client.get(f"/identify/team/{team.id}").get_data(as_text=True)
    tap_photo(client, member)
    pages = [grid]
    for url in ("/identify/hello", "/identify/prove", "/identify/pin", "/mood/choose",
                "/service/", "/service/track", "/"):
        response = client.get(url, follow_redirects=True)
        pages.append(response.get_data(as_text=True))
    client.post("/service/new/pay", data={"topic": "0"})
    client.post("/service/describe", data={"description": ""})
    pages.append(client.post("/service/contact", data={"mode": "named"},
                             follow_redirects=True).get_data(as_text=True))
    for html in pages:
        assert "770088" not in html, html[:500]


def test_a_badge_proves_but_a_staff_number_sent_as_a_badge_does_not(client, victim):
    member, _request = victim
    client.post("/identify/code", data={"code": member.staff_no, "method": "badge"})
    assert client.get("/identify/hello").headers["Location"].startswith("/identify/prove")
    client.post("/identify/code", data={"code": "B2046", "method": "badge"})
    assert client.get("/identify/hello").status_code == 200


def test_a_claim_steps_up_to_proof_without_starting_over(client, victim):
    member, request = victim
    tap_photo(client, member)
    response = client.post("/identify/prove", data={"pin": PIN, "next": "/service/mine"})
    assert response.status_code == 303 and response.headers["Location"] == "/service/mine"
    assert "心理咨询" in client.get("/service/mine").get_data(as_text=True)


def test_proof_lapses_with_the_identification_and_at_reset(client, app, victim):
    member, _request = victim
    prove(client, member)
    with client.session_transaction() as session:
        session["member"] = dict(session["member"],
                                 at=time.time() - app.config["KIOSK_IDENTIFIED_SECONDS"] - 1)
    assert client.get("/service/mine").status_code == 303
    prove(client, member)
    client.get("/reset")
    assert client.get("/service/mine").status_code == 303


def test_wrong_pins_back_off_per_member_not_per_terminal(app, victim):
    member, _request = victim
    other = make_member(staff_no="3001")
    make_pin(other, "8642")
    first = app.test_client()
    type_staff_no(first, member)
    for _ in range(pins.FREE_TRIES - 1):
        assert first.post("/identify/prove", data={"pin": "1357"}).status_code == 422
    # A stranger at another terminal, with a fresh session, adds to the same count …
    second = app.test_client()
    type_staff_no(second, member)
    third_wrong = second.post("/identify/prove", data={"pin": "9753"},
                              environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert third_wrong.status_code == 429 and "请等" in third_wrong.get_data(as_text=True)
    # … and now even the right PIN waits, on either terminal.
    for client in (first, second):
        response = client.post("/identify/prove", data={"pin": PIN})
        assert response.status_code == 429 and "请等" in response.get_data(as_text=True)
    assert client.get("/service/mine").status_code == 303
    # Another member is not held up.
    third = app.test_client()
    type_staff_no(third, other)
    assert third.post("/identify/prove", data={"pin": "8642"}).status_code == 303
    # Each wrong PIN is in the audit log, by member.
    wrong = AuditLog.select().where((AuditLog.action == "wrong PIN") & (AuditLog.target == "2046"))
    assert wrong.count() == pins.FREE_TRIES
    # … kept to the hour, so they do not time-stamp who stood at the terminal.
    assert all(entry.at.minute == entry.at.second == entry.at.microsecond == 0 for entry in wrong)
    # The waits grow.
    MemberPin.update(wait_until=utcnow()).where(MemberPin.member == member.id).execute()
    first.post("/identify/prove", data={"pin": "1357"})
    assert pins.wait_seconds(member) > pins.FIRST_WAIT_SECONDS


def slip_codes(admin, url):
    html = admin.post(url).get_data(as_text=True)
    return re.findall(r'class="pin-slip-code">(\d{4}) (\d{4})<', html), html


def set_up_pin(client, member, code, pin="3691", again=None):
    type_staff_no(client, member)
    assert client.get("/identify/pin").status_code == 200
    responses = [client.post("/identify/pin", data={"secret": code})]
    for secret in (pin, again or pin):
        if responses[-1].status_code != 200:
            break
        responses.append(client.post("/identify/pin", data={"secret": secret}))
    return responses


def test_a_worker_sets_their_pin_from_the_chairs_slip(admin, client):
    member = make_member(name="李强", staff_no="5150")
    make_request("pay", "加班费", member=member)
    codes, html = slip_codes(admin, f"/admin/roster/members/{member.id}/pin-slip")
    assert len(codes) == 1 and "5150" in html and "李强" in html
    code = "".join(codes[0])
    assert MemberPin.get_by_id(member.id).setup_hash != code          # stored hashed
    assert AuditLog.select().where(AuditLog.action == "PIN slip printed").count() == 1
    code_step, choose_step, done = set_up_pin(client, member, code)
    assert code_step.status_code == 200 and "请选一个只有您自己知道" in code_step.get_data(as_text=True)
    assert choose_step.status_code == 200 and "请再输入一遍" in choose_step.get_data(as_text=True)
    assert done.status_code == 303
    assert "加班费" in client.get("/service/mine").get_data(as_text=True)
    # The slip is used up: it cannot set another PIN.
    again = app_client(admin)
    refused = set_up_pin(again, member, code)[0]
    assert refused.status_code == 422 and "设置码不对" in refused.get_data(as_text=True)


def app_client(admin):
    return admin.application.test_client()


def test_a_new_slip_voids_the_old_and_a_slip_expires(admin, client):
    member = make_member(staff_no="5151")
    old = "".join(slip_codes(admin, f"/admin/roster/members/{member.id}/pin-slip")[0][0])
    new = "".join(slip_codes(admin, f"/admin/roster/members/{member.id}/pin-slip")[0][0])
    assert set_up_pin(client, member, old)[0].status_code == 422
    MemberPin.update(setup_expires_at=utcnow()).where(MemberPin.member == member.id).execute()
    assert set_up_pin(app_client(admin), member, new)[0].status_code == 422


def test_a_team_gets_its_slips_at_once_on_a4(admin):
    team = make_team(name="装配二班")
    members = [make_member(team=team) for _ in range(10)]
    make_member()   # another team's
    codes, html = slip_codes(admin, f"/admin/roster/teams/{team.id}/pin-slips")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert html.count('class="pin-sheet"') == 2     # eight to a sheet
    assert all(m.staff_no in html for m in members)
    assert "pin_slips.css" in html


def test_an_easy_or_mistyped_pin_is_refused(admin, client):
    member = make_member(staff_no="5152")
    code = "".join(slip_codes(admin, f"/admin/roster/members/{member.id}/pin-slip")[0][0])
    code_step, easy = set_up_pin(client, member, code, pin="1234")
    assert easy.status_code == 422 and "太容易被猜到" in easy.get_data(as_text=True)
    mismatch = client.post("/identify/pin", data={"secret": "3691"})
    assert mismatch.status_code == 200
    mismatch = client.post("/identify/pin", data={"secret": "3692"})
    assert mismatch.status_code == 422 and "两次输入的密码不一样" in mismatch.get_data(as_text=True)
    assert not pins.has_pin(member)
    assert client.post("/identify/pin", data={"secret": "12"}).status_code == 422


def test_the_chair_resets_a_pin_and_it_is_audited(admin, client):
    member = make_member(staff_no="5153")
    make_pin(member)
    page = admin.get(f"/admin/roster/members/{member.id}").get_data(as_text=True)
    assert "已设置个人密码" in page
    response = admin.post(f"/admin/roster/members/{member.id}/pin-reset")
    assert response.status_code == 302
    assert not pins.has_pin(member)
    assert AuditLog.get(AuditLog.action == "PIN reset").target == "5153"
    type_staff_no(client, member)
    assert client.post("/identify/prove", data={"pin": PIN}).status_code == 422


@pytest.mark.parametrize("url", ["/admin/roster/members/{member}/pin-slip",
                                 "/admin/roster/members/{member}/pin-reset"])
def test_slips_and_resets_need_the_chair(client, url):
    member = make_member()
    response = client.post(url.format(member=member.id))
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("data", [{"pin": "x" * 5000}, {"pin": "١٢٣٤"}, {"next": "//evil"},
                                  {"purpose": "<script>"}, {}])
def test_hostile_input_on_the_proof_screens_is_a_4xx(client, victim, data):
    member, _request = victim
    tap_photo(client, member)
    for url in ("/identify/prove", "/identify/pin"):
        response = client.post(url, data=data)
        assert 300 <= response.status_code < 500
        assert "<script>" not in response.get_data(as_text=True)

"""Plain factory functions for test data (CTFd style): make_member(team=…)."""
import itertools

from kiosk.admin.auth import hash_password
from kiosk.models import AdminUser
from kiosk.roster.models import Member, Team, Workshop

_seq = itertools.count(1)


def make_workshop(name=None, **fields):
    return Workshop.create(name=name or f"车间{next(_seq)}", **fields)


def make_team(name=None, workshop=None, **fields):
    workshop = workshop or make_workshop()
    return Team.create(workshop=workshop, name=name or f"班组{next(_seq)}", **fields)


def make_member(name=None, team=None, staff_no=None, photo=False, app=None, **fields):
    n = next(_seq)
    # No birthday unless a test gives one: on a member's birthday identification
    # greets them first (issue 13), which would change other tests on 1 January.
    fields.setdefault("birthday", None)
    fields.setdefault("photo_consent", True)
    member = Member.create(name=name or f"职工{n}", team=team or make_team(),
                           staff_no=staff_no or f"{9000 + n}", **fields)
    if photo:
        from kiosk.demo_data import avatar
        from kiosk.roster.service import set_photo
        set_photo(member, avatar(str(member.id)), app.config)
        member = Member.get_by_id(member.id)
    return member


def make_admin(username="chair", password="correct horse battery", **fields):
    return AdminUser.create(username=username, password_hash=hash_password(password), **fields)


def make_logo_png(size=(200, 120), colour=(200, 16, 46)):
    """A small PNG logo: a coloured block with a dark disc (not anyone's logo)."""
    import io

    from PIL import Image, ImageDraw
    image = Image.new("RGBA", size, colour + (255,))
    m = min(size) // 8
    ImageDraw.Draw(image).ellipse([m, m, min(size) - m, min(size) - m], fill=(20, 20, 20, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_benefit_link(title_zh=None, url=None, owner="station", logo=None, **fields):
    """A benefit link; ``logo`` is raw image bytes (normalised and stored like an upload)."""
    from kiosk.benefits.logos import normalise_logo
    from kiosk.benefits.models import BenefitLink, BenefitLogo
    n = next(_seq)
    if logo is not None:
        png, digest = normalise_logo(logo)
        fields["logo_digest"] = BenefitLogo.store(png, digest)
    fields.setdefault("sort_order", n * 10)
    return BenefitLink.create(title_zh=title_zh or f"福利链接{n}",
                              url=url or f"https://example.org/benefit/{n}", owner=owner, **fields)


MOOD_TZ = "Asia/Shanghai"


def make_checkin(member, mood="ok", day=None, hour=8, day_start_hour=4, method="photo"):
    """A weather-board check-in at ``hour`` (local time) of ``day`` (default: today)."""
    from datetime import timedelta

    from kiosk.models import utcnow
    from kiosk.mood.days import day_start_utc, shift_day
    from kiosk.mood.records import record_checkin
    day = day or shift_day(utcnow(), MOOD_TZ, day_start_hour)
    at = day_start_utc(day, MOOD_TZ, 0) + timedelta(hours=hour)
    checkin, _changed = record_checkin(member.id, mood, tz=MOOD_TZ, day_start_hour=day_start_hour,
                                       method=method, now=at)
    return checkin


def make_request(category="hardship", topic="家庭困难", description="", member=None, phone=None,
                 created_at=None, events=(), actor="chair"):
    """A service request as the kiosk files it; ``events`` are (kind, text) the chair adds
    afterwards. ``created_at`` back-dates the request and its first event."""
    from kiosk.service import lifecycle
    from kiosk.service.models import RequestEvent, ServiceRequest
    request = lifecycle.file_request(category, topic, description, phone=phone, member=member)
    if created_at is not None:
        ServiceRequest.update(created_at=created_at, awaiting_since=created_at).where(
            ServiceRequest.id == request.id).execute()
        RequestEvent.update(at=created_at).where(RequestEvent.request == request.id).execute()
        request = lifecycle.refresh(ServiceRequest.get_by_id(request.id))
    for kind, text in events:
        request = lifecycle.add_event(request.id, kind, actor=actor, origin=request.handled_by,
                                      text=text)
    return request


PIN = "2580"


def make_pin(member, pin=PIN):
    """Give a member a personal PIN, as if they had set it from their slip."""
    from kiosk.roster import pins
    pins.choose(member, pin)
    assert pins.confirm(member, pin)


def prove(client, member, pin=PIN):
    """At the kiosk, as the member: the staff number (a claim), then the PIN (proof)."""
    from kiosk.roster import pins
    if not pins.has_pin(member):
        make_pin(member, pin)
    response = client.post("/identify/code", data={"code": member.staff_no, "method": "keypad"})
    assert response.status_code == 303, response.get_data(as_text=True)
    response = client.post("/identify/prove", data={"pin": pin})
    assert response.status_code == 303, response.get_data(as_text=True)

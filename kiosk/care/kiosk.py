"""The worker feels remembered: 生日快乐 from the union at the kiosk, 本月寿星 on the home screen.

On their birthday a worker who identifies is greeted before anything else, once a day
(whichever terminal): the greeting is a screen of its own that then goes on to what
they came for. The home screen's 本月寿星 strip names only members who consented to
being shown on public boards.
"""
from flask import redirect, request, url_for

from ..htmx import render
from ..next_url import safe_next
from ..roster.models import Member
from . import kiosk_bp, station_tz
from .calendar_data import local_today
from .models import KioskBirthdayGreeting
from .promises import birthday_in


def is_birthday(member, day):
    return member.birthday is not None and birthday_in(day.year, member.birthday) == day


def may_greet(member, today):
    """Only a member who proved who they are (badge, PIN) or who consented to public
    boards (their birthday is on 本月寿星 anyway): a tap on someone else's photo must
    not tell the one who tapped that it is that person's birthday."""
    from ..identify import proven_member
    if not is_birthday(member, today):
        return False
    return member.photo_consent or proven_member() is not None


def greeting_first(member, next_url):
    """After identification: the birthday screen, if it is the day and not yet shown."""
    today = local_today(station_tz())
    if not may_greet(member, today):
        return None
    greeted = (KioskBirthdayGreeting.select()
               .where((KioskBirthdayGreeting.member == member)
                      & (KioskBirthdayGreeting.day == today)).exists())
    return None if greeted else url_for("care.birthday", next=next_url)


@kiosk_bp.get("/birthday")
def birthday():
    """生日快乐 from the union, then on to ``next``; shown once a day."""
    from ..identify import identified_member
    next_url = safe_next(request.args.get("next"))
    member = identified_member()
    today = local_today(station_tz())
    if member is None or not may_greet(member, today):
        return redirect(next_url)
    (KioskBirthdayGreeting.insert(member=member, day=today)
     .on_conflict_ignore().execute())
    return render("care/birthday.html", member=member, next_url=next_url)


def birthday_strip(team_ids=None):
    """本月寿星: consenting active members whose birthday falls in this month (of
    ``team_ids`` only, when given: a team's board names its own)."""
    today = local_today(station_tz())
    query = Member.active_members().where(Member.photo_consent & Member.birthday.is_null(False))
    if team_ids is not None:
        query = query.where(Member.team.in_(list(team_ids)))
    members = [m for m in query if m.birthday.month == today.month]
    if not members:
        return None
    members.sort(key=lambda m: (birthday_in(today.year, m.birthday), m.name))
    return {"template": "care/_birthday_strip.html",
            "birthdays": [(m, birthday_in(today.year, m.birthday)) for m in members],
            "today": today}

"""The events that raise an alert, each called inside the transaction that writes it.

Each function decides what the message may carry (a team's name, a member's id for
the "names" setting) and the key that makes a repeat one alert:

- ``talk_requested``: 想找工会聊聊 — one alert per member and shift day;
- ``team_mood_checked``: a team over the weather board's threshold — one per team and day;
- ``request_filed``: a crisis-word (or counselling) request, else an urgent one — one per
  request; for an anonymous request nothing that names or places the worker, times
  to the hour, never the text;
- ``life_event_reported``: a worker told the union of a life event at the kiosk;
- ``morning_sheet_ready``: the chair's morning sheet — one per day;
- overdue visits: ``daily.overdue_visits``, once a day.
"""
from .outbox import raise_alert


def _team_name(team_id):
    from ..roster.models import Team
    team = Team.get_or_none(Team.id == team_id)
    return team.name if team is not None else ""


def talk_requested(checkin):
    """A worker asked to talk to the union on their (upset) check-in."""
    return raise_alert("talk", f"talk:{checkin.member_id}:{checkin.shift_day.isoformat()}",
                       team=_team_name(checkin.team_id), member_id=str(checkin.member_id))


def team_mood_checked(team_id, day, settings=None):
    """After a check-in: alert if the team's share of upset workers today passes the
    chair's threshold (the same rule as the care view's team alerts)."""
    from .outbox import channels_for
    if not channels_for("team_mood"):
        return None     # the usual case: no counting on every check-in
    from peewee import fn

    from ..mood import settings as mood_settings
    from ..mood.days import team_over_threshold, upset_share
    from ..mood.models import MoodCurrent
    from ..roster.models import Member
    settings = settings or mood_settings.load()
    counts = dict(MoodCurrent.select(MoodCurrent.mood, fn.COUNT(MoodCurrent.id))
                  .join(Member, on=(MoodCurrent.member == Member.id))
                  .where((MoodCurrent.shift_day == day) & (Member.team == team_id)
                         & Member.active)
                  .group_by(MoodCurrent.mood).tuples())
    if not team_over_threshold(counts, settings.upset_threshold_percent,
                               settings.alert_min_checkins):
        return None
    return raise_alert("team_mood", f"team_mood:{team_id}:{day.isoformat()}",
                       team=_team_name(team_id), share=round(upset_share(counts) * 100))


def request_filed(request_id, *, category, crisis, urgent, member=None):
    """A new service request: a crisis alert, else an urgent one, else nothing."""
    if not (crisis or urgent):
        return None
    trigger = "crisis" if crisis else "urgent"
    if member is None:
        # Anonymous: no team, no member, times to the hour, and never the text.
        return raise_alert(trigger, f"{trigger}:{request_id}", coarse=True, anonymous=True,
                           category=category)
    return raise_alert(trigger, f"{trigger}:{request_id}", team=_team_name(member.team_id),
                       member_id=str(member.id), category=category)


def life_event_reported(event_id, member, kind):
    """A worker told the union of a life event at the kiosk (有喜事/有难事告诉工会):
    the chair is asked to confirm it. ``kind``: wedding, birth, hospital, retirement,
    hardship. Never the worker's own words."""
    return raise_alert("life_event", f"life_event:{event_id}", team=_team_name(member.team_id),
                       member_id=str(member.id), kind=kind)


def morning_sheet_ready(day, *, upset=0, talk=0, requests=0, care=0):
    """The morning sheet for ``day`` is made: its counts, nothing that names anyone."""
    return raise_alert("morning_sheet", f"morning_sheet:{day.isoformat()}", day=day.isoformat(),
                       upset=int(upset), talk=int(talk), requests=int(requests), care=int(care))


def sheet_ready(sheet, path=None):
    """``kiosk.care.morning_sheet.on_ready`` hook: the timer has written today's sheet."""
    counts = sheet.counts()
    return morning_sheet_ready(sheet.day, upset=counts["upset"], talk=counts["talk"],
                               requests=counts["requests"],
                               care=counts["birthdays"] + counts["due"] + counts["overdue"])

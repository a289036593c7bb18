"""Demo check-ins: two weeks of a believable weather board, today included."""
import random
from datetime import timedelta

from ..models import utcnow
from ..roster.models import Member
from . import settings as mood_settings
from .days import day_start_utc, shift_day
from .models import MoodCurrent
from .moods import MOODS, UPSET
from .records import record_checkin, record_follow_up

# A sunny workshop with some rain; a mood added later shows up now and then.
DEMO_WEIGHTS = {"happy": 55, "ok": 35, UPSET: 10}


def load_demo_checkins(tz, days=14, seed=7):
    """Most members check in on most days; a few have a rainy streak for the care view."""
    rnd = random.Random(seed)
    start_hour = mood_settings.load().day_start_hour
    today = shift_day(utcnow(), tz, start_hour)
    members = list(Member.active_members().order_by(Member.staff_no))
    troubled = set(rnd.sample([m.id for m in members], k=min(4, len(members))))
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        if back and day.weekday() == 6:
            continue  # Sunday: the workshop rests
        for member in members:
            if rnd.random() < 0.2:
                continue
            if member.id in troubled and back <= 2:
                mood = UPSET
            else:
                mood = rnd.choices(MOODS, weights=[DEMO_WEIGHTS.get(m, 10) for m in MOODS])[0]
            at = day_start_utc(day, tz, start_hour) + timedelta(
                hours=(8 - start_hour) % 24, minutes=rnd.randint(0, 50))
            if at <= utcnow():
                record_checkin(member.id, mood, tz=tz, day_start_hour=start_hour,
                               method="photo", now=at)
    _follow_up_older_days(today, troubled)


def _follow_up_older_days(today, troubled):
    """The chair has kept up until two days ago, except with the workers still struggling."""
    older = (MoodCurrent.select(MoodCurrent.member, MoodCurrent.shift_day)
             .where((MoodCurrent.mood == UPSET) & (MoodCurrent.shift_day < today - timedelta(days=2))))
    for row in older:
        if row.member_id not in troubled:
            record_follow_up(row.member_id, "talk", "", "chair", row.shift_day,
                             now=utcnow() - (today - row.shift_day))

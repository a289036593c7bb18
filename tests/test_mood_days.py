"""The weather board's pure rules: the working day, streaks, shares, thresholds."""
from datetime import date, datetime

from kiosk.mood.days import (
    current_upset_streak,
    day_start_utc,
    month_weeks,
    purge_cutoff,
    shares,
    shift_day,
    team_over_threshold,
)

TZ = "Asia/Shanghai"   # UTC+8, no daylight saving


def utc(text):
    return datetime.fromisoformat(text)


def test_a_night_shift_check_in_at_two_belongs_to_the_previous_day():
    # 02:00 in Shanghai on 12 March is 18:00 UTC on 11 March.
    assert shift_day(utc("2026-03-11 18:00"), TZ, start_hour=4) == date(2026, 3, 11)


def test_with_midnight_as_day_start_two_oclock_is_the_new_day():
    assert shift_day(utc("2026-03-11 18:00"), TZ, start_hour=0) == date(2026, 3, 12)


def test_the_day_turns_exactly_at_the_start_hour():
    # 03:59 and 04:00 local on 12 March.
    assert shift_day(utc("2026-03-11 19:59"), TZ, 4) == date(2026, 3, 11)
    assert shift_day(utc("2026-03-11 20:00"), TZ, 4) == date(2026, 3, 12)


def test_a_day_begins_at_its_start_hour_in_utc():
    assert day_start_utc(date(2026, 3, 12), TZ, 4) == utc("2026-03-11 20:00")


def test_a_streak_runs_across_a_day_without_a_check_in():
    moods = {date(2026, 3, 9): "upset", date(2026, 3, 11): "upset"}   # none on the 10th
    assert current_upset_streak(moods, today=date(2026, 3, 11)) == [
        date(2026, 3, 11), date(2026, 3, 9)]


def test_a_weekend_off_does_not_break_a_streak():
    moods = {date(2026, 3, 6): "upset", date(2026, 3, 9): "upset"}    # Friday, Monday
    assert len(current_upset_streak(moods, today=date(2026, 3, 9))) == 2


def test_a_better_day_ends_the_streak():
    moods = {date(2026, 3, 8): "upset", date(2026, 3, 9): "ok", date(2026, 3, 10): "upset"}
    assert current_upset_streak(moods, today=date(2026, 3, 10)) == [date(2026, 3, 10)]


def test_a_long_absence_ends_the_streak():
    moods = {date(2026, 3, 1): "upset", date(2026, 3, 10): "upset"}
    assert len(current_upset_streak(moods, today=date(2026, 3, 10))) == 1


def test_a_streak_that_ended_long_ago_is_not_current():
    moods = {date(2026, 3, 1): "upset", date(2026, 3, 2): "upset"}
    assert current_upset_streak(moods, today=date(2026, 3, 20)) == []


def test_a_streak_still_counts_before_todays_check_in():
    moods = {date(2026, 3, 8): "upset", date(2026, 3, 9): "upset"}
    assert len(current_upset_streak(moods, today=date(2026, 3, 10))) == 2


def test_shares_always_add_up_to_a_hundred():
    result = shares({"happy": 1, "ok": 1, "upset": 1}, ("happy", "ok", "upset"))
    assert sum(result.values()) == 100
    assert shares({}, ("happy", "ok", "upset")) == {"happy": 0, "ok": 0, "upset": 0}


def test_a_team_alert_needs_the_share_and_enough_check_ins():
    assert team_over_threshold({"happy": 2, "ok": 1, "upset": 2}, 30, 3)
    assert not team_over_threshold({"happy": 5, "ok": 4, "upset": 1}, 30, 3)
    assert not team_over_threshold({"upset": 1}, 30, 3)      # one of one says little


def test_the_purge_cutoff_is_the_retention_period_back():
    assert purge_cutoff(date(2026, 3, 31), 90) == date(2025, 12, 31)


def test_a_month_is_laid_out_monday_first():
    weeks = month_weeks(2026, 3)   # 1 March 2026 is a Sunday
    assert weeks[0][:6] == [None] * 6 and weeks[0][6] == date(2026, 3, 1)
    assert all(len(week) == 7 for week in weeks)
    assert sum(1 for week in weeks for d in week if d) == 31

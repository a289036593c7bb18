"""A board made from what is kept in memory (the roster's cards, today's moods brought up
to date row by row) is the board read afresh from the database, whatever changed."""
from datetime import timedelta

import pytest
from peewee import fn

from kiosk.models import utcnow
from kiosk.mood.board_data import KeptBoards, board, board_version
from kiosk.mood.days import shift_day
from kiosk.mood.models import MoodCurrent
from kiosk.mood.records import record_checkin
from kiosk.roster.models import Member

from .factories import MOOD_TZ, make_checkin, make_member, make_team

pytestmark = pytest.mark.usefixtures("app")


def test_a_kept_board_is_the_board_read_afresh_after_every_change():
    team, neighbours = make_team(name="焊工一班"), make_team(name="焊工二班")
    names = ("王芳", "李强", "张伟", "赵敏", "陈静", "刘洋", "杨柳")
    members = [make_member(name=name, team=team, photo_consent=n % 3 != 2)
               for n, name in enumerate(names)]
    neighbour = make_member(name="周杰", team=neighbours)
    day = shift_day(utcnow(), MOOD_TZ, 4)
    kept = KeptBoards()

    def same_board():
        shown = board([team], day, kept.at(("this database", 0, *board_version(day))))
        assert shown == board([team], day)
        return shown

    assert same_board().not_yet.count == 7
    for member, mood in zip(members[:4], ("happy", "ok", "happy", "upset"), strict=True):
        make_checkin(member, mood)                      # all at 08:00: by name
    same_board()
    make_checkin(members[0], "upset", hour=9)          # a change of mood moves one card
    make_checkin(members[4], "happy", hour=9)
    make_checkin(neighbour, "ok", hour=10)              # another team's check-in
    shown = same_board()
    assert [card.name for card in shown.zones["upset"].cards] == ["赵敏", "王芳"]
    assert [card.name for card in shown.zones["happy"].cards] == ["陈静"]
    assert shown.zones["happy"].hidden == 1             # 张伟 keeps his photo private
    member = Member.get_by_id(members[1].id)
    member.name, member.photo_digest = "李强强", "ab" * 8
    member.save()                                       # a roster edit renews the cards
    assert "李强强" in [card.name for card in same_board().zones["ok"].cards]
    MoodCurrent.delete().where(MoodCurrent.member == members[2].id).execute()
    make_checkin(members[5], "ok", hour=11)             # a row gone, another come: same count
    assert same_board().checked_in == 5
    # Two terminals: the check-in that took its time first committed last.
    latest = MoodCurrent.select(fn.MAX(MoodCurrent.at)).scalar()
    record_checkin(members[3].id, "happy", tz=MOOD_TZ, day_start_hour=4,
                   now=latest - timedelta(seconds=2))
    make_checkin(members[6], "upset", hour=12)
    assert "赵敏" in [card.name for card in same_board().zones["happy"].cards]

"""The features' records through a real central: requests and their events, benefit links, moods."""
from datetime import date, timedelta

from kiosk.models.base import utcnow
from kiosk.mood import group_counts as mood_counts
from kiosk.mood.models import MoodGroupCount
from kiosk.service import lifecycle
from kiosk.service.models import RequestEvent, ServiceRequest
from kiosk.sync.models import CentralRecord

from ..factories import make_member, make_team, make_workshop
from .helpers import central_count, central_view, station_app, sync


def test_a_request_goes_up_and_centrals_reply_comes_down(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        member = make_member()
        handled_here = lifecycle.file_request("suggestion", "安全", "车间照明太暗", member=member)
        for_central = lifecycle.file_request("rights", "拖欠工资", "三个月没发工资",
                                             phone="13800000000")
        lifecycle.add_event(handled_here.id, "received", "chair", "station")
        run = sync()
        assert run.ok, run.error
        assert run.pushed == 2 + 3 + 2  # workshop, team; events; requests
        assert ServiceRequest.select().where(ServiceRequest.sent_to_central_at.is_null()).count() == 0
    models = [ServiceRequest, RequestEvent, CentralRecord]
    with central_view(central):
        database = CentralRecord._meta.database
        with database.bind_ctx(models):
            inbox = {r.receipt_code: r for r in ServiceRequest.select()}
            assert set(inbox) == {handled_here.receipt_code, for_central.receipt_code}
            copy = inbox[for_central.receipt_code]
            assert copy.member_id is None and copy.phone == "13800000000"
            assert inbox[handled_here.receipt_code].phone is None  # not central's to call
            assert inbox[handled_here.receipt_code].status == "received"
            # The federation answers the request it handles.
            RequestEvent.create(request=copy.id, kind="public_reply", text="已联系企业", public=True,
                                actor="市总", origin="central", at=utcnow(), force_insert=True)
            RequestEvent.create(request=copy.id, kind="in_progress", public=True,
                                actor="市总", origin="central",
                                at=utcnow() + timedelta(seconds=1), force_insert=True)
    with station_app(tmp_path, central, station_secret):
        run = sync()
        assert run.ok and run.pulled == 2 and run.backlog == 0
        mine = ServiceRequest.get_by_id(for_central.id)
        assert mine.status == "in_progress"
        texts = [e.text for e in lifecycle.history(mine, public_only=True)]
        assert "已联系企业" in texts
        # Central's events are not sent back up; the refreshed request goes again, unchanged.
        again = sync()
        assert again.ok and again.pulled == 0
        assert central_count(central, "request_event") == 3


def test_benefit_links_and_their_logos_come_down(tmp_path, central, station_secret):
    from kiosk.benefits.models import BenefitLink, BenefitLogo
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    with central_view(central):
        database = CentralRecord._meta.database
        with database.bind_ctx([BenefitLink, BenefitLogo]):
            BenefitLogo.create(id=BenefitLogo.id_for("abcd1234abcd1234"),
                               digest="abcd1234abcd1234", png=png)
            BenefitLink.create(owner="central", title_zh="齐鲁工惠", url="https://example.org/app",
                               logo_digest="abcd1234abcd1234")
            BenefitLink.create(owner="station", title_zh="central's own local link",
                               url="https://example.org/x")
    with station_app(tmp_path, central, station_secret):
        run = sync()
        assert run.ok, run.error
        links = list(BenefitLink.select())
        assert [link.title_zh for link in links] == ["齐鲁工惠"]
        assert links[0].logo_png() == png


def test_mood_counts_go_up_by_group_never_for_a_small_team(tmp_path, central, station_secret):
    from kiosk.mood.models import MoodDailyCount
    with station_app(tmp_path, central, station_secret):
        workshop = make_workshop("铸造车间")
        big = make_team("熔炼班", workshop=workshop)
        small_a = make_team("造型班", workshop=workshop)
        small_b = make_team("清理班", workshop=workshop)
        for _ in range(6):
            make_member(team=big)
        for _ in range(3):
            make_member(team=small_a)
            make_member(team=small_b)
        tiny = make_team("小组", workshop=make_workshop("后勤"))
        make_member(team=tiny)
        day = date(2026, 3, 2)
        for team, mood, count in [(big, "happy", 4), (big, "upset", 2), (small_a, "upset", 1),
                                  (small_b, "upset", 2), (small_b, "happy", 1), (tiny, "ok", 1)]:
            MoodDailyCount.create(day=day, team=team, mood=mood, count=count)
        assert sync().ok
        rows = {(r.team_name or r.workshop_name or "station", r.mood): (r.count, r.members)
                for r in MoodGroupCount.select()}
        assert rows == {("熔炼班", "happy"): (4, 6), ("熔炼班", "upset"): (2, 6),
                        ("铸造车间", "upset"): (3, 6), ("铸造车间", "happy"): (1, 6),
                        ("station", "ok"): (1, 1)}
        assert central_count(central, "mood_group") == 5
        # A late recount of the day updates the same records at central.
        row = MoodDailyCount.get(MoodDailyCount.team == big, MoodDailyCount.mood == "upset")
        row.count = 3
        row.save()
        run = sync()
        assert run.ok and run.pushed == 1
        assert central_count(central, "mood_group") == 5
        assert mood_counts.refresh() == []  # nothing changed since

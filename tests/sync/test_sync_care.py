"""The federation sees the promises kept: monthly counts per promise go up to a real central;
names, events, hospitals and notes stay at the station."""
import json
import uuid
from datetime import timedelta

import pytest

from kiosk.care import month_counts
from kiosk.care.calendar_data import find_occurrence, local_today
from kiosk.care.models import CareMonthCount
from kiosk.care.records import record_event, record_visit
from kiosk.central import figures
from kiosk.models.base import utcnow
from kiosk.sync import central_store
from kiosk.sync.client import CentralClient
from kiosk.sync.models import CentralRecord, Station

from ..factories import make_member
from .helpers import central_count, central_view, station_app, sync, wire_record

SECRETS = ("孙磊", "9127", "市第一人民医院", "家中失火", "水果篮", "住院期间情绪低落")


@pytest.fixture
def pushed(monkeypatch):
    """Every body the station sends to central, as sent."""
    bodies = []
    real = CentralClient.call

    def call(self, method, endpoint, payload=None, query=None):
        if payload is not None:
            bodies.append(payload)
        return real(self, method, endpoint, payload, query)

    monkeypatch.setattr(CentralClient, "call", call)
    return bodies


def a_month_of_care(today):
    """One hospital stay visited in time, one hardship visited late, one wedding not yet."""
    member = make_member(name="孙磊", staff_no="9127")
    first = today.replace(day=1)
    # Far enough back in the month that the late visit is late and still not in the future.
    month = first if today.day >= 12 else (first - timedelta(days=1)).replace(day=1)
    stay = record_event(member, "hospital", month, "chair", place="市第一人民医院")
    hardship = record_event(member, "hardship", month, "chair", what="家中失火")
    record_event(member, "wedding", month + timedelta(days=1), "chair")
    record_visit(find_occurrence(member, "hospital", month, stay.id), month + timedelta(days=1),
                 "chair", visitors="王主席", method="hospital", gift="水果篮",
                 note="住院期间情绪低落")
    record_visit(find_occurrence(member, "hardship", month, hardship.id),
                 month + timedelta(days=10), "chair", visitors="王主席", method="home")
    return month


def test_monthly_counts_go_up_and_nothing_personal_does(tmp_path, central, station_secret,
                                                      pushed):
    with station_app(tmp_path, central, station_secret):
        today = local_today("Asia/Shanghai")
        month = a_month_of_care(today)
        run = sync()
        assert run.ok, run.error
        rows = {r.promise: (r.due, r.in_time, r.late) for r in CareMonthCount.select()
                if r.month == month}
        assert rows == {"hospital": (1, 1, 0), "hardship": (1, 0, 1), "wedding": (1, 0, 0)}
        assert central_count(central, "care_month") == 3
        assert month_counts.refresh() == 0       # nothing changed since
        # A greeting recorded later recounts the month: the same record goes up again.
        member = make_member()
        event = record_event(member, "birth", month, "chair")
        record_visit(find_occurrence(member, "birth", month, event.id), month, "chair",
                     visitors="王主席", method="home")
        again = sync()
        assert again.ok, again.error
        assert central_count(central, "care_month") == 4

    records = [r for body in pushed for r in body.get("records", [])]
    care = [r for r in records if r["data"].get("promise")]
    assert care and all(set(r["data"]) == {"id", "station_id", "created_at", "updated_at",
                                           "month", "promise", "due", "in_time", "late"}
                        for r in care)
    # Not one name, staff number, hospital, event, gift or note anywhere in what was sent.
    sent = json.dumps(pushed, ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in sent]
    assert "care_event" not in sent and "care_visit" not in sent

    with central_view(central):
        stored = {json.loads(r.data)["promise"]: json.loads(r.data)
                  for r in CentralRecord.select().where(CentralRecord.kind == "care_month")}
        assert (stored["hardship"]["due"], stored["hardship"]["late"]) == (1, 1)
        by_enterprise = figures.care_promises(today=today)
        row = next(r for r in by_enterprise if r["month"] == month)
        assert row["promises"]["hospital"] == {"due": 1, "in_time": 1, "late": 0}


def test_central_refuses_a_count_that_cannot_be(central_app):
    station = Station.create(id=uuid.uuid4(), name="甲", enterprise="甲厂", secret="a")
    good = wire_record("care_month", month="2026-03-01", promise="wedding", due=2, in_time=1,
                       late=1)
    too_many = wire_record("care_month", month="2026-03-01", promise="birth", due=1, in_time=1,
                           late=1)
    mid_month = wire_record("care_month", month="2026-03-15", promise="hospital", due=1,
                            in_time=0, late=0)
    unknown = wire_record("care_month", month="2026-03-01", promise="funeral", due=1,
                          in_time=0, late=0)
    acked, conflicts = central_store.accept_batch(station.id, "care_month",
                                                  [good, too_many, mid_month, unknown])
    assert good["id"] in acked
    assert CentralRecord.select().where(CentralRecord.kind == "care_month").count() == 1


def test_the_dashboard_shows_the_promises_per_enterprise(federation_admin):
    a = Station.create(id=uuid.uuid4(), name="一号驿站", enterprise="菏泽重工", secret="a")
    b = Station.create(id=uuid.uuid4(), name="二号驿站", enterprise="菏泽重工", secret="b")
    month = utcnow().date().replace(day=1).isoformat()
    central_store.accept_batch(a.id, "care_month", [wire_record(
        "care_month", month=month, promise="hospital", due=3, in_time=2, late=1)])
    central_store.accept_batch(b.id, "care_month", [wire_record(
        "care_month", month=month, promise="hospital", due=1, in_time=1, late=0)])
    html = federation_admin.get("/admin/central/").get_data(as_text=True)
    assert "Care promises kept" in html and "菏泽重工" in html
    cell = html.split('data-promise="hospital">', 1)[1].split("</td>", 1)[0]
    assert cell.strip() == "3/4 · 1 late"


def test_a_push_recounts_the_year_in_a_few_reads_with_the_months_own_figures(app, caplog):
    """The counts before a push are each month's figures page, read for the whole year at
    once: recounting month by month was the largest part of a station's sync (issue 11)."""
    import logging
    from datetime import date

    from kiosk.care.calendar_data import figures
    from kiosk.care.promises import PROMISES
    today = date(2026, 3, 20)
    member = make_member(birthday=date(1980, 11, 5))
    member.created_at = utcnow().replace(year=2025, month=1)
    member.save()
    for day in (date(2025, 4, 30), date(2025, 12, 31), date(2026, 3, 1)):
        stay = record_event(member, "hospital", day, "chair", place="医院")
        record_visit(find_occurrence(member, "hospital", day, stay.id),
                     day + timedelta(days=2), "chair", visitors="王主席", method="hospital")
    record_event(member, "hardship", date(2026, 2, 27), "chair", what="困难")
    caplog.set_level(logging.DEBUG, logger="peewee")
    assert month_counts.refresh(today) > 0
    reads = [r for r in caplog.records if r.name == "peewee" and "SELECT" in r.getMessage()]
    assert len(reads) <= 6
    stored = {(r.month, r.promise): (r.due, r.in_time, r.late) for r in CareMonthCount.select()}
    expected = {}
    for month in month_counts.months_to_count(today):
        rows = figures(month.year, month.month, today)
        for promise in PROMISES:
            if rows[promise]["due"]:
                expected[(month, promise)] = tuple(rows[promise][k]
                                                   for k in ("due", "in_time", "late"))
    assert stored == expected and len(expected) >= 5
    assert month_counts.refresh(today) == 0

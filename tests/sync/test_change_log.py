"""Central's change log: each central-owned write appends its change as it commits, and a
pull reads its own station's range of the log through one index (SQLite and PostgreSQL)."""
from kiosk.benefits import service as benefits
from kiosk.benefits.models import BenefitLink
from kiosk.central import registry
from kiosk.db import db, is_sqlite
from kiosk.service import lifecycle
from kiosk.service.models import ServiceRequest
from kiosk.sync import central_store, changelog
from kiosk.sync.models import CentralChange

from .helpers import wire_record


def _pushed_request(station_id):
    """A request a station pushed: central keeps it in its inbox, handled by central."""
    record = wire_record("service_request", category="rights", topic="拖欠工资",
                         description="三个月没发工资", receipt_code="1234567890123",
                         handled_by="central", urgent=False, anonymous=True, crisis=False,
                         phone="13800000000")
    record["data"]["station_id"] = str(station_id)
    acked, conflicts = central_store.accept_batch(station_id, "service_request", [record])
    assert conflicts == [] and acked == [record["id"]]
    return ServiceRequest.get_by_id(record["id"])


def test_every_central_write_logs_its_change_as_it_writes(central_app):
    station, _secret = registry.register_station("甲", "甲厂")
    other, _secret = registry.register_station("乙", "乙厂")
    registry.update_station(station, "甲驿站", "甲厂", "一号楼", True)
    link = benefits.save_link(BenefitLink(), "central", True, title_zh="齐鲁工惠",
                              url="https://example.org/app")
    benefits.set_hidden(link, True, "central")
    request = _pushed_request(station.id)
    lifecycle.add_event(request.id, "public_reply", "市总", "central", text="已联系企业")

    assert changelog.reconcile() == 0  # the sweep finds nothing the writes forgot
    mine, cursor, more = changelog.changes_after(station.id, 0, 100)
    kinds = [c["kind"] for c in mine]
    assert kinds == ["station_profile", "station_profile", "benefit_link", "benefit_link",
                     "request_event_central"]
    assert mine[1]["data"]["name"] == "甲驿站" and mine[3]["data"]["hidden"] is True
    assert not more and cursor == mine[-1]["seq"]
    theirs, _cursor, _more = changelog.changes_after(other.id, 0, 100)
    # The other station gets its own profile and the links, never this station's reply.
    assert [c["kind"] for c in theirs] == ["station_profile", "benefit_link", "benefit_link"]


def test_a_station_link_written_at_a_station_is_not_logged(central_app):
    link = benefits.save_link(BenefitLink(), "station", True, title_zh="本厂链接",
                              url="https://example.org/x")
    assert link.owner == "station"
    assert CentralChange.select().count() == 0


def test_a_pull_pages_through_its_range_in_order(central_app):
    station, _secret = registry.register_station("甲", "甲厂")
    for n in range(30):
        registry.register_station(f"别的驿站{n}", "乙厂")  # their profiles: not this station's
    for n in range(5):
        registry.update_station(station, f"甲{n}", "甲厂", "", True)
    seen, cursor, more = [], 0, True
    while more:
        page, cursor, more = changelog.changes_after(station.id, cursor, 2)
        seen += page
    assert [c["data"]["name"] for c in seen] == ["甲", "甲0", "甲1", "甲2", "甲3", "甲4"]
    assert [c["seq"] for c in seen] == sorted(c["seq"] for c in seen)


def test_a_pull_is_a_range_read_on_the_target_seq_index(central_app):
    station, _secret = registry.register_station("甲", "甲厂")
    for where in ("target IS NULL", "target = %s"):
        sql = f"SELECT seq FROM central_change WHERE {where} AND seq > %s ORDER BY seq LIMIT 10"
        params = (str(station.id), 0) if "%s AND" in sql and "target =" in sql else (0,)
        if is_sqlite():
            plan = db.execute_sql("EXPLAIN QUERY PLAN " + sql.replace("%s", "?"),
                                  params).fetchall()
        else:
            with db.atomic():
                db.execute_sql("SET LOCAL enable_seqscan = off")
                plan = db.execute_sql("EXPLAIN " + sql, params).fetchall()
        text = " ".join(str(part) for row in plan for part in row)
        assert "central_change_target_seq" in text, text

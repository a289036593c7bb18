"""Central's admin pages (Flask test client) on SQLite and on PostgreSQL."""
import json
import re
import uuid
from datetime import timedelta

from kiosk.central import registry
from kiosk.models.base import utcnow
from kiosk.notices.models import Announcement
from kiosk.sync import central_store, changelog
from kiosk.sync.models import CentralRecord, Station

from .helpers import wire_record


def test_registering_a_station_shows_its_secret_once(federation_admin):
    page = federation_admin.post("/admin/central/stations", data={
        "name": "机加工车间驿站", "enterprise": "菏泽重工", "address": "牡丹区"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    station = Station.get(Station.name == "机加工车间驿站")
    assert station.secret in html and str(station.id) in html
    assert "sync configure" in html
    # Shown once: neither the list nor the station's page shows it again.
    assert station.secret not in federation_admin.get("/admin/central/stations").get_data(as_text=True)
    detail = federation_admin.get(f"/admin/central/stations/{station.id}").get_data(as_text=True)
    assert station.secret not in detail


def test_a_half_filled_registration_keeps_what_was_typed(federation_admin):
    response = federation_admin.post("/admin/central/stations", data={"name": "装配车间驿站"},
                                     headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="装配车间驿站"' in html and 'id="register-form"' in html
    assert Station.select().count() == 0


def test_a_new_secret_replaces_the_old_one(federation_admin):
    federation_admin.post("/admin/central/stations", data={"name": "甲", "enterprise": "甲厂"})
    station = Station.get()
    old = station.secret
    html = federation_admin.post(f"/admin/central/stations/{station.id}",
                                 data={"action": "rotate"}).get_data(as_text=True)
    new = Station.get_by_id(station.id).secret
    assert new != old and new in html


def test_the_dashboard_flags_stations_behind_and_shows_city_figures(federation_admin):
    fresh = Station.create(id=uuid.uuid4(), name="新驿站", enterprise="甲厂", secret="a",
                           last_sync_ok_at=utcnow() - timedelta(hours=2), software_version="0.1.0")
    Station.create(id=uuid.uuid4(), name="旧驿站", enterprise="乙厂", secret="b",
                   last_sync_ok_at=utcnow() - timedelta(days=3))
    Station.create(id=uuid.uuid4(), name="未同步驿站", enterprise="丙厂", secret="c")
    today = utcnow().date()
    records = [wire_record("mood_group", day=today.isoformat(), mood=mood, count=count)
               for mood, count in [("happy", 6), ("ok", 3), ("upset", 1)]]
    acked, conflicts = central_store.accept_batch(fresh.id, "mood_group", records)
    assert len(acked) == 3 and conflicts == []
    html = federation_admin.get("/admin/central/").get_data(as_text=True)
    assert html.count('class="flag"') == 2
    assert "2 stations have not synced for more than a day" in html
    assert "0.1.0" in html
    # 60% very happy for 甲厂 this week, as a bar.
    assert re.search(r'class="mood-fill mood-happy" x="0(\.0)?" width="60.0"', html)
    assert "mood counts" in html  # the records central holds, by kind


def test_announcements_are_added_and_go_into_the_change_sequence(federation_admin):
    station, _secret = registry.register_station("甲", "甲厂")
    response = federation_admin.post("/admin/central/announcements", data={
        "title": "夏送清凉", "body": "七月一日起发放防暑用品", "active": "y"})
    assert response.status_code == 303
    item = Announcement.get()
    assert item.title == "夏送清凉"
    assert changelog.reconcile() == 0  # both were logged as they were written
    changes, cursor, more = changelog.changes_after(station.id, 0, 10)
    assert [c["kind"] for c in changes] == ["station_profile", "announcement"]
    bad = federation_admin.post("/admin/central/announcements", data={
        "title": "", "starts_on": "2026-05-02", "ends_on": "2026-05-01"})
    assert bad.status_code == 422


def test_the_change_sequence_only_goes_to_its_target(central_app):
    a = Station.create(id=uuid.uuid4(), name="甲", enterprise="甲厂", secret="a")
    b = Station.create(id=uuid.uuid4(), name="乙", enterprise="乙厂", secret="b")
    assert changelog.reconcile() == 2  # written around the registry: the sweep catches them
    for station in (a, b):
        changes, _cursor, _more = changelog.changes_after(station.id, 0, 10)
        assert [json.dumps(c["data"]["name"], ensure_ascii=False) for c in changes] == [
            json.dumps(station.name, ensure_ascii=False)]


def test_the_stations_cli_registers_and_lists(central_app):
    runner = central_app.test_cli_runner()
    result = runner.invoke(args=["central", "register-station", "--name", "铸造车间驿站",
                                 "--enterprise", "菏泽重工"])
    assert result.exit_code == 0, result.output
    station = Station.get()
    assert station.secret in result.output and str(station.id) in result.output
    listing = runner.invoke(args=["central", "stations"])
    assert "铸造车间驿站" in listing.output and "never synced" in listing.output
    assert CentralRecord.select().count() == 0


def test_a_conflict_is_shown_beside_centrals_copy_and_marked_reviewed(federation_admin):
    owner = Station.create(id=uuid.uuid4(), name="甲驿站", enterprise="甲厂", secret="a")
    other = Station.create(id=uuid.uuid4(), name="乙驿站", enterprise="乙厂", secret="b")
    record = wire_record("workshop", name="装配车间")
    rid = record["id"]
    central_store.accept_batch(owner.id, "workshop", [record])
    stolen = {"id": rid, "version": "3", "data": dict(record["data"], name="别的车间")}
    acked, conflicts = central_store.accept_batch(other.id, "workshop", [stolen])
    assert acked == [] and len(conflicts) == 1
    dashboard = federation_admin.get("/admin/central/").get_data(as_text=True)
    assert "1 record was refused as a conflict" in dashboard
    page = federation_admin.get("/admin/central/conflicts").get_data(as_text=True)
    assert "别的车间" in page and "装配车间" in page and "乙驿站" in page
    from kiosk.sync.models import CentralConflict
    conflict = CentralConflict.get()
    assert federation_admin.post(f"/admin/central/conflicts/{conflict.id}/reviewed").status_code == 303
    page = federation_admin.get("/admin/central/conflicts").get_data(as_text=True)
    assert "No conflicts are waiting" in page
    assert json.loads(CentralRecord.get_by_id(rid).data)["name"] == "装配车间"


def test_the_openapi_document_covers_the_api(central_app):
    import os

    from kiosk.sync import kinds, protocol
    path = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "docs", "sync-openapi.json")
    with open(path) as fh:
        document = json.load(fh)
    routes = {r.rule for r in central_app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert routes == set(document["paths"])
    codes = set(document["components"]["schemas"]["Error"]["properties"]["error"]["enum"])
    from kiosk.central.api import STATUS
    assert codes == set(STATUS)
    pushable = document["components"]["schemas"]["PushBatch"]["properties"]["kind"]["enum"]
    assert sorted(pushable) == sorted(k.name for k in kinds.station_kinds())
    assert protocol.PROTOCOL_VERSION == int(document["info"]["version"])


def test_a_malformed_record_is_set_aside_and_does_not_block_the_batch(central_app):
    station = Station.create(id=uuid.uuid4(), name="甲", enterprise="甲厂", secret="a")
    good = wire_record("mood_group")
    bad = wire_record("mood_group", count="many")
    acked, conflicts = central_store.accept_batch(station.id, "mood_group", [good, bad])
    assert acked == [good["id"]]
    assert conflicts == [{"id": bad["id"], "reason": "invalid record: count: not a whole number"}]
    assert CentralRecord.select().count() == 1


def test_central_has_no_touchscreen_its_home_is_the_federation_admin(central_app):
    response = central_app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")


def test_central_admin_lists_federation_sections_not_a_station_roster(federation_admin):
    page = federation_admin.get("/admin/").get_data(as_text=True)
    assert "Federation administration" in page and "Stations" in page
    assert "Import roster" not in page and "Workshops and teams" not in page


def test_central_demo_data_is_the_federations_links_only(central_app):
    from kiosk import demo_data
    from kiosk.benefits.models import BenefitLink
    from kiosk.roster.models import Member
    demo_data.load(central_app)
    owners = {link.owner for link in BenefitLink.select()}
    assert owners == {"central"} and Member.select().count() == 0


def test_central_has_no_roster_pages(federation_admin):
    assert federation_admin.get("/admin/roster/members").status_code == 404
    assert federation_admin.get("/admin/roster/import").status_code == 404

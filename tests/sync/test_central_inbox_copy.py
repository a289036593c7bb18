"""Central's inbox copy of pushed requests (one statement per batch, issue 11): a request
comes with its own fields and the inbox's defaults, a newer write updates the copy, and a
request whose receipt code another station drew stays in the ledger only."""
import uuid

from kiosk.db import write_transaction
from kiosk.service.models import ServiceRequest
from kiosk.sync import central_store
from kiosk.sync.models import CentralRecord, Station


def _station():
    station = str(uuid.uuid4())
    Station.create(id=station, name="驿站", enterprise="企业", secret="s")
    return station


def _request(station, code, topic="加班费", at="2026-03-01T08:00:00.000000"):
    return {"id": str(uuid.uuid4()), "station_id": station, "created_at": at, "updated_at": at,
            "category": "pay", "topic": topic, "description": "车间反映的问题", "receipt_code": code,
            "handled_by": "central", "urgent": False, "anonymous": True, "crisis": True,
            "phone": "13800000000"}


def _push(station, *records):
    with write_transaction():
        return central_store.accept_batch(station, "service_request", [
            {"id": r["id"], "version": r["updated_at"], "data": r} for r in records])


def test_requests_are_copied_with_the_inbox_defaults_and_updated_by_a_newer_write(central_app):
    station = _station()
    first, second = _request(station, "1" * 13), _request(station, "2" * 13)
    assert _push(station, first, second)[1] == []
    copy = ServiceRequest.get_by_id(first["id"])
    assert (copy.status, copy.assignee, copy.crisis, copy.phone, copy.member_id) == (
        "new", "", True, "13800000000", None)
    newer = dict(first, topic="夜班加班费", updated_at="2026-03-01T09:00:00.000000")
    assert _push(station, newer)[1] == []
    assert ServiceRequest.get_by_id(first["id"]).topic == "夜班加班费"
    assert ServiceRequest.get_by_id(second["id"]).topic == "加班费"


def test_a_receipt_code_another_station_drew_stays_in_the_ledger_only(central_app, caplog):
    here, there = _station(), _station()
    taken = _request(here, "7" * 13)
    assert _push(here, taken)[1] == []
    clash, fine = _request(there, "7" * 13), _request(there, "8" * 13)
    acked, conflicts = _push(there, clash, fine)
    assert sorted(acked) == sorted([clash["id"], fine["id"]]) and conflicts == []
    assert {str(r.id) for r in ServiceRequest.select()} == {taken["id"], fine["id"]}
    assert CentralRecord.select().count() == 3
    assert "receipt code taken" in caplog.text

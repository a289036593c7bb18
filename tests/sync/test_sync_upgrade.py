"""Stations and central upgrade on different nights (docs/sync-protocol.md, the upgrade rule).

An older station leaves out a field a newer central knows; a newer station sends
a field an older central does not know; a newer central sends a key, or a kind,
an older station does not know. Every night still syncs.
"""
import json
import uuid

from kiosk.notices.models import Announcement
from kiosk.service import lifecycle
from kiosk.service.models import ServiceRequest
from kiosk.sync import kinds
from kiosk.sync.models import CentralChange, CentralRecord, SyncParked

from .helpers import central_view, make_mood_counts, station_app, sync


def test_an_older_station_leaves_out_optional_fields_and_central_fills_the_defaults(
        tmp_path, central, station_secret, monkeypatch):
    kind = kinds.get("service_request")
    newer_serialize = kind.serialize

    def older_serialize(row):
        data = newer_serialize(row)
        for key in ("urgent", "description", "anonymous", "phone"):  # not there yet
            data.pop(key)
        return data

    monkeypatch.setattr(kind, "serialize", older_serialize)
    with station_app(tmp_path, central, station_secret):
        request = lifecycle.file_request("suggestion", "安全", "车间照明太暗")
        run = sync()
        assert run.ok and run.conflicts == 0, run.error
        assert ServiceRequest.get_by_id(request.id).sent_to_central_at is not None
    with central_view(central):
        stored = json.loads(CentralRecord.get_by_id(str(request.id)).data)
    assert stored["urgent"] is False and stored["description"] == ""
    assert stored["anonymous"] is True and stored["phone"] is None


def test_an_older_station_parks_a_kind_and_ignores_a_key_it_does_not_know(
        tmp_path, central, station_secret):
    notice_id = str(uuid.uuid4())
    with central_view(central):
        CentralChange.create(kind="poll", record_id=uuid.uuid4(), op="upsert",
                             data=json.dumps({"question": "食堂满意吗？"}))
        CentralChange.create(kind="announcement", record_id=notice_id, op="upsert", data=json.dumps({
            "id": notice_id, "station_id": str(uuid.uuid4()),
            "created_at": "2026-03-01T00:00:00.000000", "updated_at": "2026-03-01T00:00:00.000000",
            "title": "夏送清凉", "body": "", "starts_on": None, "ends_on": None, "active": True,
            "pinned": True}))  # a key of a newer central
    with station_app(tmp_path, central, station_secret):
        run = sync()
        assert run.ok, run.error
        assert Announcement.get_by_id(notice_id).title == "夏送清凉"
        assert [p.kind for p in SyncParked.select()] == ["poll"]


def test_a_newer_station_sends_a_field_an_older_central_keeps_unread(
        tmp_path, central, station_secret, monkeypatch):
    kind = kinds.get("mood_group")
    older_extra = kind.extra
    monkeypatch.setattr(kind, "extra", lambda row: dict(older_extra(row) if older_extra else {},
                                                        shift="night"))
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(3)
        run = sync()
        assert run.ok and run.pushed == 3 and run.conflicts == 0, run.error
    with central_view(central):
        stored = [json.loads(r.data) for r in
                  CentralRecord.select().where(CentralRecord.kind == "mood_group")]
    assert [d["shift"] for d in stored] == ["night"] * 3

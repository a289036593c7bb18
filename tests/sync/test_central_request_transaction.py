"""One sync request, one transaction: the nonce commits with what the request stores.

Central keeps each station's secret in memory after its first request, and stores a
request's nonce in the same transaction as the push it authenticates (issue 11: a
registry read and a commit less per request). Neither may weaken the rules: a nonce is
never usable twice, even when its request failed; a request that failed keeps nothing
else; a station disabled or given a new secret is refused at its very next request.
"""
import uuid

from kiosk.sync import central_store, protocol
from kiosk.sync.models import CentralRecord, Station, StationNonce


def _station():
    station_id, secret = str(uuid.uuid4()), "s3cret-" + uuid.uuid4().hex
    Station.create(id=station_id, name="驿站", enterprise="机械厂", secret=secret)
    return station_id, secret


def _mood(station_id, n=3):
    records = []
    for i in range(n):
        rid = str(uuid.uuid4())
        data = {"id": rid, "station_id": station_id, "created_at": "2026-03-01T08:00:00.000000",
                "updated_at": "2026-03-01T08:00:00.000000", "day": "2026-03-01",
                "workshop_id": str(uuid.uuid4()), "workshop_name": "车间", "team_id": None,
                "team_name": "", "mood": "happy", "count": i, "members": 8}
        records.append({"id": rid, "version": data["updated_at"], "data": data})
    return {"batch": "b", "kind": "mood_group", "records": records}


def _signed(station_id, secret, path, payload=None, body=None):
    body = body if body is not None else protocol.encode_body(payload)
    headers = protocol.sign_headers(station_id, secret, "POST", path, body)
    headers.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
    return body, headers


def _post(client, path, body, headers):
    response = client.post(path, data=body, headers=headers)
    return response.status_code, response.get_json()


def test_a_request_refused_after_its_signature_passed_cannot_be_sent_again(central_app):
    station_id, secret = _station()
    client = central_app.test_client()
    body, headers = _signed(station_id, secret, "/api/v1/push", body=b"not gzip at all")
    assert _post(client, "/api/v1/push", body, headers)[0] == 400
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert (status, answer["error"]) == (409, "replayed_nonce")


def test_a_push_that_fails_keeps_nothing_but_its_nonce(central_app, monkeypatch):
    station_id, secret = _station()
    client = central_app.test_client()
    body, headers = _signed(station_id, secret, "/api/v1/push", _mood(station_id))

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away mid-push")

    # After the records are inserted, in the same transaction.
    monkeypatch.setattr(central_store.bulk, "update_many", broken)
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert (status, answer["error"]) == (500, "server_error")
    assert CentralRecord.select().count() == 0
    assert StationNonce.select().where(StationNonce.nonce == headers[protocol.H_NONCE]).exists()
    monkeypatch.undo()
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert (status, answer["error"]) == (409, "replayed_nonce")
    assert CentralRecord.select().count() == 0
    # The station's retry is a new request with a new nonce: it goes through.
    body, headers = _signed(station_id, secret, "/api/v1/push", _mood(station_id))
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert status == 200 and len(answer["ack"]) == 3
    assert CentralRecord.select().count() == 3


def test_a_station_disabled_after_it_was_seen_is_refused_at_its_next_request(central_app):
    station_id, secret = _station()
    client = central_app.test_client()
    assert _post(client, "/api/v1/hello", *_signed(station_id, secret, "/api/v1/hello", {}))[0] \
        == 200
    Station.update(active=False).where(Station.id == station_id).execute()
    body, headers = _signed(station_id, secret, "/api/v1/push", _mood(station_id))
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert (status, answer["error"]) == (403, "station_disabled")
    assert CentralRecord.select().count() == 0


def test_a_new_secret_takes_effect_at_the_next_request(central_app):
    station_id, old = _station()
    client = central_app.test_client()
    assert _post(client, "/api/v1/hello", *_signed(station_id, old, "/api/v1/hello", {}))[0] \
        == 200
    new = "n3w-" + uuid.uuid4().hex
    Station.update(secret=new).where(Station.id == station_id).execute()
    body, headers = _signed(station_id, old, "/api/v1/push", _mood(station_id))
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert (status, answer["error"]) == (401, "bad_signature")
    assert CentralRecord.select().count() == 0
    body, headers = _signed(station_id, new, "/api/v1/push", _mood(station_id))
    status, answer = _post(client, "/api/v1/push", body, headers)
    assert status == 200 and len(answer["ack"]) == 3

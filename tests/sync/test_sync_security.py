"""Central refuses what it must, each with its own error; a refusal changes nothing."""
import http.client
import uuid

from kiosk.models.base import utcnow
from kiosk.sync import kinds, outbox, protocol, runner
from kiosk.sync.client import CentralClient
from kiosk.sync.models import CentralConflict, CentralRecord, Station

from ..factories import make_team, make_workshop
from .helpers import acked_count, central_count, central_view, make_mood_counts, station_app
from .netfaults import CaptivePortal


def _push_body(n=50):
    make_mood_counts(n)
    records = outbox.pending(kinds.get("mood_group"), n)
    return records, {"batch": "b1", "kind": "mood_group", "records": [
        {"id": r.id, "version": r.version, "data": r.data} for r in records]}


def _raw(central, method, path, body, headers):
    conn = http.client.HTTPConnection("127.0.0.1", central.port, timeout=10)
    conn.request(method, path, body=body, headers=dict(headers, **{
        "Content-Type": "application/json", "Content-Encoding": "gzip"}))
    response = conn.getresponse()
    answer = protocol.decode_body(response.read(), response.getheader("Content-Encoding", ""))
    conn.close()
    return response.status, answer


def test_a_replayed_request_is_refused(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        _records, payload = _push_body()
        body = protocol.encode_body(payload)
        headers = protocol.sign_headers(*station_secret, "POST", "/api/v1/push", body)
        status, answer = _raw(central, "POST", "/api/v1/push", body, headers)
        assert status == 200 and len(answer["ack"]) == 50
        status, answer = _raw(central, "POST", "/api/v1/push", body, headers)
        assert (status, answer["error"]) == (409, "replayed_nonce")
        assert central_count(central) == 50


def test_a_forged_or_tampered_request_is_refused(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        _records, payload = _push_body()
        body = protocol.encode_body(payload)
        forged = protocol.sign_headers(station_secret[0], "guessed", "POST", "/api/v1/push", body)
        assert _raw(central, "POST", "/api/v1/push", body, forged)[1]["error"] == "bad_signature"
        # Signed for one body, sent with another.
        signed = protocol.sign_headers(*station_secret, "POST", "/api/v1/push", body)
        other = protocol.encode_body(dict(payload, records=payload["records"][:1]))
        assert _raw(central, "POST", "/api/v1/push", other, signed)[1]["error"] == "bad_signature"
        # Signed for another path.
        signed = protocol.sign_headers(*station_secret, "POST", "/api/v1/hello", body)
        assert _raw(central, "POST", "/api/v1/push", body, signed)[1]["error"] == "bad_signature"
        stranger = protocol.sign_headers(str(uuid.uuid4()), "x", "POST", "/api/v1/push", body)
        status, answer = _raw(central, "POST", "/api/v1/push", body, stranger)
        assert (status, answer["error"]) == (401, "unknown_station")
        assert central_count(central) == 0


def test_another_protocol_version_is_a_clear_error(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        body = protocol.encode_body({"software_version": "9"})
        headers = protocol.sign_headers(*station_secret, "POST", "/api/v1/hello", body)
        headers[protocol.H_PROTOCOL] = "2"
        status, answer = _raw(central, "POST", "/api/v1/hello", body, headers)
        assert status == 426 and answer["error"] == "protocol_mismatch"
        assert answer["supported"] == [1]
        # …and a central that answers in another version is refused by the station.
        newer = CaptivePortal(body=b'{"protocol": 2, "station": {}}',
                              content_type="application/json")
        runner.configure(newer.url, *station_secret, "test", verify=False)
        run = runner.run_sync("test")
        assert run.error_code == "protocol_mismatch" and "upgrade" in run.error
        newer.close()


def test_a_captive_portal_is_not_an_ack(tmp_path, central, station_secret):
    for portal in (CaptivePortal(), CaptivePortal(b'{"status": "ok"}', "application/json")):
        with station_app(tmp_path, central, station_secret):
            runner.configure(portal.url, *station_secret, "test", verify=False)
            make_mood_counts(20)
            run = runner.run_sync("test")
            assert not run.ok and run.error_code == "not_an_ack"
            assert acked_count() == 0
        portal.close()


def test_an_ack_for_another_batch_marks_nothing(tmp_path, central, station_secret,
                                                monkeypatch):
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(20)
        real_call = CentralClient.call

        def wrong_batch(self, method, endpoint, payload=None, query=None):
            answer = real_call(self, method, endpoint, payload, query)
            if endpoint == "/push":
                answer["batch"] = "someone else's"
            return answer

        monkeypatch.setattr(CentralClient, "call", wrong_batch)
        run = runner.run_sync("test")
        assert run.error_code == "not_an_ack" and acked_count() == 0


def test_a_disabled_station_is_refused(tmp_path, central, station_secret):
    with central_view(central):
        Station.update(active=False).execute()
    with station_app(tmp_path, central, station_secret):
        run = runner.run_sync("test")
        assert run.error_code == "station_disabled"


def test_same_id_with_other_content_is_set_aside_not_overwritten(tmp_path, central,
                                                                station_secret):
    other_station = str(uuid.uuid4())
    with central_view(central):
        Station.create(id=other_station, name="乙", enterprise="乙厂", secret="other")
    with station_app(tmp_path, central, station_secret):
        records, payload = _push_body(5)
        client = CentralClient(central.url, *station_secret)
        assert len(client.call("POST", "/push", payload)["ack"]) == 5
        # The owner sends the same version with other content: a conflict.
        changed = dict(payload["records"][0])
        changed["data"] = dict(changed["data"], count=1000)
        answer = client.call("POST", "/push", {"batch": "b2", "kind": "mood_group",
                                               "records": [changed]})
        assert answer["ack"] == [] and answer["conflicts"][0]["id"] == changed["id"]
        # Another station claims an id it does not own, even with a newer version.
        stolen = dict(payload["records"][1], version=utcnow().isoformat(timespec="microseconds"))
        thief = CentralClient(central.url, other_station, "other")
        answer = thief.call("POST", "/push", {"batch": "b3", "kind": "mood_group",
                                              "records": [stolen]})
        assert answer["ack"] == [] and answer["conflicts"][0]["reason"].startswith("another")
        # Delivered again: still one conflict each, set aside for review.
        client.call("POST", "/push", {"batch": "b4", "kind": "mood_group", "records": [changed]})
        with central_view(central):
            assert CentralConflict.select().count() == 2
            kept = CentralRecord.get_by_id(changed["id"])
            assert '"count":1000' not in kept.data
        client.close()
        thief.close()


def test_an_event_before_its_parent_is_kept_until_the_parent_comes(tmp_path, central,
                                                                  station_secret):
    with station_app(tmp_path, central, station_secret):
        team = make_team("总装一班", workshop=make_workshop("装配车间"))
        team_kind = kinds.get("team")
        client = CentralClient(central.url, *station_secret)
        records = outbox.pending(team_kind, 10)
        answer = client.call("POST", "/push", {"batch": "t", "kind": "team", "records": [
            {"id": r.id, "version": r.version, "data": r.data} for r in records]})
        assert answer["ack"] == [str(team.id)]
        outbox.mark_sent(team_kind, records, answer["ack"], [])
        client.close()
        assert central_count(central, "team", orphan=True) == 1
        run = runner.run_sync("test")
        assert run.ok and run.pushed == 1  # the workshop
        assert central_count(central, "team", orphan=False) == 1
        assert central_count(central, "workshop") == 1

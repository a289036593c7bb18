"""A hostile station and a fake central, against a real central process (SQLite and PostgreSQL).

A station that signs correctly is still only trusted with its own records and
with the events its side may write; central refuses anything else record by
record, with a reason, and never answers 5xx. A server that cannot prove it
knows the station's secret gets nothing.
"""
import gzip
import http.client
import json
import threading
import uuid
import zlib
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.models.base import utcnow
from kiosk.service import lifecycle
from kiosk.service.models import RequestEvent, ServiceRequest
from kiosk.sync import protocol, runner
from kiosk.sync.client import CentralClient
from kiosk.sync.models import CentralConflict, CentralRecord, SyncState

from .conftest import CentralProcess
from .helpers import central_view, station_app, sync, wire_record

NOW = utcnow().isoformat(timespec="microseconds")


@pytest.fixture
def two_stations(central_db, tmp_path):
    """A central that knows stations A and B: {"central", "a": (id, secret), "b": (id, secret)}."""
    a = (str(uuid.uuid4()), "secret-a-" + uuid.uuid4().hex)
    b = (str(uuid.uuid4()), "secret-b-" + uuid.uuid4().hex)
    process = CentralProcess(central_db, tmp_path / "central-instance", dict([a, b]))
    process.start()
    yield {"central": process, "a": a, "b": b}
    process.stop()


def _central_requests(central):
    """{receipt code: (status, [event kinds])} in central's own inbox."""
    with central_view(central):
        database = CentralRecord._meta.database
        with database.bind_ctx([ServiceRequest, RequestEvent]):
            return {r.receipt_code: (r.status, sorted(e.kind for e in r.events))
                    for r in ServiceRequest.select()}


def _event(request_id, kind, origin="station", text="", public=True, actor="chair"):
    rid = str(uuid.uuid4())
    data = {"id": rid, "station_id": str(uuid.uuid4()), "created_at": NOW, "updated_at": NOW,
            "request_id": str(request_id), "kind": kind, "text": text, "public": public,
            "actor": actor, "origin": origin, "at": NOW}
    return {"id": rid, "version": NOW, "data": data}


def _push(client, kind, records):
    return client.call("POST", "/push", {"batch": uuid.uuid4().hex[:8], "kind": kind,
                                         "records": records})


def test_a_station_cannot_write_onto_another_stations_request(tmp_path, two_stations):
    central = two_stations["central"]
    with station_app(tmp_path, central, two_stations["b"], name="b"):
        theirs = lifecycle.file_request("suggestion", "安全", "车间照明太暗")
        assert sync().ok
    before = _central_requests(central)
    with station_app(tmp_path, central, two_stations["a"], name="a"):
        client = CentralClient(central.url, *two_stations["a"])
        forged = [_event(theirs.id, "resolved"),
                  _event(theirs.id, "public_reply", origin="central", actor="市总权益部",
                         text="已办结，请勿再诉")]
        answer = _push(client, "request_event", forged)
        client.close()
    assert answer["ack"] == []
    assert {c["id"] for c in answer["conflicts"]} == {r["id"] for r in forged}
    assert all(c["reason"] for c in answer["conflicts"])
    assert _central_requests(central) == before
    with central_view(central):
        assert CentralConflict.select().count() == 2
        assert CentralRecord.select().where(CentralRecord.kind == "request_event").count() == 1
    with station_app(tmp_path, central, two_stations["b"], name="b"):
        assert sync().ok
        mine = ServiceRequest.get_by_id(theirs.id)
        assert mine.status == "new"
        assert [e.kind for e in lifecycle.history(mine)] == ["submitted"]


def test_a_station_cannot_close_a_request_central_handles(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        rights = lifecycle.file_request("rights", "拖欠工资", "三个月没发工资", phone="13800000000")
        assert sync().ok
        client = CentralClient(central.url, *station_secret)
        events = [_event(rights.id, "declined", text="不予受理"),
                  _event(rights.id, "public_reply", text="已处理")]
        answer = _push(client, "request_event", events)
        # The worker's own verdict stays the station's to send: a rating is not a status change.
        client.close()
    assert answer["ack"] == []
    assert len(answer["conflicts"]) == 2
    assert _central_requests(central)[rights.receipt_code] == ("new", ["submitted"])


def test_an_update_cannot_move_a_request_away_from_central(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        rights = lifecycle.file_request("rights", "拖欠工资", "三个月没发工资", phone="13800000000")
        assert sync().ok
        client = CentralClient(central.url, *station_secret)
        record = {"id": str(rights.id), "version": (utcnow()).isoformat(timespec="microseconds")}
        data = json.loads(CentralRecordData.fetch(central, rights.id))
        data.update(handled_by="station", updated_at=record["version"])
        record["data"] = data
        answer = _push(client, "service_request", [record])
        client.close()
    assert answer["ack"] == [] and len(answer["conflicts"]) == 1


class CentralRecordData:
    @staticmethod
    def fetch(central, record_id):
        with central_view(central):
            return CentralRecord.get_by_id(str(record_id)).data


class FakeCentral:
    """Answers like central in protocol 1 — but knows no station's secret.

    It acks every batch it is sent (echoing the batch id) and offers an
    announcement and a status change, as an attacker who read the protocol would.
    """

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                body = protocol.decode_body(raw, self.headers.get("Content-Encoding", "")) or {}
                received.append((self.path, body))
                if self.path.endswith("/hello"):
                    answer = {"station": {"id": self.headers.get(protocol.H_STATION),
                                          "name": "假中心", "enterprise": "x", "address": ""},
                              "batch_size": 500, "server_time": 0, "central_version": "9"}
                elif self.path.endswith("/push"):
                    answer = {"batch": body.get("batch"), "kind": body.get("kind"),
                              "ack": [r["id"] for r in body.get("records", [])],
                              "conflicts": []}
                elif "/changes" in self.path:
                    answer = {"changes": [{"seq": 1, "kind": "announcement",
                                           "id": str(uuid.uuid4()), "op": "upsert",
                                           "data": {"title": "假通知"}}],
                              "next": 1, "more": False}
                else:
                    answer = {"recorded": True}
                answer["protocol"] = 1
                out = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pushed(self):
        return [body for path, body in self.received if path.endswith("/push")]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_fake_central_gets_nothing(tmp_path, station_secret):
    fake = FakeCentral()
    try:
        with station_app(tmp_path, None, station_secret) as app:
            lifecycle.file_request("rights", "拖欠工资", "三个月没发工资", phone="13800000000")
            with pytest.raises(protocol.SyncError) as refused:
                runner.configure(fake.url, *station_secret, "test")
            assert refused.value.code == "central_unproven"
            assert runner.configuration() is None
            result = app.test_cli_runner().invoke(args=[
                "sync", "configure", "--url", fake.url, "--station-id", station_secret[0],
                "--secret", station_secret[1]])
            assert result.exit_code == 1 and "prove" in result.output
            # Saved without a check (offline setup), the run still stops at hello.
            runner.configure(fake.url, *station_secret, "test", verify=False)
            run = sync()
            assert not run.ok and run.error_code == "central_unproven"
            assert fake.pushed() == []
            assert [path for path, _body in fake.received] == ["/api/v1/hello"] * 3
            assert SyncState.select().count() == 0
            assert ServiceRequest.get().sent_to_central_at is None
    finally:
        fake.close()


def test_plain_http_only_on_loopback_or_when_asked(tmp_path, station_secret):
    with station_app(tmp_path, None, station_secret):
        with pytest.raises(protocol.SyncError) as refused:
            runner.configure("http://sync.example.org", *station_secret, "test", verify=False)
        assert refused.value.code == "insecure_url"
        runner.configure("http://sync.example.org", *station_secret, "test", verify=False,
                         insecure_http=True)
        assert runner.insecure_http()
        runner.configure("https://sync.example.org", *station_secret, "test", verify=False)
        assert not runner.insecure_http()


def _raw(central, method, path, body=b"", headers=None, gzip_body=True):
    conn = http.client.HTTPConnection("127.0.0.1", central.port, timeout=30)
    headers = dict(headers or {})
    if gzip_body and body:
        headers["Content-Encoding"] = "gzip"
    headers.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    return response.status, response.getheader("Content-Type", ""), raw


def _signed(secret_pair, method, path, body):
    return protocol.sign_headers(*secret_pair, method, path, body)


def _json_error(status, content_type, raw):
    assert content_type.startswith("application/json"), raw[:200]
    answer = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    assert answer["protocol"] == 1
    return status, answer["error"]


def test_ill_typed_and_out_of_range_records_are_refused_one_by_one(tmp_path, central,
                                                                  station_secret):
    with station_app(tmp_path, central, station_secret):
        good = lifecycle.file_request("suggestion", "安全", "车间照明太暗")
        assert sync().ok
        client = CentralClient(central.url, *station_secret)
        future = (utcnow() + timedelta(days=3650)).isoformat(timespec="microseconds")
        moods = [wire_record("mood_group", NOW, count=3),
                 wire_record("mood_group", NOW, count=10**30),
                 wire_record("mood_group", NOW, count=-10**6),
                 wire_record("mood_group", NOW, members=True),
                 wire_record("mood_group", NOW, mood="nonsense"),
                 wire_record("mood_group", future)]
        answer = _push(client, "mood_group", moods)
        assert answer["ack"] == [moods[0]["id"]]
        assert len(answer["conflicts"]) == 5
        assert all(c["reason"].startswith("invalid") for c in answer["conflicts"])

        request_data = json.loads(CentralRecordData.fetch(central, good.id))
        requests = []
        for change in ({"category": "nonsense"}, {"phone": "1" * 40},
                       {"handled_by": "nobody"}, {"urgent": "yes"}):
            rid = str(uuid.uuid4())
            data = dict(request_data, id=rid, receipt_code=uuid.uuid4().hex[:12], **change)
            requests.append({"id": rid, "version": data["updated_at"], "data": data})
        fine_id = str(uuid.uuid4())
        requests.append({"id": fine_id, "version": request_data["updated_at"],
                         "data": dict(request_data, id=fine_id,
                                      receipt_code=uuid.uuid4().hex[:12])})
        answer = _push(client, "service_request", requests)
        assert answer["ack"] == [fine_id]
        assert len(answer["conflicts"]) == 4

        # A far-future version would freeze central's copy: refused, later edits still land.
        frozen = dict(request_data, updated_at=future, topic="冻结")
        answer = _push(client, "service_request",
                       [{"id": str(good.id), "version": future, "data": frozen}])
        assert answer["ack"] == []
        later = (utcnow() + timedelta(seconds=1)).isoformat(timespec="microseconds")
        answer = _push(client, "service_request", [{"id": str(good.id), "version": later,
                                                    "data": dict(request_data, updated_at=later,
                                                                 topic="照明")}])
        assert answer["ack"] == [str(good.id)]
        client.close()
    assert "照明" in CentralRecordData.fetch(central, good.id)
    codes = _central_requests(central)
    assert len(codes) == 2  # the good one and fine_id; nothing invalid reached the inbox


def test_central_answers_hostile_input_with_json_errors_never_5xx(tmp_path, central,
                                                                 station_secret):
    results = []

    def check(method, path, payload=None, headers=None, raw_body=None):
        body = raw_body if raw_body is not None else (
            protocol.encode_body(payload) if payload is not None else b"")
        signed = _signed(station_secret, method, path, body)
        signed.update(headers or {})
        status, content_type, raw = _raw(central, method, path, body, signed)
        results.append(_json_error(status, content_type, raw) if status >= 400 else (status,))
        return results[-1]

    assert check("GET", f"/api/v1/changes?after={2**63}&limit=10") == (400, "bad_request")
    assert check("GET", "/api/v1/changes?after=-1&limit=10") == (400, "bad_request")
    assert check("GET", "/api/v1/changes?after=0&limit=99999999999999999999") == (400,
                                                                                   "bad_request")
    assert check("POST", "/api/v1/runs", {"ok": True, "pushed": 2.2e28}) == (400, "bad_request")
    assert check("POST", "/api/v1/runs", {"ok": True, "pushed": 10**30}) == (400, "bad_request")
    assert check("POST", "/api/v1/hello", {}, headers={
        protocol.H_SIGNATURE: "签名".encode().decode("latin-1")}) == (401, "bad_signature")
    deep = b"[" * 100_000 + b"]" * 100_000
    assert check("POST", "/api/v1/hello", raw_body=gzip.compress(deep)) == (400, "bad_request")
    nested = {"software_version": "1"}
    for _ in range(200):
        nested = {"x": nested}
    assert check("POST", "/api/v1/runs", nested) == (400, "bad_request")
    assert check("GET", "/api/v1/nothing-here") == (404, "not_found")
    assert check("GET", "/api/v1/push") == (405, "method_not_allowed")
    assert check("POST", "/api/v1/push", {"batch": "x", "kind": "nonsense",
                                          "records": []}) == (400, "unknown_kind")
    assert all(r[0] < 500 for r in results)


def _rss_kib(pid):
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_a_gzip_bomb_and_an_oversized_body_are_refused_without_eating_memory(central,
                                                                            station_secret):
    path = "/api/v1/push"
    # Warm the process up (imports, first connection to the database) before measuring.
    body = protocol.encode_body({"software_version": "t"})
    _raw(central, "POST", "/api/v1/hello", body, _signed(station_secret, "POST",
                                                         "/api/v1/hello", body))
    before = _rss_kib(central.proc.pid)
    # 300 MiB of JSON white space, gzip-compressed to about 300 KiB, correctly signed.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    bomb = b"".join([compressor.compress(b'{"batch":"b","kind":"mood_group","records":[')]
                    + [compressor.compress(chunk) for _ in range(300)]
                    + [compressor.compress(b"]}"), compressor.flush()])
    status, content_type, raw = _raw(central, "POST", path, bomb,
                                     _signed(station_secret, "POST", path, bomb))
    assert _json_error(status, content_type, raw) == (413, "too_large")
    # 60 MB that nobody signed: refused from the header, before the application reads it
    # (the test server, waitress, spools a body to disk itself; gunicorn passes the socket).
    conn = http.client.HTTPConnection("127.0.0.1", central.port, timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Content-Length", str(60_000_000))
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    try:
        for _ in range(60):
            conn.send(b"x" * 1_000_000)
    except OSError:
        pass
    response = conn.getresponse()
    assert _json_error(response.status, response.getheader("Content-Type", ""),
                       response.read()) == (413, "too_large")
    conn.close()
    # The same without a length (chunked): cut off while streaming.
    conn = http.client.HTTPConnection("127.0.0.1", central.port, timeout=30)
    try:
        conn.request("POST", path, body=iter([b"x" * 1_000_000] * 40),
                     headers={"Content-Type": "application/json",
                              "Transfer-Encoding": "chunked"}, encode_chunked=True)
    except OSError:
        pass
    response = conn.getresponse()
    assert _json_error(response.status, response.getheader("Content-Type", ""),
                       response.read()) == (413, "too_large")
    conn.close()
    grown_mib = (_rss_kib(central.proc.pid) - before) / 1024
    assert grown_mib < 50, f"central grew by {grown_mib:.0f} MiB"


def test_the_station_keeps_refused_records_on_its_sync_page(tmp_path, central, station_secret):
    """A station that wrote what it may not (a tampered or older copy of the software):
    central refuses the record, and the station lists it, with the reason, instead of
    counting it as sent."""
    from ..conftest import ADMIN_PASSWORD
    from ..factories import make_admin
    with station_app(tmp_path, central, station_secret) as app:
        rights = lifecycle.file_request("rights", "拖欠工资", "三个月没发工资", phone="13800000000")
        assert sync().ok
        RequestEvent.create(request=rights, kind="resolved", public=True, actor="chair",
                            origin="station", at=utcnow(), force_insert=True)
        run = sync()
        assert run.ok and run.conflicts == 1 and run.pushed == 0
        refused = SyncState.get(SyncState.conflict)
        assert refused.kind == "request_event" and "handled by central" in refused.reason
        make_admin(password=ADMIN_PASSWORD)
        admin = app.test_client()
        admin.post("/admin/login", data={"username": "chair", "password": ADMIN_PASSWORD})
        admin.get("/lang/en")
        page = admin.get("/admin/sync/").get_data(as_text=True)
        assert "Refused by central" in page and "handled by central" in page
        assert "not counted as sent" in page
        # Plain http to another host, asked for explicitly, is shown in red.
        runner.configure("http://sync.example.org", *station_secret, "test", verify=False,
                         insecure_http=True)
        assert "sync-insecure" in admin.get("/admin/sync/").get_data(as_text=True)
    assert _central_requests(central)[rights.receipt_code] == ("new", ["submitted"])


def _event_at(request_id, kind, at, actor="chair", text=""):
    record = _event(request_id, kind, actor=actor, text=text)
    record["data"]["at"] = at.isoformat(timespec="microseconds")
    return record


def test_central_refuses_a_status_change_the_stations_inbox_would_refuse(
        tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        ours = lifecycle.file_request("suggestion", "食堂", "菜太咸")
        lifecycle.add_event(ours.id, "resolved", "主席", "station", text="已反馈食堂")
        assert sync().ok
        client = CentralClient(central.url, *station_secret)
        now = utcnow()
        # resolved → new, resolved → in progress: the inbox offers neither; and within
        # one push, the second of two "received" in a row.
        backwards = [_event_at(ours.id, "submitted", now),
                     _event_at(ours.id, "in_progress", now + timedelta(seconds=1))]
        answer = _push(client, "request_event", backwards)
        twice = lifecycle.file_request("suggestion", "澡堂", "热水不够")
        assert sync().ok
        again = [_event_at(twice.id, "received", now + timedelta(seconds=2)),
                 _event_at(twice.id, "received", now + timedelta(seconds=3))]
        answer_twice = _push(client, "request_event", again)
        client.close()
    assert answer["ack"] == []
    assert {c["id"] for c in answer["conflicts"]} == {r["id"] for r in backwards}
    assert all("resolved" in c["reason"] for c in answer["conflicts"])
    assert _central_requests(central)[ours.receipt_code] == ("resolved", ["resolved",
                                                                          "submitted"])
    assert answer_twice["ack"] == [again[0]["id"]]
    assert [c["id"] for c in answer_twice["conflicts"]] == [again[1]["id"]]
    assert _central_requests(central)[twice.receipt_code][0] == "received"


def test_a_stations_normal_history_with_a_reopen_is_accepted(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        ours = lifecycle.file_request("suggestion", "食堂", "菜太咸")
        lifecycle.add_event(ours.id, "received", "主席", "station")
        assert sync().ok
        lifecycle.add_event(ours.id, "resolved", "主席", "station", text="已反馈食堂")
        lifecycle.rate(ours.id, satisfied=False)
        lifecycle.add_event(ours.id, "in_progress", "主席", "station")
        assert sync().ok
        lifecycle.add_event(ours.id, "resolved", "主席", "station", text="换了厨师")
        lifecycle.rate(ours.id, satisfied=True)
        run = sync()
        assert run.ok and run.conflicts == 0
        assert not SyncState.select().where(SyncState.conflict).exists()
    status, kinds = _central_requests(central)[ours.receipt_code]
    assert status == "resolved"
    assert kinds.count("resolved") == 2 and kinds.count("reopened") == 1

"""Whatever a signed station sends, central answers with a protocol error, never a crash,
and stores nothing it cannot stand behind (hypothesis drives the bodies)."""
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import create_app
from kiosk.db import db, migrate
from kiosk.sync import protocol
from kiosk.sync.models import CentralRecord, Station

STATION_ID, SECRET = uuid.uuid4(), "fuzz-secret"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
records = st.lists(st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.uuids().map(str), st.text(max_size=10)),
    "version": st.one_of(st.text(max_size=70), st.integers()),
    "data": st.one_of(json_values, st.dictionaries(st.sampled_from(["id", "name", "count"]),
                                                   json_values, max_size=3))}), max_size=5)
# Records that pass the envelope checks (data.id == id), with any fields inside.
consistent = st.builds(
    lambda rid, version, data: {"id": rid, "version": version, "data": dict(data, id=rid)},
    st.uuids().map(str), st.text(max_size=30),
    st.dictionaries(st.sampled_from(["request_id", "workshop_id", "name", "day", "kind", "at",
                                     "station_id", "created_at", "updated_at", "category"]),
                    json_values | st.uuids().map(str), max_size=6))
bodies = st.one_of(json_values, st.fixed_dictionaries({
    "batch": st.text(max_size=5),
    "kind": st.sampled_from(["workshop", "team", "mood_group", "service_request",
                             "request_event", "announcement", "x"]),
    "records": st.one_of(records, st.lists(consistent, max_size=4))}))


def test_no_signed_body_makes_central_fail(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "KIOSK_ROLE": "central",
                      "DATABASE": str(tmp_path / "central.sqlite3")})
    migrate()
    with app.app_context():
        db.connect(reuse_if_open=True)
        Station.create(id=STATION_ID, name="甲", enterprise="甲厂", secret=SECRET)
        client = app.test_client()

        @settings(max_examples=300, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(body=bodies, endpoint=st.sampled_from(["/api/v1/push", "/api/v1/hello",
                                                      "/api/v1/runs"]))
        def post(body, endpoint):
            raw = protocol.encode_body(body)
            headers = protocol.sign_headers(STATION_ID, SECRET, "POST", endpoint, raw)
            headers["Content-Encoding"] = "gzip"
            response = client.post(endpoint, data=raw, headers=headers,
                                    content_type="application/json")
            assert response.status_code in (200, 400, 422), response.get_data(as_text=True)
            answer = protocol.decode_body(response.get_data())
            assert answer["protocol"] == 1
            if response.status_code != 200:
                assert answer["error"] in ("bad_request", "unknown_kind")
            # Anything stored is a well-formed record of a station kind, with its own id.
            for row in CentralRecord.select():
                assert row.kind in ("workshop", "team", "mood_group", "service_request",
                                    "request_event")

        post()
        db.close()

"""A phone follows the request (issue 14, finding 5).

The receipt's QR held the bare code captioned 用手机扫码: a phone got digits. Now,
with central's public address configured at the station, it holds a tracking URL
on central (https://…/t/<code>), where a phone-sized page shows the status and the
union's public replies only — never the worker's words, never a phone number, never
a name; rate-limited; the code never logged. Without an address the QR keeps the
code and the caption says to scan it at 查进度.

A 权益有侵害 request (handled by the city federation) does not wait for the night:
the station starts a sync as soon as it is filed, and the receipt says so.
"""
import base64
import io
import logging
import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from kiosk.models.base import utcnow
from kiosk.service import receipt
from kiosk.service.models import INTERNAL_NOTE, RequestEvent, ServiceRequest

from .conftest import make_app
from .factories import make_member, make_request, prove
from .test_service_requests import file_request, receipt_in_session

CENTRAL = "https://gh.example.cn"


def decoded_qr(html):
    """What a phone reads from the receipt's QR code."""
    src = re.search(r'<img src="data:image/png;base64,([^"]+)"[^>]*id="receipt-qr"', html).group(1)
    image = Image.open(io.BytesIO(base64.b64decode(src)))
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.fixture
def station(tmp_path):
    return make_app(tmp_path, KIOSK_CENTRAL_PUBLIC_URL=CENTRAL + "/")


def test_with_centrals_address_the_qr_opens_the_tracking_page_on_a_phone(station):
    client = station.test_client()
    file_request(client, category="hardship")
    code = receipt_in_session(client)
    html = client.get("/service/receipt").get_data(as_text=True)
    assert decoded_qr(html) == [f"{CENTRAL}/t/{receipt.grouped(code, '-')}"]
    assert "用手机扫码，随时查看进度" in html


def test_without_an_address_the_qr_keeps_the_code_and_says_where_to_scan_it(client):
    file_request(client, category="hardship")
    code = receipt_in_session(client)
    html = client.get("/service/receipt").get_data(as_text=True)
    assert decoded_qr(html) == [receipt.grouped(code, "-")]
    assert "回到驿站，在“查进度”扫这个码" in html
    assert "用手机扫码" not in html


def test_the_kiosk_scanner_reading_the_url_finds_the_request(station):
    client = station.test_client()
    with station.app_context():
        filed = make_request()
    scanned = f"https://10.2.0.15:8443/t/{receipt.grouped(filed.receipt_code, '-')}"
    response = client.post("/service/track", data={"code": scanned})
    assert response.status_code in (302, 303), response.get_data(as_text=True)


@pytest.mark.parametrize("text, code", [
    ("https://gh.example.cn/t/4821-7730-09562", "4821773009562"),
    ("http://10.2.0.15:8443/t/4821-7730-09562?x=1", "4821773009562"),
    ("4821 7730 09562", "4821773009562"),
    ("https://gh.example.cn/t/12", None),
    ("https://gh.example.cn/" + "9" * 300, None),
])
def test_a_code_in_a_scanned_url(text, code):
    assert receipt.normalise(text) == code


# -- central's page for the phone ---------------------------------------------

@pytest.fixture
def central(tmp_path):
    return make_app(tmp_path, KIOSK_ROLE="central")


def _request_at_central(app, **fields):
    with app.app_context():
        filed = make_request(category="rights", topic="拖欠工资", description="车间主任张某三个月没发工资",
                             phone="13800000000", **fields)
        RequestEvent.create(request=filed.id, kind="public_reply", text="已联系企业，下周答复",
                            public=True, actor="市总", origin="central",
                            at=utcnow() + timedelta(seconds=1))
        RequestEvent.create(request=filed.id, kind=INTERNAL_NOTE, text="内部备注：张某", public=False,
                            actor="市总", origin="central", at=utcnow() + timedelta(seconds=2))
        return filed.receipt_code


def test_centrals_tracking_page_shows_status_and_public_replies_only(central, caplog):
    code = _request_at_central(central)
    caplog.set_level(logging.INFO)      # DEBUG is peewee echoing every query: off in production
    response = central.test_client().get(f"/t/{receipt.grouped(code, '-')}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "权益有侵害" in html and "已联系企业，下周答复" in html
    for private in ("三个月没发工资", "张某", "13800000000", "内部备注"):
        assert private not in html
    assert 'name="viewport"' in html and "width=device-width" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert not any(code in record.getMessage() or receipt.grouped(code, "-") in record.getMessage()
                   for record in caplog.records)


def test_a_code_central_does_not_have_yet_says_it_will_after_tonights_sync(central):
    response = central.test_client().get("/t/1234-5678-90123")
    assert response.status_code == 404
    assert "今晚同步后可查" in response.get_data(as_text=True)


def test_guessing_codes_on_central_is_slowed_down(central):
    client = central.test_client()
    statuses = [client.get(f"/t/0000-0000-{n:05d}").status_code for n in range(12)]
    assert statuses[:3] == [404, 404, 404] and statuses[-1] == 429
    assert "请等" in client.get("/t/0000-0000-00099").get_data(as_text=True)


def test_the_station_has_no_phone_page(client):
    assert client.get("/t/1234-5678-90123").status_code == 404


# -- 权益有侵害 goes to the federation at once ----------------------------------

@pytest.fixture
def pushes(monkeypatch):
    """The syncs that the kiosk started, run in the request (not a thread) for the test."""
    from kiosk.sync import prompt
    started = []
    monkeypatch.setattr(prompt, "_run", lambda app, anonymous: started.append(anonymous))
    return started


def _connect(app):
    from kiosk.sync import runner
    with app.app_context():
        runner.configure("https://central.example.cn", "3f2b1c9e-0000-4000-8000-000000000001",
                         "secret", "test", verify=False)


def test_a_named_rights_request_starts_a_sync_at_once_and_the_receipt_says_so(client, app,
                                                                              pushes):
    _connect(app)
    member = make_member(name="王芳")
    client.post("/service/new/rights", data={"topic": "0"})
    client.post("/service/describe", data={"description": ""})
    client.post("/service/contact", data={"mode": "named"})
    prove(client, member)
    client.post("/service/submit")
    assert pushes == [False]                       # not anonymous: at once
    html = client.get("/service/receipt").get_data(as_text=True)
    assert "市总工会" in html and "联网时马上发出" in html


def test_an_anonymous_rights_request_goes_on_the_hour_and_the_receipt_says_why(client, app,
                                                                              pushes):
    _connect(app)
    file_request(client, category="rights")
    assert pushes == [True]
    html = client.get("/service/receipt").get_data(as_text=True)
    assert "一小时内发出" in html and "整点发送" in html


@pytest.mark.parametrize("anonymous, now, expected", [
    (False, 1_700_000_000, 0),
    (True, 36_000 * 100 + 3540, 60 + 30),          # 10:59 → 11:00, and 30 s of jitter
    (True, 36_000 * 100, 3600 + 30),                # on the hour → the next one
])
def test_when_the_prompt_sync_starts(anonymous, now, expected):
    from kiosk.sync import prompt
    assert prompt.first_delay(anonymous, now=now, jitter=30) == expected


def test_a_request_the_station_handles_waits_for_the_night(client, app, pushes):
    _connect(app)
    file_request(client, category="hardship")
    assert pushes == []
    assert "市总工会" not in client.get("/service/receipt").get_data(as_text=True)


def test_without_a_connection_to_central_the_receipt_says_it_goes_with_the_sync(client, pushes):
    file_request(client, category="rights")
    assert pushes == []
    html = client.get("/service/receipt").get_data(as_text=True)
    assert "市总工会" in html and "同步" in html


def test_the_status_page_says_when_it_reached_the_federation(client, app, pushes):
    _connect(app)
    file_request(client, category="rights")
    code = receipt_in_session(client)
    with app.app_context():
        ServiceRequest.update(sent_to_central_at=utcnow()).where(
            ServiceRequest.receipt_code == code).execute()
    client.post("/service/track", data={"code": code})
    html = client.get(client.post("/service/track", data={"code": code})
                      .headers["Location"]).get_data(as_text=True)
    assert "已送到市总工会" in html

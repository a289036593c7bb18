"""The chair imports life events from an Excel CSV: preview, confirm, twice changes nothing."""
import io

import pytest

from kiosk.care.models import CareEvent
from kiosk.models import AuditLog

from .factories import make_member

pytestmark = pytest.mark.usefixtures("app")


def upload(admin, text, encoding="utf-8-sig"):
    return admin.post("/admin/care/import",
                      data={"csv_file": (io.BytesIO(text.encode(encoding)), "events.csv")},
                      content_type="multipart/form-data")


def confirm(admin):
    html = admin.get("/admin/care/import").get_data(as_text=True)
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    return admin.post("/admin/care/import/confirm", data={"token": token})


CSV = ("工号,姓名,事项,日期,出院日期,地点,情况说明\n"
       "1001,王芳,结婚,2026/11/20,,,\n"
       "1002,李强,住院,2026年11月25日,2026-11-30,市第一人民医院,阑尾炎\n"
       "1003,张伟,困难,2026-11-28,,,家中失火\n"
       "9999,无此人,退休,2026-11-01,,,\n"
       "1001,王芳,离婚,2026-11-01,,,\n"
       "1002,李强,困难,2026-11-01,,,\n"
       "1003,张伟,退休,2026-02-30,,,\n")


def test_an_events_csv_is_previewed_then_imported_and_a_second_import_adds_nothing(admin):
    for staff_no in ("1001", "1002", "1003"):
        make_member(staff_no=staff_no)
    assert upload(admin, CSV, "gb18030").status_code == 303
    preview = admin.get("/admin/care/import").get_data(as_text=True)
    assert 'data-counts="3/0/4"' in preview
    assert "没有这个工号的会员" in preview and "未知事项" in preview
    assert "困难变故需要简要说明" in preview and "日期缺失或格式不对" in preview
    assert CareEvent.select().count() == 0            # nothing written before the chair confirms
    assert confirm(admin).status_code == 303
    stay = CareEvent.get(CareEvent.kind == "hospital")
    assert (stay.place, stay.end_day.isoformat(), stay.what) == ("市第一人民医院", "2026-11-30", "阑尾炎")
    assert CareEvent.select().count() == 3
    assert AuditLog.select().where(AuditLog.action == "import care events").count() == 1
    upload(admin, CSV)
    assert 'data-counts="0/3/4"' in admin.get("/admin/care/import").get_data(as_text=True)
    confirm(admin)
    assert CareEvent.select().count() == 3


def test_a_confirm_without_a_pending_upload_or_twice_writes_nothing(admin):
    make_member(staff_no="1001")
    upload(admin, "工号,事项,日期\n1001,结婚,2026-11-20\n")
    html = admin.get("/admin/care/import").get_data(as_text=True)
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    assert admin.post("/admin/care/import/confirm", data={"token": "wrong"}).status_code == 303
    assert CareEvent.select().count() == 0
    admin.post("/admin/care/import/confirm", data={"token": token})
    admin.post("/admin/care/import/confirm", data={"token": token})
    assert CareEvent.select().count() == 1


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not a csv", "姓名,日期\n王芳,2026-01-01\n".encode()])
def test_a_file_that_is_not_an_events_csv_answers_422(admin, data):
    response = admin.post("/admin/care/import",
                          data={"csv_file": (io.BytesIO(data), "x.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 422 and "field-error" in response.get_data(as_text=True)


def test_importing_needs_a_login(client):
    assert client.get("/admin/care/import").status_code == 302
    assert client.post("/admin/care/import/confirm", data={"token": "x"}).status_code == 302

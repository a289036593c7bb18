"""The chair's morning sheet (晨报): who needs the union today, on screen and on one A4 page."""
import os
import stat
from datetime import date, datetime, timedelta

import pytest

from kiosk.care import morning_sheet_files as sheet_files
from kiosk.care.morning_sheet import build, on_ready, summary_line
from kiosk.care.records import record_event
from kiosk.models import AuditLog
from kiosk.mood.records import request_talk

from .conftest import make_app
from .factories import make_checkin, make_member, make_request, make_team
from .pdf_tools import has_images, pdf_fonts, pdf_pages, pdf_text

LONG_AGO = datetime(2000, 1, 1)


@pytest.fixture
def app(tmp_path, monkeypatch):
    """An app whose instance folder (where the sheets are kept) is this test's own."""
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app(tmp_path)


def sheet_day(app):
    with app.test_request_context():
        return build().day


def text(response):
    return response.get_data(as_text=True)


def a_morning(app):
    """Upset workers (one asks to talk), an older open day, requests, birthdays, visits."""
    day = sheet_day(app)
    team = make_team("车工一班")
    upset, talker = make_member("王芳", team=team), make_member("李强", team=team)
    make_checkin(upset, "upset", day=day, hour=6)
    request_talk(talker.id, make_checkin(talker, "upset", day=day, hour=7).id)
    waiting = make_member("周杰", team=team)
    make_checkin(waiting, "upset", day=day - timedelta(days=3))
    make_request("counselling", "我只是想聊聊", description="真的不想活了")        # anonymous
    make_request("hardship", "家庭困难", description="家里出了事故",
                 member=make_member("刘洋", team=team))
    # 1992 is a leap year: any day of the calendar is someone's birthday.
    make_member("陈静", team=team, birthday=date(1992, day.month, day.day), created_at=LONG_AGO)
    soon = day + timedelta(days=3)
    make_member("赵敏", team=team, birthday=date(1992, soon.month, soon.day), created_at=LONG_AGO)
    record_event(make_member("黄勇", team=team), "hospital", day - timedelta(days=2), "chair",
                 place="市人民医院")
    record_event(make_member("孙丽", team=team), "hardship", day - timedelta(days=20), "chair",
                 what="家中失火")
    return day


@pytest.mark.parametrize("path", ["/admin/care/morning-sheet", "/admin/care/morning-sheet.pdf",
                                  "/admin/care/morning-sheets/2026-12-01.pdf"])
def test_the_morning_sheet_needs_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.post("/admin/care/morning-sheet/schedule", data={"at": "07:30"}).status_code == 302


def test_the_sheet_lists_who_needs_the_chair_talk_requests_first(app, admin):
    a_morning(app)
    html = text(admin.get("/admin/care/morning-sheet"))
    assert "晨报" in html
    assert html.index("李强") < html.index("王芳") < html.index("周杰")
    assert "想找工会聊聊" in html and "还在等回访的工友" in html
    assert "市人民医院" in html and "家中失火" in html and "赵敏" in html and "陈静" in html
    with app.test_request_context():
        counts = build().counts()
    assert (counts["upset"], counts["talk"], counts["open"], counts["requests"]) == (2, 1, 1, 2)
    assert (counts["due"], counts["overdue"]) == (1, 1)
    assert (counts["birthdays"], counts["birthdays_week"]) == (1, 1)


def test_anonymous_requests_appear_without_a_name_and_no_request_text(app, admin, tmp_path):
    a_morning(app)
    html = text(admin.get("/admin/care/morning-sheet"))
    assert "匿名" in html and "刘洋" in html
    assert "不想活" not in html and "事故" not in html
    words = pdf_text(admin.get("/admin/care/morning-sheet.pdf").data, tmp_path)
    assert "匿名" in words and "刘洋" in words
    assert "不想活" not in words and "事故" not in words


def test_the_pdf_is_one_a4_page_of_real_text_in_an_embedded_font(app, admin, tmp_path):
    a_morning(app)
    response = admin.get("/admin/care/morning-sheet.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    words = pdf_text(response.data, tmp_path)
    assert "工会主席晨报" in words and "李强" in words and "想找工会聊聊" in words
    assert "住院必访" in words and "困难必访" in words
    fonts = pdf_fonts(response.data, tmp_path)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes"
                         and "NotoSansCJKSC" in f["name"] for f in fonts)
    assert pdf_pages(response.data, tmp_path) == 1
    assert not has_images(response.data, tmp_path)     # text and lines, not a picture


def test_a_long_morning_still_fits_one_page_with_the_rest_counted(app, admin, tmp_path):
    day = sheet_day(app)
    team = make_team()
    for n in range(20):
        make_checkin(make_member(f"工友{n:02d}", team=team), "upset", day=day, hour=6)
    for _n in range(9):
        make_request("counselling", "我只是想聊聊")
    data = admin.get("/admin/care/morning-sheet.pdf").data
    assert pdf_pages(data, tmp_path) == 1
    words = pdf_text(data, tmp_path)
    assert "另有 13 项" in words and "另有 5 项" in words


def test_a_quiet_morning_says_so(admin, tmp_path):
    words = pdf_text(admin.get("/admin/care/morning-sheet.pdf").data, tmp_path)
    assert "今天没有工友打卡“有点烦”" in words and "没有未办结的危机或紧急诉求" in words


def test_the_admin_home_shows_the_sheet_in_numbers(app, admin):
    a_morning(app)
    html = text(admin.get("/admin/"))
    assert 'href="/admin/care/morning-sheet"' in html and 'href="/admin/care/morning-sheet.pdf"' in html
    assert '<li class="is-alarming" data-count="talk"><strong>1</strong>' in html
    assert "李强" not in html   # names are one click away, not on the home page


def test_the_summary_for_an_alert_is_counts_without_names(app):
    a_morning(app)
    with app.test_request_context():
        line = summary_line(build())
    assert "今日有点烦 2 人" in line and "想找工会聊聊 1 人" in line and "危机或紧急诉求 2 件" in line
    assert not any(name in line for name in ("王芳", "李强", "周杰", "刘洋", "黄勇", "孙丽"))
    with app.app_context():   # an alert worker has no request: still the station's language
        assert summary_line(build()) == line


# --- Made each morning, kept on the station ----------------------------------------

def test_the_cli_writes_the_days_sheet_privately_and_prints_no_names(app, runner, tmp_path):
    day = a_morning(app)
    result = runner.invoke(args=["care", "morning-sheet", "--date", day.isoformat()])
    assert result.exit_code == 0, result.output
    path = os.path.join(app.instance_path, "morning-sheets", f"{day.isoformat()}.pdf")
    assert result.output.splitlines()[0] == path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert not [f for f in os.listdir(os.path.dirname(path)) if f.endswith(".tmp")]
    assert "李强" not in result.output and "今日有点烦 2 人" in result.output
    with open(path, "rb") as fh:
        assert "李强" in pdf_text(fh.read(), tmp_path)
    assert AuditLog.get(AuditLog.action == "morning sheet").detail == day.isoformat()


def test_a_stored_sheet_is_announced_to_whoever_listens(app, runner):
    """The hook the "morning sheet ready" alert hangs on: the sheet and its file."""
    a_morning(app)
    heard = []
    on_ready(app, lambda sheet, path: heard.append((summary_line(sheet), path)))
    result = runner.invoke(args=["care", "morning-sheet"])
    assert result.exit_code == 0, result.output
    assert heard == [tuple(result.output.splitlines()[1::-1])]


def test_the_cli_refuses_a_date_it_cannot_read(runner):
    result = runner.invoke(args=["care", "morning-sheet", "--date", "2026-13-45"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_the_timer_waits_for_the_chairs_time_and_makes_the_sheet_once(app, admin):
    with app.app_context():
        assert not sheet_files.is_due(datetime(2026, 12, 1, 9, 0))   # no time set: never
    response = admin.post("/admin/care/morning-sheet/schedule", data={"at": "07:30"})
    assert response.status_code == 303
    assert "每天 07:30 将自动生成晨报" in text(admin.get("/admin/care/morning-sheet"))
    assert AuditLog.get(AuditLog.action == "morning sheet time").detail == "07:30"
    with app.app_context():
        assert not sheet_files.is_due(datetime(2026, 12, 1, 7, 29))
        assert sheet_files.is_due(datetime(2026, 12, 1, 7, 30))
        assert sheet_files.is_due(datetime(2026, 12, 1, 11, 0))    # switched on late
        sheet_files.store(date(2026, 12, 1), b"%PDF-1.4")
        assert not sheet_files.is_due(datetime(2026, 12, 1, 7, 40))  # once a day
        assert sheet_files.is_due(datetime(2026, 12, 2, 7, 30))


def test_if_due_with_a_time_set_writes_todays_sheet_and_then_nothing(app, admin, runner):
    assert runner.invoke(args=["care", "morning-sheet", "--if-due"]).output == ""
    admin.post("/admin/care/morning-sheet/schedule", data={"at": "00:00"})
    first = runner.invoke(args=["care", "morning-sheet", "--if-due"])
    assert first.exit_code == 0 and first.output.endswith("项。\n")
    assert len(os.listdir(os.path.join(app.instance_path, "morning-sheets"))) == 1
    assert runner.invoke(args=["care", "morning-sheet", "--if-due"]).output == ""
    bad = runner.invoke(args=["care", "morning-sheet", "--if-due", "--date", "2026-12-01"])
    assert bad.exit_code == 2


def test_switching_the_daily_sheet_off_and_a_bad_time_kept_with_a_message(app, admin):
    admin.post("/admin/care/morning-sheet/schedule", data={"at": "07:30"})
    response = admin.post("/admin/care/morning-sheet/schedule", data={"at": "25:99"})
    assert response.status_code == 422
    assert "请按 07:30 这样的格式填写时间" in text(response) and 'value="25:99"' in text(response)
    assert admin.post("/admin/care/morning-sheet/schedule",
                      data={"at": "7" * 100_000}).status_code in (413, 422)
    with app.app_context():
        assert sheet_files.scheduled_time().strftime("%H:%M") == "07:30"
    admin.post("/admin/care/morning-sheet/schedule", data={"at": ""})
    assert "晨报已不再自动生成" in text(admin.get("/admin/care/morning-sheet"))
    with app.app_context():
        assert sheet_files.scheduled_time() is None


def test_stored_sheets_are_listed_served_uncached_and_old_ones_dropped(app, admin):
    with app.app_context():
        sheet_files.store(date(2026, 10, 1), b"%PDF-old")
        sheet_files.store(date(2026, 11, 30), b"%PDF-1.4 yesterday")
        sheet_files.store(date(2026, 12, 1), b"%PDF-1.4 today")
        assert [s.day for s in sheet_files.stored()] == [date(2026, 12, 1), date(2026, 11, 30)]
    html = text(admin.get("/admin/care/morning-sheet"))
    assert html.index("/admin/care/morning-sheets/2026-12-01.pdf") < html.index(
        "/admin/care/morning-sheets/2026-11-30.pdf")
    response = admin.get("/admin/care/morning-sheets/2026-11-30.pdf")
    assert response.data == b"%PDF-1.4 yesterday" and response.headers["Cache-Control"] == "no-store"
    for bad in ("2026-10-01", "20261201", "2026-13-45", "..%2Fsecret_key", "x" * 300):
        assert admin.get(f"/admin/care/morning-sheets/{bad}.pdf").status_code == 404, bad


def test_in_english_the_pdf_keeps_every_character(app, admin, tmp_path):
    """Babel writes "7:00 AM" with a narrow no-break space the CJK font lacks."""
    a_morning(app)
    with admin.session_transaction() as session:
        session["lang"] = "en"
    words = pdf_text(admin.get("/admin/care/morning-sheet.pdf").data, tmp_path)
    assert "The chair's morning sheet" in words and "Wants to talk" in words
    assert "checked in at 7:00 AM" in words and "Upset today and asking to talk (2)" in words

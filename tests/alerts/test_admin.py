"""The chair sets up channels from the admin pages, tests them, reads the delivery log;
secrets never come back in full, and bad input gets a friendly 4xx."""
import re

import pytest

from kiosk.alerts.models import AlertChannel, AlertDelivery
from kiosk.models import AuditLog, utcnow

from ..factories import make_member, make_team
from .conftest import SMTP_PASSWORD, SMTP_USER, closed_port
from .helpers import WECOM_KEY, deliver, upset_and_talk, wecom


def wecom_form(robot, **fields):
    form = {"name": "工会干部群", "enabled": "y", "triggers": ["talk", "crisis"],
            "webhook": f"{robot.base}/cgi-bin/webhook/send?key={WECOM_KEY}"}
    form.update(fields)
    return form


def email_form(smtp_port, **fields):
    form = {"name": "主席邮箱", "enabled": "y", "triggers": ["talk"], "host": "127.0.0.1",
            "port": str(smtp_port), "security": "starttls", "username": SMTP_USER,
            "password": SMTP_PASSWORD, "sender": "station@example.org",
            "recipients": "chair@example.org\nvice@example.org"}
    form.update(fields)
    return form


def test_the_chair_adds_a_wecom_robot_by_pasting_its_address(admin, robot):
    response = admin.post("/admin/alerts/new/wecom", data=wecom_form(robot))
    assert response.status_code == 303
    channel = AlertChannel.get()
    assert channel.secrets == {"key": WECOM_KEY} and channel.trigger_list == ["talk", "crisis"]
    page = admin.get("/admin/alerts/").get_data(as_text=True)
    assert "工会干部群" in page and WECOM_KEY not in page and "••••5aaa" in page
    edit = admin.get(f"/admin/alerts/{channel.id}/edit").get_data(as_text=True)
    assert WECOM_KEY not in edit and "5aaa" in edit
    audit = AuditLog.get(AuditLog.action == "alert channel added")
    assert audit.target == "工会干部群" and WECOM_KEY not in audit.detail


def test_the_test_button_shows_the_robots_answer(admin, robot):
    admin.post("/admin/alerts/new/wecom", data=wecom_form(robot))
    channel = AlertChannel.get()
    response = admin.post(f"/admin/alerts/{channel.id}/test", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="test-result-' in html
    assert "测试消息已发出" in html and "errcode 0: ok" in html
    assert robot.texts == ["驿站通知测试：通知渠道“工会干部群”已设置好"]


def test_a_failed_test_says_why_in_chinese_with_the_servers_words(admin, robot):
    admin.post("/admin/alerts/new/wecom", data=wecom_form(robot))
    robot.answers.append((200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    channel = AlertChannel.get()
    html = admin.post(f"/admin/alerts/{channel.id}/test").get_data(as_text=True)
    assert "<html" in html       # without htmx: the whole page, with the answer in place
    assert "测试消息没有发出" in html and "服务器拒收了这条消息" in html
    assert "errcode 93000: invalid webhook url" in html


def test_a_test_to_a_closed_port_says_the_server_cannot_be_reached(admin, robot, app):
    app.config["ALERTS_WECOM_URL"] = f"http://127.0.0.1:{closed_port()}/cgi-bin/webhook/send"
    wecom()
    html = admin.post(f"/admin/alerts/{AlertChannel.get().id}/test").get_data(as_text=True)
    assert "无法连接到服务器" in html


def test_the_chair_adds_an_e_mail_channel_and_tests_it(admin, app, smtp, certificate):
    app.config["ALERTS_SMTP_CAFILE"] = str(certificate[0])
    form = email_form(smtp.port, security=smtp.mode)
    assert admin.post("/admin/alerts/new/email", data=form).status_code == 303
    channel = AlertChannel.get()
    assert channel.options["recipients"] == ["chair@example.org", "vice@example.org"]
    page = admin.get(f"/admin/alerts/{channel.id}/edit").get_data(as_text=True)
    assert SMTP_PASSWORD not in page
    html = admin.post(f"/admin/alerts/{channel.id}/test").get_data(as_text=True)
    assert "测试消息已发出" in html, html
    [mail] = smtp.messages
    assert mail["message"]["Subject"] == "驿站提醒：测试消息"
    # Saved again with the password left empty: the stored one stays.
    form["password"] = ""
    assert admin.post(f"/admin/alerts/{channel.id}/edit", data=form).status_code == 303
    assert AlertChannel.get().secrets["password"] == SMTP_PASSWORD


pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.mark.parametrize("webhook", [
    "javascript:alert(1)", "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh",
    "https://evil.example/cgi-bin/webhook/send?key=abcdefgh", "http://127.0.0.1:1/?key=x",
    "not a key", "", "x" * 500])
def test_a_webhook_that_is_not_the_robots_is_refused_kindly(admin, robot, webhook):
    response = admin.post("/admin/alerts/new/wecom", data=wecom_form(robot, webhook=webhook))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="field-error"' in html and AlertChannel.select().count() == 0
    assert "工会干部群" in html           # what was typed stays


@pytest.mark.parametrize("field,value,message", [
    ("port", "70000", "端口是 1 到 65535"), ("port", "0", "端口是 1 到 65535"),
    ("port", "abc", "端口是 1 到 65535"), ("port", "9" * 5000, "端口是 1 到 65535"),
    ("port", "４６５", "端口是 1 到 65535"),
    ("host", "smtp.example.com\r\nRCPT TO:<x@y>", "请填写服务器地址"),
    ("sender", "a@b.c\nBcc: x@y.z", "请填写电子邮件地址"),
    ("recipients", "chair@example.org, evil\r\nBcc: x@y.z", "请填写 1 到 10 个"),
    ("recipients", "\n".join(f"a{n}@example.org" for n in range(11)), "请填写 1 到 10 个"),
    ("password", "授权码", "只接受英文字母"), ("password", "pass\n", "只接受英文字母"),
    ("username", "union@example.org\n", "只接受英文字母"), ("security", "none", "不是有效的选择"),
    ("triggers", ["talk", "gossip"], "请从列表中选择"),
    ("name", "", "请给这个通知渠道起个名字"),
])
def test_bad_mail_settings_are_refused_kindly(admin, field, value, message):
    response = admin.post("/admin/alerts/new/email", data=email_form(587, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    assert AlertChannel.select().count() == 0
    assert message in html


def test_an_unknown_channel_kind_or_channel_is_not_found(admin):
    assert admin.get("/admin/alerts/new/telegram").status_code == 404
    assert admin.get("/admin/alerts/99/edit").status_code == 404
    assert admin.post("/admin/alerts/99/test").status_code == 404
    assert admin.get("/admin/alerts/log?status=evil").status_code == 400


@pytest.mark.parametrize("hour", ["25", "-1", "9" * 5000, "８", ""])
def test_a_bad_hour_is_refused_kindly(admin, hour):
    response = admin.post("/admin/alerts/settings", data={"daily_hour": hour})
    assert response.status_code == 422
    assert "请输入 0 到 23 之间的数字。" in response.get_data(as_text=True)


def test_the_pages_need_a_login(client):
    for path in ("/admin/alerts/", "/admin/alerts/log", "/admin/alerts/new/wecom"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_delivery_log_shows_failures_and_why_and_can_send_again(admin, app, client, robot):
    wecom(triggers="talk")
    upset_and_talk(client, make_member(team=make_team(name="车工一班")))
    robot.answers.append((500, b"busy"))
    deliver(app)
    html = admin.get("/admin/alerts/log").get_data(as_text=True)
    assert "等待重试" in html and "HTTP 500 busy" in html and "服务器返回了错误" in html
    assert "车工一班有一位工友想找工会聊聊" in html
    delivery = AlertDelivery.get()
    response = admin.post(f"/admin/alerts/log/{delivery.id}/retry")
    assert response.status_code == 303
    assert AlertDelivery.get().next_attempt_at <= utcnow()
    deliver(app)
    assert AlertDelivery.get().status == "sent"
    assert "已发送" not in admin.get("/admin/alerts/log?status=failed").get_data(as_text=True)


def test_switching_a_channel_off_stops_what_waits_for_it(admin, app, client, robot):
    channel = wecom(triggers="talk")
    upset_and_talk(client, make_member(team=make_team(name="车工一班")))
    robot.answers.append((500, b"busy"))
    deliver(app)
    form = wecom_form(robot, webhook="", triggers=["talk"])
    del form["enabled"]
    assert admin.post(f"/admin/alerts/{channel.id}/edit", data=form).status_code == 303
    assert AlertChannel.get().secrets == {"key": WECOM_KEY}      # empty kept the key
    delivery = AlertDelivery.get()
    assert delivery.status == "failed" and delivery.error_kind == "disabled"
    assert "通知提醒：有 1 条提醒未能送达" in admin.get("/admin/").get_data(as_text=True)


def test_deleting_a_channel_asks_first_and_is_audited(admin, robot):
    channel = wecom()
    page = admin.get(f"/admin/alerts/{channel.id}/delete").get_data(as_text=True)
    assert "删除通知渠道“工会干部群”？" in page
    assert admin.post(f"/admin/alerts/{channel.id}/delete").status_code == 303
    assert AlertChannel.select().count() == 0
    assert AuditLog.get(AuditLog.action == "alert channel deleted").target == "工会干部群"


def test_the_channels_page_is_in_the_admin_menu(admin):
    html = admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/alerts/"' in html and "通知提醒" in html


def test_dingtalk_keeps_its_signing_secret_out_of_the_page(admin, robot):
    secret = "SEC" + "f" * 64
    form = {"name": "钉钉群", "enabled": "y", "triggers": ["talk"],
            "webhook": f"{robot.base}/robot/send?access_token={'d' * 64}", "sign_secret": secret}
    assert admin.post("/admin/alerts/new/dingtalk", data=form).status_code == 303
    channel = AlertChannel.get()
    assert channel.secrets["sign_secret"] == secret
    for path in ("/admin/alerts/", f"/admin/alerts/{channel.id}/edit"):
        html = admin.get(path).get_data(as_text=True)
        assert secret not in html and "d" * 64 not in html
    assert re.search("已加签", admin.get("/admin/alerts/").get_data(as_text=True))
    bad = dict(form, sign_secret="SEC 中文")
    assert admin.post("/admin/alerts/new/dingtalk", data=bad).status_code == 422

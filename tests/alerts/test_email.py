"""Alerts by e-mail, received by a real mail server on loopback (aiosmtpd) over STARTTLS
or SSL, with a login, on a certificate the station was told to trust."""
import pytest

from kiosk.alerts import channels
from kiosk.alerts.models import AlertChannel, AlertDelivery

from ..factories import make_member, make_team, make_workshop
from .conftest import SMTP_PASSWORD, SMTP_USER, closed_port
from .helpers import deliver, upset_and_talk

# Implicit TLS (port 465) is encrypted from the first byte; aiosmtpd cannot tell.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def mail_channel(port, security, password=SMTP_PASSWORD, triggers="talk"):
    return AlertChannel.create(kind="email", name="主席邮箱", triggers=triggers, options={
        "host": "127.0.0.1", "port": port, "security": security, "username": SMTP_USER,
        "sender": "station@example.org", "recipients": ["chair@example.org", "vice@example.org"]},
        secrets={"password": password})


@pytest.fixture
def trusting(app, certificate):
    app.config["ALERTS_SMTP_CAFILE"] = str(certificate[0])
    return app


def test_a_talk_request_arrives_as_an_e_mail_in_chinese(trusting, client, smtp):
    mail_channel(smtp.port, smtp.mode)
    team = make_team(name="车工一班", workshop=make_workshop(name="机加车间"))
    upset_and_talk(client, make_member(name="王芳", team=team))
    assert deliver(trusting).sent == 1
    [mail] = smtp.messages
    message = mail["message"]
    assert message["Subject"] == "驿站提醒：想找工会聊聊"
    assert mail["from"] == "station@example.org"
    assert mail["to"] == ["chair@example.org", "vice@example.org"]
    body = message.get_content()
    assert body.startswith("车工一班有一位工友想找工会聊聊，请登录驿站查看")
    assert "王芳" not in body and "请勿回复" in body
    assert message.get_content_charset() == "utf-8"
    assert mail["authenticated"] and mail["login"].login == SMTP_USER.encode()
    assert mail["tls"] or smtp.mode == "ssl"
    assert AlertDelivery.get().error_detail.startswith("250")


def test_a_wrong_password_is_a_login_failure_with_the_servers_words(trusting, smtp):
    channel = mail_channel(smtp.port, smtp.mode, password="wrong")
    transport = channels.Transport.from_config(trusting.config)
    with pytest.raises(channels.SendError) as failure:
        channels.send("email", channel.options, channel.secrets, "驿站", "测试", transport)
    assert failure.value.kind == "login" and failure.value.detail.startswith("535")


def test_an_untrusted_certificate_is_refused(app, smtp):
    channel = mail_channel(smtp.port, smtp.mode)
    transport = channels.Transport.from_config(app.config)     # no CA file for the test cert
    with pytest.raises(channels.SendError) as failure:
        channels.send("email", channel.options, channel.secrets, "驿站", "测试", transport)
    assert failure.value.kind == "tls"
    assert smtp.messages == []


def test_a_mail_server_that_is_down_is_unreachable(app):
    channel = mail_channel(closed_port(), "starttls")
    with pytest.raises(channels.SendError) as failure:
        channels.send("email", channel.options, channel.secrets, "驿站", "测试",
                      channels.Transport.from_config(app.config))
    assert failure.value.kind == "unreachable"


def test_a_password_stored_in_chinese_fails_as_a_login_problem_not_a_crash(trusting, smtp):
    channel = mail_channel(smtp.port, smtp.mode, password="授权码")
    with pytest.raises(channels.SendError) as failure:
        channels.send("email", channel.options, channel.secrets, "驿站", "测试",
                      channels.Transport.from_config(trusting.config))
    assert failure.value.kind == "login"

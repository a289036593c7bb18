"""Sending one message through one channel: WeCom or DingTalk robot, or SMTP e-mail.

No Flask here and only the standard library (urllib, smtplib, ssl): a send either
returns the server's answer or raises ``SendError(kind, detail)`` with the server's
own words in ``detail``. Short timeouts: a workshop's network may be down, and the
deliverer must get on with the next row.

- WeCom (企业微信) group robot: POST {"msgtype": "text", "text": {"content": …}} to
  …/cgi-bin/webhook/send?key=KEY; the answer {"errcode": 0, "errmsg": "ok"}.
- DingTalk (钉钉) robot: the same JSON to …/robot/send?access_token=TOKEN; in signed
  mode also &timestamp=MS&sign=S, S = urlencode(base64(HMAC-SHA256(secret,
  "MS\\nsecret"))), and DingTalk refuses a timestamp more than an hour off.
- SMTP: STARTTLS or SSL, the certificate checked, then a login if one is set.
"""
import base64
import hashlib
import hmac
import http.client
import json
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote, quote_plus

# Enough for any robot's answer; a larger one is not theirs.
MAX_ANSWER_BYTES = 64 * 1024
MAX_DETAIL_CHARS = 300


class SendError(Exception):
    """A failed send: ``kind`` says what went wrong (see ``alerts.labels``), ``detail``
    what the server or the network said."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = _short(detail)


@dataclass
class Transport:
    """Where and how to send: from the app's config (tests point it at loopback)."""

    wecom_url: str = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
    dingtalk_url: str = "https://oapi.dingtalk.com/robot/send"
    http_timeout: float = 5
    smtp_timeout: float = 10
    smtp_cafile: str = None
    clock: object = field(default=time.time)

    @classmethod
    def from_config(cls, config):
        return cls(wecom_url=config["ALERTS_WECOM_URL"], dingtalk_url=config["ALERTS_DINGTALK_URL"],
                   http_timeout=config["ALERTS_HTTP_TIMEOUT"],
                   smtp_timeout=config["ALERTS_SMTP_TIMEOUT"],
                   smtp_cafile=config.get("ALERTS_SMTP_CAFILE") or None)


def send(kind, options, secrets, subject, text, transport):
    """Send ``text`` (and ``subject`` for e-mail); return the server's answer."""
    if kind == "wecom":
        return send_wecom(secrets.get("key", ""), text, transport)
    if kind == "dingtalk":
        return send_dingtalk(secrets.get("token", ""), secrets.get("sign_secret", ""), text,
                             transport)
    if kind == "email":
        return send_email(options, secrets.get("password", ""), subject, text, transport)
    raise SendError("config", f"unknown channel kind {kind!r}")


def text_payload(text):
    return {"msgtype": "text", "text": {"content": text}}


def send_wecom(key, text, transport):
    if not key:
        raise SendError("config", "no webhook key")
    return _post_json(f"{transport.wecom_url}?key={quote(key, safe='')}", text_payload(text),
                      transport.http_timeout)


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk's signature for signed mode, url-encoded, as the robot's docs define it."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def send_dingtalk(token, sign_secret, text, transport):
    if not token:
        raise SendError("config", "no access token")
    url = f"{transport.dingtalk_url}?access_token={quote(token, safe='')}"
    if sign_secret:
        timestamp = int(round(transport.clock() * 1000))
        url += f"&timestamp={timestamp}&sign={dingtalk_sign(sign_secret, timestamp)}"
    return _post_json(url, text_payload(text), transport.http_timeout)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A robot answers itself; a redirect (a captive portal, a proxy's login page)
    # would turn the POST into a GET somewhere else.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener():
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context()), _NoRedirect)


def _post_json(url, payload, timeout):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "station-kiosk"})
    try:
        with _opener().open(request, timeout=timeout) as response:
            raw = response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as exc:
        text = _decode(exc.read(MAX_DETAIL_CHARS) if exc.fp else b"")
        raise SendError("http", f"HTTP {exc.code} {text}".strip()) from None
    except urllib.error.URLError as exc:
        raise _network_error(exc.reason) from None
    except (http.client.HTTPException, ValueError) as exc:
        raise SendError("answer", repr(exc)) from None
    except OSError as exc:
        raise _network_error(exc) from None
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SendError("answer", _decode(raw)) from None
    if not isinstance(answer, dict) or "errcode" not in answer:
        raise SendError("answer", _decode(raw))
    errmsg = str(answer.get("errmsg", ""))
    if answer["errcode"] != 0:
        raise SendError("refused", f"errcode {answer['errcode']}: {errmsg}")
    return f"errcode 0: {errmsg}"


def _network_error(reason):
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return SendError("timeout", str(reason) or "timed out")
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return SendError("tls", str(reason))
    return SendError("unreachable", str(reason))


def tls_context(cafile=None):
    """The system's trusted certificates, plus the station's own CA file if it has one
    (a company mail server with its own certificate authority)."""
    context = ssl.create_default_context()
    if cafile:
        context.load_verify_locations(cafile)
    return context


def email_message(options, subject, text):
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = options["sender"]
    message["To"] = ", ".join(options["recipients"])
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=options["sender"].rpartition("@")[2] or None)
    message.set_content(text, charset="utf-8")
    return message


def send_email(options, password, subject, text, transport):
    host, port = options.get("host", ""), int(options.get("port") or 0)
    if not host or not port or not options.get("sender") or not options.get("recipients"):
        raise SendError("config", "incomplete mail settings")
    message = email_message(options, subject, text)
    context = tls_context(transport.smtp_cafile)
    timeout = transport.smtp_timeout
    try:
        if options.get("security") == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if options.get("security") != "ssl":
                server.starttls(context=context)
            if options.get("username"):
                server.login(options["username"], password)
            refused = server.send_message(message)
            code, answer = server.noop()
    except UnicodeError as exc:
        # smtplib sends the login in ASCII; the form refuses anything else, this is the
        # last line for a value stored some other way.
        raise SendError("login", f"not ASCII: {exc.reason}") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError("login", _smtp_words(exc)) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError("tls", str(exc)) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError("smtp", "; ".join(f"{who}: {_smtp_words(err)}"
                                          for who, err in exc.recipients.items())) from None
    except smtplib.SMTPResponseException as exc:
        raise SendError("smtp", _smtp_words(exc)) from None
    except smtplib.SMTPServerDisconnected as exc:
        raise SendError("unreachable", str(exc) or "disconnected") from None
    except smtplib.SMTPException as exc:
        raise SendError("smtp", str(exc)) from None
    except OSError as exc:
        raise _network_error(exc) from None
    if refused:
        return "sent; refused: " + ", ".join(refused)
    return f"{code} {_decode(answer)}"


def _smtp_words(exc):
    if isinstance(exc, tuple):   # (code, message) in SMTPRecipientsRefused
        code, words = exc
    else:
        code, words = getattr(exc, "smtp_code", ""), getattr(exc, "smtp_error", b"")
    return f"{code} {_decode(words)}".strip()


def _decode(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value)


def _short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_DETAIL_CHARS else text[:MAX_DETAIL_CHARS - 1] + "…"

"""Real stand-ins on loopback: a WeCom/DingTalk robot (http.server) and a mail server
(aiosmtpd with STARTTLS or SSL and a login, on a certificate made for the test)."""
import email
import email.policy
import json
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from kiosk.db import db

from ..conftest import make_app


class Robot:
    """A robot endpoint on 127.0.0.1: records each POST, answers what the test says."""

    def __init__(self):
        self.received = []
        self.answers = []           # (status, body) to give, in order; then errcode 0
        self.arrived = threading.Event()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                robot.received.append({
                    "path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "raw_query": parts.query, "headers": dict(self.headers), "body": body,
                    "json": json.loads(body.decode("utf-8"))})
                status, answer = (robot.answers.pop(0) if robot.answers
                                  else (200, {"errcode": 0, "errmsg": "ok"}))
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                robot.arrived.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def texts(self):
        return [r["json"]["text"]["content"] for r in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    robot = Robot()
    yield robot
    robot.close()


def closed_port():
    """A loopback port nobody listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alerts_app(tmp_path, robot=None, **config):
    base = robot.base if robot else f"http://127.0.0.1:{closed_port()}"
    settings = {"ALERTS_WECOM_URL": f"{base}/cgi-bin/webhook/send",
                "ALERTS_DINGTALK_URL": f"{base}/robot/send", "ALERTS_HTTP_TIMEOUT": 2,
                "ALERTS_SMTP_TIMEOUT": 5}
    settings.update(config)
    return make_app(tmp_path, **settings)


@pytest.fixture
def app(tmp_path, robot):
    """An app whose WeCom and DingTalk live on the loopback robot."""
    app = alerts_app(tmp_path, robot)
    yield app
    app.extensions["kiosk_alerts"].stop()
    if not db.is_closed():
        db.close()


# --- A mail server -------------------------------------------------------------

@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and localhost, made by openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


class Mailbox:
    def __init__(self):
        self.messages = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        self.messages.append({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                              "message": message, "login": session.auth_data,
                              "authenticated": session.authenticated,
                              "tls": session.ssl is not None})
        self.arrived.set()
        return "250 OK queued as 12345"


SMTP_USER, SMTP_PASSWORD = "union@example.org", "abcd-EFGH-s3cret!"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login.decode() == SMTP_USER
          and auth_data.password.decode("utf-8") == SMTP_PASSWORD)
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def start_smtp(certificate, mode):
    import ssl
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    mailbox = Mailbox()
    port = closed_port()
    # Implicit TLS: the whole session is encrypted, which aiosmtpd's AUTH check cannot see.
    kwargs = {"ssl_context": context, "auth_require_tls": False} if mode == "ssl" else {
        "tls_context": context, "require_starttls": True}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            auth_required=True, **kwargs)
    controller.start()
    return controller, mailbox, port


@pytest.fixture(params=["starttls", "ssl"])
def smtp(request, certificate):
    controller, mailbox, port = start_smtp(certificate, request.param)
    mailbox.port, mailbox.mode = port, request.param
    yield mailbox
    controller.stop()



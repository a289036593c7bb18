"""Central behind Debian's nginx with the shipped deploy/nginx-central.conf: TLS in front of
gunicorn, and request buffering, so 50 slow clients do not stop a station's sync."""
import os
import shutil
import socket
import ssl
import subprocess
import time
import uuid

import pytest

from bench.sync_sim import Central

from .conftest import ROOT, free_port
from .helpers import make_mood_counts, station_app, sync

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 50
SHIPPED = os.path.join(ROOT, "deploy", "nginx-central.conf")


def _certificate(folder):
    """A self-signed certificate for 127.0.0.1: the station trusts it as its CA file."""
    cert, key = folder / "central.crt", folder / "central.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _site(upstream_port, https_port, http_port, cert, key):
    """The shipped file with this test's ports and certificate, and nothing else changed."""
    with open(SHIPPED) as f:
        site = f.read()
    replacements = {
        "server 127.0.0.1:8000": f"server 127.0.0.1:{upstream_port}",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "/etc/ssl/kiosk-central/fullchain.pem": str(cert),
        "/etc/ssl/kiosk-central/privkey.pem": str(key),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx-central.conf no longer has {old!r}"
        site = site.replace(old, new)
    return site


@pytest.fixture
def nginx_central(tmp_path, station_secret):
    """gunicorn (2 sync workers) serving central, and nginx in front of it on https."""
    if not os.path.exists(NGINX):
        pytest.fail("nginx is needed: scripts/test installs it (apt-get install nginx)",
                    pytrace=False)
    central = Central({"DATABASE": str(tmp_path / "central.sqlite3")}, str(tmp_path / "inst"),
                      workers=2)
    central.prepare([station_secret])
    central.start()
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    cert, key = _certificate(tmp_path)
    https_port, http_port = free_port(), free_port()
    (prefix / "site.conf").write_text(_site(central.port, https_port, http_port, cert, key))
    (prefix / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""")
    check = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, \
                    proc.stderr.read().decode(errors="replace")
                time.sleep(0.05)
        yield {"url": f"https://127.0.0.1:{https_port}", "ca_file": str(cert),
               "http_port": http_port}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        central.stop()


def _slow_push(port, context):
    """A client that sends a push's headers, then its body a byte at a time, never finishing."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = context.wrap_socket(raw, server_hostname="127.0.0.1")
    conn.sendall(b"POST /api/v1/push HTTP/1.1\r\nHost: central\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
    return conn


def test_a_station_syncs_through_nginx_while_50_clients_trickle(tmp_path, nginx_central,
                                                                station_secret):
    from kiosk.sync import runner
    context = ssl.create_default_context(cafile=nginx_central["ca_file"])
    port = int(nginx_central["url"].rsplit(":", 1)[1])
    slow = [_slow_push(port, context) for _ in range(SLOW_CLIENTS)]
    try:
        for _ in range(2):  # they keep trickling, as a slow-body attack does
            time.sleep(0.5)
            for conn in slow:
                conn.sendall(b" ")
        # Two gunicorn workers and 50 clients mid-request: without the buffering in front,
        # every worker would be waiting on one of them and the station would time out.
        with station_app(tmp_path, None, station_secret):
            runner.configure(nginx_central["url"], station_secret[0], station_secret[1],
                             "test", ca_file=nginx_central["ca_file"])
            make_mood_counts(300)
            run = sync()
            assert run.ok, run.error
            assert run.pushed >= 300 and run.pulled >= 1  # its profile came down too
    finally:
        for conn in slow:
            conn.close()


def test_plain_http_is_sent_to_https(nginx_central):
    conn = socket.create_connection(("127.0.0.1", nginx_central["http_port"]), timeout=5)
    conn.sendall(b"GET /api/v1/changes HTTP/1.1\r\nHost: central.example.org\r\n"
                 b"Connection: close\r\n\r\n")
    answer = conn.recv(4096).decode(errors="replace")
    conn.close()
    assert answer.startswith("HTTP/1.1 301")
    assert "Location: https://central.example.org/api/v1/changes" in answer


def test_a_station_id_never_seen_is_refused_through_nginx_too(nginx_central):
    from kiosk.sync.client import CentralClient
    from kiosk.sync.protocol import SyncError
    client = CentralClient(nginx_central["url"], str(uuid.uuid4()), "wrong",
                           ca_file=nginx_central["ca_file"])
    with pytest.raises(SyncError) as refused:
        client.hello("test")
    client.close()
    assert refused.value.code == "unknown_station"

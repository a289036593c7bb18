"""200 slow connections do not stop a worker's tap being answered (issue 12, finding 8).

The real server, started as scripts/run starts it. Waitress's default of 100
connections let 110 trickling clients make the kiosk unreachable for minutes.
"""
import socket
import time
import urllib.request

from .test_first_run import free_port, start, stop, wait_for

SLOW_CONNECTIONS = 200


def test_the_home_page_answers_while_200_slow_connections_are_held(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DEMO", "0")
    port = free_port()
    proc = start(tmp_path / "instance", port)
    held = []
    try:
        wait_for(f"http://127.0.0.1:{port}/", proc)
        for _ in range(SLOW_CONNECTIONS):
            conn = socket.create_connection(("127.0.0.1", port), timeout=5)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: kiosk\r\n")   # and never the blank line
            held.append(conn)
        for _ in range(3):   # they trickle a header byte now and then, as slowloris does
            time.sleep(1)
            for conn in held:
                conn.sendall(b"X")
        # A generous bound for "answered", not a speed assertion.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        for conn in held:
            conn.close()
        stop(proc)

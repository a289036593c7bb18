"""Network faults between a station and central, on loopback.

``CuttingProxy``: a TCP proxy that passes bytes through, except once: after
``cut_after`` bytes from the station it closes both sides (a cable pulled in
the middle of a batch), or with ``drop_response`` it lets the request reach
central and closes before the answer reaches the station (an ack lost).
``CaptivePortal``: answers every request 200 with a page that is not central.
"""
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CuttingProxy:
    def __init__(self, upstream_port, cut_after=None, drop_response_on=None):
        self.upstream_port = upstream_port
        self.cut_after = cut_after                # bytes from the station, once
        self.drop_response_on = drop_response_on  # a path prefix, e.g. b"POST /api/v1/push"
        self.faults = 0
        self._sent = 0
        self._lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        state = {"drop": False}
        done = threading.Event()

        def up():
            try:
                while True:
                    data = client.recv(65536)
                    if not data:
                        break
                    with self._lock:
                        if self.cut_after is not None and self._sent + len(data) >= self.cut_after:
                            keep = self.cut_after - self._sent
                            upstream.sendall(data[:max(keep, 0)])
                            self.cut_after = None
                            self.faults += 1
                            raise ConnectionAbortedError("cut")
                        self._sent += len(data)
                        if self.drop_response_on and data.startswith(self.drop_response_on):
                            self.drop_response_on = None
                            self.faults += 1
                            state["drop"] = True
                    upstream.sendall(data)
            except OSError:
                pass
            finally:
                done.set()
                _close(client, upstream)

        def down():
            try:
                while True:
                    data = upstream.recv(65536)
                    if not data:
                        break
                    if state["drop"]:
                        raise ConnectionAbortedError("ack lost")
                    client.sendall(data)
            except OSError:
                pass
            finally:
                _close(client, upstream)

        threading.Thread(target=up, daemon=True).start()
        down()


def _close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


class CaptivePortal:
    """A hotel-style login page: 200 OK to anything."""

    def __init__(self, body=b"<html><body>Please log in to the Wi-Fi</body></html>",
                 content_type="text/html"):
        body_, type_ = body, content_type

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", type_)
                self.send_header("Content-Length", str(len(body_)))
                self.end_headers()
                self.wfile.write(body_)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

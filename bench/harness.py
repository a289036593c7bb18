"""The benchmark harness behind ``scripts/bench``.

Every figure is printed next to a baseline measured in the same run, as a
ratio: absolute times on a shared 2-core machine mean little, ratios do.

A feature adds figures in ``bench/figures_<feature>.py`` with a function
``run(h)`` that receives this module's ``Harness``:

    def run(h):
        app = h.app()                        # a real app on a fresh SQLite file
        ...fill data with the app's models inside `with app.app_context():`...
        h.compare_http("board page, 1,000 members", app, "/mood/board")

``compare_http`` serves the app with waitress on loopback in a child process,
hits the path with concurrent keep-alive clients from this one, and prints req/s and latency percentiles next
to a bare Flask app serving a page of the same size from the same server.
``h.report(name, value, baseline, unit)`` prints any other pair.
"""
import http.client
import logging
import multiprocessing
import os
import statistics
import tempfile
import threading
import time

from flask import Flask
from waitress.server import create_server

# waitress.queue warns for every queued request: a benchmark queues on purpose.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class ServedApp:
    """A WSGI app served by waitress in a child process on a free loopback port.

    A separate process, so that the load generator and the server do not share
    one GIL: on two cores, one serves while the other asks. The child is forked
    (the app and its data are inherited, nothing is pickled); the parent closes
    its pooled database connections first so that no SQLite handle crosses the fork.
    """

    def __init__(self, app, threads):
        from kiosk.db import db
        if db.obj is not None and hasattr(db.obj, "close_all"):
            db.close_all()
        reader, writer = multiprocessing.Pipe(duplex=False)
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve_in_child, args=(app, threads, writer), daemon=True)
        self.process.start()
        self.effective_port = reader.recv()

    def close(self):
        self.process.terminate()
        self.process.join(timeout=10)


def _serve_in_child(app, threads, port_pipe):
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    port_pipe.send(server.effective_port)
    server.run()


class Harness:
    def __init__(self, seconds=3.0, clients=4, quick=False):
        self.seconds = 0.8 if quick else seconds
        self.clients = clients
        self.rows = []
        self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-bench-")
        self._apps = 0

    # -- apps ---------------------------------------------------------------
    def app(self, **config):
        """A real kiosk app on a fresh, migrated SQLite file (CSRF off for scripted posts)."""
        from kiosk import create_app
        from kiosk.db import migrate
        self._apps += 1
        path = os.path.join(self._tmp.name, f"bench{self._apps}.sqlite3")
        settings = {"TESTING": True, "SECRET_KEY": "bench", "DATABASE": path,
                    "WTF_CSRF_ENABLED": False}
        settings.update(config)
        app = create_app(settings)
        migrate()
        return app

    @staticmethod
    def bare_app(body):
        """The baseline: bare Flask returning ``body`` (the same size as the real page)."""
        bare = Flask("bare")

        @bare.route("/", defaults={"path": ""}, methods=["GET", "POST"])
        @bare.route("/<path:path>", methods=["GET", "POST"])
        def page(path):
            return body

        return bare

    # -- measuring ----------------------------------------------------------
    def serve(self, app):
        """Serve ``app`` in a child process; the result has ``effective_port`` and ``close()``."""
        return ServedApp(app, threads=self.clients)

    def load(self, port, path, method="GET", body=None, headers=None, seconds=None):
        """Concurrent keep-alive clients for ``seconds``; returns latencies (s) and wall time."""
        seconds = seconds or self.seconds
        latencies = []
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds
        headers = dict(headers or {})
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine = []
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - start)
                if response.status >= 500:
                    raise RuntimeError(f"{path}: HTTP {response.status}")
            conn.close()
            with lock:
                latencies.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return latencies, time.perf_counter() - started

    def fetch(self, port, path, method="GET", body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = dict(headers or {})
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data

    def compare_http(self, name, app, path, method="GET", body=None, headers=None):
        """The real app's path against bare Flask serving a body of the same size."""
        server = self.serve(app)
        try:
            status, page = self.fetch(server.effective_port, path, method, body, headers)
            if status >= 400:
                raise RuntimeError(f"{name}: {path} answered HTTP {status}")
            real, real_wall = self.load(server.effective_port, path, method, body, headers)
        finally:
            server.close()
        bare_server = self.serve(self.bare_app(page))
        try:
            base, base_wall = self.load(bare_server.effective_port, path, method, body, headers)
        finally:
            bare_server.close()
        self._add_http(name, len(page), real, real_wall, base, base_wall)

    def _add_http(self, name, size, real, real_wall, base, base_wall):
        def p(values, q):
            values = sorted(values)
            return values[min(int(len(values) * q), len(values) - 1)] * 1000
        rps, base_rps = len(real) / real_wall, len(base) / base_wall
        row = (f"{name} ({size / 1024:.0f} KiB)\n"
               f"    kiosk: {rps:8.0f} req/s  p50 {p(real, .5):6.1f} ms  p95 {p(real, .95):6.1f} ms\n"
               f"    bare : {base_rps:8.0f} req/s  p50 {p(base, .5):6.1f} ms  p95 {p(base, .95):6.1f} ms\n"
               f"    ratio: throughput {rps / base_rps:5.2f}×, p50 latency {p(real, .5) / p(base, .5):5.2f}× "
               f"the bare baseline")
        self._print(row)

    def report(self, name, value, baseline, unit, lower_is_better=True):
        """Any other measured pair: printed with its ratio to the baseline."""
        ratio = value / baseline if baseline else float("inf")
        self._print(f"{name}\n    measured: {value:10.3f} {unit}\n    baseline: {baseline:10.3f} {unit}\n"
                    f"    ratio   : {ratio:5.2f}× ({'lower' if lower_is_better else 'higher'} is better)")

    @staticmethod
    def percentile(values, q):
        values = sorted(values)
        return values[min(int(len(values) * q), len(values) - 1)]

    @staticmethod
    def median(values):
        return statistics.median(values)

    def _print(self, row):
        self.rows.append(row)
        print(row, flush=True)

    def close(self):
        self._tmp.cleanup()

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

``h.ab(name, app, path)`` is the fair form of ``compare_http`` (issue 15): both
servers run at once and the load alternates between them in short slices, round
after round, so that both meet the same background load; each round reads the
server process's own CPU time (``/proc/<pid>/stat``) and the figure is the median
CPU per request with its spread (min–max over the rounds), beside req/s.
``h.target(name, measured, goal, unit)`` prints a target as met / NOT MET and
keeps it for the summary table at the end of the run.
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

    @property
    def pid(self):
        return self.process.pid

    def cpu_seconds(self):
        return process_cpu_seconds(self.pid)

    def close(self):
        self.process.terminate()
        self.process.join(timeout=10)


_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid):
    """User + system CPU seconds of a process so far, every thread of it (Linux)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def process_rss_mib(pid):
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _keep_cookies(headers, set_cookies):
    """``headers`` with the cookies of ``set_cookies`` added to (or replacing) its Cookie."""
    jar = {}
    for part in (headers or {}).get("Cookie", "").split(";"):
        if "=" in part:
            name, value = part.strip().split("=", 1)
            jar[name] = value
    for line in set_cookies:
        name, value = line.split(";", 1)[0].split("=", 1)
        if name.strip() != "session" or "session" not in jar:  # the bench's own session stays
            jar[name.strip()] = value
    if not jar:
        return headers
    return {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


class Slices:
    """What the rounds of one side of an A/B measured: CPU ms per request and req/s."""

    def __init__(self):
        self.cpu_ms, self.rps, self.latencies = [], [], []

    def add(self, cpu_s, requests, wall, latencies):
        self.cpu_ms.append(cpu_s / max(requests, 1) * 1000)
        self.rps.append(requests / wall)
        self.latencies.extend(latencies)

    @property
    def cpu(self):
        return statistics.median(self.cpu_ms)

    def spread(self):
        return f"{min(self.cpu_ms):.2f}–{max(self.cpu_ms):.2f}"


def _serve_in_child(app, threads, port_pipe):
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    port_pipe.send(server.effective_port)
    server.run()


class Harness:
    def __init__(self, seconds=3.0, clients=4, quick=False):
        self.seconds = 0.8 if quick else seconds
        self.quick = quick
        self.clients = clients
        self.rows = []
        self.targets = []
        self.rounds = 5 if quick else 7
        self.slice_seconds = 0.4 if quick else max(seconds / 3, 0.5)
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

    def fetch(self, port, path, method="GET", body=None, headers=None, with_cookies=False):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = dict(headers or {})
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        if with_cookies:
            return response.status, data, response.headers.get_all("Set-Cookie") or []
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

    def ab(self, name, app, path, method="GET", body=None, headers=None, bare_body=None,
           load=None):
        """``app`` at ``path`` against bare Flask serving the same bytes, interleaved.

        ``load(port, seconds)`` replaces the plain repeated request when each request
        must differ (a check-in that really changes a mood); it returns latencies.
        Returns (kiosk, bare) ``Slices``.
        """
        server = self.serve(app)
        try:
            status, page, cookies = self.fetch(server.effective_port, path, method, body,
                                               headers, with_cookies=True)
            if status >= 400:
                raise RuntimeError(f"{name}: {path} answered HTTP {status}")
            # A browser keeps the cookies a page sets (a terminal's own cookie, say).
            headers = _keep_cookies(headers, cookies)
            bare_server = self.serve(self.bare_app(page if bare_body is None else bare_body))
            try:
                kiosk, bare = Slices(), Slices()
                sides = ((server, kiosk, load), (bare_server, bare, None))
                for n in range(self.rounds):
                    # Alternate which side goes first, so neither always follows the other.
                    for served, slices, custom in (sides if n % 2 == 0 else sides[::-1]):
                        port = served.effective_port
                        before, started = served.cpu_seconds(), time.perf_counter()
                        if custom is not None:
                            latencies = custom(port, self.slice_seconds)
                        else:
                            latencies, _ = self.load(port, path, method, body, headers,
                                                     seconds=self.slice_seconds)
                        wall = time.perf_counter() - started
                        slices.add(served.cpu_seconds() - before, len(latencies), wall, latencies)
            finally:
                bare_server.close()
        finally:
            server.close()
        ratio = kiosk.cpu / bare.cpu if bare.cpu else float("inf")
        p50 = self.percentile(kiosk.latencies, .5) * 1000
        bare_p50 = self.percentile(bare.latencies, .5) * 1000
        self._print(
            f"{name} ({len(page) / 1024:.0f} KiB, {self.rounds} interleaved rounds)\n"
            f"    kiosk: CPU {kiosk.cpu:6.2f} ms/req (rounds {kiosk.spread()})  "
            f"{statistics.median(kiosk.rps):7.0f} req/s  p50 {p50:6.1f} ms\n"
            f"    bare : CPU {bare.cpu:6.2f} ms/req (rounds {bare.spread()})  "
            f"{statistics.median(bare.rps):7.0f} req/s  p50 {bare_p50:6.1f} ms\n"
            f"    ratio: CPU {ratio:5.2f}× the bare baseline, latency {p50 / bare_p50:5.2f}×")
        return kiosk, bare

    def target(self, name, measured, goal, unit, higher_is_better=False):
        """A target of the issue: printed as met / NOT MET, kept for the summary."""
        met = measured >= goal if higher_is_better else measured <= goal
        sign = "≥" if higher_is_better else "≤"
        self.targets.append((name, measured, f"{sign} {goal:g} {unit}", met))
        self._print(f"    target  : {name}: {measured:,.2f} {unit} ({sign} {goal:g} {unit}) "
                    f"{'met' if met else 'NOT MET'}")
        return met

    def summary(self):
        if not self.targets:
            return
        width = max(len(name) for name, *_ in self.targets)
        print("== targets", flush=True)
        for name, measured, goal, met in self.targets:
            print(f"  {name:<{width}}  {measured:10,.2f}  {goal:<14} "
                  f"{'met' if met else 'NOT MET'}", flush=True)
        missed = sum(1 for *_, met in self.targets if not met)
        print(f"  {len(self.targets) - missed} of {len(self.targets)} targets met", flush=True)

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

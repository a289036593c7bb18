"""Where central's time goes per pushed record: ``python -m bench.profile_central``.

Stations' nights (hello, three pushes, a pull, the run report: bench/sync_sim.py's
``night_of``) are signed and compressed *first*, outside the clock, then handed to
central's WSGI app in this one process, one request after another. So what is
measured is central alone: no HTTP, no gunicorn, no simulated station sharing the
cores. Printed: central's own CPU per record (this process), the database's CPU per
record (its backend, on PostgreSQL), the wall time per record (the difference is
waiting: commits, round trips), and with ``--profile`` the functions that spend it.

    python -m bench.profile_central                  # PostgreSQL (PG_TEST_URL), 20 stations
    python -m bench.profile_central --sqlite --stations 40 --profile
"""
import argparse
import cProfile
import io
import os
import pstats
import tempfile
import time
import uuid

from . import sync_sim


def _requests(station_id, secret, night, batch_size=500):
    """The signed requests of one station's night, as WSGI environs, built now."""
    from werkzeug.test import EnvironBuilder

    from kiosk.sync import protocol

    def build(method, endpoint, payload=None, query=""):
        path = f"{protocol.API_PREFIX}{endpoint}" + (f"?{query}" if query else "")
        body = protocol.encode_body(payload) if payload is not None else b""
        headers = protocol.sign_headers(station_id, secret, method, path, body)
        if body:
            headers.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        return EnvironBuilder(path=path, method=method, data=body or None,
                              headers=headers).get_environ()

    out = [build("POST", "/hello", {"software_version": "bench", "protocol": 1})]
    records = 0
    for kind in ("service_request", "request_event", "mood_group"):
        rows = night[kind]
        for i in range(0, len(rows), batch_size):
            chunk = rows[i:i + batch_size]
            wire = [{"id": r["id"], "version": r["updated_at"], "data": r} for r in chunk]
            out.append(build("POST", "/push", {"batch": f"{kind}{i}", "kind": kind,
                                               "records": wire}))
            records += len(chunk)
    out.append(build("GET", "/changes", query="after=0&limit=500"))
    out.append(build("POST", "/runs", {"ok": True, "trigger": "bench", "pushed": records}))
    return out, records


def _call(app, environ):
    status = []

    def start_response(s, headers, exc_info=None):
        status.append(s)

    body = b"".join(app(environ, start_response))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{environ['PATH_INFO']}: {status[0]} {body[:300]!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--registered", type=int, default=1000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the requests")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    os.environ.setdefault("KIOSK_ROLE", "central")
    folder = tempfile.mkdtemp(prefix="kiosk-profile-")
    scratch = None if args.sqlite else sync_sim.PgScratch()
    config = ({"DATABASE": os.path.join(folder, "central.sqlite3")} if scratch is None
              else {"DATABASE_URL": scratch.url})
    try:
        central = sync_sim.Central(config, folder)
        creds = [(str(uuid.uuid4()), uuid.uuid4().hex) for _ in range(args.registered)]
        central.prepare(creds)
        from kiosk import create_app
        app = create_app({"KIOSK_ROLE": "central", "SECRET_KEY": "bench",
                          "KIOSK_INSTANCE_PATH": folder, **config})
        # One station first, untimed: the process warms up as a gunicorn worker does.
        warm, _ = _requests(*creds[-1], sync_sim.night_of(creds[-1][0]))
        for environ in warm:
            _call(app.wsgi_app, environ)
        nights = [_requests(sid, secret, sync_sim.night_of(sid))
                  for sid, secret in creds[:args.stations]]
        records = sum(n for _r, n in nights)
        requests = sum(len(r) for r, _n in nights)
        backends = sync_sim.pg_backends(config)
        db_cpu = sync_sim.CpuMeter(lambda: backends)
        profiler = cProfile.Profile() if args.profile else None
        db_cpu.start()
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        each = []  # µs per record of each station's night: the least is the quietest
        for environs, n in nights:
            started = time.perf_counter()
            for environ in environs:
                _call(app.wsgi_app, environ)
            each.append((time.perf_counter() - started) * 1e6 / n)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db_cpu.stop()
        us = 1e6 / records
        print(f"{args.stations} stations' nights, {records} records in {requests} requests "
              f"on {'SQLite' if scratch is None else 'PostgreSQL'} ({args.registered} "
              f"registered){' under cProfile (slower)' if profiler else ''}:\n"
              f"  central's CPU {cpu * us:6.1f} µs/record\n"
              f"  database CPU  {db_cpu.spent * us:6.1f} µs/record (its backend)\n"
              f"  wall          {wall * us:6.1f} µs/record ({records / wall:,.0f} records/s "
              f"one request at a time)\n"
              f"  wall per station's night, least {min(each):6.1f} µs/record, median "
              f"{sorted(each)[len(each) // 2]:6.1f} (the least is the quietest moment of a "
              f"shared machine)")
        if profiler:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                print(out.getvalue())
    finally:
        if scratch is not None:
            scratch.drop()


if __name__ == "__main__":
    main()

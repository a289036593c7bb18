"""Issue 15's speed targets: every page a worker waits for and every admin page,
server CPU per request against bare Flask serving the same bytes, interleaved A/B.

One station with a workshop of 1,000 members (ten teams of 100), a team of 12 in
a second workshop, 800 check-ins today and 90 days of check-ins before (what the
retention keeps; a year of daily counts behind them), 200 members with an upset
day still open, 10,000 service requests over a year and the demo benefit links.

- Kiosk pages (home, attract, identification, photo grids, boards, benefit cards,
  receipt): CPU ≤ 2× bare Flask serving the same bytes.
- The workshop board's miss right after a check-in: each round POSTs a check-in
  and GETs the board, pair after pair; the miss is the pair's CPU minus a check-in's.
- The check-in POST alone (a real change of mood, its fsync included).
- Every admin page (every GET route under /admin without arguments, downloads aside).
- A second start of ``waitress-serve --call kiosk:create_app`` to the first 200, and its
  RSS after start and after 10,000 mixed requests.
"""
import http.client
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

from .harness import process_rss_mib

MEMBERS, TEAMS, CHECKED_IN, UPSET_OPEN = 1000, 10, 800, 200
KIOSK_RATIO, MISS_MS, CHECKIN_MS, ADMIN_MS = 2.0, 3.0, 2.0, 5.0
START_S, RSS_MIB, MIXED = 2.0, 90.0, 10_000
RUN_THREADS = 4   # as scripts/run


def _fill(app):
    from kiosk.db import db
    from kiosk.models import this_station_id, utcnow
    from kiosk.mood.days import shift_day
    from kiosk.mood.models import MoodCheckin, MoodCurrent, MoodDailyCount
    from kiosk.mood.records import record_checkin
    from kiosk.roster.models import Member, Team, Workshop
    rng = random.Random(15)
    tz = app.config["BABEL_DEFAULT_TIMEZONE"]
    with app.app_context(), db.connection_context():
        station = this_station_id()
        big = Workshop.create(name="总装车间")
        teams = [Team.create(workshop=big, name=f"总装{n + 1}班") for n in range(TEAMS)]
        small_shop = Workshop.create(name="质检车间")
        small = Team.create(workshop=small_shop, name="质检1班")
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
        with db.atomic():
            rows = [{"staff_no": f"{10000 + n}", "name": surnames[n % 20] + f"职工{n:04d}",
                     "team": teams[n % TEAMS], "photo_consent": n % 7 != 0,
                     "photo_digest": f"{n:016x}", "station_id": station}
                    for n in range(MEMBERS)]
            rows += [{"staff_no": f"{20000 + n}", "name": surnames[n] + f"质检{n}",
                      "team": small, "photo_consent": True, "photo_digest": f"{n:015x}f",
                      "station_id": station} for n in range(12)]
            for start in range(0, len(rows), 200):
                Member.insert_many(rows[start:start + 200]).execute()
        members = list(Member.select(Member.id, Member.team).where(Member.team.in_(teams))
                       .order_by(Member.staff_no).tuples())
        upset_ids = {m for m, _ in members[:UPSET_OPEN]}
        now = utcnow()
        today = shift_day(now, tz, 4)
        # 90 days of check-ins before today (what retention keeps), written in bulk.
        with db.atomic():
            for back in range(1, 91):
                day, at = today - timedelta(days=back), now - timedelta(days=back)
                checkins, currents = [], []
                for member_id, team_id in members:
                    if rng.random() < .6:
                        mood = ("upset" if member_id in upset_ids and rng.random() < .1
                                else rng.choice(("happy", "ok")))
                        cid = uuid.uuid4()
                        checkins.append({"id": cid, "member": member_id, "team": team_id,
                                         "mood": mood, "shift_day": day, "at": at,
                                         "station_id": station})
                        currents.append({"member": member_id, "shift_day": day, "checkin": cid,
                                         "team": team_id, "mood": mood, "at": at})
                for start in range(0, len(checkins), 300):
                    MoodCheckin.insert_many(checkins[start:start + 300]).execute()
                    MoodCurrent.insert_many(currents[start:start + 300]).execute()
            counts = [{"id": uuid.uuid4(), "day": today - timedelta(days=back), "team": team,
                       "mood": mood, "count": rng.randrange(20, 40), "station_id": station}
                      for back in range(91, 366) for team in teams for mood in ("happy", "ok", "upset")]
            for start in range(0, len(counts), 300):
                MoodDailyCount.insert_many(counts[start:start + 300]).execute()
        for n, (member_id, _team) in enumerate(members[:CHECKED_IN]):
            mood = "upset" if member_id in upset_ids and n % 3 == 0 else ("happy", "ok")[n % 2]
            record_checkin(member_id, mood, tz=tz, day_start_hour=4)
        staff = [m.staff_no for m in Member.select().where(Member.team.in_(teams))
                 .order_by(Member.staff_no.desc()).limit(8)]
        return big.id, teams[0].id, small.id, staff


def _cookie(app, data):
    from flask.sessions import SecureCookieSessionInterface
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return f"session={serializer.dumps(data)}"


def _identified(app, staff_no):
    client = app.test_client()
    client.post("/identify/code", data={"code": staff_no, "method": "keypad"})
    return f"session={client.get_cookie('session').value}"


def _visitor(h, app):
    """A kiosk browser's cookie after its first page (the session with its CSRF token)."""
    client = app.test_client()
    client.get("/")
    cookie = client.get_cookie("session")
    return {"Cookie": f"session={cookie.value}"} if cookie else {}


def _checkin_load(cookies, with_board=None):
    """Each client a member changing mood at every tap (and, with ``with_board``, the
    board fetched right after each check-in: a cache miss every time)."""
    def load(port, seconds):
        latencies, lock = [], threading.Lock()
        deadline = time.perf_counter() + seconds

        def client(cookie, first):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            post = {"Cookie": cookie, "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded"}
            mine, n = [], first
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                conn.request("POST", "/mood/checkin", body="mood=" + ("happy", "ok")[n % 2],
                             headers=post)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"check-in answered HTTP {response.status}")
                if with_board:
                    conn.request("GET", with_board, headers={"Cookie": cookie})
                    board = conn.getresponse()
                    board.read()
                    if board.status != 200:
                        raise RuntimeError(f"board answered HTTP {board.status}")
                mine.append(time.perf_counter() - start)
                n += 1
            conn.close()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(c, i)) for i, c in enumerate(cookies)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return latencies
    return load


def _wanted(name):
    """BENCH_ONLY=word,word limits the figures to those whose name holds a word."""
    words = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]
    return not words or any(w in name for w in words)


def _admin_paths(app):
    skip = (".pdf", ".csv", "/login")
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/admin") and "GET" in rule.methods
                  and not rule.arguments and not rule.rule.endswith(skip))


def run(h):
    # MOOD_CHECKIN_MIN_SECONDS=0: every check-in of the load is a real change of mood
    # (the default 3 s would refuse most of them as repeated taps, and measure no write).
    app = h.app(KIOSK_IDENTIFIED_SECONDS=3600, MOOD_AUTO_HOME_SECONDS=3600,
                SERVICE_REQUESTS_PER_TERMINAL_PER_MINUTE=10 ** 9, MOOD_CHECKIN_MIN_SECONDS=0)
    started = time.perf_counter()
    workshop_id, big_team, small_team, staff = _fill(app)
    from bench.figures_service_requests import _fill as fill_requests
    fill_requests(app)
    from kiosk.db import db
    from kiosk.models import AdminUser
    from kiosk.service import lifecycle
    with app.app_context(), db.connection_context():
        from kiosk.benefits.demo import load_demo_links
        load_demo_links()
        filed = lifecycle.file_request("hardship", "家庭困难", "孩子上学需要帮助")
        admin = AdminUser.create(username="chair", password_hash="-")
        chair = {"Cookie": _cookie(app, {"admin_id": admin.id, "admin_gen": 0,
                                         "admin_since": time.time(),
                                         "admin_seen": time.time() + 3600})}
        # A worker who has just filed a request: the session has its CSRF secret (the
        # form's), as a browser's would; without one every page would set a new session.
        receipt = {"Cookie": _cookie(app, {"draft": {"receipt": filed.receipt_code},
                                           "csrf_token": secrets.token_hex(20)})}
    visitor = _visitor(h, app)
    h._print(f"    (data: {MEMBERS:,} members, 90 days of check-ins, a year of counts, "
             f"10,000 requests; filled in {time.perf_counter() - started:.1f} s)")

    board = f"/mood/board/workshop/{workshop_id}"
    kiosk_pages = [
        ("home", "/", visitor),
        ("attract (idle) view", "/attract", visitor),
        ("identification: team list", "/identify/", visitor),
        ("photo grid, 12 members", f"/identify/team/{small_team}", visitor),
        ("photo grid, 100 members", f"/identify/team/{big_team}", visitor),
        ("board: team of 100 (hit)", f"/mood/board/team/{big_team}", visitor),
        (f"board: workshop of {MEMBERS:,} (hit)", board, visitor),
        ("board overview", "/mood/board", visitor),
        ("benefit cards", "/benefits/", visitor),
        ("receipt with its QR code", "/service/receipt", receipt),
    ]
    results = {}
    for name, path, headers in kiosk_pages:
        if not _wanted(name):
            continue
        kiosk, bare = h.ab(name, app, path, headers=headers)
        results[name] = (kiosk, bare)
        h.target(f"{name}: CPU vs bare Flask", kiosk.cpu / bare.cpu, KIOSK_RATIO, "×")

    cookies = [_identified(app, s) for s in staff[:h.clients]]
    if _wanted("check-in") or _wanted("board"):
        _checkin_and_miss(h, app, cookies, board, results, visitor)
    for path in _admin_paths(app):
        if _wanted(f"admin {path}"):
            kiosk, _ = h.ab(f"admin {path}", app, path, headers=chair)
            h.target(f"admin {path}: CPU", kiosk.cpu, ADMIN_MS, "ms")
    if _wanted("start"):
        _start_and_memory(h, app, visitor, board, big_team, chair)


def _checkin_and_miss(h, app, cookies, board, results, visitor):
    checkin, _ = h.ab("check-in POST (a real change of mood, one fsync each)", app,
                      "/mood/checkin", method="POST", body="mood=upset",
                      headers={"Cookie": cookies[0], "HX-Request": "true"},
                      load=_checkin_load(cookies))
    h.target("check-in POST: CPU", checkin.cpu, CHECKIN_MS, "ms")
    pair, _ = h.ab("check-in, then the workshop board (a miss each time)", app, board,
                   headers=visitor, load=_checkin_load(cookies, with_board=board))
    miss = pair.cpu - checkin.cpu
    h._print(f"    board miss = pair {pair.cpu:.2f} − check-in {checkin.cpu:.2f} ms")
    h.target(f"board of {MEMBERS:,}: miss right after a check-in, CPU", miss, MISS_MS, "ms")
    hit = results.get(f"board: workshop of {MEMBERS:,} (hit)")
    if hit:
        h.target(f"board of {MEMBERS:,}: hit latency vs bare",
                 h.percentile(hit[0].latencies, .5) / h.percentile(hit[1].latencies, .5),
                 2.0, "×")


def _start_and_memory(h, app, visitor, board, team, chair):
    """``waitress-serve --call kiosk:create_app`` on the bench's database, as scripts/run."""
    waitress = os.path.join(os.path.dirname(sys.executable), "waitress-serve")
    instance = os.path.join(os.path.dirname(app.config["DATABASE"]), "instance")
    os.makedirs(instance, exist_ok=True)
    env = {**os.environ, "KIOSK_INSTANCE_PATH": instance, "DATABASE": app.config["DATABASE"],
           "SECRET_KEY": app.config["SECRET_KEY"], "SYNC_PROMPT": "off",
           "ALERTS_DELIVERY_THREAD": "0"}
    port = _free_port()

    def start():
        began = time.perf_counter()
        server = subprocess.Popen([waitress, f"--listen=127.0.0.1:{port}", f"--threads={RUN_THREADS}",
                                   "--call", "kiosk:create_app"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                status, _ = h.fetch(port, "/", headers=visitor)
                if status == 200:
                    return server, time.perf_counter() - began
            except OSError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {server.returncode})")
            time.sleep(0.02)

    first, _ = start()            # the first start: files into the page cache
    first.terminate()
    first.wait()
    server, seconds = start()
    try:
        h._print(f"second start of waitress-serve --call kiosk:create_app to the first 200: "
                 f"{seconds:.2f} s")
        h.target("second start to the first 200", seconds, START_S, "s")
        rss_start = process_rss_mib(server.pid)
        mixed = ["/", "/attract", "/identify/", f"/identify/team/{team}", board,
                 "/mood/board", "/benefits/", "/keyboard/candidates?q=shenghuo",
                 "/service/", "/notices/"]
        admin = ["/admin/", "/admin/mood/", "/admin/service/"]
        count = MIXED if not h.quick else 2000
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(count):
            path = admin[n % 3] if n % 20 == 0 else mixed[n % len(mixed)]
            conn.request("GET", path, headers=chair if path.startswith("/admin") else visitor)
            conn.getresponse().read()
        conn.close()
        rss = process_rss_mib(server.pid)
        h._print(f"RSS: {rss_start:.0f} MiB after start, {rss:.0f} MiB after {count:,} "
                 f"mixed requests (kiosk pages, the keyboard, admin pages)")
        h.target(f"RSS after {count:,} mixed requests", rss, RSS_MIB, "MiB")
    finally:
        server.terminate()
        server.wait()


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

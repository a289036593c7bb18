"""The weather board's figures, each next to a baseline measured in the same run.

- The board of a workshop of 1,000 members with today's check-ins, and one
  team's board, against bare Flask serving a page of the same size.
- A check-in (POST → the confirmation fragment), every request a real change
  of mood, against bare Flask answering a POST with a fragment of the same size.
- In Chromium, a tap on a weather button until the swapped confirmation is on
  screen, against a bare htmx page doing the same swap with the same fragment
  and the same stylesheets. Timed inside the page: from pointerdown to the
  first animation frame after htmx:afterSwap.

Targets (DESIGN): the board under 2× the bare page's latency; tap-to-visible
at the 95th percentile within 1.5× the bare htmx page.
"""
import http.client
import os
import threading
import time

from flask import Flask

MEMBERS = 1000
TEAMS = 10
CHECKED_IN = 800
TAPS = 40
STATIC = os.path.join(os.path.dirname(__file__), os.pardir, "static")

# Records, inside the page, each tap → first frame after the swap (ms).
TAP_TIMER = """
window.__tapTimes = [];
document.addEventListener('pointerdown', function (e) {
  if (e.target.closest('.mood-choice')) { window.__t0 = performance.now(); }
}, true);
document.addEventListener('htmx:afterSwap', function () {
  if (window.__t0 == null) { return; }
  var t0 = window.__t0; window.__t0 = null;
  requestAnimationFrame(function () { window.__tapTimes.push(performance.now() - t0); });
});
"""


def _fill(app):
    """A workshop of 1,000 members in ten teams, 800 of them checked in today."""
    from kiosk.db import db
    from kiosk.mood.records import record_checkin
    from kiosk.roster.models import Member, Team, Workshop
    with app.app_context(), db.connection_context():
        workshop = Workshop.create(name="总装车间")
        teams = [Team.create(workshop=workshop, name=f"总装{n + 1}班") for n in range(TEAMS)]
        with db.atomic():
            for n in range(MEMBERS):
                # A photo digest without the photo: the page is the same size,
                # and 1,000 generated photos would only slow the set-up.
                Member.create(staff_no=f"{10000 + n}", name=f"职工{n:04d}",
                              team=teams[n % TEAMS], photo_consent=n % 7 != 0,
                              photo_digest=f"{n:016x}")
        tz = app.config["BABEL_DEFAULT_TIMEZONE"]
        for n, member in enumerate(Member.select().order_by(Member.staff_no).limit(CHECKED_IN)):
            record_checkin(member.id, ("happy", "ok", "ok", "upset")[n % 4], tz=tz,
                           day_start_hour=4)
        staff = [m.staff_no for m in Member.select().order_by(Member.staff_no.desc()).limit(8)]
        return workshop.id, teams[0].id, staff


def _session_cookie(app, staff_no):
    """The session cookie of a terminal where ``staff_no`` has just identified."""
    client = app.test_client()
    client.post("/identify/code", data={"code": staff_no, "method": "keypad"})
    return client.get_cookie("session").value


def _checkin_load(h, port, cookies):
    """One keep-alive client per identified member, each tap a real change of mood."""
    latencies, lock = [], threading.Lock()
    deadline = time.perf_counter() + h.seconds

    def client(cookie):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"session={cookie}", "HX-Request": "true",
                   "Content-Type": "application/x-www-form-urlencoded"}
        mine, n = [], 0
        while time.perf_counter() < deadline:
            body = "mood=" + ("happy", "ok")[n % 2]
            n += 1
            start = time.perf_counter()
            conn.request("POST", "/mood/checkin", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                raise RuntimeError(f"check-in answered HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in cookies[:h.clients]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started


def _bench_checkin(h, app, cookies):
    server = h.serve(app)
    try:
        port = server.effective_port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/mood/checkin", body="mood=upset",
                     headers={"Cookie": f"session={cookies[0]}", "HX-Request": "true",
                              "Content-Type": "application/x-www-form-urlencoded"})
        fragment = conn.getresponse().read()
        conn.close()
        real, real_wall = _checkin_load(h, port, cookies)
    finally:
        server.close()
    bare = h.serve(h.bare_app(fragment))
    try:
        base, base_wall = h.load(bare.effective_port, "/mood/checkin", "POST", "mood=ok")
    finally:
        bare.close()
    name = f"check-in: tap → confirmation fragment ({len(fragment) / 1024:.0f} KiB, a real write each)"
    h.report(f"{name}, p50", h.percentile(real, .5) * 1000, h.percentile(base, .5) * 1000, "ms")
    h.report(f"{name}, p95", h.percentile(real, .95) * 1000, h.percentile(base, .95) * 1000, "ms")
    h.report("check-in throughput", len(real) / real_wall, len(base) / base_wall, "req/s",
             lower_is_better=False)


def _bare_htmx_app(page_head, choose_fragment, done_fragment):
    """The same screens as plain strings: htmx and the same CSS, no app behind them."""
    bare = Flask("bare_htmx", static_folder=STATIC, static_url_path="/static")
    page = ("<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'>" + page_head
            + "</head><body class='kiosk'><main id='main' class='screen'>"
            + choose_fragment + "</main></body></html>")

    @bare.get("/")
    def index():
        return page

    @bare.get("/mood/choose")
    def choose():
        return choose_fragment

    @bare.post("/mood/checkin")
    def checkin():
        return done_fragment

    return bare


def _taps(page, rounds_done):
    """Tap a weather button, wait for the confirmation, go back to the buttons."""
    for n in range(TAPS):
        mood = ("happy", "ok")[n % 2]
        page.locator(f".mood-choice[data-mood='{mood}']").tap()
        page.locator(".mood-done").wait_for()
        page.locator(".mood-done-actions a[hx-get]").tap()
        page.locator(".mood-choice").first.wait_for()
        rounds_done.append(n)
    return page.evaluate("window.__tapTimes")


def _bench_taps(h, app, cookie):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("    tap-to-visible: skipped (playwright is not installed)")
        return
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        print(f"    tap-to-visible: skipped ({chromium} is missing)")
        return
    server = h.serve(app)
    real_url = f"http://127.0.0.1:{server.effective_port}"
    headers = {"Cookie": f"session={cookie}", "HX-Request": "true"}
    try:
        _, choose = h.fetch(server.effective_port, "/mood/choose", headers=headers)
        _, done = h.fetch(server.effective_port, "/mood/checkin", "POST", "mood=happy",
                          {**headers, "Content-Type": "application/x-www-form-urlencoded"})
        _, full = h.fetch(server.effective_port, "/mood/choose", headers={"Cookie": headers["Cookie"]})
        head = full.decode().split("<head>")[1].split("</head>")[0]
        bare = h.serve(_bare_htmx_app(head, choose.decode(), done.decode()))
        bare_url = f"http://127.0.0.1:{bare.effective_port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=[
                    "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update"])
                pages = {}
                for name, url in (("kiosk", real_url), ("bare", bare_url)):
                    context = browser.new_context(viewport={"width": 1080, "height": 1920},
                                                  has_touch=True, locale="zh-CN")
                    context.add_init_script(TAP_TIMER)
                    if name == "kiosk":
                        context.add_cookies([{"name": "session", "value": cookie, "url": url}])
                    page = context.new_page()
                    page.goto(url + ("/mood/choose" if name == "kiosk" else "/"))
                    pages[name] = page
                times = {"kiosk": [], "bare": []}
                # Alternate short runs so that both pages meet the same background load.
                for _ in range(2):
                    for name in ("kiosk", "bare"):
                        pages[name].evaluate("window.__tapTimes = []")
                        times[name].extend(_taps(pages[name], []))
                browser.close()
        finally:
            bare.close()
    finally:
        server.close()
    for q, label in ((.5, "p50"), (.95, "p95")):
        h.report(f"tap on a weather button → confirmation on screen (Chromium), {label}",
                 h.percentile(times["kiosk"], q), h.percentile(times["bare"], q), "ms")


def run(h):
    app = h.app(KIOSK_IDENTIFIED_SECONDS=3600, MOOD_AUTO_HOME_SECONDS=3600)
    workshop_id, team_id, staff = _fill(app)
    h.compare_http(f"weather board: workshop of {MEMBERS:,} members, {CHECKED_IN} checked in",
                   app, f"/mood/board/workshop/{workshop_id}")
    h.compare_http("weather board: one team (100 members)", app, f"/mood/board/team/{team_id}")
    h.compare_http("board overview: every team's counts", app, "/mood/board")
    cookies = [_session_cookie(app, s) for s in staff]
    _bench_checkin(h, app, cookies)
    _bench_taps(h, app, cookies[-1])

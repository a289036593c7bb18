"""Is a walk-through of docs/architecture.md live, end to end, in a copy of the project?

Run by tests/test_change_walks.py in a fresh process, after it has copied the project and
applied the walk-through to the files the document lists, and to no others:

    PYTHONPATH=<copy>:<repository> python tests/change_walks_live.py WALK TMP

The copy comes first on the path, so ``kiosk`` (and its templates, CSS and catalogue) is
the edited copy; ``tests`` (fixtures and factories) is the repository's. An assertion
that fails exits non-zero with its traceback, which the test shows.
"""
import json
import os
import pathlib
import socket
import sqlite3
import subprocess
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent

# What the walks add, in the copy's catalogue (tests/test_change_walks.py writes them).
HOUSING = {"key": "housing", "name": ("Help with a home", "住房帮扶"),
           "promise": ("The union helps you settle", "工会帮你安居"),
           "topics": (("A dormitory place", "宿舍床位"), ("Rent support", "租房补贴")),
           "icon": "M4 21V10l8-6 8 6v11h-5v-6h-6v6z"}
TIRED = {"key": "tired", "word": ("A bit tired", "有点累"), "icon": "M3 12h18M12 3v18"}
FLOOR = {"name": "floor", "label": ("Floor", "楼层"), "value": "3F"}


def ok(response):
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:2000])
    return response.get_data(as_text=True)


def category(tmp):
    """The category screen, filing, the inbox and its filter, the statistics, the sync."""
    from kiosk.sync import kinds
    from tests.conftest import chair_client, make_app

    app = make_app(tmp)
    worker = app.test_client()
    screen = ok(worker.get("/service/"))
    assert HOUSING["name"][1] in screen and HOUSING["promise"][1] in screen
    assert HOUSING["icon"] in screen
    topics = ok(worker.get("/service/new/housing"))
    assert all(chinese in topics for _english, chinese in HOUSING["topics"])
    assert worker.post("/service/new/housing", data={"topic": "0"}).status_code == 303
    assert worker.post("/service/describe", data={"description": "宿舍漏水"}).status_code == 303
    assert worker.post("/service/contact", data={"phone": "", "mode": "anonymous"}).status_code == 303
    assert worker.post("/service/submit").status_code in (302, 303)
    assert HOUSING["name"][1] in ok(worker.get("/service/receipt"))
    with app.app_context():
        requests = kinds.get("service_request").model   # whatever the feature's package is called
        filed = requests.get(requests.category == "housing")
        allowed = kinds.get("service_request").choices["category"]
        assert "housing" in (allowed() if callable(allowed) else allowed)

    chair = chair_client(app)
    inbox = ok(chair.get("/admin/service/"))
    assert 'value="housing"' in inbox and HOUSING["name"][1] in inbox
    assert str(filed.id) in ok(chair.get("/admin/service/?category=housing"))
    assert HOUSING["name"][1] in ok(chair.get("/admin/service/statistics"))
    assert HOUSING["name"][1] in ok(chair.get("/admin/service/settings"))


def mood(tmp):
    """The check-in screen, the boards, the wall, the chair's trends, the colours."""
    from kiosk.models import utcnow
    from tests.conftest import chair_client, make_app
    from tests.factories import make_checkin, make_member, make_team, prove

    app = make_app(tmp)
    with app.app_context():
        team = make_team("装配一班")
        tired = make_member("王芳", team=team, staff_no="1001")
        for member, key in zip([make_member(team=team) for _ in range(4)],
                               ["happy", "ok", "upset", "tired"], strict=True):
            make_checkin(member, key, day=utcnow().date())
        workshop_id = team.workshop_id
        worker = app.test_client()
        prove(worker, tired)
    choose = ok(worker.get("/mood/choose"))
    assert 'value="tired"' in choose and TIRED["word"][1] in choose and TIRED["icon"] in choose
    assert worker.post("/mood/checkin", data={"mood": "tired"}).status_code in (200, 303)

    visitor = app.test_client()
    for url in ["/mood/board", f"/mood/board/team/{team.id}", f"/mood/board/workshop/{workshop_id}",
                f"/mood/wall/team/{team.id}", f"/mood/wall/workshop/{workshop_id}"]:
        page = ok(visitor.get(url))
        assert "mood-tired" in page and TIRED["word"][1] in page, url
    colours = visitor.get("/static/css/moods.css").get_data(as_text=True)
    assert ".mood-tired {" in colours

    chair = chair_client(app)
    trends = ok(chair.get("/admin/mood/trends"))
    assert 'class="mood-fill mood-tired"' in trends and TIRED["word"][1] in trends


def field(tmp):
    """The chair sets a workshop's floor; the outbox sends it; central stores it."""
    from kiosk.sync import kinds, outbox, runner
    from tests.conftest import chair_client, make_app

    station_id, secret = str(uuid.uuid4()), "s3cret-" + uuid.uuid4().hex
    central = _start_central(tmp / "central", f"{station_id}:{secret}")
    try:
        app = make_app(tmp)
        with app.app_context():
            runner.configure(central["url"], station_id, secret, "test", verify=False)
        chair = chair_client(app)
        assert FLOOR["label"][1] in ok(chair.get("/admin/roster/teams"))
        added = chair.post("/admin/roster/teams", data={"kind": "workshop", "w-name": "三车间",
                                                        "w-sort_order": "3", "w-floor": "3F"})
        assert added.status_code in (302, 303), added.get_data(as_text=True)[:2000]
        with app.app_context():
            workshop_model = kinds.get("workshop").model   # wherever the roster keeps it
            workshop = workshop_model.get(workshop_model.name == "三车间")
            assert workshop.floor == FLOOR["value"]
            sent = [r.data for r in outbox.pending(kinds.get("workshop"), 100)]
            assert [d.get("floor") for d in sent] == [FLOOR["value"]], sent
            run = runner.run_sync("test")
            assert run.ok and run.conflicts == 0, run.error
        with sqlite3.connect(central["database"]) as stored:
            rows = [json.loads(data) for (data,) in stored.execute(
                "SELECT data FROM central_record WHERE kind = 'workshop'")]
        assert [(r["name"], r["floor"]) for r in rows] == [("三车间", FLOOR["value"])], rows
    finally:
        central["process"].kill()
        central["process"].wait(timeout=10)


def _start_central(folder, stations):
    """tests/sync/central_server.py on the copy (run as a script: its folder holds no kiosk)."""
    folder.mkdir(parents=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = str(folder / "central.sqlite3")
    env = dict(os.environ, PYTHONPATH=os.environ["WALK_COPY"], KIOSK_ROLE="central", DATABASE=database,
               KIOSK_INSTANCE_PATH=str(folder / "instance"), SECRET_KEY="test",
               TEST_STATIONS=stations, SYNC_FAULT="")
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, str(ROOT / "tests/sync/central_server.py"),
                                str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("central did not start: "
                               + process.stderr.read().decode(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return {"process": process, "url": f"http://127.0.0.1:{port}",
                        "database": database}
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("central did not listen within 30 s")


WALKS = {"category": category, "mood": mood, "field": field}

if __name__ == "__main__":
    import kiosk
    copy = pathlib.Path(os.environ["WALK_COPY"]).resolve()
    assert pathlib.Path(kiosk.__file__).resolve().is_relative_to(copy), kiosk.__file__
    WALKS[sys.argv[1]](pathlib.Path(sys.argv[2]))
    print("live")

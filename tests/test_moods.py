"""The moods are defined once (kiosk/mood/moods.py) and every screen follows.

The fourth-mood test adds a mood the way a developer would — one more ``Mood``
in ``moods.WEATHER`` and its icon — and walks every screen, chart and figure a
mood appears on: the check-in, the boards and the wall, the idle screen, the
worker's own page, the chair's care list, trends and calendar, the sync kind
and central's dashboard. Before the moods had one home, adding a mood left
/admin/mood/trends crashing with a KeyError while the mood tests passed.
"""
import pathlib
import re
import sys
import uuid
from datetime import timedelta

import pytest
from jinja2 import ChoiceLoader, DictLoader

from kiosk.models import utcnow
from kiosk.mood import moods
from kiosk.mood.moods import Mood
from kiosk.sync import central_store, kinds

from .conftest import chair_client, make_app
from .factories import make_checkin, make_member, make_team, prove
from .source_lines import lines_naming

ROOT = pathlib.Path(__file__).parent.parent
TIRED = Mood("tired", "A bit tired")     # 有点累: a mood a union might add one day
TIRED_ICON = ('<svg class="icon mood-icon" viewBox="0 0 10 10" aria-hidden="true">'
              '<circle cx="5" cy="5" r="4"/></svg>')


def icon(key):
    return f"icons/mood-{key}.svg"


@pytest.fixture
def fourth_mood(monkeypatch):
    """``moods.WEATHER`` with a fourth mood, as if the module had been edited before start.

    Every kiosk module that bound one of the module's names (``from .moods import
    MOODS``) gets the new value, so the test sees what the edited source would do.
    """
    weather = (*moods.WEATHER, TIRED)
    new = {"WEATHER": weather, "MOODS": tuple(m.key for m in weather),
           "MOOD_LABELS": {m.key: m.label for m in weather}}
    old = {name: getattr(moods, name) for name in new}
    patched = 0
    for module in [m for name, m in sys.modules.items() if name.startswith("kiosk") and m]:
        for attribute, value in list(vars(module).items()):
            for name, original in old.items():
                if value is original:
                    monkeypatch.setattr(module, attribute, new[name])
                    patched += 1
    assert patched > 10, "the moods are read from fewer places than expected"
    return TIRED


def with_icon(app):
    """The new mood's icon, as templates/icons/mood-tired.svg would be."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({icon(TIRED.key): TIRED_ICON}),
                                         app.jinja_env.loader])
    return app


def ok(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_a_fourth_mood_appears_on_every_station_screen(tmp_path, fourth_mood):
    app = with_icon(make_app(tmp_path))
    with app.app_context():
        team = make_team("装配一班")
        tired = make_member("王芳", team=team, staff_no="1001")
        others = [make_member(team=team) for _ in range(5)]
        for days_ago in range(0, 9):
            make_checkin(tired, "tired", day=utcnow().date() - timedelta(days=days_ago))
        for member, mood in zip(others, ["happy", "ok", "upset", "tired", "tired"], strict=True):
            make_checkin(member, mood)
        workshop_id = team.workshop_id

    worker = app.test_client()
    worker.get("/lang/en")
    with app.app_context():
        prove(worker, tired)
    choose = ok(worker.get("/mood/choose"))
    assert 'value="tired"' in choose and "A bit tired" in choose
    done = worker.post("/mood/checkin", data={"mood": "tired"})
    assert done.status_code in (200, 303), done.get_data(as_text=True)[:500]
    hello = ok(worker.get("/identify/hello"))
    assert 'data-mood-day="tired"' in hello

    visitor = app.test_client()
    visitor.get("/lang/en")
    for url in ["/mood/board", f"/mood/board/team/{team.id}", f"/mood/board/workshop/{workshop_id}",
                f"/mood/wall/team/{team.id}", f"/mood/wall/workshop/{workshop_id}"]:
        page = ok(visitor.get(url))
        assert "mood-tired" in page and "A bit tired" in page, url
    ok(visitor.get("/attract"))
    ok(visitor.get("/"))

    admin = chair_client(app, "en")
    trends = ok(admin.get("/admin/mood/trends"))
    assert 'class="swatch mood-tired"' in trends and 'class="mood-fill mood-tired"' in trends
    ok(admin.get(f"/admin/mood/trends?team={team.id}"))
    calendar = ok(admin.get(f"/admin/mood/member/{tired.id}"))
    assert "mood-tired" in calendar
    ok(admin.get("/admin/mood/"))
    ok(admin.get("/admin/"))
    ok(admin.get("/admin/mood/settings"))
    ok(admin.get("/admin/care/morning-sheet"))


def test_a_fourth_mood_syncs_and_shows_on_centrals_dashboard(tmp_path, fourth_mood):
    app = make_app(tmp_path, KIOSK_ROLE="central")
    admin = chair_client(app, "en")
    kind = kinds.get("mood_group")
    with app.app_context():
        from kiosk.sync.models import Station
        station = Station.create(id=uuid.uuid4(), name="新驿站", enterprise="甲厂", secret="a")
        day = utcnow().date().isoformat()
        records = []
        for mood, count in [("happy", 6), ("tired", 4)]:
            rid = str(uuid.uuid4())
            version = "2026-03-01T00:00:00.000000"
            records.append({"id": rid, "version": version, "data": {
                "id": rid, "station_id": str(station.id), "created_at": version,
                "updated_at": version, "day": day, "workshop_id": None,
                "workshop_name": "车间", "team_id": None, "team_name": "", "mood": mood,
                "count": count, "members": 10}})
        acked, conflicts = central_store.accept_batch(station.id, kind.name, records)
    assert len(acked) == 2 and conflicts == []
    page = ok(admin.get("/admin/central/"))
    assert 'class="mood-fill mood-tired"' in page and "A bit tired" in page


# --- What keeps the one definition the only one -------------------------------------

def test_every_mood_has_its_colours_its_icon_and_a_short_key():
    palette = (ROOT / "static/css/moods.css").read_text(encoding="utf-8")
    for mood in moods.WEATHER:
        line = re.search(rf"^\.mood-{mood.key}\s*\{{([^}}]*)\}}", palette, re.M)
        assert line, f"static/css/moods.css has no colours for {mood.key}"
        assert all(f"{var}:" in line.group(1) for var in ("--mood", "--mood-bg", "--mood-ink"))
        assert (ROOT / "templates" / icon(mood.key)).is_file(), icon(mood.key)
        assert mood.key.isascii() and len(mood.key) <= moods.MAX_KEY_LENGTH
    assert moods.UPSET in moods.MOODS


# Where a mood's name may be written out: its definition, its colours, the migrations
# that created the columns, and the demo's believable weights.
MAY_NAME_A_MOOD = {"kiosk/mood/moods.py", "static/css/moods.css", "kiosk/mood/demo.py"}


def test_no_other_file_names_a_mood():
    keys = "|".join(moods.MOODS)
    quoted = rf"""["'](?:{keys})["']"""
    patterns = {".py": quoted, ".js": quoted, ".html": rf"mood-(?:{keys})\b|(?:==|\[)\s*{quoted}",
                ".css": rf"mood-(?:{keys})\b|--mood-(?:{keys})"}
    named = lines_naming(["kiosk/mood/**/*.py", "kiosk/central/**/*.py", "templates/mood/**/*.html",
                          "templates/admin/mood/**/*.html", "templates/central/**/*.html",
                          "static/css/*.css", "static/js/*.js"], patterns, MAY_NAME_A_MOOD)
    assert not named, "read the moods from kiosk/mood/moods.py instead:\n" + "\n".join(named)


def test_the_sync_kind_accepts_exactly_the_moods(fourth_mood):
    spec = dict(kinds.get("mood_group").choices)["mood"]
    allowed = spec() if callable(spec) else spec
    assert tuple(allowed) == ("happy", "ok", "upset", "tired")

"""The three change walks of docs/architecture.md touch the files it lists, and no others.

Each walk-through is applied to a copy of the project (kiosk/, templates/, static/,
translations/) by editing only the files its list names, read from the document as
tests/test_architecture_doc.py reads them; then a fresh process builds the app from the
copy and checks the change end to end (tests/change_walks_live.py). A walk that needs a
file the document does not list fails here: the fix is to list it.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .change_walks_live import FLOOR, HOUSING, TIRED
from .test_architecture_doc import ROOT, listed_files

COPIED = ("kiosk", "templates", "static", "translations")
CATALOGUE = "translations/zh_Hans/LC_MESSAGES/messages.po"


def _insert_before_close(text, opening, line):
    """``line`` as the last item of the tuple that begins with ``opening``."""
    start = text.index(opening)
    end = text.index("\n)\n", start)
    return text[:end + 1] + line + text[end + 1:]


def _sub(pattern, replacement, text):
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert count == 1, f"the file no longer has {pattern!r}: update the walk-through"
    return changed


def _messages(*pairs):
    return lambda text: text.rstrip("\n") + "\n" + "".join(
        f'\nmsgid "{english}"\nmsgstr "{chinese}"\n' for english, chinese in pairs)


def _migration(copy, path):
    folder = (copy / path).parent
    numbers = [int(p.name[:4]) for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py")]
    return folder / f"{max(numbers) + 1:04d}_workshop_floor.py"


MIGRATION = '''"""A workshop's floor (docs/architecture.md, "Add a field that syncs")."""
from peewee import CharField


def up(migrator, db):
    with db.atomic():
        migrator.migrate(migrator.add_column("workshop", "floor",
                                             CharField(max_length=20, null=True)))


def down(migrator, db):
    with db.atomic():
        migrator.migrate(migrator.drop_column("workshop", "floor"))
'''

TOPICS = ", ".join(f'_l("{english}")' for english, _chinese in HOUSING["topics"])
CATEGORY_LINE = (f'    Category("{HOUSING["key"]}", _l("{HOUSING["name"][0]}"), '
                 f'_l("{HOUSING["promise"][0]}"), "blue", False,\n'
                 f'             STATION, ({TOPICS})),\n')

# Each walk's edits, found by the first name the document gives the file (or, for a file
# without names, by its file name): the edit a developer makes there.
EDITS = {
    "Add a seventh request category": {
        "CATEGORIES": lambda text: _insert_before_close(text, "CATEGORIES = (", CATEGORY_LINE),
        "<key>.svg": lambda _text: (
            '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" '
            f'stroke="currentColor" stroke-width="2"><path d="{HOUSING["icon"]}"/></svg>\n'),
        "messages.po": _messages(HOUSING["name"], HOUSING["promise"], *HOUSING["topics"]),
    },
    "Add a mood": {
        "WEATHER": lambda text: _insert_before_close(
            text, "WEATHER = (", f'    Mood("{TIRED["key"]}", _l("{TIRED["word"][0]}")),\n'),
        "moods.css": lambda text: text + (
            ".mood-tired { --mood: #8a5a2b; --mood-bg: #f7ece0; --mood-ink: #4a2e12; }\n"),
        "mood-<key>.svg": lambda _text: (
            '<svg class="icon mood-icon" viewBox="0 0 24 24" aria-hidden="true">'
            f'<path d="{TIRED["icon"]}" stroke="#8a5a2b"/></svg>\n'),
        "messages.po": _messages(TIRED["word"]),
    },
    "Add a field that syncs": {
        "Workshop": lambda text: _sub(r"^(class Workshop\(.*\):\n)",
                                      r'\1    floor = CharField(max_length=20, null=True)\n', text),
        "<NNNN_workshop_floor>.py": lambda _text: MIGRATION,
        "register_all": lambda text: _sub(r'(SyncKind\(\s*"workshop"[^(]*\()([^)]*)\)',
                                          r'\1\2, "floor")', text),
        "WorkshopForm": lambda text: _sub(
            r"^(class WorkshopForm\(.*\):\n)",
            rf'\1    floor = StringField(_l("{FLOOR["label"][0]}"), '
            r'validators=[Optional(), Length(max=20)])\n',
            _sub(r"Workshop\.create\(", "Workshop.create(floor=workshop_form.floor.data or None, ",
                 text)),
        "workshop_form": lambda text: _sub(r"^(\s*)(\{\{ field\(workshop_form\.sort_order\) \}\})",
                                           r"\1\2\n\1{{ field(workshop_form.floor) }}", text),
        "messages.po": _messages(FLOOR["label"]),
    },
}
# What a walk-through lists that this change does not need, and why.
NOT_NEEDED = {
    "kiosk.css": "only for a new tone; the seventh category takes blue",
    "older": "the upgrade test of the repository's own suite, not code the app runs",
}
LIVE = {"Add a seventh request category": "category", "Add a mood": "mood",
        "Add a field that syncs": "field"}
KEY = {"Add a seventh request category": HOUSING["key"], "Add a mood": TIRED["key"]}


def copy_project(folder):
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    return folder


def apply_walk(title, copy):
    """Edit the copy as the walk-through says; return the files edited (relative paths)."""
    edited = []
    for path, names in listed_files(title):
        file_name = path.rsplit("/", 1)[-1]
        key = next((k for k in (file_name, *names[:1]) if k in EDITS[title] or k in NOT_NEEDED),
                   None)
        assert key is not None, (f"{title}: the document lists {path} ({names}); teach "
                                 f"tests/test_change_walks.py the edit it stands for")
        if key in NOT_NEEDED:
            continue
        if "<NNNN_" in path:
            target = _migration(copy, path)
        else:
            target = copy / path.replace("<key>", KEY.get(title, ""))
        assert target.parent.is_dir(), f"{path}: no such folder in the project"
        before = target.read_text(encoding="utf-8") if target.exists() else ""
        assert ("<" in path) != target.exists(), f"{path}: a new file exists, or a listed one does not"
        target.write_text(EDITS[title][key](before), encoding="utf-8")
        edited.append(key)
    assert sorted(edited) == sorted(EDITS[title]), (
        f"{title}: the document no longer lists where these edits go: "
        f"{sorted(set(EDITS[title]) - set(edited))}")
    return edited


def compile_catalogue(copy):
    po = copy / CATALOGUE
    with po.open("rb") as source:
        catalogue = read_po(source)
    with po.with_suffix(".mo").open("wb") as target:
        write_mo(target, catalogue)


@pytest.mark.parametrize("title", list(LIVE))
def test_a_walk_through_applied_to_its_files_alone_is_live(tmp_path, title):
    copy = copy_project(tmp_path / "project")
    apply_walk(title, copy)
    compile_catalogue(copy)
    env = dict(os.environ, WALK_COPY=str(copy),
               PYTHONPATH=os.pathsep.join([str(copy), str(ROOT)]), PYTHONDONTWRITEBYTECODE="1")
    run = tmp_path / "run"
    run.mkdir()
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "change_walks_live.py"),
                             LIVE[title], str(run)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.strip().endswith("live"), (
        f"{title}, applied to the files the document lists, is not live:\n"
        + result.stdout[-3000:] + result.stderr[-6000:])

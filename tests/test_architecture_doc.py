"""Does docs/architecture.md still describe the code a newcomer will open?

Every walk-through lists the files a change touches, each with the names to look
for: the files must exist (a ``<placeholder>`` path: its folder must, with at least
one sibling), and each name must be in the file (or in a sibling). The links between
the docs must lead somewhere, and no code may cite a design page that is not in the
repository.
"""
import pathlib
import re

import pytest

from kiosk.service import categories

from .source_lines import lines_naming

ROOT = pathlib.Path(__file__).parent.parent
DOC = ROOT / "docs" / "architecture.md"
WALKS = ("Add a seventh request category", "Add a mood", "Add a field that syncs")
ITEM = re.compile(r"^- `([^`]+)` — (.*)$", re.M)
NAME = re.compile(r"`([A-Za-z_][\w.]*)`")


def walk_through(title):
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"### {title}\n")
    end = text.find("\n### ", start + 1)
    end = text.find("\n## ", start + 1) if end == -1 else end
    return text[start:end if end != -1 else None]


def listed_files(title):
    return [(path, NAME.findall(rest)) for path, rest in ITEM.findall(walk_through(title))]


def candidates(path):
    """The file, or for ``dir/<thing>.ext`` the files beside where it will go."""
    if "<" not in path:
        return [ROOT / path]
    folder, pattern = path.rsplit("/", 1)
    suffix = pattern.rsplit(">", 1)[1]
    return sorted((ROOT / folder).glob(f"*{suffix}"))


@pytest.mark.parametrize("title", WALKS)
def test_each_walk_through_names_files_and_names_that_exist(title):
    files = listed_files(title)
    assert len(files) >= 3, f"{title}: the list of files is gone or unreadable"
    missing = []
    for path, names in files:
        found = [p for p in candidates(path) if p.is_file()]
        if not found:
            missing.append(f"{path}: no such file")
            continue
        text = "\n".join(p.read_text(encoding="utf-8") for p in found)
        missing += [f"{path}: no {name}" for name in names
                    if name.rsplit(".", 1)[-1] not in text]
    assert not missing, f"{title} is out of date:\n" + "\n".join(missing)


def test_the_mood_walk_through_lists_what_the_fourth_mood_test_adds():
    """tests/test_moods.py adds a mood by these files and fails if any other names a mood."""
    paths = [path for path, _names in listed_files("Add a mood")]
    assert paths[:3] == ["kiosk/mood/moods.py", "static/css/moods.css",
                         "templates/icons/mood-<key>.svg"]
    from .test_moods import MAY_NAME_A_MOOD
    assert MAY_NAME_A_MOOD - set(paths) == {"kiosk/mood/demo.py"}   # the demo's weights


# Where a request category's key may be written out: its definition, its icon's name, the
# demo's requests. (Care's "hardship" is another thing: a promise, kiosk/care/.)
MAY_NAME_A_CATEGORY = {"kiosk/service/categories.py", "kiosk/service/demo.py"}


def test_no_other_file_names_a_request_category():
    """What the category walk-through promises: nothing outside its files lists the six."""
    keys = "|".join(categories.KEYS)
    pattern = rf"""["'](?:{keys})["']|(?:tone|category|service)-(?:{keys})\b"""
    named = lines_naming(["kiosk/service/**/*.py", "kiosk/central/**/*.py",
                          "kiosk/sync/**/*.py", "kiosk/alerts/**/*.py",
                          "templates/service/**/*.html",
                          "templates/admin/service/**/*.html",
                          "templates/central/**/*.html", "static/css/*.css", "static/js/*.js"],
                         dict.fromkeys((".py", ".html", ".css", ".js"), pattern), MAY_NAME_A_CATEGORY)
    assert not named, "read the categories from categories.CATEGORIES:\n" + "\n".join(named)


def test_the_docs_link_to_files_that_exist():
    broken = []
    for doc in [*ROOT.glob("docs/*.md"), ROOT / "README.md"]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://", "mailto:")) and \
                    not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} → {target}")
    assert not broken, "\n".join(broken)


def test_no_code_cites_a_design_page_outside_the_repository():
    """A person who clones the project has docs/, not the team's shared notes."""
    cited = []
    for path in [*ROOT.glob("kiosk/**/*.py"), *ROOT.glob("docs/*.md"), ROOT / "README.md",
                 *ROOT.glob("templates/**/*.html"), *ROOT.glob("scripts/*")]:
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\b(DESIGN|DOMAIN|STYLE)\.md\b|\.\./shared/", line):
                    cited.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not cited, "cite docs/architecture.md instead:\n" + "\n".join(cited)

"""Is every blueprint built the one way docs/architecture.md describes, under its feature's name?

"One blueprint pattern": a feature package creates ``bp`` and ``admin_bp`` in its
``__init__.py`` and its view modules take them with ``from . import bp``. "One name per
feature": the package ``kiosk/<feature>/``, the blueprints ``<feature>`` and
``<feature>_admin``, the URLs ``/<feature>`` and ``/admin/<feature>`` share one name.
"""
import ast
import pathlib

import pytest

from .conftest import make_app

ROOT = pathlib.Path(__file__).parent.parent

# Blueprints created outside a package's __init__.py, each for its reason.
OWN_MODULE = {
    "kiosk/central/api.py": "the signed sync API answers errors in its own JSON",
    "kiosk/central/tracking.py": "the page a phone opens from a receipt's QR, its own errors",
    "kiosk/sync/admin.py": "the sync's one admin page, beside the sync it shows (a base package)",
}

# Blueprints whose name, package or URL is not their feature's, each for its reason.
NAMED_OTHERWISE = {
    "home": "the home screen is the root of the URLs",
    "admin": "the admin shell is /admin itself",
    "central": "central's own admin pages are the role, not a feature beside others",
    "api_v1": "the sync's wire, versioned (docs/sync-protocol.md)",
    "tracking": "the short /t/<code> printed in a receipt's QR",
    "keyboard": "the pinyin package's on-screen keyboard, asked by every text box",
}


def blueprint_modules():
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
               and getattr(node.value.func, "id", "") == "Blueprint" for node in ast.walk(tree)):
            yield path.relative_to(ROOT).as_posix()


def test_blueprints_are_created_in_their_feature_packages_init():
    elsewhere = [path for path in blueprint_modules()
                 if not path.endswith("/__init__.py") and path not in OWN_MODULE]
    assert not elsewhere, "create the blueprints in the package's __init__.py: " + ", ".join(elsewhere)


@pytest.mark.parametrize("role", ["station", "central"])
def test_each_feature_has_one_name_for_package_blueprints_and_urls(tmp_path, role):
    app = make_app(tmp_path, KIOSK_ROLE=role)
    wrong = []
    for name, blueprint in app.blueprints.items():
        if name in NAMED_OTHERWISE:
            continue
        feature = name.removesuffix("_admin")
        prefix = f"/admin/{feature}" if name.endswith("_admin") else f"/{feature}"
        package = f"kiosk.{feature}"
        if blueprint.url_prefix != prefix:
            wrong.append(f"{name}: URLs under {blueprint.url_prefix}, not {prefix}")
        if blueprint.import_name != package and not blueprint.import_name.startswith(package + "."):
            wrong.append(f"{name}: created in {blueprint.import_name}, not in {package}")
    assert not wrong, "\n".join(wrong)

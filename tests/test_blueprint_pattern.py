"""Is every blueprint built the one way docs/architecture.md describes?

"One blueprint pattern": a feature package creates ``bp`` and ``admin_bp`` in its
``__init__.py`` and its view modules take them with ``from . import bp``.
"""
import ast
import pathlib

ROOT = pathlib.Path(__file__).parent.parent

# Blueprints created outside a package's __init__.py, each for its reason.
OWN_MODULE = {
    "kiosk/central/api.py": "the signed sync API answers errors in its own JSON",
    "kiosk/central/tracking.py": "the page a phone opens from a receipt's QR, its own errors",
    "kiosk/sync/admin.py": "the sync's one admin page, beside the sync it shows (a base package)",
    "kiosk/photos.py": "the roster's photos: kiosk/roster/ will gather them",
    "kiosk/admin/roster.py": "the roster's admin views: kiosk/roster/ will gather them",
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


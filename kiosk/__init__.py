"""The station kiosk: one ``create_app()`` for both roles (station and central)."""
import logging
import os
import secrets

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import config as kiosk_config
from . import files
from .version import __version__  # noqa: F401  (kiosk.__version__ for a person at the prompt)

log = logging.getLogger(__name__)
# A key shorter than this was cut by a power cut or edited by hand: never served with.
MIN_SECRET_CHARS = 32
# The modules that declare the records each feature syncs (``register_all``), in both
# roles: central keeps what stations push (mood counts, care events) though it shows
# no mood screen. Imported on the sync's first use (kiosk/sync/kinds.py).
SYNC_FEATURES = ("kiosk.roster.sync", "kiosk.notices.sync", "kiosk.service.sync",
                 "kiosk.mood.sync", "kiosk.benefits.sync", "kiosk.care.sync")


def create_app(test_config=None):
    """Build the app: config → database → extensions → the role's blueprints."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True,
                instance_path=os.environ.get("KIOSK_INSTANCE_PATH") or None)
    # <int:…> in a URL stops at SQLite's 64-bit integers: /…/10**23 is a 404, not a 500.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.config.from_mapping(kiosk_config.DEFAULTS)
    app.config["DATABASE"] = os.path.join(app.instance_path, "kiosk.sqlite3")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(kiosk_config.from_environment(app.config))
    else:
        app.config.update(test_config)
    files.secure_instance(app.instance_path)
    if app.config["KIOSK_ROLE"] not in ("station", "central"):
        raise ValueError(f"KIOSK_ROLE must be station or central, not {app.config['KIOSK_ROLE']!r}")

    from . import body_limits, db, errors, extensions, logs, pdf, security_headers, storage
    logs.init_app(app)
    security_headers.init_app(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    body_limits.init_app(app)
    db.init_app(app)
    extensions.init_app(app)
    storage.init_app(app)
    errors.init_app(app)
    pdf.init_app(app)

    if app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy: the client's address (for the login throttle) and
        # https (for secure cookies) come from its X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import cli
    from .sync import kinds
    cli.init_app(app)
    kinds.declare_features(SYNC_FEATURES)
    for feature in _features(app.config["KIOSK_ROLE"]):
        feature.init_app(app)
    from . import page_cache
    page_cache.init_app(app)  # last: every other before_request hook runs on a hit too
    return app


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 63 - 1)
        super().__init__(url_map, *args, **kwargs)


def _features(role):
    """The feature modules of a role, each with ``init_app(app)``, in home-screen order.

    Both roles handle service requests (central takes those routed to it) and
    benefit links (central writes the city's, stations show them); identified
    check-ins, the roster and identification stay at the station (docs/architecture.md).
    """
    from . import admin, benefits, home, roster, service
    common = [home, roster, admin, service, benefits]
    if role == "station":
        from . import alerts, care, identify, mood, notices
        from .sync import admin as sync_admin
        return common + [identify, sync_admin, notices, mood, care, alerts]
    from . import central
    return common + [central]


def _instance_secret(instance_path):
    """A secret key made on first start and kept in the instance folder, never in git.

    An empty or short key (a power cut before the old code's write reached the
    disk) is replaced with a warning: serving with it would fail every page or
    make sessions forgeable. On a full disk the new key lives in memory only.
    """
    path = os.path.join(instance_path, "secret_key")
    key = (files.read_text(path) or "").strip()
    if len(key) >= MIN_SECRET_CHARS:
        return key
    if os.path.exists(path):
        log.warning("the secret key in %s is empty or too short (%d characters): making a "
                    "new one (earlier sessions end)", path, len(key))
    key = secrets.token_hex(32)
    try:
        files.write_atomic(path, key)
    except OSError as exc:
        log.warning("could not save a new secret key in %s (%s): using one for this run "
                    "only", path, exc)
    return key

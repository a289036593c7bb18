"""A full disk degrades the station, it does not stop it.

Reads keep working (the database opens read-only when SQLite cannot even make
its -shm file); a write that fails for lack of space answers the friendly
"could not save" page; the admin pages show a red banner with the free space;
when space returns, the next request writes again. No restart, no state to reset.
"""
import errno
import logging
import os
import shutil
import sqlite3
from contextlib import contextmanager

from flask import current_app
from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

MIB = 1024 * 1024
# What SQLite and the OS say when the disk is full or the database cannot be written.
_SQLITE_MARKERS = ("database or disk is full", "disk i/o error",
                   "attempt to write a readonly database", "unable to open database file")
_OS_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def is_storage_error(exc):
    """Did this exception come from a disk that is full or cannot be written?"""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _OS_ERRNOS:
            return True
        if isinstance(exc, (sqlite3.OperationalError, sqlite3.DatabaseError)) or \
                type(exc).__name__ in ("OperationalError", "DatabaseError"):
            text = str(exc).lower()
            if any(marker in text for marker in _SQLITE_MARKERS):
                return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and
                                                    isinstance(exc.args[0], BaseException)
                                                    else None)
    return False


def note_failure(exc=None):
    """Log that a write failed for lack of space (the admin banner reads the disk itself)."""
    if exc is not None:
        log.warning("storage: a write failed: %s", exc)


def free_bytes(path):
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return 0


def database_bytes(path):
    total = 0
    for suffix in ("", "-wal", "-shm"):
        try:
            total += os.path.getsize(path + suffix)
        except (OSError, TypeError):
            pass
    return total


def disk_status(app=None):
    """Free space where the station writes, and whether it is full or low.

    Low: less than ``DISK_LOW_BYTES`` or twice the database (a migration or a
    big sync may need the database's size again for its WAL). Full: less than
    ``DISK_FULL_BYTES`` (by then SQLite's next page may already fail).
    """
    app = app or current_app
    where = app.config.get("DATABASE") or app.instance_path
    folder = os.path.dirname(os.path.abspath(where)) if app.config.get("DATABASE") else where
    free = free_bytes(folder)
    needed = max(app.config["DISK_LOW_BYTES"], 2 * database_bytes(app.config.get("DATABASE")))
    full = free < app.config["DISK_FULL_BYTES"]
    return {"free": free, "free_mib": free // MIB, "needed_mib": needed // MIB,
            "full": full, "low": full or free < needed}


@contextmanager
def best_effort(what):
    """Bookkeeping that must never block what the user came for (last login, an audit line)."""
    try:
        yield
    except Exception as exc:
        if not is_storage_error(exc):
            raise
        note_failure()
        log.warning("storage: %s was not recorded: %s", what, exc)


def _alerts():
    status = disk_status()
    if status["full"]:
        return []  # the red banner on every admin page says it already
    if status["low"]:
        from flask import url_for
        return [(_l("Little disk space is left: %(free)d MB free, the station needs at least "
                    "%(needed)d MB. Free some space before the disk is full.",
                    free=status["free_mib"], needed=status["needed_mib"]),
                 url_for("admin.dashboard"))]
    return []


def init_app(app):
    from .tiles import register_admin_alerts
    register_admin_alerts(app, _alerts)
    app.context_processor(lambda: {"disk_status": disk_status})

"""What changes with every committed write to the station's database, and the small
in-process cache of what pages compute from it.

Pages read far more often than anything is written (a wall polls, the chair looks
at the same care list all morning), so what a page derives from the data — the care
list, the statistics, a team's members in pinyin order — is computed once per *data
version* and kept. The version is SQLite's own ``PRAGMA data_version``, read on one
connection kept only for that: it changes whenever any other connection commits, in
this process (every pooled connection) or another one (the nightly sync, a CLI
command), so no writer has to remember to say that it wrote. Asking costs a few
microseconds, where a version made of counts and ``MAX(updated_at)`` costs a query.

Off SQLite (central on PostgreSQL) there is no version: ``cached`` computes every time.
"""
import os
import sqlite3
import threading
import time
from collections import OrderedDict

from peewee import SqliteDatabase

from .db import db

_watchers = OrderedDict()
_watchers_lock = threading.Lock()
# A station has one database; tests make one per test: the oldest watchers are closed.
MAX_WATCHERS = 4


class _Watcher:
    """One autocommit connection per database file that only ever asks the version."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                    timeout=10)
        self.lock = threading.Lock()

    def version(self):
        with self.lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self):
        with self.lock:
            self.conn.close()


def current():
    """(database path, version) now, or None when there is no version to key on."""
    database = db.obj
    if not isinstance(database, SqliteDatabase) or database.database == ":memory:":
        return None
    path = database.database
    # Per process: a connection must never cross a fork (the bench forks its servers).
    key = (os.getpid(), path)
    watcher = _watchers.get(key)
    if watcher is None:
        with _watchers_lock:
            watcher = _watchers.get(key)
            if watcher is None:
                try:
                    watcher = _watchers[key] = _Watcher(path)
                except sqlite3.Error:
                    return None
                while len(_watchers) > MAX_WATCHERS:
                    _watchers.popitem(last=False)[1].close()
    try:
        return path, watcher.version()
    except sqlite3.Error:  # a disk gone read-only or away: compute, do not serve stale
        return None


class VersionCache:
    """The last few values computed per (data version, key): old versions fall out, and so
    does what nobody asked for in ``idle_seconds``. Keys that hold a minute, a day or an
    old version are never asked for again; bounded by count only, a station that shows
    the care list all day kept 128 of them (issue 15: RSS ≤ 90 MiB)."""

    def __init__(self, size=128, idle_seconds=600, clock=time.monotonic):
        self.size = size
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.entries = OrderedDict()    # full key -> [value, when last asked for]
        self.lock = threading.Lock()

    def get_or_compute(self, key, compute):
        version = current()
        if version is None:
            return compute()
        full_key = (version, key)
        with self.lock:
            entry = self.entries.get(full_key)
            if entry is not None:        # a value of None is kept too
                entry[1] = self.clock()
                self.entries.move_to_end(full_key)
                return entry[0]
        value = compute()
        # Store under the version read *before* computing: a write committed meanwhile
        # moves the version on, so a value that may predate it is never served after it.
        self.put(version, key, value)
        return value

    def peek(self, version, key):
        """The value stored for ``key`` at ``version`` (as ``current()`` gave it), or None."""
        with self.lock:
            entry = self.entries.get((version, key))
            if entry is None:
                return None
            entry[1] = self.clock()
            self.entries.move_to_end((version, key))
            return entry[0]

    def put(self, version, key, value):
        now = self.clock()
        with self.lock:
            self.entries[(version, key)] = [value, now]
            self.entries.move_to_end((version, key))
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
            # Least recently asked for first: stop at the first one still in use.
            while self.entries and now - next(iter(self.entries.values()))[1] > self.idle_seconds:
                self.entries.popitem(last=False)


_cache = VersionCache()


def cached(key, compute):
    """``compute()``'s value for ``key`` at the current data version (computed once per
    version). ``key`` holds everything besides the data that the value depends on:
    the day, the language, a setting, a time bucket."""
    return _cache.get_or_compute(key, compute)


def minute():
    """The current minute, for keys of what also moves with the clock (overdue, "today")."""
    return int(time.time() // 60)

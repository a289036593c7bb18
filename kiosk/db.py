"""The database object, its pragmas, migrations, and CLI commands for them.

One ``DatabaseProxy`` serves both roles: a station binds it to a SQLite file,
central to SQLite or to PostgreSQL (``DATABASE_URL``). Models never know which.
"""
import logging
import os
import select
import sqlite3
from contextlib import contextmanager
from urllib.parse import quote

import click
from flask import current_app
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, _PooledSqliteDatabase

from . import storage

db = DatabaseProxy()
log = logging.getLogger(__name__)

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")

# Why each pragma:
# - WAL lets the wall board read while a terminal writes;
# - synchronous=FULL: with WAL, NORMAL may roll back the last transactions on
#   power loss, and a check-in the screen confirmed must survive a power cut;
# - foreign_keys is off by default in SQLite;
# - busy_timeout makes a second writer wait instead of failing at once;
# - cache_size is per connection, and the pool keeps one per server thread: at 16 MB each
#   a station grew by 8 × 16 MB once the admin pages had read its year of data (issue 15:
#   RSS ≤ 90 MiB). What a page derives from a big read is kept per data version
#   (data_version.py), and the operating system caches the file itself.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -2_000,  # 2 MB, SQLite's default
}


def open_database(path=None, url=None, pool_size=4, pool_recycle=300):
    """Return an unconnected peewee database for a file path or a URL.

    PostgreSQL is pooled: a request checks a connection out of its process's pool and
    back in, so it pays no connection set-up (2.7 ms of server CPU each, issue 11).
    The pool is bounded (``pool_size`` per process: workers × size must stay under the
    server's max_connections), a connection older than ``pool_recycle`` seconds is
    closed rather than reused, and one the server dropped is never handed out
    (tests/sync/test_central_pool.py).
    """
    if url:
        if url.startswith("sqlite"):
            return connect_url(url, pragmas=SQLITE_PRAGMAS, timeout=10)
        if url.split(":", 1)[0] in ("postgres", "postgresql"):
            return CentralPostgresDatabase(**parse_url(url), max_connections=pool_size,
                                           stale_timeout=pool_recycle, timeout=30)
        return connect_url(url)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # Pooled: a request still checks a connection out and back in, but the
    # pragmas and the file open are paid once per connection, not per request.
    return StationDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10,
                                max_connections=32, stale_timeout=300,
                                check_same_thread=False)  # a pooled connection moves between threads


class CentralPostgresDatabase(PooledPostgresqlDatabase):
    """Central's pool, checking a connection out without a round trip to the server.

    peewee's pool sends ``SELECT 1`` on every check-out to see whether the server
    dropped an idle connection: one round trip per request, a tenth of a small sync
    request's time (issue 11). An idle connection has nothing to read unless the server
    closed it (or said why it is closing it), so a zero-timeout ``select()`` on its
    socket tells the same without asking (tests/sync/test_central_pool.py).
    """

    def _is_closed(self, conn):
        if conn.closed:
            return True
        status = self._adapter.txn_status(conn)
        if status == self._adapter.txn_unknown:
            return True
        if status != self._adapter.txn_idle:
            return super()._is_closed(conn)  # rolls back what was left open
        try:
            readable, _w, _x = select.select([conn], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)


class _ReadOnlyWhenFull(SqliteDatabase):
    """Opens the database read-only when the disk is too full to open it for writing.

    A WAL database needs its -shm file; on a full disk SQLite cannot size it and
    even a read fails ("disk I/O error"), so a station that starts on a full
    disk would serve nothing. That only happens when no other connection has
    the -shm mapped, i.e. when the WAL is empty, so an ``immutable`` read of the
    main file sees every committed row. Writes on it fail ("readonly database"),
    which the error pages answer with "could not save". These connections are
    never pooled: the next request tries a normal connection again, so writes
    come back by themselves when space does.
    """

    def _connect(self):
        try:
            conn = super()._connect()
        except sqlite3.DatabaseError as exc:
            if not storage.is_storage_error(exc) or not os.path.exists(self.database):
                raise
            storage.note_failure()
            if not self.__dict__.get("_said_read_only"):  # once per episode, not per request
                self._said_read_only = True
                log.warning("storage: serving %s read-only until there is space: %s",
                            self.database, exc)
        else:
            if self.__dict__.pop("_said_read_only", None):
                log.warning("storage: %s is writable again", self.database)
            return conn
        uri = f"file:{quote(os.path.abspath(self.database))}?immutable=1"
        conn = sqlite3.connect(uri, uri=True, timeout=self._timeout, isolation_level=None,
                               check_same_thread=False)
        self._read_only.add(id(conn))
        try:
            conn.execute("PRAGMA foreign_keys = 1")
            self._load_aggregates(conn)
            self._load_collations(conn)
            self._load_functions(conn)
            if self.server_version >= (3, 25, 0):
                self._load_window_functions(conn)
        except Exception:
            conn.close()
            raise
        return conn

    @property
    def _read_only(self):
        return self.__dict__.setdefault("_read_only_ids", set())

class StationDatabase(_PooledSqliteDatabase, _ReadOnlyWhenFull):
    """The station's pooled SQLite, falling back to read-only on a full disk."""

    def _can_reuse(self, conn):
        if id(conn) in self._read_only:
            return False
        return super()._can_reuse(conn)

    def _close_raw(self, conn):
        self._read_only.discard(id(conn))
        super()._close_raw(conn)


def bind(database):
    """Point every model at ``database``."""
    db.initialize(database)


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


@contextmanager
def write_transaction():
    """A transaction for a write that reads first.

    On SQLite it begins IMMEDIATE so that two terminals cannot both read the
    old state and then fail to upgrade their lock (SQLITE_BUSY mid-transaction).
    """
    if is_sqlite():
        with db.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with db.atomic() as txn:
            yield txn


def migration_runner():
    return Runner(db.obj, MIGRATIONS_DIR)


def migrate(target=None):
    """Apply pending migrations (up to ``target``); return their names."""
    with db.connection_context():
        return migration_runner().up(target)


def pending_migrations():
    with db.connection_context():
        return [m.name for m in migration_runner().status() if not m.applied]


def init_app(app):
    """Bind the configured database, open a connection per request."""
    url = app.config.get("DATABASE_URL")
    bind(open_database(path=app.config["DATABASE"], url=url,
                       pool_size=int(app.config.get("DATABASE_POOL_SIZE", 4)),
                       pool_recycle=int(app.config.get("DATABASE_POOL_RECYCLE", 300))))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()

    app.cli.add_command(migrate_command)
    app.cli.add_command(migration_status_command)


@click.command("migrate")
@click.option("--to", "target", default=None, help="Stop after this migration.")
def migrate_command(target):
    """Create the database or upgrade it in place to the newest schema."""
    applied = migrate(target)
    where = current_app.config.get("DATABASE_URL") or current_app.config["DATABASE"]
    if applied:
        click.echo(f"Applied {len(applied)} migration(s) to {where}: " + ", ".join(applied))
    else:
        click.echo(f"{where} is up to date.")


@click.command("migrations")
def migration_status_command():
    """List the migrations and whether each is applied."""
    with db.connection_context():
        for m in migration_runner().status():
            click.echo(f"{'applied' if m.applied else 'pending':8} {m.name}")

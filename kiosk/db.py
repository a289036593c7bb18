"""The database object, its pragmas, migrations, and CLI commands for them.

One ``DatabaseProxy`` serves both roles: a station binds it to a SQLite file,
central to SQLite or to PostgreSQL (``DATABASE_URL``). Models never know which.
"""
import os
from contextlib import contextmanager

import click
from flask import current_app
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner
from playhouse.pool import PooledSqliteDatabase

db = DatabaseProxy()

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")

# Why each pragma (see DESIGN.md, "Real parts"):
# - WAL lets the wall board read while a terminal writes;
# - synchronous=FULL: with WAL, NORMAL may roll back the last transactions on
#   power loss, and a check-in the screen confirmed must survive a power cut;
# - foreign_keys is off by default in SQLite;
# - busy_timeout makes a second writer wait instead of failing at once.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,  # 16 MB
}


def open_database(path=None, url=None):
    """Return an unconnected peewee database for a file path or a URL."""
    if url:
        if url.startswith("sqlite"):
            return connect_url(url, pragmas=SQLITE_PRAGMAS, timeout=10)
        return connect_url(url)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # Pooled: a request still checks a connection out and back in, but the
    # pragmas and the file open are paid once per connection, not per request.
    return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10,
                                max_connections=32, stale_timeout=300,
                                check_same_thread=False)  # a pooled connection moves between threads


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
    bind(open_database(path=app.config["DATABASE"], url=url))

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

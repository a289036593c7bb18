"""Service requests that keep their promises: a crisis flag, one row per draft, no row order.

- ``service_request.crisis``: the text (or the category) calls for the help panel
  and the chair's immediate attention;
- ``service_request.idempotency_key``: the draft's token, unique, so a double tap
  or a retried submit files one request;
- on SQLite, ``service_request`` and ``request_event`` are rebuilt WITHOUT ROWID:
  their rows are then stored in the order of their random UUIDs, not in the order
  they were written, so an anonymous request cannot be placed between two named
  ones (or two timed events) by its position in the file.
"""
from peewee import BooleanField, CharField, SqliteDatabase

# The rebuild needs foreign keys off, which SQLite ignores inside a transaction;
# each step below runs in its own.
atomic = False

TABLES = ("service_request", "request_event")


def up(migrator, db):
    with db.atomic():
        migrator.migrate(
            migrator.add_column("service_request", "crisis", BooleanField(default=False)),
            migrator.add_column("service_request", "idempotency_key",
                                CharField(max_length=40, null=True)),
        )
    if isinstance(db, SqliteDatabase):
        _rebuild_without_rowid(db)
    with db.atomic():
        db.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS service_request_idempotency_key "
                       "ON service_request (idempotency_key)")
        db.execute_sql("CREATE INDEX IF NOT EXISTS service_request_crisis "
                       "ON service_request (crisis)")


def _rebuild_without_rowid(db):
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            for table in TABLES:
                create_sql, = db.execute_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                    (table,)).fetchone()
                if create_sql.rstrip().upper().endswith("WITHOUT ROWID"):
                    continue
                index_sql = [row[0] for row in db.execute_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND sql IS NOT NULL", (table,))]
                head, rest = create_sql.split("(", 1)
                db.execute_sql(f'CREATE TABLE "new_{table}" ({rest} WITHOUT ROWID')
                columns = ", ".join(f'"{row[1]}"' for row in
                                    db.execute_sql(f'PRAGMA table_info("{table}")'))
                # Copied in id order: the new file order says nothing about the old one.
                db.execute_sql(f'INSERT INTO "new_{table}" ({columns}) '
                               f'SELECT {columns} FROM "{table}" ORDER BY id')
                db.execute_sql(f'DROP TABLE "{table}"')
                db.execute_sql(f'ALTER TABLE "new_{table}" RENAME TO "{table}"')
                for sql in index_sql:
                    db.execute_sql(sql)
            problems = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign keys broken by the rebuild: {problems[:5]}")
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")


def down(migrator, db):
    with db.atomic():
        db.execute_sql("DROP INDEX IF EXISTS service_request_idempotency_key")
        db.execute_sql("DROP INDEX IF EXISTS service_request_crisis")
        migrator.migrate(migrator.drop_column("service_request", "idempotency_key"),
                         migrator.drop_column("service_request", "crisis"))

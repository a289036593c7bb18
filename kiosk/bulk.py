"""Raw bulk writes through peewee's connection, for central's ingest of a night's records.

Building an ``insert_many`` of a few hundred rows costs peewee more Python than
the database spends storing them (issue 11: 62% of a record's time). Here the SQL is
written once per call and the rows go as plain tuples: ``executemany`` on SQLite,
psycopg2's ``execute_values`` (one statement for a page of rows) on PostgreSQL.
Values pass through each field's ``db_value`` so they are stored exactly as
peewee stores them (a UUID is 32 hex digits on SQLite, for one).

Call inside a transaction (``write_transaction``): the cursor is the transaction's.
"""
import re
import uuid

from peewee import UUIDField

from .db import db, is_sqlite

PAGE = 1000


def _columns(model, names):
    fields = [model._meta.fields[name] for name in names]
    return fields, ", ".join(f'"{f.column_name}"' for f in fields)


def _converter(field):
    target = getattr(field, "rel_field", None) or field
    if isinstance(target, UUIDField):
        # The ids of a push are already dashed text (checked): their hex, without a parse.
        def to_hex(value, db_value=field.db_value):
            if isinstance(value, str) and len(value) == 36:
                return value.replace("-", "")
            return db_value(value)
        return to_hex
    return field.db_value


def _tuples(fields, rows, ready=False):
    if ready:
        return _ready_tuples(fields, rows)
    converters = [_converter(f) for f in fields]
    return [tuple(convert(value) for convert, value in zip(converters, row, strict=True))
            for row in rows]


def _ready_tuples(fields, rows):
    """Rows whose values already have their columns' Python types (text, bool, datetime,
    dashed UUID text): PostgreSQL takes them as they are; SQLite stores UUIDs as hex."""
    if not is_sqlite():
        return rows
    hex_at = [i for i, f in enumerate(fields)
              if isinstance(getattr(f, "rel_field", None) or f, UUIDField)]
    if not hex_at:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in hex_at:
            if row[i] is not None:
                row[i] = row[i].replace("-", "")
        out.append(tuple(row))
    return out


def insert_ignore(model, names, rows, returning=None, ready=False):
    """INSERT … ON CONFLICT DO NOTHING of ``rows`` (tuples in the order of ``names``).

    With ``returning`` (a field name) on PostgreSQL, return that column of the rows
    actually inserted; on SQLite return None (the caller knows: its write lock is held).
    ``ready``: the values already have their columns' Python types, UUIDs as dashed text
    (no conversion per value: it was a fifth of the ingest's own Python, issue 11).
    """
    if not rows:
        return [] if returning else None
    fields, column_sql = _columns(model, names)
    table = f'"{model._meta.table_name}"'
    values = _tuples(fields, rows, ready)
    cursor = db.cursor()
    if is_sqlite():
        marks = ", ".join("?" * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({column_sql}) VALUES ({marks}) "
                           "ON CONFLICT DO NOTHING", values)
        return None
    from psycopg2.extras import execute_values
    sql = f"INSERT INTO {table} ({column_sql}) VALUES %s ON CONFLICT DO NOTHING"
    if returning:
        sql += f' RETURNING "{model._meta.fields[returning].column_name}"'
    found = execute_values(cursor, sql, values, page_size=PAGE, fetch=bool(returning))
    return [row[0] for row in found] if returning else None


def update_many(model, names, key, rows, guard=None):
    """UPDATE ``names`` WHERE ``key`` = …, one statement per row, sent in pages.

    ``rows`` are tuples: the new values in the order of ``names``, then the key,
    then the ``guard`` value if any (``guard`` is a "column < value" condition, e.g.
    only a newer version replaces an older one).
    """
    if not rows:
        return
    fields, _sql = _columns(model, names)
    key_field = model._meta.fields[key]
    tail = [key_field] + ([model._meta.fields[guard[0]]] if guard else [])
    values = _tuples(fields + tail, rows)
    mark = "?" if is_sqlite() else "%s"
    sets = ", ".join(f'"{f.column_name}" = {mark}' for f in fields)
    sql = f'UPDATE "{model._meta.table_name}" SET {sets} WHERE "{key_field.column_name}" = {mark}'
    if guard:
        sql += f' AND "{tail[1].column_name}" {guard[1]} {mark}'
    cursor = db.cursor()
    if is_sqlite():
        cursor.executemany(sql, values)
        return
    from psycopg2.extras import execute_batch
    execute_batch(cursor, sql, values, page_size=PAGE)


def select_in(model, names, key, values):
    """Tuples of ``names`` for the rows whose ``key`` is one of ``values``: one raw SELECT.

    UUIDs come back as the driver gives them (hex on SQLite, dashed text on PostgreSQL):
    compare them through ``uuid_text``.
    """
    if not values:
        return []
    fields, column_sql = _columns(model, names)
    key_field = model._meta.fields[key]
    convert = _converter(key_field)
    keys = [convert(v) for v in values]
    table = f'"{model._meta.table_name}"'
    if is_sqlite():
        found = []
        for i in range(0, len(keys), 900):  # SQLite's bound-parameter limit
            chunk = keys[i:i + 900]
            found += db.execute_sql(
                f'SELECT {column_sql} FROM {table} WHERE "{key_field.column_name}" IN '
                f'({", ".join("?" * len(chunk))})', chunk).fetchall()
        return found
    return db.execute_sql(f'SELECT {column_sql} FROM {table} '
                          f'WHERE "{key_field.column_name}" = ANY(%s::uuid[])',
                          (keys,)).fetchall()


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def uuid_text(value):
    """A UUID as the dashed text the sync uses, from a UUID or any text ``uuid.UUID`` reads
    (hex from SQLite, for one); ValueError when it is none. Dashed lowercase text, the usual
    case, comes back as it is without a parse (a parse per id was 8% of a push, issue 11)."""
    if isinstance(value, str) and UUID_TEXT.match(value):
        return value
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))

"""Raw bulk writes through peewee's connection, for central's ingest of a night's records.

Building an ``insert_many`` of a few hundred rows costs peewee more Python than
the database spends storing them (issue 11: 62% of a record's time). Here the SQL is
written once per call and the rows go as plain tuples: ``executemany`` on SQLite,
psycopg2's ``execute_values`` (one statement for a page of rows) on PostgreSQL.
Values pass through each field's ``db_value`` so they are stored exactly as
peewee stores them (a UUID is 32 hex digits on SQLite, for one).

Call inside a transaction (``write_transaction``): the cursor is the transaction's.
"""
from .db import db, is_sqlite

PAGE = 1000


def _columns(model, names):
    fields = [model._meta.fields[name] for name in names]
    return fields, ", ".join(f'"{f.column_name}"' for f in fields)


def _tuples(fields, rows):
    converters = [f.db_value for f in fields]
    return [tuple(convert(value) for convert, value in zip(converters, row, strict=True))
            for row in rows]


def insert_ignore(model, names, rows, returning=None):
    """INSERT … ON CONFLICT DO NOTHING of ``rows`` (tuples in the order of ``names``).

    With ``returning`` (a field name) on PostgreSQL, return that column of the rows
    actually inserted; on SQLite return None (the caller knows: its write lock is held).
    """
    if not rows:
        return [] if returning else None
    fields, column_sql = _columns(model, names)
    table = f'"{model._meta.table_name}"'
    values = _tuples(fields, rows)
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

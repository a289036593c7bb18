"""Raw bulk writes through peewee's connection, for central's ingest of a night's records.

Building an ``insert_many`` of a few hundred rows costs peewee more Python than
the database spends storing them (issue 11: 62% of a record's time). Here the SQL is
written once per call and the rows go as plain tuples: ``executemany`` on SQLite,
one statement per batch on PostgreSQL, its rows as one array per column (``unnest``).
Values pass through each field's ``db_value`` so they are stored exactly as
peewee stores them (a UUID is 32 hex digits on SQLite, for one).

Call inside a transaction (``write_transaction``): the cursor is the transaction's.
"""
import re
import uuid

from peewee import UUIDField, __exception_wrapper__

from .db import db, is_sqlite


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
    hex_at = [i for i, f in enumerate(fields) if _is_uuid(f)]
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


# The type of a column's array on PostgreSQL, for ``unnest`` (by peewee's field type).
PG_ARRAY_TYPES = {"UUID": "uuid", "VARCHAR": "text", "TEXT": "text", "CHAR": "text",
                  "BOOL": "boolean", "DATETIME": "timestamp", "DATE": "date", "INT": "integer",
                  "BIGINT": "bigint", "AUTO": "integer", "BIGAUTO": "bigint", "FLOAT": "float8",
                  "DOUBLE": "float8"}


def _array_type(field):
    target = getattr(field, "rel_field", None) or field
    return PG_ARRAY_TYPES[target.field_type]


def _unnest(fields):
    """``unnest(%s::uuid[], %s::text[], …) AS u(c0, c1, …)``: a batch as a table, one array
    per column. psycopg2 adapts a list in one call, where ``execute_values`` formats every
    row with ``mogrify`` (a fifth of central's Python per record, issue 11), and the server
    parses one statement with a few arrays, not one with a row of literals per record."""
    arrays = ", ".join(f"%s::{_array_type(f)}[]" for f in fields)
    return f"unnest({arrays}) AS u({', '.join(f'c{i}' for i in range(len(fields)))})"


def insert_ignore(model, names, rows, returning=None, ready=False, same=None):
    """INSERT … ON CONFLICT DO NOTHING of ``rows`` (tuples in the order of ``names``).

    ``same`` ({name: value}) are the values every row shares (a push's kind, station and
    time): sent once for the batch, not once a row. With ``returning`` (a field name) on
    PostgreSQL, return that column of the rows actually inserted; on SQLite return None
    (the caller knows: its write lock is held). ``ready``: the values already have their
    columns' Python types, UUIDs as dashed text (no conversion per value: it was a fifth
    of the ingest's own Python, issue 11).
    """
    if not rows:
        return [] if returning else None
    return _insert(model, names, rows, "ON CONFLICT DO NOTHING", returning, ready, same)


def upsert(model, names, rows, key, update):
    """INSERT ``rows`` (tuples in the order of ``names``); a row whose ``key`` is taken
    updates the columns named in ``update`` instead. One statement for the batch.

    A unique index other than the key's (a receipt code) raises peewee's IntegrityError,
    as peewee's own insert would: call it inside ``db.atomic()`` to keep the rest.
    """
    if not rows:
        return
    sets = ", ".join(f'"{c}" = EXCLUDED."{c}"'
                     for c in (model._meta.fields[n].column_name for n in update))
    _insert(model, names, rows,
            f'ON CONFLICT ("{model._meta.fields[key].column_name}") DO UPDATE SET {sets}')


def _insert(model, names, rows, conflict, returning=None, ready=False, same=None):
    # The model's defaults for the columns not given, as peewee's insert fills them (a
    # callable one is called once for the batch); the primary key is always given.
    same = dict(same or {})
    for name, field in model._meta.fields.items():
        if name not in names and name not in same and not field.primary_key \
                and field.default is not None:
            same[name] = field.default() if callable(field.default) else field.default
    fields, column_sql = _columns(model, tuple(names) + tuple(same))
    table = f'"{model._meta.table_name}"'
    own = fields[:len(names)]
    values = _tuples(own, rows, ready)
    shared = tuple(_converter(f)(v) for f, v in zip(fields[len(names):], same.values(),
                                                     strict=True))
    cursor = db.cursor()
    with __exception_wrapper__:
        if is_sqlite():
            marks = ", ".join("?" * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({column_sql}) VALUES ({marks}) {conflict}",
                               [row + shared for row in values] if shared else values)
            return None
        picked = ", ".join([f"u.c{i}" for i in range(len(own))] + ["%s"] * len(shared))
        sql = f"INSERT INTO {table} ({column_sql}) SELECT {picked} FROM {_unnest(own)} {conflict}"
        if returning:
            sql += f" RETURNING {_as_text([model._meta.fields[returning]])}"
        cursor.execute(sql, (*shared, *(list(column) for column in zip(*values, strict=True))))
        return [row[0] for row in cursor.fetchall()] if returning else None


def update_many(model, names, key, rows, guard=None):
    """UPDATE ``names`` WHERE ``key`` = …, for a batch of rows (one statement on PostgreSQL).

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
    table = f'"{model._meta.table_name}"'
    cursor = db.cursor()
    if is_sqlite():
        sets = ", ".join(f'"{f.column_name}" = ?' for f in fields)
        sql = f'UPDATE {table} SET {sets} WHERE "{key_field.column_name}" = ?'
        if guard:
            sql += f' AND "{tail[1].column_name}" {guard[1]} ?'
        cursor.executemany(sql, values)
        return
    # One statement for the batch, joined to its rows on the key (one row per key: the
    # callers' rows come from dicts). Every host plans the same batch alike, so two hosts
    # updating the same rows lock them in the same order.
    sets = ", ".join(f'"{f.column_name}" = u.c{i}' for i, f in enumerate(fields))
    sql = (f'UPDATE {table} AS t SET {sets} FROM {_unnest(fields + tail)} '
           f'WHERE t."{key_field.column_name}" = u.c{len(fields)}')
    if guard:
        sql += f' AND t."{tail[1].column_name}" {guard[1]} u.c{len(fields) + 1}'
    cursor.execute(sql, [list(column) for column in zip(*values, strict=True)])


def select_in(model, names, key, values):
    """Tuples of ``names`` for the rows whose ``key`` is one of ``values``: one raw SELECT.

    UUIDs come back as text (hex on SQLite, dashed on PostgreSQL): compare them through
    ``uuid_text``.
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
    return db.execute_sql(f'SELECT {_as_text(fields)} FROM {table} '
                          f'WHERE "{key_field.column_name}" = ANY(%s::uuid[])',
                          (keys,)).fetchall()


def _is_uuid(field):
    return isinstance(getattr(field, "rel_field", None) or field, UUIDField)


def _as_text(fields):
    """PostgreSQL: the columns, UUIDs as their dashed text. The driver would make each a
    ``uuid.UUID``, which every caller turns back into text: two parses per id read."""
    return ", ".join(f'"{f.column_name}"' + ("::text" if _is_uuid(f) else "") for f in fields)


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def uuid_text(value):
    """A UUID as the dashed text the sync uses, from a UUID or any text ``uuid.UUID`` reads
    (hex from SQLite, for one); ValueError when it is none. Dashed lowercase text, the usual
    case, comes back as it is without a parse (a parse per id was 8% of a push, issue 11)."""
    if isinstance(value, str) and UUID_TEXT.match(value):
        return value
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))

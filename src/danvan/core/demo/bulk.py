"""Bulk writing for the generators of every app: reserved primary keys and plain-tuple inserts.

A national run writes millions of rows. Building model instances and going through the ORM
costs more than drawing the data, so the generators build plain tuples, reserve the primary
keys up front (children then refer to their parents without reading them back), and insert
with COPY on PostgreSQL or a batched `executemany` elsewhere. The small helpers below are the
hot-path versions of random choices, dates and search keys that every generator needs.
"""

import random
from datetime import date, timedelta
from functools import lru_cache

from django.db import connection, models

from danvan.core.search import normalize

_ADAPTED = (models.DateTimeField, models.DateField, models.DecimalField)


def reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive primary keys nobody else will be given.

    Knowing the keys before inserting lets children refer to their parents without reading
    them back. On PostgreSQL the table's sequence is moved past the block; SQLite hands out
    keys above the highest one in the table anyway.
    """
    if count <= 0:
        return 0
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk_column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s)", [sequence, sequence, count - 1])
            return cursor.fetchone()[0] - count + 1
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk_column)}) FROM {quoted}")  # noqa: S608
        return (cursor.fetchone()[0] or 0) + 1


def copy_rows(model, columns: tuple[str, ...], rows: list[tuple], *, batch_size: int) -> None:
    """Insert plain tuples: COPY on PostgreSQL (psycopg adapts dates and decimals itself),
    batched `executemany` elsewhere."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(column) for column in columns]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
            return
        # SQLite's driver adapts dates and decimals as Django would; aware datetimes go through
        # their field (once per distinct value: a batch shares one timestamp).
        adapted = models.DateTimeField if connection.vendor == "sqlite" else _ADAPTED
        convert = [
            (i, f) for i, f in enumerate(fields) if isinstance(f, adapted) and not f.is_relation
        ]
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        prepared: dict = {}
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            if convert:
                batch = [list(row) for row in batch]
                for row in batch:
                    for i, f in convert:
                        value = row[i]
                        if value is not None:
                            key = (i, value)
                            if key not in prepared:
                                prepared[key] = f.get_db_prep_save(value, connection)
                            row[i] = prepared[key]
            cursor.executemany(sql, batch)


# --- hot-path drawing helpers ---------------------------------------------------------------
# A national run draws tens of numbers a row; random() is several times cheaper than
# randrange() and choice(), so these helpers scale it themselves.


def pick(rng: random.Random, items):
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=int(rng.random() * ((end - start).days + 1)))


def fake_phone(rng: random.Random) -> str:
    # "0000" is no operator's prefix, so nobody can mistake it for a real number.
    return f"0000{int(rng.random() * 1_000_000):06d}"


def vn_int(value: int) -> str:
    """12345 -> "12.345", as Vietnamese writes numbers."""
    return f"{value:,}".replace(",", ".")


_key_piece = lru_cache(maxsize=1 << 16)(normalize)


def search_text(*parts: str, limit: int | None = 300) -> str:
    """search_key(*parts), each piece normalised once per run (names and phrases recur)."""
    text = " ".join(k for k in map(_key_piece, parts) if k)
    return text[:limit] if limit else text

"""Inserting many new rows at once, faster than `bulk_create` on PostgreSQL.

`bulk_create` sends one multi-row INSERT per batch, and with psycopg's client-side binding most
of its time goes to building and splitting that statement in Python. On PostgreSQL,
`bulk_insert` draws the ids from the table's sequence first (in list order), then streams the
rows with COPY (from `COPY_FROM` rows; fewer go in one INSERT); the instances get their ids as
with `bulk_create`. Elsewhere (SQLite) it is `bulk_create`. Like `bulk_create`, it sends no
signals and calls no `save()`.
"""

from collections.abc import Sequence

from django.db import connections, models, router

COPY_FROM = 20


def bulk_insert(objs: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """Insert these new instances (all of one model) in list order: all without ids (drawn
    from the sequence), or all with them (a one-to-one key, say)."""
    if not objs:
        return
    model = type(objs[0])
    db = router.db_for_write(model)
    connection = connections[db]
    meta = model._meta
    missing = sum(1 for obj in objs if obj.pk is None)
    pk = meta.pk
    assert pk is not None
    generated = isinstance(pk, models.AutoField)
    if (
        connection.vendor != "postgresql"
        or len(objs) < COPY_FROM  # one INSERT is quicker than a sequence query and a COPY
        or missing not in (0, len(objs))
        or (missing and not generated)
    ):
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
            for obj, pk_value in zip(objs, ids, strict=True):
                obj.pk = pk_value
        columns = ", ".join(quote(str(field.column)) for field in fields)
        # psycopg's cursor, for COPY (Django's wrapper passes it through).
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for field in fields
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db


def bulk_insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert plain rows (values of these columns, already as the database stores them) of a
    model whose other columns have defaults, such as its generated id: for derived rows made
    by the ten thousand, where building model instances costs more than writing them. COPY on
    PostgreSQL, `bulk_create` elsewhere."""
    if not rows:
        return
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=5000
        )
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        table = quote(model._meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

"""Inserting many new rows at once, faster than `bulk_create` on PostgreSQL.

`bulk_create` sends one multi-row INSERT per batch, and with psycopg's client-side binding most
of its time goes to building and splitting that statement in Python. On PostgreSQL,
`bulk_insert` draws the ids from the table's sequence first (in list order), then streams the
rows with COPY (from `COPY_FROM` rows; fewer go in one INSERT); the instances get their ids as
with `bulk_create`. Elsewhere (SQLite) it is `bulk_create`. Like `bulk_create`, it sends no
signals and calls no `save()`. `bulk_insert_rows` and `bulk_insert_values` do the same from
plain values, for rows made by the ten thousand, where building instances costs more than
writing them (`bulk_insert_values` makes none on SQLite either: one INSERT executed for
all its rows). `bulk_change` is `bulk_update` with the same shape: the new values streamed
into a scratch table, then one UPDATE joined to it.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

COPY_FROM = 20

# Field types (exactly these, not subclasses) whose Python values psycopg writes as they are;
# others (JSON, IP addresses, date-times, which may be naive, ...) go through the field's own
# conversion.
_PLAIN_FIELDS = {
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.SmallIntegerField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.DateField,
    models.ForeignKey,
    models.OneToOneField,
}


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
    if missing:
        for obj, pk_value in zip(objs, _next_ids(connection, model, len(objs)), strict=True):
            obj.pk = pk_value
    _copy(
        connection,
        meta.db_table,
        [str(field.column) for field in fields],
        (
            [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            for obj in objs
        ),
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
    PostgreSQL, one INSERT executed for all the rows elsewhere (`_insert_many`)."""
    if not rows:
        return
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        _insert_many(connection, model, columns, rows)
        return
    _copy(connection, model._meta.db_table, columns, rows)


def _insert_many(
    connection: Any,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """One INSERT executed for many rows: what `bulk_create` sends, without making an
    instance of each row first (on SQLite that was most of the time of loading the demo's
    300,000 meals). Values of fields that are not plain go through the field's conversion."""
    meta = model._meta
    fields = [meta.get_field(column) for column in columns]
    convert = [None if type(field) in _PLAIN_FIELDS else field for field in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names from the model, values as parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    converted: list[dict[Any, Any]] = [{} for _ in fields]  # a stamp shared by every row

    def prepared(value: Any, field: Any, seen: dict[Any, Any]) -> Any:
        if field is None:
            return value
        try:
            return seen[value]
        except KeyError:
            seen[value] = field.get_db_prep_save(value, connection)
            return seen[value]
        except TypeError:  # unhashable: a JSON value
            return field.get_db_prep_save(value, connection)

    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql,
                [
                    [
                        prepared(value, field, seen)
                        for value, field, seen in zip(row, convert, converted, strict=True)
                    ]
                    for row in rows[start : start + 5000]
                ],
            )


def _copy(
    connection: Any,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    """Stream rows (values of these columns, as the database stores them) into the table
    with COPY (PostgreSQL)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    # psycopg's cursor, for COPY (Django's wrapper passes it through).
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _next_ids(connection: Any, model: type[models.Model], count: int) -> list[int]:
    """`count` ids drawn from the table's sequence, in increasing order (PostgreSQL)."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def bulk_insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert new rows given as {field attname: value} (a foreign key by its `..._id`); the
    other fields take their defaults (one `now` for every `auto_now_add`). Returns the new ids
    in row order. No model instances are made on PostgreSQL, where an import's ten thousand
    rows cost more to build as instances than to write; elsewhere it is `bulk_create`. Sends
    no signals and calls no `save()`."""
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None and isinstance(pk, models.AutoField)
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    unknown = set().union(*(row.keys() for row in rows)) - {field.attname for field in fields}
    if unknown:
        raise TypeError(f"{meta.label} has no fields {sorted(unknown)}")
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=1000)
        return [int(obj.pk) for obj in objs]
    now = timezone.now()
    defaults: list[Callable[[], Any]] = []
    stamped: list[bool] = []  # auto_now(_add): now, whatever the row says, as `save()` does
    for field in fields:
        stamp = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        stamped.append(stamp)
        defaults.append((lambda: now) if stamp else field.get_default)
    ids = _next_ids(connection, model, len(rows))
    plain = [type(field) in _PLAIN_FIELDS for field in fields]

    def values(pk_value: int, row: Mapping[str, Any]) -> list[Any]:
        result: list[Any] = [pk_value]
        for field, default, as_is, stamp in zip(fields, defaults, plain, stamped, strict=True):
            value = row[field.attname] if field.attname in row and not stamp else default()
            result.append(value if as_is else field.get_db_prep_save(value, connection))
        return result

    _copy(
        connection,
        meta.db_table,
        [str(field.column) for field in [pk, *fields]],
        (values(pk_value, row) for pk_value, row in zip(ids, rows, strict=True)),
    )
    return ids


def bulk_change(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Save these fields of these instances (all of one model, all saved before), like
    `bulk_update`. Django's `bulk_update` writes one CASE arm per instance and field, and
    building those expressions costs about 3 ms an instance; on PostgreSQL the values are
    instead copied into a temporary table of the same column types, and one UPDATE reads
    them from it. Sends no signals and calls no `save()`."""
    if not objs or not fields:
        return
    model = type(objs[0])
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        model._default_manager.db_manager(db).bulk_update(objs, list(fields))
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    chosen: list[models.Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field)  # a column, not a reverse relation
        chosen.append(field)
    columns = [str(pk.column), *(str(field.column) for field in chosen)]
    quote = connection.ops.quote_name
    scratch_name = f"_pulang_change_{meta.db_table}"
    table, scratch = quote(meta.db_table), quote(scratch_name)
    names = ", ".join(quote(column) for column in columns)
    # In a transaction of its own (a savepoint inside another): on an error the scratch
    # table goes with the rollback.
    with transaction.atomic(using=db), connection.cursor() as cursor:
        # The table's own column types, none of its constraints.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        _copy(
            connection,
            scratch_name,
            columns,
            (
                [
                    obj.pk,
                    *(
                        field.get_db_prep_save(getattr(obj, field.attname), connection)
                        for field in chosen
                    ),
                ]
                for obj in objs
            ),
        )
        assignments = ", ".join(f"{quote(column)} = new.{quote(column)}" for column in columns[1:])
        pk_column = quote(columns[0])
        cursor.execute(
            f"UPDATE {table} AS old SET {assignments} FROM {scratch} AS new "  # noqa: S608
            f"WHERE old.{pk_column} = new.{pk_column}"
        )
        cursor.execute(f"DROP TABLE {scratch}")  # a second change in the same transaction

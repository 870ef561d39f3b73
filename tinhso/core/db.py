"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction

M = TypeVar("M", bound=models.Model)

# INSERT statements by (database alias, model, row count): the text depends on nothing else.
_INSERTS: dict[tuple[str, type[models.Model], int], tuple[str, tuple[models.Field, ...]]] = {}


def _insert_statement(connection: object, model: type[models.Model], rows: int) -> tuple[str, tuple[models.Field, ...]]:
    key = (connection.alias, model, rows)
    known = _INSERTS.get(key)
    if known is None:
        quote = connection.ops.quote_name
        fields = tuple(field for field in model._meta.concrete_fields if field is not model._meta.pk)
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        # Names come from the model, never from input; every value is a parameter.
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
               f"VALUES {', '.join([row] * rows)} RETURNING {quote(model._meta.pk.column)}")
        known = _INSERTS[key] = (sql, fields)
    return known


def rows_insert(objs: Sequence[M]) -> list[M]:
    """Insert new instances of one model in one statement and give them their primary keys.

    What ``bulk_create`` does for plain new rows (no signals, no ``save()``), for the hot
    paths that write a few rows many times a second: the statement's text is built once per
    model and row count instead of being compiled by the ORM on every call. Every value still
    goes through its field, as the ORM would write it (``pre_save``: ``auto_now`` and
    ``auto_now_add``; ``get_db_prep_save``: JSON, dates, decimals). Related objects must be
    saved before (the ``<name>_id`` attribute is written). The primary key must be an
    auto-generated one, left unset.
    """
    if not objs:
        return []
    model = type(objs[0])
    if any(type(obj) is not model or obj.pk is not None for obj in objs):
        raise ValueError("rows_insert() takes new instances of one model, without a primary key.")
    alias = router.db_for_write(model)
    connection = transaction.get_connection(alias)
    if not connection.features.can_return_rows_from_bulk_insert:  # an old SQLite: the ORM's way
        return model._default_manager.using(alias).bulk_create(objs)
    sql, fields = _insert_statement(connection, model, len(objs))
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    attname = model._meta.pk.attname
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, attname, key)
        obj._state.adding = False
        obj._state.db = alias
    return list(objs)


# How to read a row of given columns into a model (per database alias, model and attribute
# names): the converters the ORM's compiler would apply, as (position, converters, column) for
# the columns that need any; and the positions in the model's field order (``from_db`` takes the
# values of the loaded fields in that order).
_Converter = tuple[int, list, models.Expression]
_Reading = tuple[list[_Converter], list[str], list[int]]
_READINGS: dict[tuple[str, type[models.Model], tuple[str, ...]], _Reading] = {}


def _reading(connection: object, model: type[models.Model], attnames: tuple[str, ...]) -> _Reading:
    key = (connection.alias, model, attnames)
    known = _READINGS.get(key)
    if known is None:
        opts = model._meta
        by_attname = {field.attname: field for field in opts.concrete_fields}
        converters = []
        for index, attname in enumerate(attnames):
            column = by_attname[attname].get_col(opts.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, found, column))
        ordered = [field.attname for field in opts.concrete_fields if field.attname in attnames]
        known = _READINGS[key] = (converters, ordered, [attnames.index(name) for name in ordered])
    return known


def model_from_row(model: type[M], attnames: Sequence[str], row: Sequence[object], *, using: str) -> M:
    """An instance of ``model`` from a row read by hand (``attnames``: the row's columns, in
    order), with each value converted as the ORM converts it when it reads the row itself
    (JSON, booleans and dates on SQLite, …). Fields not in ``attnames`` load when first read."""
    connection = connections[using]
    converters, ordered, positions = _reading(connection, model, tuple(attnames))
    values = list(row)
    for index, functions, column in converters:
        for function in functions:
            values[index] = function(values[index], column, connection)
    return model.from_db(using, ordered, [values[index] for index in positions])


# SELECT by primary key, by (database alias, model): the statement and the columns it reads.
_SELECTS: dict[tuple[str, type[models.Model]], tuple[str, tuple[str, ...]]] = {}


def _select_statement(connection: object, model: type[models.Model]) -> tuple[str, tuple[str, ...]]:
    key = (connection.alias, model)
    known = _SELECTS.get(key)
    if known is None:
        quote, opts = connection.ops.quote_name, model._meta
        fields = opts.concrete_fields
        sql = (f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(opts.db_table)} "  # noqa: S608
               f"WHERE {quote(opts.pk.column)} = %s")
        known = _SELECTS[key] = (sql, tuple(field.attname for field in fields))
    return known


def row_by_pk(model: type[M], pk: object) -> M | None:
    """``model.objects.filter(pk=pk).first()`` for the hot paths (the signed-in user on every
    request): the statement is built once per model, not compiled by the ORM on every call, and
    the values are converted as the ORM converts them. None when there is no such row, or when
    ``pk`` is not a valid key at all (a tampered session, say)."""
    try:
        pk = model._meta.pk.to_python(pk)
    except (ValidationError, TypeError, ValueError):
        return None
    if pk is None:
        return None
    alias = router.db_for_read(model)
    connection = connections[alias]
    sql, attnames = _select_statement(connection, model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    return None if row is None else model_from_row(model, attnames, row, using=alias)

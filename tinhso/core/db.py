"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import models, router, transaction

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

"""The tables every online filing writes carry only the indexes their reads use: each index
is one more write per row, under the ledger's lock."""

from __future__ import annotations

import pytest
from django.db import connection, models

from tinhso.ledger.models import Entry
from tinhso.onestop.models import Dossier, DossierEvent, Notification

pytestmark = pytest.mark.django_db

WRITTEN_BY_EVERY_FILING = (Dossier, DossierEvent, Notification, Entry)


def _indexes(table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: info for name, info in found.items() if info["index"] or info["unique"] or info["primary_key"]}


@pytest.mark.parametrize("model", WRITTEN_BY_EVERY_FILING, ids=lambda model: model.__name__)
def test_no_index_is_the_leading_part_of_another(model: type[models.Model]) -> None:
    indexes = _indexes(model._meta.db_table)
    for name, info in indexes.items():
        if info["unique"] or info["primary_key"]:
            continue  # a unique index also guards its values
        for other, wider in indexes.items():
            if other != name and wider["columns"][: len(info["columns"])] == info["columns"]:
                pytest.fail(f"{name} {info['columns']} is served by {other} {wider['columns']}")


def test_dossier_indexes_are_the_ones_its_reads_use() -> None:
    columns = sorted(tuple(info["columns"]) for info in _indexes(Dossier._meta.db_table).values())
    assert columns == sorted(
        [
            ("id",),
            ("code",),
            ("idempotency_key",),
            ("handling_agency_id", "state", "due_at"),
            ("applicant_id", "created_at"),
            ("state",),
            ("agency_id",),
            ("assignee_id",),
            ("procedure_id",),
        ]
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pattern indexes are PostgreSQL's")
def test_no_text_pattern_index_that_no_query_uses() -> None:
    tables = [model._meta.db_table for model in WRITTEN_BY_EVERY_FILING]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s", [tables, "%pattern_ops%"]
        )
        assert cursor.fetchall() == []

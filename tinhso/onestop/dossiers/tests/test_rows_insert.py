"""The hand-written statements of the hot paths read and write as the ORM does:
``rows_insert`` (JSON, decimals, dates, ``auto_now``; one statement; keys in order) and
``model_from_row`` (values converted, columns in any order, the rest loaded when read)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.core.db import model_from_row, rows_insert
from tinhso.onestop.models import Channel, Dossier, DossierState, Procedure

pytestmark = pytest.mark.django_db


def _dossier(svc: SimpleNamespace, number: int) -> Dossier:
    return Dossier(
        code=f"H31.01-251124-{number:04d}", procedure=svc.procedure, agency=svc.centre, handling_agency=svc.centre,
        channel=Channel.ONLINE, state=DossierState.SUBMITTED, applicant=svc.citizen,
        applicant_name="Nguyễn Văn \"An\" 'Ô\\Nê' ☺",  # quotes, a backslash, beyond Latin-1
        form_data={"ho_ten": "Nguyễn Văn An", "so_luong": number, "ghi_chu": ["một", {"hai": None}]},
        idempotency_key=f"k-{number}", submitted_at=timezone.make_aware(dt.datetime(2025, 11, 24, 8, 30)),
        paused_working_days=Decimal("1.5"), fee_vnd=200_000,
    )


def test_rows_read_back_as_the_orm_wrote_them(svc: SimpleNamespace) -> None:
    ours = [_dossier(svc, number) for number in (1, 2, 3)]
    theirs = Dossier.objects.bulk_create([_dossier(svc, number) for number in (4, 5, 6)])
    with CaptureQueriesContext(connection) as queries:
        written = rows_insert(ours)
    assert len(queries) == 1
    assert written == ours
    assert all(not row._state.adding and row._state.db == "default" for row in ours)
    assert [row.code for row in Dossier.objects.filter(pk__in=[row.pk for row in ours]).order_by("pk")] == [
        "H31.01-251124-0001", "H31.01-251124-0002", "H31.01-251124-0003"]  # keys given in order
    fields = [f.attname for f in Dossier._meta.concrete_fields if f.attname not in ("id", "code", "idempotency_key")]
    for mine, orm in zip(ours, theirs, strict=True):
        stored, reference = Dossier.objects.get(pk=mine.pk), Dossier.objects.get(pk=orm.pk)
        for name in fields:
            if name in ("created_at", "updated_at"):
                assert getattr(stored, name) is not None
                assert getattr(stored, name) == getattr(mine, name)
            elif name == "form_data":
                assert stored.form_data == {**reference.form_data, "so_luong": stored.form_data["so_luong"]}
            else:
                assert getattr(stored, name) == getattr(reference, name), name


def test_refuses_saved_rows_and_mixed_models(svc: SimpleNamespace) -> None:
    saved = Dossier.objects.bulk_create([_dossier(svc, 1)])[0]
    with pytest.raises(ValueError, match="new instances of one model"):
        rows_insert([saved])
    with pytest.raises(ValueError, match="new instances of one model"):
        rows_insert([_dossier(svc, 2), svc.citizen])
    assert rows_insert([]) == []


def test_a_row_read_by_hand_converts_as_the_orm_does(svc: SimpleNamespace) -> None:
    columns = ("form_fields", "processing_days", "code", "active", "id")  # not in the model's order
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {", ".join(columns)} FROM "{Procedure._meta.db_table}" WHERE "id" = %s',  # noqa: S608
                       [svc.procedure.pk])
        procedure = model_from_row(Procedure, columns, cursor.fetchone(), using="default")
    reference = Procedure.objects.get(pk=svc.procedure.pk)
    assert procedure.pk == reference.pk
    assert procedure.code == reference.code
    assert procedure.form_fields == reference.form_fields  # JSON decoded, not a string
    assert isinstance(procedure.form_fields, list)
    assert procedure.processing_days == Decimal(10)
    assert procedure.active is True
    assert procedure.get_deferred_fields() >= {"name", "fee_vnd"}
    assert procedure.fee_vnd == 200_000  # loaded when read


@pytest.mark.skipif(connection.vendor != "postgresql", reason="rows travel as JSON on PostgreSQL only")
def test_a_json_null_field_is_refused_rather_than_written_as_sql_null(svc: SimpleNamespace) -> None:
    from django.db.models import JSONField, Value

    dossier = _dossier(svc, 1)
    dossier.form_data = Value(None, JSONField())
    with pytest.raises(TypeError, match="JSON null"):
        rows_insert([dossier])
    assert not Dossier.objects.exists()

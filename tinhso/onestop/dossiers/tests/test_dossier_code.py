"""Dossier codes: <agency code>-YYMMDD-<sequence ≥ 4 digits>, never repeated."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
from django.db import connection, transaction

from tinhso.core.errors import DomainError
from tinhso.onestop.dossiers.codes import dossier_code_next
from tinhso.onestop.models import DossierSequence
from tinhso.org.models import Agency


@pytest.mark.django_db
def test_codes_follow_the_circular_and_count_per_agency_and_day(svc: Any) -> None:
    day = dt.date(2026, 10, 8)
    codes = [dossier_code_next(agency=svc.centre, day=day) for _ in range(3)]
    assert codes == ["H31.01-261008-0001", "H31.01-261008-0002", "H31.01-261008-0003"]
    assert dossier_code_next(agency=svc.centre, day=day + dt.timedelta(days=1)) == "H31.01-261009-0001"
    assert dossier_code_next(agency=svc.stp, day=day) == "H31.02-261008-0001"
    DossierSequence.objects.filter(agency_code="H31.01", day=day).update(last=9999)
    assert dossier_code_next(agency=svc.centre, day=day) == "H31.01-261008-10000"
    assert re.fullmatch(r"H31\.01-\d{6}-\d{4,}", codes[0])


@pytest.mark.django_db
def test_an_agency_without_a_code_cannot_issue_codes(svc: Any) -> None:
    agency = Agency.objects.get(key="hy.ubnd")
    with pytest.raises(DomainError) as caught:
        dossier_code_next(agency=agency, day=dt.date(2026, 3, 2))
    assert "chưa có mã định danh điện tử" in caught.value.message
    assert not DossierSequence.objects.filter(day=dt.date(2026, 3, 2)).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_codes_from_five_threads_are_unique_and_consecutive(vn_units: None) -> None:
    Agency.objects.filter(key="hy.ttpvhcc").update(code="H31.01")
    agency = Agency.objects.get(key="hy.ttpvhcc")
    day = dt.date(2026, 3, 2)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(5)

    def work() -> None:
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    code = dossier_code_next(agency=agency, day=day)
                with lock:
                    codes.append(code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == [f"H31.01-260302-{n:04d}" for n in range(1, 51)]


@pytest.mark.django_db
def test_online_intake_at_an_agency_without_an_electronic_id_is_refused_before_anything_is_written(
    svc: Any,
) -> None:
    from django.test import Client

    from tinhso.ledger.models import Entry
    from tinhso.onestop.conftest import GOOD_FORM
    from tinhso.onestop.models import Dossier

    Agency.objects.filter(pk=svc.centre.pk).update(code="")
    dossiers, entries = Dossier.objects.count(), Entry.objects.count()
    client = Client()
    client.force_login(svc.citizen)
    response = client.post(
        "/api/services/dossiers/",
        {
            "procedure": svc.procedure.code,
            "agency": svc.centre.pk,
            "form_data": GOOD_FORM,
        },
        content_type="application/json",
        headers={"Idempotency-Key": "no-code-1"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Cơ quan “{svc.centre.name}” chưa có mã định danh điện tử, không thể cấp mã hồ sơ.",
        "code": "agency_without_code",
    }
    assert (Dossier.objects.count(), Entry.objects.count()) == (dossiers, entries)
    assert not DossierSequence.objects.exists()
    # Refused by the checks that write nothing, before the filing's transaction begins.
    from tinhso.onestop.dossiers.intake import filing_check

    with pytest.raises(DomainError) as caught:
        filing_check(
            applicant=svc.citizen,
            procedure=svc.procedure,
            agency=Agency.objects.get(pk=svc.centre.pk),
            form_data=GOOD_FORM,
            idempotency_key="no-code-2",
        )
    assert caught.value.code == "agency_without_code"

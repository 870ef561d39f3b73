"""Online filings (intake.filing_check, intake.filing_submit): each in its own transaction,
with its agency's number of the day, its event, notification and ledger entry; a retry with a
used key gives back the first dossier (to its applicant only) and writes nothing; concurrent
filings never share a number nor make two dossiers of one key."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tinhso.core.errors import Conflict, DomainError
from tinhso.ledger.models import Entry
from tinhso.ledger.selectors import ledger_verify
from tinhso.ledger.testing import seal
from tinhso.onestop.conftest import GOOD_FORM, make_procedure
from tinhso.onestop.dossiers import intake
from tinhso.onestop.models import Dossier, DossierEvent, DossierSequence, DossierState, Notification

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _filing(svc: SimpleNamespace, key: str, *, applicant: Any = None, agency: Any = None) -> intake.Filing:
    return intake.filing_check(
        applicant=applicant or svc.citizen,
        procedure=svc.procedure,
        agency=agency or svc.centre,
        form_data=GOOD_FORM,
        idempotency_key=key,
    )


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_filings_get_their_agencys_numbers_events_notifications_and_entries(
    svc: SimpleNamespace,
    clock: Any,
) -> None:
    svc.citizen.email = "an.nguyen@example.vn"
    svc.citizen.save(update_fields=["email"])
    entries, tasks = Entry.objects.count(), DBTaskResult.objects.count()

    filed = [
        intake.filing_submit(_filing(svc, "f-1")),
        intake.filing_submit(_filing(svc, "f-2", agency=svc.stp)),
        intake.filing_submit(_filing(svc, "f-3")),
        intake.filing_submit(_filing(svc, "f-4", applicant=svc.other_citizen)),
    ]

    dossiers = [item.dossier for item in filed]
    assert all(item.created for item in filed)
    assert [d.code for d in dossiers] == [
        "H31.01-260302-0001",
        "H31.02-260302-0001",
        "H31.01-260302-0002",
        "H31.01-260302-0003",
    ]
    assert all(d.pk and d.state == DossierState.SUBMITTED for d in dossiers)
    assert [d.applicant_id for d in dossiers] == [svc.citizen.pk, svc.citizen.pk, svc.citizen.pk, svc.other_citizen.pk]
    assert DossierSequence.objects.get(agency_code="H31.01").last == 3
    events = DossierEvent.objects.filter(dossier__in=dossiers).order_by("dossier_id")
    assert [(e.action, e.actor_id, e.to_state) for e in events] == [
        ("submit_online", d.applicant_id, "submitted") for d in sorted(dossiers, key=lambda d: d.pk)
    ]
    seal()  # as the worker's sealer would, in commit order
    new_entries = list(Entry.objects.filter(sequence__gt=entries).order_by("sequence"))
    assert [(e.action, e.object_id) for e in new_entries] == [
        ("services.dossier.submit_online", str(d.pk)) for d in dossiers
    ]
    # The three filings of the citizen with an e-mail address: three rows for the worker's loop, no task.
    assert Notification.objects.filter(dossier__in=dossiers, state="pending").count() == 3
    assert DBTaskResult.objects.count() == tasks
    assert ledger_verify().ok


@pytest.mark.django_db
def test_a_retry_with_a_used_key_gives_the_first_dossier_and_its_number_back(svc: SimpleNamespace, clock: Any) -> None:
    first = intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="used"
    )
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count())

    again = intake.filing_submit(_filing(svc, "used"))

    assert again == intake.Filed(first, created=False)
    assert (Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count()) == counts
    assert DossierSequence.objects.get(agency_code="H31.01").last == 1
    assert intake.filing_submit(_filing(svc, "fresh")).dossier.code.endswith("-0002")


@pytest.mark.django_db
def test_someone_elses_key_is_refused_without_a_word_about_their_dossier(svc: SimpleNamespace, clock: Any) -> None:
    intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="used"
    )
    with pytest.raises(Conflict, match="Mã chống gửi trùng"):
        intake.filing_submit(_filing(svc, "used", applicant=svc.other_citizen))
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_inside_a_callers_transaction_the_filing_is_written_in_it(svc: SimpleNamespace, clock: Any) -> None:
    with transaction.atomic():
        filed = intake.filing_submit(_filing(svc, "inside"))
        assert Dossier.objects.filter(pk=filed.dossier.pk).exists()  # already visible: same transaction
        transaction.set_rollback(True)
    assert not Dossier.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_numbers_and_one_dossier_per_key(svc: SimpleNamespace) -> None:
    """Twelve requests at once, each on its own connection: eight with their own keys, four
    retrying one key. Nine dossiers, numbered 0001 to 0009 without a gap; the four retries
    all answer with the same dossier."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several connections writing at once")
    keys = [f"c-{n}" for n in range(8)] + ["same"] * 4
    start = threading.Barrier(len(keys))
    results: list[intake.Filed] = []
    errors: list[BaseException] = []

    def request(key: str) -> None:
        try:
            filing = _filing(svc, key)
            start.wait(timeout=30)
            results.append(intake.filing_submit(filing))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert Dossier.objects.count() == 9
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert [code[-4:] for code in codes] == [f"{n:04d}" for n in range(1, 10)]
    same = {item.dossier.pk for item in results if item.dossier.idempotency_key == "same"}
    assert len(same) == 1
    assert sum(item.created for item in results) == 9
    assert ledger_verify().ok


@pytest.mark.django_db
def test_a_procedure_without_workflow_is_refused_before_any_write(
    svc: SimpleNamespace,
    clock: Any,
    demo_agencies: dict[str, Any],
) -> None:
    bare = make_procedure(code="9.999999.000.00.00.H31", agencies=[svc.centre], steps=False)
    with pytest.raises(DomainError, match="quy trình"):
        intake.filing_check(
            applicant=svc.citizen, procedure=bare, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="bare"
        )
    assert not Dossier.objects.exists()

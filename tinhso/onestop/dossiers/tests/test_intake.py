"""Online filings written together (services.filings_write) and the process's group writer
(intake.IntakeGroup): numbers, events, notifications and ledger entries as when written one by
one; all or nothing for a group; one filing's fault never refuses another's."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tinhso.core.errors import Conflict
from tinhso.ledger.models import Entry
from tinhso.ledger.selectors import ledger_verify
from tinhso.ledger.testing import seal
from tinhso.onestop.conftest import GOOD_FORM, make_procedure
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.dossiers.intake import IntakeGroup, _Waiting
from tinhso.onestop.models import Dossier, DossierEvent, DossierSequence, Notification

DB_TASKS = {"default": {"BACKEND": "tinhso.core.task_backend.DatabaseBackend"}}


def _filing(svc: SimpleNamespace, key: str, *, applicant: Any = None, agency: Any = None) -> S.Filing:
    return S.filing_check(applicant=applicant or svc.citizen, procedure=svc.procedure, agency=agency or svc.centre,
                          form_data=GOOD_FORM, idempotency_key=key)


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_filings_written_together_get_their_agencys_numbers_events_notifications_and_entries(
    svc: SimpleNamespace, clock: Any,
) -> None:
    svc.citizen.email = "an.nguyen@example.vn"
    svc.citizen.save(update_fields=["email"])
    S.dossier_submit_online(applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre,
                            form_data=GOOD_FORM, idempotency_key="before")  # H31.01-260302-0001
    entries, tasks = Entry.objects.count(), DBTaskResult.objects.count()

    dossiers = S.filings_write([
        _filing(svc, "g-1"), _filing(svc, "g-2", agency=svc.stp), _filing(svc, "g-3"),
        _filing(svc, "g-4", applicant=svc.other_citizen),
    ])

    assert [d.code for d in dossiers] == [
        "H31.01-260302-0002", "H31.02-260302-0001", "H31.01-260302-0003", "H31.01-260302-0004",
    ]
    assert all(d.pk and d.state == S.S.SUBMITTED for d in dossiers)
    assert [d.applicant_id for d in dossiers] == [svc.citizen.pk, svc.citizen.pk, svc.citizen.pk,
                                                  svc.other_citizen.pk]
    assert DossierSequence.objects.get(agency_code="H31.01").last == 4
    events = DossierEvent.objects.filter(dossier__in=dossiers).order_by("dossier_id")
    assert [(e.action, e.actor_id, e.to_state) for e in events] == [
        ("submit_online", d.applicant_id, "submitted") for d in sorted(dossiers, key=lambda d: d.pk)]
    seal()  # as the worker would: the sequence follows the order the filings were written in
    new_entries = list(Entry.objects.filter(sequence__gt=entries).order_by("sequence"))
    assert [(e.action, e.object_id) for e in new_entries] == [
        ("services.dossier.submit_online", str(d.pk)) for d in dossiers]
    # The three filings of the citizen with an e-mail address: three rows, one sending task.
    assert Notification.objects.filter(dossier__in=dossiers).count() == 3
    assert DBTaskResult.objects.count() == tasks + 1
    assert ledger_verify().ok


@pytest.mark.django_db
def test_a_group_with_a_used_key_writes_nothing_and_gives_its_numbers_back(svc: SimpleNamespace, clock: Any) -> None:
    first = S.dossier_submit_online(applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre,
                                    form_data=GOOD_FORM, idempotency_key="used")
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count())

    with pytest.raises(IntegrityError):
        S.filings_write([_filing(svc, "fresh"), _filing(svc, "used")])

    assert (Dossier.objects.count(), DossierEvent.objects.count(), Entry.objects.count()) == counts
    assert DossierSequence.objects.get(agency_code="H31.01").last == 1
    assert first.code.endswith("-0001")


@pytest.mark.django_db
def test_when_a_group_fails_each_filing_is_answered_on_its_own(svc: SimpleNamespace, clock: Any) -> None:
    """A new filing, a retry of the same applicant's used key, someone else's key: the first is
    written, the retry gets the first dossier (not created), the third its own refusal."""
    used = S.dossier_submit_online(applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre,
                                   form_data=GOOD_FORM, idempotency_key="used")
    group = [_Waiting(_filing(svc, "new"), "vi"), _Waiting(_filing(svc, "used"), "vi"),
             _Waiting(_filing(svc, "used", applicant=svc.other_citizen), "vi")]

    IntakeGroup(8).write(group)

    assert all(waiting.done.is_set() for waiting in group)
    assert group[0].result is not None
    assert group[0].result.created
    assert group[0].result.dossier.code.endswith("-0002")
    assert group[1].result == S.Filed(used, created=False)
    assert group[1].error is None
    assert isinstance(group[2].error, Conflict)
    assert group[2].result is None
    assert "Mã chống gửi trùng" in str(group[2].error)
    assert Dossier.objects.count() == 2


@pytest.mark.django_db
def test_inside_a_callers_transaction_the_filing_is_written_in_it(svc: SimpleNamespace, clock: Any) -> None:
    intake = IntakeGroup(8)
    with transaction.atomic():
        filed = intake.submit(_filing(svc, "inside"))
        assert Dossier.objects.filter(pk=filed.dossier.pk).exists()  # already visible: same transaction
        transaction.set_rollback(True)
    assert intake.groups == 0  # no writer thread involved
    assert not Dossier.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_filings_waiting_together_are_written_in_one_group(svc: SimpleNamespace) -> None:
    """While the writer waits on the agency's dossier counter (held here; writers no longer
    lock the ledger head), eleven more requests come in:
    the next group takes all of them. Every request gets its own committed dossier."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a row lock held while other connections write")
    intake = IntakeGroup(32)
    results: dict[int, Any] = {}
    errors: list[BaseException] = []

    def request(number: int) -> None:
        try:
            results[number] = intake.submit(_filing(svc, f"t-{number}"))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        S.dossier_submit_online(applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre,
                                form_data=GOOD_FORM, idempotency_key="t-first")
    threads = [threading.Thread(target=request, args=(n,)) for n in range(12)]
    with transaction.atomic():
        DossierSequence.objects.select_for_update().get(agency_code="H31.01")  # the first group stops here
        threads[0].start()
        deadline = time.monotonic() + 20
        while (intake._thread is None or intake._queue.qsize()) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # the writer has taken the first filing and waits for the counter
        assert intake._queue.qsize() == 0
        for thread in threads[1:]:
            thread.start()
        while intake._queue.qsize() < 11 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert intake._queue.qsize() == 11
    for thread in threads:
        thread.join(timeout=60)
    intake.stop()

    assert not errors, errors
    assert (intake.groups, intake.filings) == (2, 12)
    codes = sorted(result.dossier.code for result in results.values())
    assert codes == [f"H31.01-{codes[0][7:13]}-{n:04d}" for n in range(2, 14)]
    assert all(result.created for result in results.values())
    assert Dossier.objects.count() == 13
    assert ledger_verify().ok
    connection.close()


@pytest.mark.django_db
def test_a_procedure_without_workflow_is_refused_before_any_write(
    svc: SimpleNamespace, clock: Any, demo_agencies: dict[str, Any],
) -> None:
    bare = make_procedure(code="9.999999.000.00.00.H31", agencies=[svc.centre], steps=False)
    with pytest.raises(S.DomainError, match="quy trình"):
        S.filing_check(applicant=svc.citizen, procedure=bare, agency=svc.centre, form_data=GOOD_FORM,
                       idempotency_key="bare")
    assert not Dossier.objects.exists()

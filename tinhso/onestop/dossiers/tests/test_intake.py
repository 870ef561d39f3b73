"""Online filings (intake.filing_check, intake.filing_submit): each with its agency's number of
the day, its event, notification and ledger entry; a retry with a used key gives back the first
dossier (to its applicant only) and writes nothing; concurrent filings never share a number nor
make two dossiers of one key. Filings that reach a process together are written in one
transaction (intake.filings_write, intake.IntakeGroup), all or nothing, and one filing's fault
never fails the others."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone
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


# --- group commit ------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_filings_written_together_get_consecutive_numbers_events_notifications_and_entries(
    svc: SimpleNamespace, clock: Any
) -> None:
    svc.citizen.email = "an.nguyen@example.vn"
    svc.citizen.save(update_fields=["email"])
    intake.dossier_submit_online(  # H31.01-260302-0001
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="before"
    )
    entries, tasks = Entry.objects.count(), DBTaskResult.objects.count()

    dossiers = intake.filings_write(
        [
            _filing(svc, "g-1"),
            _filing(svc, "g-2", agency=svc.stp),
            _filing(svc, "g-3"),
            _filing(svc, "g-4", applicant=svc.other_citizen),
        ]
    )

    assert [d.code for d in dossiers] == [
        "H31.01-260302-0002",
        "H31.02-260302-0001",
        "H31.01-260302-0003",
        "H31.01-260302-0004",
    ]
    assert all(d.pk and d.state == DossierState.SUBMITTED for d in dossiers)
    assert [d.idempotency_key for d in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).order_by("pk")] == [
        "g-1",
        "g-2",
        "g-3",
        "g-4",
    ]
    assert DossierSequence.objects.get(agency_code="H31.01").last == 4
    assert DossierSequence.objects.get(agency_code="H31.02").last == 1
    events = DossierEvent.objects.filter(dossier__in=dossiers).order_by("dossier_id")
    assert [(e.action, e.actor_id, e.to_state) for e in events] == [
        ("submit_online", d.applicant_id, "submitted") for d in dossiers
    ]
    seal()
    new_entries = list(Entry.objects.filter(sequence__gt=entries).order_by("sequence"))
    assert [(e.action, e.object_id) for e in new_entries] == [
        ("services.dossier.submit_online", str(d.pk)) for d in dossiers
    ]
    # The three filings of the citizen with an e-mail address: three outbox rows, no task.
    assert Notification.objects.filter(dossier__in=dossiers, state="pending").count() == 3
    assert DBTaskResult.objects.count() == tasks
    assert ledger_verify().ok


@pytest.mark.django_db
def test_a_group_with_a_used_key_writes_nothing_and_gives_its_numbers_back(svc: SimpleNamespace, clock: Any) -> None:
    intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="used"
    )
    counts = (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Notification.objects.count(),
        Entry.objects.count(),
    )

    with pytest.raises(IntegrityError):
        intake.filings_write([_filing(svc, "fresh"), _filing(svc, "used")])

    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Notification.objects.count(),
        Entry.objects.count(),
    ) == counts
    assert DossierSequence.objects.get(agency_code="H31.01").last == 1


@pytest.mark.django_db
def test_when_a_group_fails_each_filing_is_answered_on_its_own(svc: SimpleNamespace, clock: Any) -> None:
    """A new filing, a retry of the same applicant's used key, someone else's key, another new
    one: the new ones are written with the next numbers, the retry gets the first dossier (not
    created), the third its own refusal."""
    used = intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="used"
    )
    group = intake.IntakeGroup(8)
    waiting = [
        intake.Waiting(_filing(svc, "new-1"), "vi"),
        intake.Waiting(_filing(svc, "used"), "vi"),
        intake.Waiting(_filing(svc, "used", applicant=svc.other_citizen), "vi"),
        intake.Waiting(_filing(svc, "new-2"), "vi"),
    ]

    group.write(waiting)

    assert all(item.done and item.wake.is_set() for item in waiting)
    assert (group.groups, group.filings) == (1, 4)
    assert waiting[0].result is not None
    assert waiting[0].result.created
    assert waiting[0].result.dossier.code.endswith("-0002")
    assert waiting[1].result == intake.Filed(used, created=False)
    assert waiting[1].error is None
    assert isinstance(waiting[2].error, Conflict)
    assert waiting[2].result is None
    assert waiting[3].result is not None
    assert waiting[3].result.dossier.code.endswith("-0003")
    assert Dossier.objects.count() == 3
    assert DossierSequence.objects.get(agency_code="H31.01").last == 3


@pytest.mark.django_db(transaction=True)
def test_a_filing_alone_goes_through_the_group_as_a_group_of_one(svc: SimpleNamespace, clock: Any) -> None:
    group = intake.intake_group(16)
    before = (group.groups, group.filings)

    filed = intake.filing_submit(_filing(svc, "alone"))

    assert filed.created
    assert filed.dossier.code.endswith("-0001")
    assert intake.intake_group(16) is group
    assert (group.groups, group.filings) == (before[0] + 1, before[1] + 1)
    assert (group.waiting, group.writing) == (0, False)


@pytest.mark.django_db(transaction=True)
@override_settings(TINHSO_INTAKE_GROUP_MAX=1)
def test_with_a_group_max_of_one_each_filing_is_written_alone(svc: SimpleNamespace, clock: Any) -> None:
    group = intake.intake_group(16)
    before = (group.groups, group.filings)

    first = intake.filing_submit(_filing(svc, "one"))
    again = intake.filing_submit(_filing(svc, "one"))
    second = intake.filing_submit(_filing(svc, "two"))

    assert (group.groups, group.filings) == before  # the group was not used
    assert first.created
    assert again == intake.Filed(first.dossier, created=False)
    assert [first.dossier.code[-4:], second.dossier.code[-4:]] == ["0001", "0002"]
    assert Dossier.objects.count() == 2


def _transactions(dossiers: list[Dossier]) -> dict[str, int]:
    """The PostgreSQL transaction that wrote each dossier (its row's ``xmin``), by code."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "code", xmin::text FROM "{Dossier._meta.db_table}" WHERE "id" = ANY(%s)',  # noqa: S608
            [[d.pk for d in dossiers]],
        )
        return {code: int(xid) for code, xid in cursor.fetchall()}


@contextmanager
def _writer_held(svc: SimpleNamespace) -> Iterator[Callable[[Callable[[], Any]], threading.Thread]]:
    """While the agency's counter row of the day is locked here, a first request starts writing
    its group and waits on it; requests started with the yielded function then queue behind it
    for the next group. Everything is written when the block ends."""
    group = intake.intake_group(16)
    first = intake.filing_submit(_filing(svc, "held-first")).dossier  # the counter row exists
    threads: list[threading.Thread] = []

    def start(request: Callable[[], Any]) -> threading.Thread:
        thread = threading.Thread(target=request)
        threads.append(thread)
        thread.start()
        return thread

    deadline = time.monotonic() + 30
    with transaction.atomic():
        DossierSequence.objects.select_for_update().get(
            agency_code="H31.01", day=timezone.localdate(first.submitted_at)
        )
        queued = 0

        def start_queued(request: Callable[[], Any]) -> threading.Thread:
            nonlocal queued
            if not threads:  # the writer: it takes its filing and stops on the counter row
                thread = start(request)
                while not (group.writing and group.waiting == 0) and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(0.3)
                return thread
            queued += 1
            thread = start(request)
            while group.waiting < queued and time.monotonic() < deadline:
                time.sleep(0.01)
            return thread

        yield start_queued
        assert group.waiting == queued
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_filings_waiting_together_share_one_transaction_and_get_consecutive_numbers(svc: SimpleNamespace) -> None:
    """While a first filing is being written, eleven more reach the process: the next group
    takes all of them, in one transaction, numbered one after the other without a gap."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a row lock held while other connections write")
    group = intake.intake_group(16)
    results: dict[int, intake.Filed] = {}
    errors: list[BaseException] = []

    def request(number: int) -> Callable[[], None]:
        def run() -> None:
            try:
                results[number] = intake.filing_submit(_filing(svc, f"t-{number}"))
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        return run

    with _writer_held(svc) as start:
        before = (group.groups, group.filings)
        for number in range(12):
            start(request(number))

    assert not errors, errors
    assert (group.groups - before[0], group.filings - before[1]) == (2, 12)
    assert all(result.created for result in results.values())
    dossiers = [results[n].dossier for n in range(12)]
    assert [d.code[-4:] for d in dossiers] == [f"{n:04d}" for n in range(2, 14)]  # in the order they came
    assert Dossier.objects.count() == 13
    written = _transactions(dossiers)
    assert len({written[d.code] for d in dossiers[1:]}) == 1  # the eleven in one transaction
    assert written[dossiers[0].code] != written[dossiers[1].code]
    assert DossierEvent.objects.count() == 13
    seal()
    assert Entry.objects.filter(action="services.dossier.submit_online").count() == 13
    assert ledger_verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failing_filing_in_a_group_does_not_fail_the_others(svc: SimpleNamespace) -> None:
    """Queued together behind a first filing: three new ones, a retry of a used key by its
    applicant, the same key by someone else. The new ones are written (consecutive numbers),
    the retry gets the first dossier, the other applicant a 409, nothing more."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a row lock held while other connections write")
    results: dict[str, intake.Filed] = {}
    errors: dict[str, BaseException] = {}

    def request(name: str, key: str, applicant: Any = None) -> Callable[[], None]:
        def run() -> None:
            try:
                results[name] = intake.filing_submit(_filing(svc, key, applicant=applicant))
            except BaseException as error:  # reported below
                errors[name] = error
            finally:
                connection.close()

        return run

    with _writer_held(svc) as start:
        start(request("writer", "w"))
        start(request("new-1", "n-1"))
        start(request("retry", "held-first"))
        start(request("new-2", "n-2"))
        start(request("other", "held-first", applicant=svc.other_citizen))
        start(request("new-3", "n-3"))

    first = Dossier.objects.get(idempotency_key="held-first")
    assert set(errors) == {"other"}
    assert isinstance(errors["other"], Conflict)
    assert results["retry"] == intake.Filed(first, created=False)
    assert [results[name].dossier.code[-4:] for name in ("writer", "new-1", "new-2", "new-3")] == [
        "0002",
        "0003",
        "0004",
        "0005",
    ]
    assert all(results[name].created for name in ("writer", "new-1", "new-2", "new-3"))
    assert Dossier.objects.count() == 5
    assert DossierSequence.objects.get(agency_code="H31.01").last == 5
    seal()
    assert Entry.objects.filter(action="services.dossier.submit_online").count() == 5
    assert ledger_verify().ok

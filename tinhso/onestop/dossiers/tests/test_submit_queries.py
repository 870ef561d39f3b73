"""The online submission's cost in queries, pinned: intake is the platform's hot path
(benchmarks/intake.py), so a query added to it must fail here rather than slip by.

Counted: the statements a ``POST /api/services/dossiers/`` sends, transaction control
(BEGIN, COMMIT, savepoints) left aside since the test's own transaction changes it. With the
database task queue (a worker runs), the notification is only an outbox row, written inside the
submission's transaction and rolled back with it; the worker's loop sends it, no task row.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tinhso.ledger.models import Entry
from tinhso.onestop.conftest import GOOD_FORM
from tinhso.onestop.dossiers import intake
from tinhso.onestop.models import Dossier, DossierEvent, Notification

pytestmark = pytest.mark.django_db

URL = "/api/services/dossiers/"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")

# session, user, procedure+agency (one narrow query), permission (one query), dossier number,
# dossier, event, notification, then the ledger (head + write: one statement on
# PostgreSQL, one per table on SQLite). No look-up of the key: a retry is caught by its insert.
SUBMIT_STATEMENTS = 8
LEDGER_STATEMENTS = {"postgresql": 2}
LEDGER_STATEMENTS_SQLITE = 4  # head, entry, payload, head update (+ Merkle nodes every other append)


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(CONTROL)]


@pytest.fixture(autouse=True)
def _with_email(svc: SimpleNamespace) -> None:
    """As the benchmark's citizen: an e-mail address, so each submission queues a notification."""
    svc.citizen.email = "an.nguyen@example.vn"
    svc.citizen.save(update_fields=["email"])


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _post(client: Client, svc: SimpleNamespace, key: str, form: dict[str, Any] | None = None) -> Any:
    body = {"procedure": svc.procedure.code, "agency": svc.centre.pk, "form_data": form or GOOD_FORM}
    return client.post(URL, json.dumps(body), content_type="application/json", headers={"Idempotency-Key": key})


@override_settings(TASKS=DB_TASKS)
def test_a_submission_takes_its_pinned_number_of_queries(svc: SimpleNamespace, clock: Any) -> None:
    client = _client(svc.citizen)
    assert _post(client, svc, "warm-up").status_code == 201  # first-use costs (content types…) aside
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, svc, "q-1")
    assert response.status_code == 201, response.content.decode()
    statements = _statements(queries)
    ledger = [sql for sql in statements if "ledger_" in sql]
    assert len(statements) - len(ledger) == SUBMIT_STATEMENTS, "\n".join(statements)
    if connection.vendor == "postgresql":
        assert len(ledger) == LEDGER_STATEMENTS["postgresql"], "\n".join(ledger)
    else:
        assert len(ledger) <= LEDGER_STATEMENTS_SQLITE + 1, "\n".join(ledger)
    assert sum("workflowstep" in sql for sql in statements) == 1  # folded into the procedure query
    assert sum("org_roleassignment" in sql for sql in statements) == 1
    assert not any('"idempotency_key" =' in sql for sql in statements)  # never looked up first
    # One atomic block around the writes: the test's transaction makes it one savepoint, no more.
    assert sum(q["sql"].upper().startswith("SAVEPOINT") for q in queries.captured_queries) == 1
    dossier = Dossier.objects.get(pk=response.json()["id"])
    assert Notification.objects.get(dossier=dossier).state == "pending"  # for the worker's loop
    assert not any("django_tasks" in sql for sql in statements)  # no task row per filing


@override_settings(TASKS=DB_TASKS)
@pytest.mark.parametrize("form", [None, {"full_name": ""}], ids=["same-input", "invalid-input"])
def test_a_retry_answers_the_first_dossier_and_writes_nothing(
    svc: SimpleNamespace,
    clock: Any,
    form: dict[str, Any] | None,
) -> None:
    """Sent again with valid input, the insert fails on the key and rolls back (its number
    too); with input no longer valid, the refusal looks the key up: both answer 200 with the
    first dossier."""
    client = _client(svc.citizen)
    first = _post(client, svc, "q-2")
    assert first.status_code == 201
    counts = (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Entry.objects.count(),
        DBTaskResult.objects.count(),
        Notification.objects.count(),
    )
    again = _post(client, svc, "q-2", form=form)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Entry.objects.count(),
        DBTaskResult.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert _post(client, svc, "q-3").json()["code"].endswith("-0002")  # no number lost to the retry


@override_settings(TASKS=DB_TASKS)
def test_the_outbox_row_rolls_back_with_the_submission(svc: SimpleNamespace, clock: Any) -> None:
    tasks = DBTaskResult.objects.count()

    with transaction.atomic():
        intake.dossier_submit_online(
            applicant=svc.citizen,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key="q-3",
        )
        assert Notification.objects.count() == 1  # written in the transaction, not after it
        assert DBTaskResult.objects.count() == tasks  # no task: the worker's loop sends the row
        transaction.set_rollback(True)
    assert not Dossier.objects.filter(idempotency_key="q-3").exists()
    assert not Notification.objects.exists()
    assert DBTaskResult.objects.count() == tasks


def test_a_retry_through_the_service_returns_the_first_dossier_and_refuses_others(
    svc: SimpleNamespace,
    clock: Any,
) -> None:
    """No look-up before the insert: the unique key catches the retry, inside a caller's
    transaction too (the failed insert rolls back to its savepoint, the caller's work stays)."""
    with transaction.atomic():
        first = intake.dossier_submit_online(
            applicant=svc.citizen,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key="q-4",
        )
        again = intake.dossier_submit_online(
            applicant=svc.citizen,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key="q-4",
        )
        assert again.pk == first.pk
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.count() == 1
    from tinhso.core.errors import Conflict

    with pytest.raises(Conflict):
        intake.dossier_submit_online(
            applicant=svc.other_citizen,
            procedure=svc.procedure,
            agency=svc.centre,
            form_data=GOOD_FORM,
            idempotency_key="q-4",
        )
    assert Dossier.objects.count() == 1
    nxt = intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key="q-5"
    )
    assert nxt.code.endswith("-0002")  # the retries' numbers were given back

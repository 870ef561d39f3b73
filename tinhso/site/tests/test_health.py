from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.core.models import WorkerHeartbeat
from tinhso.core.scheduler import enqueue_due_jobs, sync_jobs
from tinhso.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_migrations_worker_and_ledger() -> None:
    data = Client().get("/healthz").json()
    assert data["ok"] is True
    assert data["database"]["ok"] is True
    assert data["migrations"] == {"ok": True, "pending": 0}
    assert data["worker"]["ok"] is False  # no worker has run the heartbeat yet
    assert set(data["ledger"]) == {
        "ok",
        "size",
        "head_hash",
        "unsealed",
        "oldest_unsealed_age_seconds",
        "max_merge_delay_seconds",
    }


def test_healthz_turns_unhealthy_when_an_entry_waits_longer_than_the_merge_delay(settings: Any) -> None:
    from django.db import transaction

    from tinhso.ledger.models import Entry
    from tinhso.ledger.services import ledger_append, ledger_seal

    ledger_seal()
    with transaction.atomic():
        ledger_append(actor=None, action="test.health.write")
    fresh = Client().get("/healthz")
    assert fresh.status_code == 200
    assert fresh.json()["ledger"]["unsealed"] == 1
    Entry.objects.filter(sequence__isnull=True).update(
        recorded_at=timezone.now() - dt.timedelta(seconds=settings.LEDGER_MAX_MERGE_DELAY_SECONDS + 5)
    )
    stale = Client().get("/healthz")
    assert stale.status_code == 503
    assert stale.json()["ledger"]["ok"] is False
    assert stale.json()["ledger"]["oldest_unsealed_age_seconds"] > settings.LEDGER_MAX_MERGE_DELAY_SECONDS
    ledger_seal()
    assert Client().get("/healthz").status_code == 200


def test_healthz_sees_a_worker_that_ran_the_heartbeat() -> None:
    worker_heartbeat.enqueue()  # the test settings run tasks immediately
    data = Client().get("/healthz").json()
    assert data["worker"]["ok"] is True
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(hours=1))
    assert Client().get("/healthz").json()["worker"]["ok"] is False


def test_scheduler_enqueues_each_due_job_once() -> None:
    now = timezone.now()
    sync_jobs(now)
    assert set(enqueue_due_jobs(now)) == {
        "worker_heartbeat",
        "ledger_checkpoint",
        "programme_reminders",
        "dossiers_late_scan",
        "storage_sweep",
        "account_codes_purge",
    }
    assert enqueue_due_jobs(now) == []  # moved forward: not due again at the same instant
    later = now + dt.timedelta(seconds=31)
    assert enqueue_due_jobs(later) == ["worker_heartbeat"]
    assert WorkerHeartbeat.objects.count() == 1

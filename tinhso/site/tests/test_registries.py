"""What the apps register in the lower layers at start-up (core's jobs and storage areas, the
ledger's auditor check): the lower apps know none of them by import."""

from __future__ import annotations

import pytest
from django.test import Client

from tinhso.core.scheduler import periodic_jobs
from tinhso.core.storage_sweep import areas
from tinhso.ledger import api as ledger_api
from tinhso.org.models import Person

pytestmark = pytest.mark.django_db


def test_every_app_registered_its_periodic_jobs() -> None:
    assert {(spec.name, spec.task_path) for spec in periodic_jobs()} == {
        ("worker_heartbeat", "tinhso.core.tasks.worker_heartbeat"),
        ("ledger_checkpoint", "tinhso.ledger.tasks.checkpoint_sign_task"),
        ("programme_reminders", "tinhso.programme.tasks.reminders_send"),
        ("dossiers_late_scan", "tinhso.onestop.tasks.dossiers_late_scan"),
        ("storage_sweep", "tinhso.site.tasks.storage_sweep_task"),
        ("account_codes_purge", "tinhso.org.accounts.tasks.codes_purge_run"),
    }


def test_every_app_registered_its_storage_areas() -> None:
    assert {(area.name, area.prefix, area.field) for area in areas()} == {
        ("dossier_files", "dossiers", "services.DossierFile.file"),
        ("pending_uploads", "pending", ""),
        ("programme_evidence", "programme/evidence", "programme.Evidence.file"),
        ("import_previews", "programme/imports", ""),
    }


def test_the_ledger_asks_the_registered_check_and_refuses_everyone_without_one() -> None:
    auditor = Person.objects.create_user(username="kiem-toan", password="x")
    client = Client()
    client.force_login(auditor)
    registered = list(ledger_api._auditor_checks)
    try:
        ledger_api.auditor_check_register(lambda user: user.pk == auditor.pk)
        assert client.get("/api/ledger/verify/").status_code == 200
        ledger_api._auditor_checks.clear()
        response = client.get("/api/ledger/verify/")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    finally:
        ledger_api._auditor_checks[:] = registered
